"""Links and heading anchors in a Markdown body, with their positions.

A light scanner rather than a full Markdown render, so that checking 5,000
documents stays fast. It reads link targets the way Python-Markdown does
(spaces included, a trailing ``"title"`` dropped, ``<...>`` unwrapped), and it
runs in time linear in the length of each line, so one pathological line
cannot stall ``check``. Heading anchors use Python-Markdown's own ``slugify``
(the one MkDocs and the PDF renderer use), de-duplicated the same way, and a
test compares them with the real rendering of the shipped handbook.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

from markdown.extensions.toc import slugify

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^#{1,6}")
_SETEXT = re.compile(r"^[=-]+ *$")
_REF_DEF = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:[ \t]*<?([^\s>]+)>?(?:\s.*)?$")
_ATTR_ID = re.compile(r"#([\w-]+)")
_BLOCK_ATTRS = re.compile(r"^ {0,3}\{:?([^}\n]*)\}[ \t]*$")
_TITLE = re.compile(r"""\s+(?:"[^"]*"|'[^']*')$""")
_BACKTICKS = re.compile(r"`+")
_BRACKETS = re.compile(r"[\\\[\]]")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_EMPHASIS = str.maketrans("", "", "*_`")


def is_external(target: str) -> bool:
    """A link with a scheme (``https:``, ``mailto:``) or a network path leaves the handbook."""
    return bool(_SCHEME.match(target)) or target.startswith("//")


def resolve(from_path: str, target: str) -> tuple[str, str]:
    """Where a relative link written in the file ``from_path`` points, as (handbook-relative path,
    fragment). The path is empty for a link to a heading of the same page; ``%20`` in the path is
    the space of the file name, as a browser reads it."""
    path, _, fragment = target.partition("#")
    if not path:
        return "", fragment
    return posixpath.normpath(posixpath.join(posixpath.dirname(from_path), unquote(path))), fragment


@dataclass(frozen=True)
class Link:
    target: str
    """The target exactly as written at ``column`` (so a renderer can replace it in place)."""
    line: int
    """Line within the body, 1-based."""
    column: int
    image: bool = False
    text: str = ""
    """The link text, or a picture's alt text, as written."""

    @property
    def external(self) -> bool:
        return is_external(self.target)


def lines_outside_code(body: str) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) for every line that is not inside a fenced code block."""
    fence: str | None = None
    for number, line in enumerate(body.splitlines(), start=1):
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)[0] * 3
            continue
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        yield number, line


def mask_code_spans(line: str) -> str:
    """The line with every inline code span blanked out, column for column.

    A span opens with a run of backticks and closes at the next run of the same length; finding
    the next run of each length by walking a list of runs keeps this linear however many
    unmatched backticks a line has.
    """
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(line)]
    if len(runs) < 2:
        return line
    later: dict[int, list[int]] = {}
    for index in range(len(runs) - 1, -1, -1):
        later.setdefault(runs[index][1] - runs[index][0], []).append(index)
    chars, index = list(line), 0
    while index < len(runs):
        start, end = runs[index]
        same = later[end - start]
        while same and same[-1] <= index:
            same.pop()
        if not same:
            index += 1
            continue
        close = same.pop()
        chars[start:runs[close][1]] = " " * (runs[close][1] - start)
        index = close + 1
    return "".join(chars)


def _destination(line: str, open_paren: int, unclosed_from: list[int]) -> tuple[int, int, int] | None:
    """(start, end, after) of the target inside ``(...)`` at ``open_paren``, or ``None``.

    Parentheses nest, as in Python-Markdown. Once a scan runs off the end of the line, every later
    link on it takes the nearest ``)`` instead of scanning again, and that ``)`` is remembered
    (``unclosed_from`` holds where the scan failed and the next ``)`` found, -1 for none): that
    keeps a line of thousands of unclosed ``](`` linear.
    """
    if open_paren >= unclosed_from[0]:
        if unclosed_from[1] != -1 and unclosed_from[1] <= open_paren:
            unclosed_from[1] = line.find(")", open_paren + 1)
        close = unclosed_from[1]
    else:
        depth, close = 1, -1
        for position in range(open_paren + 1, len(line)):
            char = line[position]
            depth += (char == "(") - (char == ")")
            if depth == 0:
                close = position
                break
        if close < 0:
            unclosed_from[:] = [open_paren, line.find(")", open_paren + 1)]
    if close < 0:
        return None
    inner = line[open_paren + 1:close]
    start = open_paren + 1 + (len(inner) - len(inner.lstrip()))
    inner = inner.strip()
    if inner.startswith("<") and ">" in inner:
        return start + 1, start + inner.index(">"), close + 1
    title = _TITLE.search(inner)
    if title:
        inner = inner[:title.start()].rstrip()
    return start, start + len(inner), close + 1


@dataclass(frozen=True)
class _Span:
    """One ``[text](target)``: indices of its ``[`` and ``]``, of its target and just past its ``)``."""

    text_start: int
    text_end: int
    start: int
    end: int
    after: int
    image: bool


def _inline_links(line: str) -> Iterator[_Span]:
    """Each ``[text](target)`` on a code-masked line, in one pass over its brackets.

    Brackets pair up on a stack, as link text nests; a backslash escapes the next character.
    """
    if "](" not in line:
        return
    opened: list[int] = []
    unclosed_from = [len(line), 0]
    skip_to = 0
    for match in _BRACKETS.finditer(line):
        position = match.start()
        if position < skip_to:
            continue
        char = match.group()
        if char == "\\":
            skip_to = position + 2
        elif char == "[":
            opened.append(position)
        elif opened:
            start = opened.pop()
            if line.startswith("(", position + 1):
                found = _destination(line, position + 1, unclosed_from)
                if found is not None:
                    opened.clear()
                    image = start > 0 and line[start - 1] == "!"
                    yield _Span(start, position, found[0], found[1], found[2], image)
                    skip_to = found[2]


@lru_cache(maxsize=64)
def links(body: str) -> tuple[Link, ...]:
    """Every inline link, image and reference definition outside code.

    Kept for the last bodies asked about: the link, containment and picture rules each read
    every body's links, and a hostile body can hold hundreds of thousands."""
    found: list[Link] = []
    for number, line in lines_outside_code(body):
        masked = mask_code_spans(line)
        for span in _inline_links(masked):
            text = line[span.text_start + 1:span.text_end]
            found.append(Link(line[span.start:span.end], number, span.start + 1, span.image, text))
        ref = _REF_DEF.match(masked)
        if ref:
            found.append(Link(ref.group(1), number, ref.start(1) + 1))
    return tuple(found)


