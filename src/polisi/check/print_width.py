"""What cannot fit across the printed page, measured with the fonts the PDFs embed.

The site scrolls a wide table; the signed PDF, the copy an inspector receives, cuts off whatever
runs past the page edge. A table prints whole when the longest word of each column fits side by
side with the others, so each word is measured as WeasyPrint will set it: glyph by glyph, from the
advance widths of the DejaVu fonts shipped in ``render/static/fonts`` (bold in header cells and
``**bold**`` text, the mono face in code), at the table's font size, plus each column's padding and
border. Pipe tables and raw HTML tables are measured alike, and so is a fixed width written in
HTML (``style="width: 2000px"``), which no layout can shrink.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from polisi.check.containment import mask_code
from polisi.handbook.links import lines_outside_code
from polisi.handbook.sanitise import elements

MAX_TABLE_COLUMNS = 16
"""The most columns a table may have and still print readably: on a landscape A4 page at 7pt
each column keeps about 15 mm, room for a short word per line."""
WIDE_COLUMNS = 7
"""From this many columns the PDFs print a table on a landscape page at 7pt (``print.css``);
narrower tables print on the portrait page at 9pt, where seven columns would leave about 25 mm
each and words of a policy's vocabulary ("responsibilities") would start to break."""
PAGE_WIDTH_PT = {False: 493.0, True: 740.0}
"""Width of the text on a portrait and a landscape A4 page with 18 mm margins, in points."""
_FONT_PT = {False: 9.0, True: 7.0}
_CELL_PADDING_PT = {False: 9.0, True: 5.0}
"""Left and right padding of a cell plus its share of the collapsed borders (``print.css``)."""
_BODY_FONT_PT = 10.0
_MONO_SCALE = 0.9
_FONT_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "mono": "DejaVuSansMono.ttf"}
_UNKNOWN_EM = 1.0
"""Width of a character the shipped fonts lack (WeasyPrint takes it from a system font): a full em."""
_TABLE_RULE = re.compile(r"^ *\|? *:?-+:? *(?:\| *:?-+:? *)+\|? *$")
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(px|pt|pc|in|cm|mm|q|em|rem|ex|ch)?\s*$", re.IGNORECASE)
_POINTS = {"px": 0.75, "pt": 1.0, "pc": 12.0, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "q": 72 / 101.6,
           "em": _BODY_FONT_PT, "rem": _BODY_FONT_PT, "ex": _BODY_FONT_PT / 2, "ch": _BODY_FONT_PT / 2}
_SIZED = frozenset({"table", "td", "th", "col", "colgroup", "div", "p", "pre", "blockquote", "ul", "ol", "li",
                    "span", "figure", "section"})
"""Elements whose fixed width the page cannot shrink (a picture is scaled down to the page)."""


@dataclass(frozen=True)
class Wide:
    """Something too wide for the page: line and column within the body, code and message."""

    line: int
    column: int
    code: str
    message: str


def too_wide(body: str) -> Iterator[Wide]:
    """Every table and fixed width in one body that the printed page would cut off."""
    if "|" in body:
        yield from _pipe_tables(body)
    if "<" in body:
        masked = mask_code(body)
        if "<table" in masked.lower():
            yield from _html_tables(masked)
        yield from _fixed_widths(masked)


@cache
def _advances(face: str) -> tuple[dict[int, float], float]:
    """Each character's advance width in ems in one shipped face, and the width of one it lacks."""
    from fontTools.ttLib import TTFont

    with resources.as_file(resources.files("polisi") / "render" / "static" / "fonts" / _FONT_FILES[face]) as path:
        font = TTFont(path, lazy=True)
        units = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        widths = {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}
        font.close()
    return widths, _UNKNOWN_EM


def text_width(text: str, size_pt: float, face: str = "regular") -> float:
    """The width in points of ``text`` set on one line in a shipped face at ``size_pt``."""
    widths, unknown = _advances(face)
    scale = _MONO_SCALE if face == "mono" else 1.0
    return sum(widths.get(ord(char), unknown) for char in text) * size_pt * scale


