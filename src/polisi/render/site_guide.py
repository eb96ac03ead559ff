"""The user guide on the staff site: the handbook's ``docs/*.md`` pages, published under ``guide/``.

In this repository ``docs/`` is polisi's own user guide (the reference the README points at), so
the site polisi builds for its example handbook carries the manual of the tool that built it; a
handbook of one's own can keep its own guidance there (how to use the site, who to ask). The pages
are staged as they are written (``polisi check`` has made sure their links lead to pages the site
holds: :mod:`polisi.check.guide`), inside the sanitiser's markers like every document body, so raw
HTML in them is cleaned exactly as a document's would be. They are English pages in the source
language's tree only: a translation tree has no guide rather than an untranslated one.
"""

from __future__ import annotations

from pathlib import Path

from polisi.check.guide import GUIDE_SOURCE
from polisi.handbook.contain import handbook_file
from polisi.handbook.sanitise import region_markers
from polisi.render.site_plan import SitePlan
from polisi.render.site_tree import DOCS, StagedTree

GUIDE = "guide"
"""Where the guide's pages are on the site."""


def guide_pages(plan: SitePlan) -> list[Path]:
    """The guide's page files, by name: regular files inside the handbook (never a link that leads out)."""
    handbook = plan.handbook
    folder = handbook.root / GUIDE_SOURCE
    if plan.language or not folder.is_dir():
        return []
    found = (handbook_file(handbook.root, handbook.config, f"{GUIDE_SOURCE}/{p.name}") for p in folder.glob("*.md"))
    return sorted((p for p in found if p is not None), key=lambda p: p.name)


def stage_guide(plan: SitePlan, tree: StagedTree) -> str | None:
    """Write the guide's pages under ``docs/guide`` of ``tree``; return the page the navigation opens
    (its ``index.md``, else its first page), or ``None`` when the handbook has no guide."""
    pages = guide_pages(plan)
    begin, end = region_markers(plan.nonce)
    for page in pages:
        tree.write_text(f"{DOCS}/{GUIDE}/{page.name}", f"{begin}\n\n{page.read_text(encoding='utf-8')}\n\n{end}\n")
    names = [p.name for p in pages]
    if not names:
        return None
    return f"{GUIDE}/{'index.md' if 'index.md' in names else names[0]}"