@dataclass(frozen=True)
class LocalLink:
    """A link of a body to a file of the handbook or a heading, where the file holds it."""

    target: str
    """As written."""
    line: int
    """In the file, counting its front matter."""
    column: int
    path: str
    """Handbook-relative path it resolves to; empty for a heading of the same page."""
    fragment: str


def local_links(path: str, body: str, body_line: int) -> Iterator[LocalLink]:
    """The links of the body of ``path`` (starting at file line ``body_line``) that the link rules
    follow: every one but web addresses and empty targets, resolved and positioned in the file."""
    for link in links(body):
        if not link.external and link.target:
            resolved, fragment = resolve(path, link.target)
            yield LocalLink(link.target, body_line + link.line - 1, link.column, resolved, fragment)


def _plain(text: str) -> str:
    """Heading text as the ``toc`` extension reads it: link text kept, emphasis marks dropped."""
    pieces, last = [], 0
    for span in _inline_links(mask_code_spans(text)):
        pieces.append(text[last:span.text_start - span.image])
        if not span.image:
            pieces.append(text[span.text_start + 1:span.text_end])
        last = span.after
    pieces.append(text[last:])
    return "".join(pieces).translate(_EMPHASIS)


def _heading_text(line: str) -> str | None:
    """The text of a ``#`` heading as Python-Markdown reads it: ``#`` at the start of the line,
    a space after it optional, closing ``#`` marks dropped."""
    match = _HEADING.match(line)
    return line[match.end():].rstrip().rstrip("#").strip() if match else None


def _custom_id(text: str) -> tuple[str, str | None]:
    """(heading text, id) where the heading ends with an attribute list ``{ #my-anchor }``."""
    if not text.endswith("}") or "{" not in text:
        return text, None
    opening = text.rindex("{")
    custom = _ATTR_ID.search(text, opening)
    return (text[:opening].rstrip(), custom.group(1)) if custom else (text, None)


def anchors(body: str) -> set[str]:
    """The id of every heading in ``body``, as the Markdown ``toc`` extension makes them, and of
    every block given one by an attribute list line (``{: #definitions }``)."""
    return {anchor for _, anchor in _ids(body)}


def heading_ids(body: str) -> list[tuple[str, str]]:
    """(plain text, id) of each heading, in order."""
    return [(text, anchor) for text, anchor in _ids(body) if text is not None]


def _ids(body: str) -> Iterator[tuple[str | None, str]]:
    """(heading text or ``None`` for a block's attribute list, id) of everything with an id."""
    seen: set[str] = set()
    first_of_block = ""
    """The line when it opens a paragraph block: only that line can be underlined into a heading."""
    after_break = True
    for _, line in lines_outside_code(body):
        text = _heading_text(line)
        if text is None and first_of_block and _SETEXT.match(line):
            text, line = first_of_block.strip(), ""
        first_of_block = line if after_break and text is None and line.strip() else ""
        after_break = text is not None or not line.strip()
        block = _BLOCK_ATTRS.match(line)
        if block:
            for anchor in _ATTR_ID.findall(block.group(1)):
                seen.add(anchor)
                yield None, anchor
        if text is None:
            continue
        text, custom = _custom_id(text)
        plain = _plain(text)
        if custom:
            seen.add(custom)
            yield plain, custom
            continue
        slug = slugify(plain, "-")
        unique, n = slug, 0
        while unique in seen:
            n += 1
            unique = f"{slug}_{n}"
        seen.add(unique)
        yield plain, unique