Word = tuple[tuple[str, str], ...]
"""A word as printed: its pieces of text, each with the face it is set in."""


def _needed(columns: list[list[Word]], wide: bool) -> float:
    """Points the longest words of the columns need side by side, padding and borders included."""
    size = _FONT_PT[wide]
    longest = [max((sum(text_width(t, size, face) for t, face in word) for word in words), default=0.0)
               for words in columns]
    return sum(longest) + len(columns) * _CELL_PADDING_PT[wide]


def _too_wide_message(need: float, wide: bool) -> str:
    return (f"the longest words of this table's columns need about {need / 72 * 25.4:.0f} mm side by side, more "
            f"than the {PAGE_WIDTH_PT[wide] / 72 * 25.4:.0f} mm of the printed page: shorten the longest (give a "
            "web address a short link text) or split the table")


def _pipe_tables(body: str) -> Iterator[Wide]:
    """A pipe table whose longest words cannot stand side by side on its page."""
    lines = list(lines_outside_code(body))
    for index in range(1, len(lines)):
        (number, header), (rule_number, rule) = lines[index - 1], lines[index]
        if rule_number != number + 1 or "|" not in header or not _TABLE_RULE.match(rule):
            continue
        count = len(rule.strip().strip("|").split("|"))
        if count > MAX_TABLE_COLUMNS:
            yield Wide(rule_number, 1, "TABLE_TOO_WIDE",
                       f"a table of {count} columns cannot print readably even on a landscape page "
                       f"(at most {MAX_TABLE_COLUMNS}): split it into narrower tables")
            continue
        rows, end = [header], index + 1
        while end < len(lines) and lines[end][0] == lines[end - 1][0] + 1 and "|" in lines[end][1]:
            rows.append(lines[end][1])
            end += 1
        columns: list[list[Word]] = [[] for _ in range(count)]
        for row_index, row in enumerate(rows):
            for i, cell in enumerate(row.strip().strip("|").split("|")[:count]):
                columns[i].extend(_markdown_words(cell, bold=row_index == 0))
        wide = count >= WIDE_COLUMNS
        need = _needed(columns, wide)
        if need > PAGE_WIDTH_PT[wide]:
            yield Wide(number, 1, "TABLE_TOO_WIDE", _too_wide_message(need, wide))


def _markdown_words(cell: str, *, bold: bool) -> list[Word]:
    """The words of a pipe-table cell as printed: link text without its address, the face of each."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", cell)
    words: list[Word] = []
    for word in text.split():
        face = "mono" if word.startswith("`") else "bold" if bold or word.startswith(("**", "__")) else "regular"
        words.append(((word.strip("*_`"), face),))
    return words


def _html_tables(masked: str) -> Iterator[Wide]:
    """A raw HTML table of too many columns, or whose longest words cannot stand side by side."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(masked.encode("utf-8", "replace").decode("utf-8"))
    except (ValueError, lxml.etree.ParserError):
        return
    for table in root.iter("table"):
        rows = table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
        count = max((sum(_span(c) for c in row.xpath("./td | ./th")) for row in rows), default=0)
        line = table.sourceline or 1
        if count > MAX_TABLE_COLUMNS:
            yield Wide(line, 1, "TABLE_TOO_WIDE",
                       f"a table of {count} columns cannot print readably even on a landscape page "
                       f"(at most {MAX_TABLE_COLUMNS}): split it into narrower tables")
            continue
        first = rows[0].xpath("./td | ./th") if rows else []
        wide = len(first) >= WIDE_COLUMNS and table.get("class") is None  # as print_layout.py decides
        columns: list[list[Word]] = [[] for _ in range(count)]
        fixed = [0.0] * count
        for row in rows:
            at = 0
            for cell in row.xpath("./td | ./th"):
                span = _span(cell)
                words = _html_words(cell)
                for offset in range(span):  # a cell over several columns asks each for its share
                    columns[at + offset].extend(tuple((t, f) for t, f in _scaled(word, span)) for word in words)
                    own = _fixed_width(cell.get("style"), cell.get("width")) or 0.0
                    fixed[at + offset] = max(fixed[at + offset], min(own, PAGE_WIDTH_PT[wide]) / span)
                at += span
        need = max(_needed(columns, wide), sum(fixed))
        if need > PAGE_WIDTH_PT[wide]:
            yield Wide(line, 1, "TABLE_TOO_WIDE", _too_wide_message(need, wide))


