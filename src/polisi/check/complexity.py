"""Markup the renderer would take minutes over: found in one linear pass, before anything renders it.

Python-Markdown, which renders every output, spends time that grows with the square of
some constructs: each ``[`` is scanned to its ``]`` (or, unclosed, to the end of its
paragraph), each ``](`` to its ``)``, each ``<`` that opens a tag to the next ``>``
anywhere in the document (Python's HTML parser, under Python-Markdown's raw-HTML step),
and every extra reference to one footnote is numbered by counting the earlier ones.
Deep nesting (lists, quotes, admonitions) recurses once per level, and
the abbreviations extension tries every abbreviation at every word. Measured on a
1 MB line of ``[``, it would take hours; 10,000 take minutes.

:func:`markup_cost` adds those scans up without doing them (stacks, one pass), and
:func:`complexity` reports a document whose total passes :data:`BUDGET`, at the place
that costs most, so a document that passes ``polisi check`` renders in a bounded time.
The figures are deliberately conservative: code spans and code blocks are counted as
though they were text, which only ever overstates the cost.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from operator import sub

from polisi.findings import Finding, Severity
from polisi.handbook.model import Handbook

ERROR = Severity.ERROR
BUDGET = 1_000_000
"""Characters Python-Markdown may scan for brackets and tags in any document, besides
:data:`PER_CHARACTER` for each of its characters (a few seconds at worst)."""
PER_CHARACTER = 4
"""Scanned characters allowed per character of the document: ordinary text with a link in every
sentence costs under 2, so the allowance grows with a document only linearly."""
TAG_WEIGHT = 0.2
"""A character scanned for a tag's ``>`` costs about a fifth of one scanned for a ``]`` (measured)."""
MAX_DEPTH = 20
"""Nesting levels (indents of 4 columns, ``>`` quote marks) a line may sit at."""
MAX_FOOTNOTE_REFERENCES = 100
"""References to one footnote; numbering each costs as many steps as there are before it."""
MAX_ABBREVIATIONS = 200
"""Abbreviation definitions (``*[ABC]: ...``) in one document: each is tried at every word."""

_TAG_OPEN = re.compile(r"<[A-Za-z/!?]")
_BRACKETS = re.compile(r"[\[(]")
_FOOTNOTE_REFERENCE = re.compile(r"\[\^([^\]\[\s]+)\](?!:)")
_QUOTE_MARKS = re.compile(r"(?:[ \t]{0,3}> ?)+")
_ABBREVIATION = re.compile(r"^\*\[[^\]]*\]:", re.MULTILINE)


@dataclass(frozen=True)
class Cost:
    """What rendering one body would scan, and where the dearest construct starts."""

    total: float
    worst_offset: int
    """Offset in the body of the construct that costs most (an opening ``[``, ``(`` or ``<``)."""
    worst: str
    """Which construct that is: ``"["``, ``"("`` or ``"<"``."""


@lru_cache(maxsize=64)
def markup_cost(body: str) -> Cost:
    """The characters Python-Markdown's bracket, link-target and tag scans would read in ``body``.

    Kept for the last bodies asked about: the rule, the containment rules (before rendering a body)
    and the translation rules each ask."""
    total = 0.0
    worst = (0.0, 0, "[")
    for start, end in _paragraphs(body):
        if _BRACKETS.search(body, start, end) is None:
            continue
        found = _bracket_cost(body, start, end)
        total += found[0]
        worst = max(worst, found[1:], key=lambda w: w[0])
    tags, dearest, dearest_at = _tag_costs(body)
    total += tags * TAG_WEIGHT
    if dearest * TAG_WEIGHT > worst[0]:
        worst = (dearest * TAG_WEIGHT, dearest_at, "<")
    return Cost(total, worst[1], worst[2])


