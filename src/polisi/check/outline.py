"""The outline of a document body that a translation must keep: headings, lists, tables, links, citations.

Read from the same HTML rendering the site, PDFs and Word get (not from the
Markdown text), so "two lists" means two lists as readers see them. Legal
references in the prose are counted per language: "regulation 27" and
"rheoliad 27" (or its mutated forms, "reoliad 27") are the same citation.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

from polisi.handbook.links import is_external, resolve
from polisi.handbook.markdown import render_markdown

_REFERENCE_WORDS: dict[str, dict[str, str]] = {
    "en": {"regulation": "reg", "regulations": "reg", "reg.": "reg", "section": "s", "sections": "s",
           "schedule": "sch", "paragraph": "para"},
    "cy": {"rheoliad": "reg", "rheoliadau": "reg", "reoliad": "reg", "reoliadau": "reg", "adran": "s",
           "adrannau": "s", "hadran": "s", "atodlen": "sch", "hatodlen": "sch", "paragraff": "para",
           "baragraff": "para", "mharagraff": "para", "pharagraff": "para"},
}
"""How each language names the parts of legislation (Welsh mutates the first letter after some words)."""
_REFERENCE = re.compile(r"(?<![\w.])([A-Za-z]+\.?)\s+(\d{1,3}[A-Z]?)\b(?!\d)")
"""A word and a number of up to three digits: "Rheoliadau 2017" names a year, not a regulation."""


@dataclass
class Outline:
    """What a body is built of, in reading order, language aside."""

    headings: list[int] = field(default_factory=list)
    """The level of every heading."""
    lists: int = 0
    tables: int = 0
    internal_links: list[str] = field(default_factory=list)
    """Handbook path of every link to another document or file (a translation's path is its source's)."""
    external_links: int = 0
    citations: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(``reg``/``s``/``sch``/``para``, number) of each legal reference written in the prose."""


class _Reader(HTMLParser):
    def __init__(self, outline: Outline, hrefs: list[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.outline, self.hrefs, self.text = outline, hrefs, [""]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self.outline.headings.append(int(tag[1]))
        elif tag in ("ul", "ol"):
            self.outline.lists += 1
        elif tag == "table":
            self.outline.tables += 1
        elif tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)
        self.text.append(" ")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def outline(path: str, body: str, language: str, translations: dict[str, str]) -> Outline:
    """The outline of ``body`` (the file ``path``), reading legal references in ``language``.

    ``translations`` maps each translation file's path to its source's path, so a Welsh link to
    ``PRO-SAF-01.cy.md`` and an English link to ``PRO-SAF-01.md`` count as the same target.
    """
    found, hrefs = Outline(), list[str]()
    reader = _Reader(found, hrefs)
    reader.feed(render_markdown(body))
    for href in hrefs:
        if is_external(href):
            found.external_links += 1
            continue
        target, _ = resolve(path, href)
        if target:
            found.internal_links.append(translations.get(target, target))
    words = _REFERENCE_WORDS.get(language, {})
    for match in _REFERENCE.finditer(" ".join("".join(reader.text).split())):
        part = words.get(match.group(1).lower())
        if part:
            found.citations[(part, match.group(2))] += 1
    return found


def differences(source: Outline, translation: Outline) -> list[str]:
    """How the translation's outline departs from its source's, one phrase each."""
    found = []
    if source.headings != translation.headings:
        found.append(_headings(source.headings, translation.headings))
    for name, a, b in (("lists", source.lists, translation.lists), ("tables", source.tables, translation.tables),
                       ("links to web pages", source.external_links, translation.external_links)):
        if a != b:
            found.append(f"{b} {name} where the source has {a}")
    if source.internal_links != translation.internal_links:
        missing = sorted(set(source.internal_links) - set(translation.internal_links))
        extra = sorted(set(translation.internal_links) - set(source.internal_links))
        detail = "; ".join(
            part for part in (f"missing {', '.join(missing)}" if missing else "",
                              f"not in the source {', '.join(extra)}" if extra else "") if part
        ) or "in a different order or number"
        found.append(f"links to other documents differ ({detail})")
    if source.citations != translation.citations:
        missing = sorted((source.citations - translation.citations).elements())
        extra = sorted((translation.citations - source.citations).elements())
        parts = [f"missing {_refs(missing)}" if missing else "", f"not in the source {_refs(extra)}" if extra else ""]
        found.append(f"legal references in the text differ ({'; '.join(p for p in parts if p)})")
    return found


def _headings(source: list[int], translation: list[int]) -> str:
    if len(source) != len(translation):
        return f"{len(translation)} headings where the source has {len(source)}"
    index = next(i for i, (a, b) in enumerate(zip(source, translation, strict=True)) if a != b)
    return f"heading {index + 1} is level {translation[index]} where the source's is level {source[index]}"


def _refs(refs: list[tuple[str, str]]) -> str:
    return ", ".join(f"{part} {number}" for part, number in refs)