def _span(cell: object) -> int:
    value = str(cell.get("colspan", "1"))  # type: ignore[attr-defined]
    return min(max(int(value), 1), MAX_TABLE_COLUMNS + 1) if value.isdigit() else 1


def _scaled(word: Word, span: int) -> Word:
    """One column's share of a word in a cell over ``span`` columns (its first 1/span of letters)."""
    if span == 1:
        return word
    text = "".join(t for t, _ in word)
    return ((text[: -(-len(text) // span)], word[0][1]),)


_BREAKS = frozenset({"br", "p", "div", "li", "ul", "ol", "table", "tr", "td", "th"})
_BOLD = frozenset({"b", "strong", "th", "h1", "h2", "h3", "h4", "h5", "h6"})
_MONO = frozenset({"code", "kbd", "samp", "tt", "pre"})


def _html_words(cell: object) -> list[Word]:
    """The words of an HTML cell, each as pieces of text in the faces they print in."""
    words: list[Word] = []
    pieces: list[tuple[str, str]] = []

    def end_word() -> None:
        if pieces:
            words.append(tuple(pieces))
            pieces.clear()

    def walk(element: object, face: str) -> None:
        tag = str(getattr(element, "tag", "")).lower()
        inner = "mono" if tag in _MONO else "bold" if tag in _BOLD and face != "mono" else face
        if tag in _BREAKS:
            end_word()
        add(getattr(element, "text", None) or "", inner)
        for child in element:  # type: ignore[attr-defined]
            walk(child, inner)
            if str(getattr(child, "tag", "")).lower() in _BREAKS:
                end_word()
            add(getattr(child, "tail", None) or "", inner)

    def add(text: str, face: str) -> None:
        for index, part in enumerate(re.split(r"\s+", text)):
            if index:
                end_word()
            if part:
                pieces.append((part, face))

    walk(cell, "regular")
    end_word()
    return words


def _fixed_width(style: str | None, width: str | None) -> float | None:
    """The width in points that a ``style`` (``width``, ``min-width``) or ``width`` attribute fixes."""
    found: list[float] = []
    for declaration in (style or "").split(";"):
        name, _, value = declaration.partition(":")
        if name.strip().lower() in ("width", "min-width"):
            found.extend(p for p in [_points(value)] if p is not None)
    if width is not None:
        points = _points(width)
        if points is not None:
            found.append(points)
    return max(found, default=None)


def _points(value: str) -> float | None:
    """A CSS length in points; a bare number is in pixels, as HTML's ``width`` attribute is."""
    length = _LENGTH.match(value)
    if length is None:
        return None
    return float(length.group(1)) * _POINTS[(length.group(2) or "px").lower()]


def _fixed_widths(masked: str) -> Iterator[Wide]:
    """An HTML element given a fixed width wider than the printed page."""
    lines = masked.split("\n")
    for element in elements(masked):
        if element.tag not in _SIZED or not ({"style", "width"} & element.attributes.keys()):
            continue
        points = _fixed_width(element.attributes.get("style"), element.attributes.get("width"))
        if points is None or points <= PAGE_WIDTH_PT[False]:
            continue
        text = lines[element.line - 1].lower() if 0 < element.line <= len(lines) else ""
        column = max(text.find("width"), 0) + 1
        yield Wide(element.line, column, "FIXED_WIDTH",
                   f"a width of about {points / 72 * 25.4:.0f} mm is wider than the "
                   f"{PAGE_WIDTH_PT[False] / 72 * 25.4:.0f} mm of the printed page, which cuts it off: give the "
                   "width in % or leave it out")
