"""Containment: nothing a document refers to may reach outside the handbook, and nothing is dropped silently.

Every renderer reads files only through :func:`polisi.handbook.contain.handbook_file`
and HTML only through :mod:`polisi.handbook.sanitise`, so a reference that leaves
the handbook would print as a missing picture or a dead link. These rules say so
first, at ``path:line:col``: a ``file:`` URL, an absolute path, a ``../`` past the
handbook's root, a symbolic link that leads out, a part of the handbook that is
never published, a picture or frame that an output would load from the web, and
any raw HTML the sanitiser would remove.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

from polisi.findings import Finding, Severity
from polisi.handbook.contain import refusal
from polisi.handbook.links import is_external, resolve
from polisi.handbook.markdown import render_markdown
from polisi.handbook.model import Document, Handbook
from polisi.handbook.sanitise import removals

ERROR = Severity.ERROR
URL_ATTRIBUTES = frozenset({"href", "src", "data", "poster", "action", "formaction", "background", "cite",
                            "xlink:href", "srcset", "manifest", "longdesc"})
"""Attributes whose value is a URL that some output follows or loads."""
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")\s]+)", re.IGNORECASE)
_WEB = re.compile(r"^(https?|ftps?):|^//", re.IGNORECASE)


class _References(HTMLParser):
    """Every URL in rendered HTML, with whether an output would load it (a picture) or only link to it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if not value:
                continue
            if name in URL_ATTRIBUTES:
                loads = not (tag == "a" and name == "href")
                urls = [c.split()[0] for c in value.split(",") if c.strip()] if name == "srcset" else [value.strip()]
                self.found.extend((url, loads) for url in urls)
            if name == "style":
                self.found.extend((url, True) for url in _CSS_URL.findall(value))

    def handle_data(self, data: str) -> None:
        if self.lasttag == "style":
            self.found.extend((url, True) for url in _CSS_URL.findall(data))


def containment(handbook: Handbook, _: object) -> Iterator[Finding]:
    """One finding per reference that leaves the handbook and per piece of HTML the sanitiser would remove."""
    for doc in handbook:
        problem = refusal(handbook.root, handbook.config, doc.path)
        if problem is not None:
            yield Finding(doc.path, 1, 1, ERROR, problem[0], f"this document {problem[1]}")
        html = render_markdown(doc.body, sanitise=False)
        where = _Locator(doc)
        reported: set[str] = set()
        for url, loads in _references(html):
            found = _reference_problem(handbook, doc, url, loads)
            if found is not None:
                reported.add(url)
                line, col = where.find(url)
                yield Finding(doc.path, line, col, ERROR, found[0], f"{_shown(url)} {found[1]}")
        for removal in removals(html):
            if removal.value is not None and removal.value.strip() in reported:
                continue
            line, col = where.find(removal.needle)
            yield Finding(doc.path, line, col, ERROR, "UNSAFE_HTML",
                          f"{removal.reason}; outputs keep only text and its structure")


def _references(html: str) -> list[tuple[str, bool]]:
    parser = _References()
    parser.feed(html)
    parser.close()
    return parser.found


def _reference_problem(handbook: Handbook, doc: Document, url: str, loads: bool) -> tuple[str, str] | None:
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
    return refusal(handbook.root, handbook.config, path)


def _shown(url: str) -> str:
    return url if len(url) <= 80 else url[:77] + "..."


class _Locator:
    """Where in the source a rendered reference was written: its next occurrence, case-insensitively."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.body.lower()
        self.cursor: dict[str, int] = {}

    def find(self, needle: str) -> tuple[int, int]:
        key = needle.lower()
        at = self.text.find(key, self.cursor.get(key, 0))
        if at < 0:
            at = self.text.find(key)
        if at < 0:
            return self.doc.source.body_line, 1
        self.cursor[key] = at + 1
        line = self.text.count("\n", 0, at)
        column = at - (self.text.rfind("\n", 0, at) + 1) + 1
        return self.doc.source.body_line + line, column
