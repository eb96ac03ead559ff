"""Marks written into a copy of a Word file where pandoc's reading would lose its structure.

Two things pandoc reads from Word as something else. A paragraph that continues a list item
(pandoc's own Word writer numbers it with an invisible bullet, as does Word when the bullet is
deleted) comes back as a bullet of its own; and the paragraphs of an admonition (polisi's Word
copy styles them "Admonition Title" and "Admonition") come back as plain paragraphs. Each such
paragraph here starts with a marker that pandoc carries through as text, and the import filter
(``import.lua``) turns the marked paragraphs back into the list item's own paragraph and the
``!!!`` block they were.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

MARK = "\ue000"
"""A private-use character around each marker: it never occurs in a policy's own text."""
CONTINUES = f"{MARK}continues{MARK}"
ADMONITION = f"{MARK}admonition{MARK}"
"""A paragraph of an admonition after its first."""
DEFAULT_ADMONITION = "note"
"""The kind of an admonition whose kind the Word file does not record."""
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": _W}
_TITLE_STYLE, _BODY_STYLE = "admonition title", "admonition"


def first_mark(kind: str, titled: bool) -> str:
    """The marker of an admonition's first paragraph (its title, or the first of its body when it
    has none), carrying its kind (``warning``; classes after the first joined by ``+``)."""
    role = "admonition-title" if titled else "admonition-start"
    return f"{MARK}{role}:{kind.replace(' ', '+')}{MARK}"


def premarked(source: Path, workdir: Path, admonitions: Sequence[str] = ()) -> Path:
    """A copy of ``source`` in ``workdir`` with the markers in place (``source`` itself when it
    needs none). ``admonitions`` are the kinds of its admonitions in order, where known."""
    try:
        with zipfile.ZipFile(source) as archive:
            document = etree.fromstring(archive.read("word/document.xml"))
            numbering = _read(archive, "word/numbering.xml")
            styles = _read(archive, "word/styles.xml")
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, OSError):
        return source
    if not _mark(document, _blank_levels(numbering), _admonition_styles(styles), list(admonitions)):
        return source
    marked = workdir / "premarked.docx"
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(marked, "w", zipfile.ZIP_DEFLATED) as out:
        for info in archive.infolist():
            if info.filename == "word/document.xml":
                out.writestr(info, etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True))
            else:
                with archive.open(info) as part, out.open(info, "w") as copy:
                    shutil.copyfileobj(part, copy)
    return marked


def _read(archive: zipfile.ZipFile, name: str) -> etree._Element | None:
    return etree.fromstring(archive.read(name)) if name in archive.namelist() else None


def _mark(document: etree._Element, blank: set[tuple[str, str]], admonition_styles: dict[str, str],
          kinds: list[str]) -> bool:
    """Put the markers into ``document``; whether any was needed."""
    changed = inside = False
    for paragraph in document.iterfind(".//w:body//w:p", _NS):
        number = paragraph.find("w:pPr/w:numPr", _NS)
        style = paragraph.find("w:pPr/w:pStyle", _NS)
        role = admonition_styles.get(style.get(f"{{{_W}}}val", "")) if style is not None else None
        marker = None
        if role == _TITLE_STYLE or (role == _BODY_STYLE and not inside):
            marker = first_mark(_kind(kinds.pop(0) if kinds else ""), role == _TITLE_STYLE)
        elif role == _BODY_STYLE:
            marker = ADMONITION
        elif number is not None and _level(number) in blank:
            marker = CONTINUES
        if marker:
            _prefix(paragraph, marker)
            changed = True
        inside = role is not None
    return changed


def _kind(recorded: str) -> str:
    """The kind as recorded, when it is one Python-Markdown can write (``warning``, ``note inline``)."""
    return recorded if re.fullmatch(r"[A-Za-z0-9_-]+( [A-Za-z0-9_-]+)*", recorded) else DEFAULT_ADMONITION


def _level(number: etree._Element) -> tuple[str, str]:
    num_id = number.find("w:numId", _NS)
    level = number.find("w:ilvl", _NS)
    return (num_id.get(f"{{{_W}}}val", "") if num_id is not None else "",
            level.get(f"{{{_W}}}val", "0") if level is not None else "0")


def _prefix(paragraph: etree._Element, marker: str) -> None:
    """A run holding ``marker`` before the paragraph's first run."""
    run = etree.Element(f"{{{_W}}}r")
    etree.SubElement(run, f"{{{_W}}}t").text = marker
    properties = paragraph.find("w:pPr", _NS)
    paragraph.insert(paragraph.index(properties) + 1 if properties is not None else 0, run)


def _blank_levels(numbering: etree._Element | None) -> set[tuple[str, str]]:
    """(numbering id, level) pairs whose bullet prints nothing: the paragraph continues an item."""
    if numbering is None:
        return set()
    blank_abstract: set[tuple[str, str]] = set()
    for abstract in numbering.iterfind("w:abstractNum", _NS):
        for level in abstract.iterfind("w:lvl", _NS):
            text = level.find("w:lvlText", _NS)
            form = level.find("w:numFmt", _NS)
            shown = text.get(f"{{{_W}}}val", "") if text is not None else ""
            kind = form.get(f"{{{_W}}}val", "") if form is not None else ""
            if (kind == "bullet" and not shown.strip()) or kind == "none":
                blank_abstract.add((abstract.get(f"{{{_W}}}abstractNumId", ""), level.get(f"{{{_W}}}ilvl", "0")))
    blank: set[tuple[str, str]] = set()
    for num in numbering.iterfind("w:num", _NS):
        abstract_id = num.find("w:abstractNumId", _NS)
        if abstract_id is None:
            continue
        blank.update((num.get(f"{{{_W}}}numId", ""), level) for abstract, level in blank_abstract
                     if abstract == abstract_id.get(f"{{{_W}}}val"))
    return blank


def _admonition_styles(styles: etree._Element | None) -> dict[str, str]:
    """Style id -> "admonition title" or "admonition", for the styles polisi's Word copy uses."""
    found: dict[str, str] = {}
    for style in styles.iterfind("w:style", _NS) if styles is not None else ():
        name = style.find("w:name", _NS)
        label = (name.get(f"{{{_W}}}val", "") if name is not None else "").lower()
        if label in (_TITLE_STYLE, _BODY_STYLE):
            found[style.get(f"{{{_W}}}styleId", "")] = label
    return found
