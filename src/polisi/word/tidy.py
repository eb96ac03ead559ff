"""Tidy the Markdown pandoc writes from Word so polisi's own rendering reads it as pandoc meant.

pandoc's GitHub Markdown nests bullet lists two spaces deep; Python-Markdown
(the one rendering behind the site, the PDFs and Word export) needs four, or
the nesting is lost. Word documents also use Heading 1 either for the title or
for every section, while a handbook document keeps its title in front matter
and starts its sections at level 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_MARKER = re.compile(r"^([-*+]|\d{1,9}[.)])( +|$)")
TAB = 4
"""Python-Markdown's list indent."""


def indent_lists(markdown: str) -> str:
    """Re-indent nested list content to multiples of four spaces, keeping its structure."""
    stack: list[tuple[int, int]] = [(0, 0)]  # (content column in pandoc's text, column to write)
    fence: str | None = None
    top_list: bool | None = None  # kind (ordered?) of the list last seen at the left margin
    out: list[str] = []
    for line in markdown.split("\n"):
        if not line.strip():
            out.append(line)
            continue
        indent = len(line) - len(line.lstrip(" "))
        while len(stack) > 1 and indent < stack[-1][0]:
            stack.pop()
        source_col, target_col = stack[-1]
        text = line[indent:]
        if len(stack) == 1 and fence is None:
            top_list = _separate_lists(out, text, top_list)
        target = target_col + max(indent - source_col, 0)
        if fence is None:
            fenced = _FENCE.match(text)
            marker = _MARKER.match(text)
            if fenced:
                fence = fenced.group(1)[0] * 3
            elif marker:
                width = len(marker.group(1)) + 1
                bullet = marker.group(1)
                content = text[marker.end():]
                padding = " " * max(TAB - len(bullet), 1)
                out.append(" " * target + bullet + padding + content if content else " " * target + bullet)
                stack.append((indent + len(marker.group(0)) if content else indent + width,
                              target + len(bullet) + len(padding)))
                continue
        elif text.startswith(fence):
            fence = None
        out.append(" " * target + text)
    return "\n".join(out)


@dataclass(frozen=True)
class Headings:
    """The body with headings moved to handbook levels, and the title they gave up, if any."""

    body: str
    title: str | None


def _separate_lists(out: list[str], text: str, previous: bool | None) -> bool | None:
    """Python-Markdown runs a bullet list straight after a numbered one into it; a comment parts them."""
    marker = _MARKER.match(text)
    if marker is None:
        return None
    ordered = marker.group(1)[0].isdigit()
    if previous is not None and previous != ordered:
        out.extend(["<!-- -->", ""])
    return ordered


def level_headings(markdown: str, known_title: str | None = None) -> Headings:
    """Move headings to handbook levels, taking out the one that is the document's title.

    The first heading is the title when it is the only level-1 heading, or when
    it repeats the title Word recorded. Other level-1 headings are sections, so
    then every heading moves down one level.
    """
    lines = markdown.split("\n")
    found = _headings(lines)
    title = None
    if found:
        first, match = found[0]
        top = [m for _, m in found if len(m.group(1)) == 1]
        repeats = known_title is not None and match.group(2).strip().lower() == known_title.strip().lower()
        if len(match.group(1)) == 1 and (len(top) == 1 or repeats):
            title = match.group(2)
            lines[first] = ""
            found = found[1:]
    if any(len(m.group(1)) == 1 for _, m in found):
        for i, match in found:
            lines[i] = "#" * min(len(match.group(1)) + 1, 6) + " " + match.group(2)
    return Headings("\n".join(lines).strip("\n") + "\n", title)


def first_heading(markdown: str) -> str | None:
    """Text of the first heading, for a title when Word recorded none."""
    return next((m.group(2) for _, m in _headings(markdown.split("\n"))), None)


def _headings(lines: list[str]) -> list[tuple[int, re.Match[str]]]:
    fence: str | None = None
    found = []
    for i, line in enumerate(lines):
        fenced = _FENCE.match(line)
        if fence is None and fenced:
            fence = fenced.group(1)[0] * 3
        elif fence is not None:
            if line.strip().startswith(fence):
                fence = None
        elif match := _HEADING.match(line):
            found.append((i, match))
    return found


_BRACKETED = re.compile(r"^ *<!-- polisi: list in brackets -->\n", re.MULTILINE)


def unbracket_lists(markdown: str) -> tuple[str, int]:
    """``markdown`` without the import filter's marks of lists Word numbers ``(a)``, and how many there were.

    pandoc writes such a list ``a)``, the nearest mark the Markdown renderer reads, and the import
    report says so: a reference such as "see (b)" now reads "b)" in every output.
    """
    return _BRACKETED.subn("", markdown)


_LIST_STYLE = re.compile(r"^( *)<!-- polisi: list ([aAiI])([.)]) -->$")
_NUMBERED = re.compile(r"^( *)(\d{1,9})[.)]( +)")
"""A numbered item as pandoc writes it: ``3.`` or, for a list Word numbers ``3)`` or ``(3)``, ``3)``."""


def letter_lists(markdown: str) -> str:
    """Write lettered and roman lists with their letters again (``a.``, ``ii)``), as fancylists reads them.

    The import filter puts ``<!-- polisi: list a. -->`` before each such list, since GitHub
    Markdown can only number; the item markers at the list's own indent get their letters, the
    comment goes, and the text after each marker stays where it was.
    """
    out: list[str] = []
    pending: tuple[str, str] | None = None
    styles: dict[int, tuple[str, str]] = {}
    """Indent of a lettered list still open -> its (style, delimiter)."""
    for line in markdown.split("\n"):
        marked = _LIST_STYLE.match(line)
        if marked:
            pending = (marked.group(2), marked.group(3))
            continue
        if not line.strip():
            out.append(line)
            continue
        indent = len(line) - len(line.lstrip(" "))
        item = _NUMBERED.match(line)
        for open_indent in [k for k in styles if k > indent or (k == indent and not item)]:
            del styles[open_indent]
        if item and pending is not None:
            styles[indent], pending = pending, None
        if item and indent in styles:
            marker = _lettered(int(item.group(2)), *styles[indent])
            padding = " " * max(len(item.group(2)) + 1 + len(item.group(3)) - len(marker), 1)
            line = item.group(1) + marker + padding + line[item.end():]
        out.append(line)
    return "\n".join(out)


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _lettered(number: int, style: str, delimiter: str) -> str:
    if style in "aA":
        letters = ""
        while number > 0:
            number, rest = divmod(number - 1, 26)
            letters = chr(ord("a") + rest) + letters
        text = letters
    else:
        text = ""
        for value, numeral in _ROMAN:
            while number >= value:
                text, number = text + numeral, number - value
    return (text.upper() if style.isupper() else text) + delimiter
