"""Links in the handbook's guide (``docs/*.md``, which the staff site publishes under ``guide/``).

The guide's pages are not documents, but the site build would fail on a link MkDocs cannot follow,
and ``check`` is the gate: whatever passes it builds. So each link or picture in a guide page must
lead to another guide page or to an approved document (the staff site's pages); anything else is a
``BROKEN_LINK`` at its place, before a build.
"""

from __future__ import annotations

from collections.abc import Iterator

from polisi.findings import Finding, Severity
from polisi.handbook.links import links, resolve
from polisi.handbook.model import Handbook

GUIDE_SOURCE = "docs"
"""The handbook folder whose Markdown pages are the guide."""


def guide_links(handbook: Handbook, _: object) -> Iterator[Finding]:
    folder = handbook.root / GUIDE_SOURCE
    if not folder.is_dir():
        return
    pages = {f"{GUIDE_SOURCE}/{p.name}": p for p in sorted(folder.glob("*.md"))}
    published = {doc.path for doc in handbook if doc.approved}
    for page, file in pages.items():
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            yield Finding(page, 1, 1, Severity.ERROR, "UNREADABLE", f"cannot read {page} as UTF-8 text")
            continue
        for link in links(text):
            if link.external or not link.target or link.target.startswith("#"):
                continue
            target = resolve(page, link.target)[0]
            if target not in pages and target not in published:
                yield Finding(page, link.line, link.column, Severity.ERROR, "BROKEN_LINK",
                              f"{link.target}: a guide page can link only to another page of {GUIDE_SOURCE}/ or "
                              "to an approved document, the pages the staff site holds")