def _paragraphs(body: str) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of each run of non-blank lines: the text inline patterns scan at once."""
    start = None
    offset = 0
    for line in body.splitlines(keepends=True):
        if line.strip():
            start = offset if start is None else start
        elif start is not None:
            yield start, offset
            start = None
        offset += len(line)
    if start is not None:
        yield start, offset


def _bracket_cost(body: str, start: int, end: int) -> tuple[int, float, int, str]:
    """(characters scanned, dearest scan, its offset, ``"["`` or ``"("``) for the ``[`` and ``](`` of
    ``body[start:end]``.

    A ``[`` is scanned to its matching ``]``, or to the end when none matches; a ``(`` right after
    a ``]`` (a link's target) to its matching ``)``. A backslash escapes the next character. One
    plain loop over the characters: this runs on every paragraph of every document.
    """
    brackets: list[int] = []
    parens: list[int] = []  # offset of each open "(", or -1 when it is not a link's target
    total, worst, worst_at, worst_kind = 0, 0, start, "["
    escaped, previous = -1, ""
    for index, char in enumerate(body[start:end], start):
        if char in "[]()\\" and index > escaped:
            cost, opened = 0, index
            if char == "\\":
                escaped = index + 1
            elif char == "[":
                brackets.append(index)
            elif char == "]" and brackets:
                opened = brackets.pop()
                cost = index - opened
            elif char == "(":
                parens.append(index if previous == "]" else -1)
            elif char == ")" and parens:
                opened = parens.pop()
                cost = index - opened if opened >= 0 else 0
            total += cost
            if cost > worst:
                worst, worst_at, worst_kind = cost, opened, "[" if char == "]" else "("
        previous = char
    for opened in [*brackets, *(p for p in parens if p >= 0)]:
        total += end - opened
        if end - opened > worst:
            worst, worst_at, worst_kind = end - opened, opened, "[" if body[opened] == "[" else "("
    return total, worst, worst_at, worst_kind


def _tag_costs(body: str) -> tuple[int, int, int]:
    """(characters scanned in all, dearest scan, its offset) for each ``<`` that could open a tag,
    read up to the next ``>``. Counted with C-level maps: a hostile body holds one per 3 characters."""
    closes = [m.start() for m in re.finditer(">", body)]
    starts = [m.start() for m in _TAG_OPEN.finditer(body)]
    if not starts:
        return 0, 0, 0
    closes.append(len(body))
    ends = map(closes.__getitem__, map(bisect_right, repeat(closes[:-1]), starts))
    costs = list(map(sub, ends, starts))
    dearest, at = max(zip(costs, starts, strict=True))
    return sum(costs), dearest, at


def allowance(body: str) -> int:
    """The scanned characters :func:`body_findings` allows ``body``."""
    return BUDGET + PER_CHARACTER * len(body)


def deepest_line(body: str) -> tuple[int, int] | None:
    """(line number, depth) of the first line nested more than :data:`MAX_DEPTH` deep, or ``None``:
    each quote mark (``>`` with the space after it) is a level, and so is each 4 columns of indent."""
    for number, line in enumerate(body.splitlines(), start=1):
        quotes = _QUOTE_MARKS.match(line)
        marks = quotes.group(0) if quotes else ""
        rest = line[len(marks):]
        indent = rest[: len(rest) - len(rest.lstrip(" \t"))]
        depth = marks.count(">") + len(indent.expandtabs(4)) // 4
        if depth > MAX_DEPTH:
            return number, depth
    return None


def complexity(handbook: Handbook, _: object = None) -> Iterator[Finding]:
    """One finding per document, and per translation, whose body would make the renderer work too long."""
    for doc in handbook.bodies():
        yield from body_findings(doc.path, doc.source.body_line, doc.body)


def body_findings(path: str, body_line: int, body: str) -> Iterator[Finding]:
    """The ``MARKUP_TOO_COMPLEX`` and ``MARKUP_TOO_DEEP`` findings of one body (``body_line``: its first line)."""
    deep = deepest_line(body)
    if deep is not None:
        yield Finding(path, body_line + deep[0] - 1, 1, ERROR, "MARKUP_TOO_DEEP",
                      f"this line is nested {deep[1]} levels deep (lists, quotes or indents); the renderer "
                      f"allows {MAX_DEPTH}")
    cost = markup_cost(body)
    allowed = allowance(body)
    if cost.total > allowed:
        line, column = _position(body, cost.worst_offset)
        what = {"[": "'[' brackets left open or nested", "(": "link targets '(' left open or nested",
                "<": "'<' that open tags never closed by '>'"}[cost.worst]
        yield Finding(path, body_line + line - 1, column, ERROR, "MARKUP_TOO_COMPLEX",
                      f"the renderer would scan about {int(cost.total):,} characters for {what}, from "
                      f"here on (it allows {allowed:,}); close them, or write them as \\[ or &lt;")
    references = Counter(m.group(1) for m in _FOOTNOTE_REFERENCE.finditer(body))
    label, count = references.most_common(1)[0] if references else ("", 0)
    if count > MAX_FOOTNOTE_REFERENCES:
        line, column = _position(body, body.index(f"[^{label}]"))
        yield Finding(path, body_line + line - 1, column, ERROR, "MARKUP_TOO_COMPLEX",
                      f"footnote [^{label}] is referred to {count} times; the renderer allows "
                      f"{MAX_FOOTNOTE_REFERENCES}")
    abbreviations = list(_ABBREVIATION.finditer(body))
    if len(abbreviations) > MAX_ABBREVIATIONS:
        line, column = _position(body, abbreviations[MAX_ABBREVIATIONS].start())
        yield Finding(path, body_line + line - 1, column, ERROR, "MARKUP_TOO_COMPLEX",
                      f"{len(abbreviations)} abbreviations are defined; the renderer allows {MAX_ABBREVIATIONS}")


def renders_in_bounded_time(body: str) -> bool:
    """Whether ``body`` is one that :func:`body_findings` passes, so rendering it is safe to try."""
    return next(body_findings("", 1, body), None) is None


def _position(body: str, offset: int) -> tuple[int, int]:
    line = body.count("\n", 0, offset) + 1
    return line, offset - (body.rfind("\n", 0, offset) + 1) + 1
