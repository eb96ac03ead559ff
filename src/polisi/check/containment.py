"""Containment: nothing a document refers to may reach outside the handbook, and nothing is dropped silently.

Every renderer reads files only through :func:`polisi.handbook.contain.handbook_file`
and HTML only through :mod:`polisi.handbook.sanitise`, so a reference that leaves
the handbook would print as a missing picture or a dead link. These rules say so
first, at ``path:line:col``: a ``file:`` URL, an absolute path, a ``../`` past the
handbook's root, a symbolic link that leads out, a part of the handbook that is
never published, a picture or frame that an output would load from the web, and
any raw HTML (or ``{: ...}`` attribute list) the sanitiser would remove.

What is judged is the renderer's own unsanitised output, so HTML the outputs show as text (in
an indented or fenced code block, a code span) is not reported, and Markdown that makes an
element (a link, a picture, a ``{: ...}`` attribute) is; positions are found back in the source
by text. Translations are judged like their sources. A body too complex to render quickly
(``MARKUP_TOO_COMPLEX``) is read from its source instead: Markdown links from
:func:`polisi.handbook.links.links`, raw HTML from libxml2's linear-time parser.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterator

from markdown.extensions.attr_list import get_attrs

from polisi.check.complexity import renders_in_bounded_time
from polisi.findings import Finding, Severity
from polisi.handbook.contain import refusal
from polisi.handbook.links import is_external, links, mask_code_spans, resolve
from polisi.handbook.markdown import render_markdown
from polisi.handbook.model import Document, Handbook
from polisi.handbook.sanitise import (
    Removal,
    allowed_value,
    attribute_removals,
    element_removals,
    elements,
    removals,
)
from polisi.handbook.translation import Translation

ERROR = Severity.ERROR
URL_ATTRIBUTES = frozenset({"href", "src", "data", "poster", "action", "formaction", "background", "cite",
                            "xlink:href", "srcset", "manifest", "longdesc"})
"""Attributes whose value is a URL that some output follows or loads."""
MAX_PER_DOCUMENT = 50
"""Findings of these rules per document before the rest are summed up in one line."""
Body = Document | Translation
"""A body ``check`` reads: a document's, or a translation's (each is published)."""
Memo = dict[str, tuple[str, str] | None]
""":func:`refusal` of each path, worked out once per check: a document may name one picture thousands of times."""


_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")\s]+)", re.IGNORECASE)
_WEB = re.compile(r"^(https?|ftps?):|^//", re.IGNORECASE)
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_AUTOLINK = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>]+)>")
_ATTR_LIST = re.compile(r"\{:?[ \t]*([^{}\n]*)\}")
_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);")


def containment(handbook: Handbook, _: object) -> Iterator[Finding]:
    """One finding per reference that leaves the handbook and per piece of HTML the sanitiser would remove."""
    memo: Memo = {}
    for doc in handbook.bodies():
        problem = refusal(handbook.root, handbook.config, doc.path)
        if problem is not None:
            yield Finding(doc.path, 1, 1, ERROR, problem[0], f"this document {problem[1]}")
        found = sorted(_document_findings(handbook, doc, memo), key=lambda f: (f.line, f.column))
        yield from found[:MAX_PER_DOCUMENT]
        if len(found) > MAX_PER_DOCUMENT:
            last = found[MAX_PER_DOCUMENT]
            yield Finding(doc.path, last.line, last.column, ERROR, last.code,
                          f"and {len(found) - MAX_PER_DOCUMENT} more references or tags like those above")


def _document_findings(handbook: Handbook, doc: Body, memo: Memo) -> Iterator[Finding]:
    """Read from the source first (fast); rendered only when there is something to judge: the source
    shows a problem that may sit in code, or code or an entity may hide markup the renderer makes live."""
    found = list(_source_findings(handbook, doc, memo))
    if not found and not _may_hide_markup(doc.body):
        return
    yield from _rendered_findings(handbook, doc, memo) if renders_in_bounded_time(doc.body) else found


def _may_hide_markup(body: str) -> bool:
    """Whether code the source reading skips holds markup (``<``, ``{``, a link) that the renderer could
    show live, or an entity could spell a scheme (``java&#115;cript:``) the source reading cannot see."""
    masked = mask_code(body)
    if masked != body and any(body.count(mark) != masked.count(mark) for mark in ("<", "{", "](", "]:")):
        return True
    return _ENTITY.search(body) is not None


def _rendered_findings(handbook: Handbook, doc: Body, memo: Memo) -> Iterator[Finding]:
    """What the renderer itself keeps live, read from its unsanitised output, placed back in the source.

    The rendering sees the block structure the outputs see: HTML in an indented or fenced code block or
    a code span is text there, and a Markdown link, picture or ``{: ...}`` attribute is an element, so
    nothing shown as text is reported and nothing live is missed.
    """
    offset = doc.source.body_line - 1
    place = _Finder(doc.body)
    for element in elements(render_markdown(doc.body, sanitise=False)):
        problems: list[tuple[str, str, str]] = []  # (text to find it by, code, message)
        for url, loads in _urls(element.tag, element.attributes):
            problem = _reference_problem(handbook, doc, url, loads, memo)
            if problem is not None:
                problems.append((url, problem[0], f"{_shown(url)} {problem[1]}"))
        for removal in element_removals(element):
            if removal.value is None or removal.value.strip() not in {p[0] for p in problems}:
                problems.append((removal.needle, "UNSAFE_HTML", f"{removal.reason}; {_KEEP}"))
        if problems:
            places = place.element(f"<{element.tag}", [needle for needle, _, _ in problems])
            for (line, col), (_, code, message) in zip(places, problems, strict=True):
                yield Finding(doc.path, offset + line, col, ERROR, code, message)


def _source_findings(handbook: Handbook, doc: Body, memo: Memo) -> Iterator[Finding]:
    """What the source alone shows, fast: fenced code and code spans are skipped, everything else is
    judged. Reported as it is only for a body too complex to render (``MARKUP_TOO_COMPLEX`` refuses
    it anyway); otherwise it decides whether the rendering has to be read."""
    offset = doc.source.body_line - 1
    for link in links(doc.body):
        url, line, col = link.target, offset + link.line, link.column
        problem = _reference_problem(handbook, doc, url, link.image, memo)
        if problem is not None:
            yield Finding(doc.path, line, col, ERROR, problem[0], f"{_shown(url)} {problem[1]}")
            continue
        tag, attribute = ("img", "src") if link.image else ("a", "href")
        if allowed_value(tag, attribute, url) is None:
            yield Finding(doc.path, line, col, ERROR, "UNSAFE_HTML",
                          f'{attribute}="{_shown(url)}" on <{tag}> is not allowed; {_KEEP}')
    source = mask_code(doc.body)
    lines = source.splitlines()
    where = _Locator(lines, offset)
    reported: set[tuple[int, str]] = set()
    for element in elements(source):
        for url, loads in _urls(element.tag, element.attributes):
            problem = _reference_problem(handbook, doc, url, loads, memo)
            if problem is not None:
                reported.add((element.line, url))
                line, col = where.find(element.line, url)
                yield Finding(doc.path, line, col, ERROR, problem[0], f"{_shown(url)} {problem[1]}")
    for removal in [*removals(source), *_attribute_list_removals(lines)]:
        if removal.value is not None and (removal.line, removal.value.strip()) in reported:
            continue
        line, col = where.find(removal.line, removal.needle)
        yield Finding(doc.path, line, col, ERROR, "UNSAFE_HTML", f"{removal.reason}; {_KEEP}")


_KEEP = "outputs keep only text and its structure"


def _urls(tag: str, attributes: dict[str, str]) -> Iterator[tuple[str, bool]]:
    """Each URL on one element, with whether an output would load it (a picture) or only link to it."""
    for name, value in attributes.items():
        if name in URL_ATTRIBUTES and value.strip():
            loads = not (tag == "a" and name == "href")
            urls = [c.split()[0] for c in value.split(",") if c.strip()] if name == "srcset" else [value.strip()]
            yield from ((url, loads) for url in urls)
        if name == "style":
            yield from ((url, True) for url in _CSS_URL.findall(value))


def _attribute_list_removals(lines: list[str]) -> Iterator[Removal]:
    """Attributes set with Markdown's ``{: ...}`` lists that the sanitiser would remove."""
    for number, line in enumerate(lines, start=1):
        for match in _ATTR_LIST.finditer(line):
            text = match.group(1)
            if not (match.group(0).startswith("{:") or "=" in text or text.startswith(("#", "."))):
                continue  # "{name}" in ordinary text is not an attribute list
            for name, value in get_attrs(text):
                if name in (":", ".", "#", "id") or value is None:
                    continue
                yield from attribute_removals("*", name.lower(), value, number)


def mask_code(body: str) -> str:
    """``body`` with fenced code, code spans and autolinks blanked, keeping every line and column:
    HTML written there is shown as text, never rendered, so it is not judged."""
    out: list[str] = []
    fence: str | None = None
    for line in body.split("\n"):
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)[0] * 3
            out.append("")
        elif fence is not None:
            fence = None if line.strip().startswith(fence) else fence
            out.append("")
        else:
            blank = mask_code_spans(line)
            out.append(_AUTOLINK.sub(lambda m: " " * len(m.group(0)), blank))
    return "\n".join(out)


def _reference_problem(handbook: Handbook, doc: Body, url: str, loads: bool,
                       memo: Memo) -> tuple[str, str] | None:
    if url.lower().startswith("file:"):
        return "FILE_URL", "is a file: URL; an output reads only files inside the handbook, linked relatively"
    if url.lower().startswith("data:"):
        return None  # the sanitiser decides; a data: image is self-contained
    if is_external(url):
        if loads and _WEB.match(url):
            return "WEB_RESOURCE", ("would be loaded from the web when the document is built or viewed; "
                                    "save it in the handbook and refer to it relatively")
        return None
    path, _ = resolve(doc.path, url.split("?", 1)[0])
    if not path:
        return None
    if path not in memo:
        memo[path] = refusal(handbook.root, handbook.config, path)
    return memo[path]


def _shown(url: str) -> str:
    return url if len(url) <= 80 else url[:77] + "..."


class _Locator:
    """The column of something found on a line of the source: its next occurrence there, case-insensitively."""

    def __init__(self, lines: list[str], offset: int) -> None:
        self.lines = [line.lower() for line in lines]
        self.offset = offset
        self.cursor: dict[tuple[int, str], int] = {}

    def find(self, line: int, needle: str) -> tuple[int, int]:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        key = (line, needle.lower())
        at = text.find(key[1], self.cursor.get(key, 0))
        if at < 0:
            at = text.find(key[1])
        self.cursor[key] = at + 1
        return self.offset + line, (at + 1 if at >= 0 else 1)


class _Finder:
    """Where each element of the rendering is in the source, taking elements in document order.

    An element is placed at the first of its texts (``<tag``, a refused value, an attribute name) found
    after the element placed before it, outside code where it is found there (code holds only text,
    never an element); each of its texts is then placed from there. Entities are read (``&#115;``)."""

    def __init__(self, body: str) -> None:
        masked = [m or " " * len(line) for m, line in zip(mask_code(body).split("\n"), body.split("\n"), strict=True)]
        self.texts = (mask_indented_code("\n".join(masked)).lower(), body.lower())  # offsets as in the body
        self.unescaped, self.origin = _unescaped(body.lower())
        self.starts = [0] + [i + 1 for i, char in enumerate(body) if char == "\n"]
        self.cursor = 0

    def element(self, opening: str, needles: list[str]) -> list[tuple[int, int]]:
        """(line, column) in the body of each of ``needles``; (1, 1) for what cannot be found at all."""
        found = [self._search(n, self.cursor) for n in (opening, *needles)]
        anchor = min((at for at in found if at is not None), default=None)
        if anchor is None:
            anchor = min((at for n in (opening, *needles) if (at := self._search(n, 0)) is not None), default=0)
        offsets = [self._first(n, anchor) for n in needles]
        self.cursor = max([anchor, *offsets]) + 1
        return [self._position(at) for at in offsets]

    def _first(self, needle: str, start: int) -> int:
        """Where ``needle`` is from ``start`` on, else anywhere, else ``start``."""
        for begin in (start, 0):
            at = self._search(needle, begin)
            if at is not None:
                return at
        return start

    def _search(self, needle: str, start: int) -> int | None:
        needle = needle.lower()
        for text in self.texts:
            at = text.find(needle, start)
            if at >= 0:
                return at
        begin = bisect.bisect_left(self.origin, start)
        at = self.unescaped.find(needle, begin)
        return self.origin[at] if at >= 0 else None

    def _position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def _unescaped(text: str) -> tuple[str, list[int]]:
    """``text`` with its character references read, and the offset in ``text`` of each character."""
    out: list[str] = []
    origin: list[int] = []
    last = 0
    for match in _ENTITY.finditer(text):
        out.append(text[last:match.start()])
        origin.extend(range(last, match.start()))
        char = html.unescape(match.group(0))
        out.append(char)
        origin.extend([match.start()] * len(char))
        last = match.end()
    out.append(text[last:])
    origin.extend(range(last, len(text)))
    return "".join(out), origin


_LIST_OR_BLOCK = re.compile(r"^\s*([-*+]\s|\d+[.)]\s|[a-zA-Z][.)]\s|!!!|\?\?\?|\[\^[^\]]+\]:|:\s)")


def mask_indented_code(text: str) -> str:
    """``text`` with indented code blocks blanked (a run of lines indented 4 columns after a blank line
    that does not continue a list item, admonition, footnote or definition), keeping every column."""
    out = text.split("\n")
    inside, context = False, ""
    for number, line in enumerate(out):
        indented = line.startswith("\t") or line.startswith("    ")
        if not line.strip():
            continue
        previous_blank = number > 0 and not out[number - 1].strip()
        if indented and (inside or (previous_blank and not _LIST_OR_BLOCK.match(context)
                                    and not context.startswith(("\t", "    ")))):
            inside = True
            out[number] = " " * len(line)
            continue
        inside = False
        context = line
    return "\n".join(out)
