"""Markdown that the renderers would show differently from what its author sees in the source.

Authors and the tools they import from (pandoc, GitHub, editors' previews) read Markdown as
CommonMark; the site, the PDFs and Word render it with Python-Markdown, which reads some of it
otherwise: a step after a paragraph is swallowed into it, a list nested by two spaces is
flattened, a grid table or a pandoc ``:::`` block is printed as text, ``\\'`` keeps its
backslash, ``#tag`` becomes a heading. Each is reported where it is written, with what to write
instead, so that a document that passes ``check`` reads the same everywhere. A scan of the source
line by line, rather than a render, keeps ``check`` fast; a test holds each rule to what
Python-Markdown really renders.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from polisi.check.print_width import too_wide
from polisi.findings import Finding, Severity
from polisi.handbook.links import is_external, lines_outside_code, links, mask_code_spans
from polisi.handbook.markdown import printed_escapes
from polisi.handbook.model import Handbook

ERROR = Severity.ERROR
_MARKER = re.compile(r"^ *(?:(?P<starts>1[.)]|[-*+])|\d{1,9}[.)]|[a-zA-Z][.)]|[ivxlcdmIVXLCDM]{1,6}[.)])[ \t]+\S")
"""A list item line. Only ``1.`` and bullets start a list after a paragraph for a CommonMark reader;
other numbers and letters there are text to both readers, and differ only inside a list."""
_GRID_RULE = re.compile(r"^ *\+(?:[-=:]+\+)+ *$")
_FENCED_DIV = re.compile(r"^ *:{3,}")
_HASH_NO_SPACE = re.compile(r"^#{1,6}[^#\s]")
_INDENTED_HEADING = re.compile(r"^ {1,3}#{1,6}\s")
_ESCAPE = re.compile(r"\\(.)")
_OPENS_BLOCK_WITH_BODY = ("!!!", "???")


@dataclass
class _Reading:
    """What the line before belongs to, as Python-Markdown sees it."""

    block: str = ""
    """``item`` (a list item's first paragraph), ``text`` (any other paragraph, quote, table or
    definition) or empty after a blank line, a heading or an admonition title."""
    in_list: bool = False


@dataclass(frozen=True)
class Spot:
    """One place in a body: line (1-based, within the body), column, code and message."""

    line: int
    column: int
    code: str
    message: str


def fidelity(handbook: Handbook, _: object = None) -> Iterator[Finding]:
    """Every place in every body, translations' included, that a renderer would show otherwise than
    its source reads."""
    for doc in handbook.bodies():
        for spot in body_spots(doc.body):
            yield Finding(doc.path, doc.source.body_line + spot.line - 1, spot.column, ERROR,
                          spot.code, spot.message)


def body_spots(body: str) -> Iterator[Spot]:
    """The places in one body, block rules first, then what is too wide to print, inline rules and pictures."""
    yield from _blocks(body)
    yield from (Spot(wide.line, wide.column, wide.code, wide.message) for wide in too_wide(body))
    yield from _inline(body)
    yield from _pictures(body)


def _blocks(body: str) -> Iterator[Spot]:
    reading = _Reading()
    for number, line in lines_outside_code(body):
        finding = _block_spot(number, line, reading)
        if finding is not None:
            yield finding
        _advance(reading, line)


def _block_spot(number: int, line: str, reading: _Reading) -> Spot | None:
    marker = _MARKER.match(line)
    indent = len(line) - len(line.lstrip(" "))
    if marker and reading.block == "text" and (reading.in_list or marker.group("starts")):
        return Spot(number, indent + 1, "LIST_ITEM_MERGED",
                   "this list item is read as part of the paragraph above it and printed as one run-on "
                   "paragraph: put a blank line before it")
    if marker and reading.in_list and indent % 4:
        return Spot(number, indent + 1, "LIST_INDENT",
                   f"a list item indented by {indent} spaces is not nested, it is printed at the level "
                   "above: indent a nested list by 4 spaces per level")
    if _GRID_RULE.match(line) and not reading.block:
        return Spot(number, indent + 1, "GRID_TABLE",
                   "a grid table (+---+) is printed as lines of text: write it as a pipe table "
                   "(| a | b | with a |---|---| row under the header)")
    if _FENCED_DIV.match(line):
        return Spot(number, indent + 1, "FENCED_DIV",
                   "a pandoc ::: block is printed as text: delete the ::: lines, or use '!!! note' "
                   "for a boxed note")
    if _HASH_NO_SPACE.match(line):
        return Spot(number, 1, "HEADING_SYNTAX",
                   "a line starting with # is printed as a heading even without a space after it: "
                   "write '## Heading' for a heading, or '\\#' for the character")
    if _INDENTED_HEADING.match(line) and not reading.in_list:
        return Spot(number, 1, "HEADING_SYNTAX",
                   "a heading with spaces before its # is printed as text with the # marks: "
                   "start the line with #")
    return None


def _advance(reading: _Reading, line: str) -> None:
    stripped = line.strip()
    if not stripped:
        reading.block = ""
        return
    if _MARKER.match(line):
        reading.block, reading.in_list = "item", True
    elif line.startswith("#"):
        reading.block, reading.in_list = "", False
    elif stripped.startswith(_OPENS_BLOCK_WITH_BODY):
        reading.block, reading.in_list = "item", False
    elif not reading.block:
        reading.block = "text"
        reading.in_list = reading.in_list and line.startswith("    ")


def _inline(body: str) -> Iterator[Spot]:
    if "\\" not in body:
        return
    for number, line in lines_outside_code(body):
        if "\\" not in line:
            continue
        masked = mask_code_spans(line)
        if masked.endswith("\\") and not masked.endswith("\\\\"):
            yield Spot(number, len(line), "PRINTED_ESCAPE",
                      "a backslash at the end of a line is printed, not read as a line break: end the "
                      "line with two spaces instead")
        for match in _ESCAPE.finditer(masked):
            if match.group(1) in printed_escapes():
                yield Spot(number, match.start() + 1, "PRINTED_ESCAPE",
                          f"the backslash before {match.group(1)} is printed: delete the backslash")


def _pictures(body: str) -> Iterator[Spot]:
    """A picture needs alt text (a picture at a web address is ``containment``'s WEB_RESOURCE)."""
    if "![" not in body:
        return
    for link in links(body):
        if link.image and not is_external(link.target) and not link.text.strip():
            yield Spot(link.line, link.column, "IMAGE_NO_ALT",
                       "a picture needs alt text for staff who cannot see it (and for the archival "
                       "PDF): write ![what it shows](...)")
