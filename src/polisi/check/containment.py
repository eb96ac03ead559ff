"""Containment: nothing a document refers to may reach outside the handbook, and nothing is dropped silently.

Every renderer reads files only through :func:`polisi.handbook.contain.handbook_file`
and HTML only through :mod:`polisi.handbook.sanitise`, so a reference that leaves
the handbook would print as a missing picture or a dead link. These rules say so
first, at ``path:line:col``: a ``file:`` URL, an absolute path, a ``../`` past the
handbook's root, a symbolic link that leads out, a part of the handbook that is
never published, a picture or frame that an output would load from the web, and
any raw HTML (or ``{: ...}`` attribute list) the sanitiser would remove.

The source is read, never rendered: Python-Markdown takes minutes on some hostile
lines, and the check must stay fast for any input. Markdown links come from
:func:`polisi.handbook.links.links`, raw HTML from libxml2's linear-time parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown.extensions.attr_list import get_attrs

from polisi.findings import Finding, Severity
from polisi.handbook.contain import refusal
from polisi.handbook.links import is_external, links, mask_code_spans, resolve
from polisi.handbook.model import Document, Handbook
from polisi.handbook.sanitise import Removal, allowed_value, attribute_removals, elements, removals

ERROR = Severity.ERROR
URL_ATTRIBUTES = frozenset({"href", "src", "data", "poster", "action", "formaction", "background", "cite",
                            "xlink:href", "srcset", "manifest", "longdesc"})
"""Attributes whose value is a URL that some output follows or loads."""
MAX_PER_DOCUMENT = 50
"""Findings of these rules per document before the rest are summed up in one line."""
Memo = dict[str, tuple[str, str] | None]
""":func:`refusal` of each path, worked out once per check: a document may name one picture thousands of times."""


_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")\s]+)", re.IGNORECASE)
_WEB = re.compile(r"^(https?|ftps?):|^//", re.IGNORECASE)
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_AUTOLINK = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>]+)>")
_ATTR_LIST = re.compile(r"\{:?[ \t]*([^{}\n]*)\}")


def containment(handbook: Handbook, _: object) -> Iterator[Finding]:
    """One finding per reference that leaves the handbook and per piece of HTML the sanitiser would remove."""
    memo: Memo = {}
    for doc in handbook:
        problem = refusal(handbook.root, handbook.config, doc.path)
        if problem is not None:
            yield Finding(doc.path, 1, 1, ERROR, problem[0], f"this document {problem[1]}")
        found = sorted(_document_findings(handbook, doc, memo), key=lambda f: (f.line, f.column))
        yield from found[:MAX_PER_DOCUMENT]
        if len(found) > MAX_PER_DOCUMENT:
            last = found[MAX_PER_DOCUMENT]
            yield Finding(doc.path, last.line, last.column, ERROR, last.code,
                          f"and {len(found) - MAX_PER_DOCUMENT} more references or tags like those above")


def _document_findings(handbook: Handbook, doc: Document, memo: Memo) -> Iterator[Finding]:
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


def _reference_problem(handbook: Handbook, doc: Document, url: str, loads: bool,
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
