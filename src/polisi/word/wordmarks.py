"""What pandoc's reading of a Word file leaves out and the import still needs.

A link to a heading points at the heading's bookmark (``#Definitions``, or pandoc's own hashed
``#X40e67c2d...`` for a long heading), but pandoc gives the heading an identifier of its own and
forgets the bookmark; and Word numbers headings automatically ("7.1 Recording") without the
numbers being in the text. Both are read here from ``word/document.xml`` and ``word/styles.xml``.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from polisi.handbook.links import anchors, heading_ids

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class WordMarks:
    heading_bookmarks: dict[str, str]
    """Bookmark name -> the text of the heading it is on."""
    numbered_headings: int
    """How many headings Word numbers automatically."""


def word_marks(path: Path) -> WordMarks:
    """The bookmarks on headings and the count of automatically numbered headings in ``path``."""
    try:
        with zipfile.ZipFile(path) as archive:
            document = ET.fromstring(archive.read("word/document.xml"))
            styles = ET.fromstring(archive.read("word/styles.xml")) if "word/styles.xml" in archive.namelist() else None
    except (KeyError, zipfile.BadZipFile, ET.ParseError, OSError):
        return WordMarks({}, 0)
    heading_styles, numbered_styles = _heading_styles(styles)
    bookmarks: dict[str, str] = {}
    numbered = 0
    before: list[str] = []
    """Bookmarks just before a paragraph: pandoc writes a heading's bookmark around it, not in it."""
    body = document.find(f"{_W}body")
    for block in body if body is not None else ():
        if block.tag == f"{_W}bookmarkStart":
            before.append(block.get(f"{_W}name", ""))
            continue
        names, before = before, []
        if block.tag != f"{_W}p":
            continue
        style = block.find(f"{_W}pPr/{_W}pStyle")
        style_id = style.get(f"{_W}val", "") if style is not None else ""
        if style_id not in heading_styles and block.find(f"{_W}pPr/{_W}outlineLvl") is None:
            continue
        numbered += block.find(f"{_W}pPr/{_W}numPr") is not None or style_id in numbered_styles
        text = "".join(t.text or "" for t in block.iter(f"{_W}t")).strip()
        names += [mark.get(f"{_W}name", "") for mark in block.iter(f"{_W}bookmarkStart")]
        for name in names:
            if name and not name.startswith("_") and text:
                bookmarks[name] = text
    return WordMarks(bookmarks, numbered)


def _heading_styles(styles: ET.Element | None) -> tuple[set[str], set[str]]:
    """Ids of the heading paragraph styles, and of those that carry automatic numbering."""
    headings: set[str] = set()
    numbered: set[str] = set()
    if styles is None:
        return headings, numbered
    for style in styles.iter(f"{_W}style"):
        style_id = style.get(f"{_W}styleId", "")
        name = style.find(f"{_W}name")
        label = (name.get(f"{_W}val", "") if name is not None else "").lower()
        if label.startswith("heading") or style.find(f"{_W}pPr/{_W}outlineLvl") is not None:
            headings.add(style_id)
            if style.find(f"{_W}pPr/{_W}numPr") is not None:
                numbered.add(style_id)
    return headings, numbered


_SAME_PAGE_LINK = re.compile(r"\]\(#([^)\s]+)\)")


def relink_bookmarks(body: str, bookmarks: dict[str, str]) -> str:
    """Point each link to a heading's Word bookmark at that heading's id in the Markdown.

    A bookmark on an ordinary paragraph is left alone: the import filter wrote it as that
    paragraph's own id. Headings are matched by their text, the first heading of that text first.
    """
    ids: dict[str, str] = {}
    for text, anchor in heading_ids(body):
        ids.setdefault(_words(text), anchor)
    present = anchors(body)

    def relink(match: re.Match[str]) -> str:
        target = match.group(1)
        heading = bookmarks.get(target)
        if target in present or heading is None or _words(heading) not in ids:
            return match.group(0)
        return f"](#{ids[_words(heading)]})"

    return _SAME_PAGE_LINK.sub(relink, body)


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))
