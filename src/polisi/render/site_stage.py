"""Writing the site's pages as Markdown into a staging folder, for MkDocs to build.

Document pages are staged at the same paths as in the handbook, so the links
authors write (``../procedures/PRO-SAF-01.md#reporting``) work unchanged and
MkDocs checks them. Only a link to a document that is not published (a draft,
in a staff build) is pointed at a short page saying so.
"""

from __future__ import annotations

import posixpath
import shutil
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from polisi.handbook.contain import handbook_file
from polisi.handbook.links import links, resolve
from polisi.handbook.model import Document, Kind
from polisi.handbook.sanitise import SITE_NONCE, region_markers
from polisi.render.site_config import NavEntry
from polisi.render.site_plan import (
    ASSETS,
    HOME,
    KIND_LABELS,
    REGISTER,
    SCHEDULE,
    STATE_LABELS,
    UNPUBLISHED,
    SitePlan,
    clause_label,
    long_date,
)

STATIC_FILES = ("polisi.css", "review.js")


def stage_site(plan: SitePlan, docs: Path) -> list[NavEntry]:
    """Write every page, asset and copied PDF under ``docs``; return the navigation."""
    env = _environment()
    for doc in plan.published:
        body = _staged_body(plan, doc, docs)
        _write(env, plan, docs, plan.page(doc), "document.md.j2", doc=doc, body=Markup(body))
    for kind, folder_page in (
        (Kind.POLICY, "policies/index.md"),
        (Kind.PROCEDURE, "procedures/index.md"),
    ):
        _write(env, plan, docs, folder_page, "kind.md.j2", kind=kind, documents=plan.of_kind(kind))
    for doc_id in sorted(plan.linked_unpublished):
        target = plan.handbook.get(doc_id)
        _write(env, plan, docs, f"{UNPUBLISHED}/{doc_id}.md", "unpublished.md.j2", doc=target)
    _write(env, plan, docs, REGISTER, "register.md.j2", kind_labels=KIND_LABELS)
    _write(env, plan, docs, SCHEDULE, "schedule.md.j2")
    _write(env, plan, docs, HOME, "home.md.j2")
    _copy_static(docs / ASSETS)
    _copy_outputs(plan, docs)
    return navigation(plan)


def navigation(plan: SitePlan) -> list[NavEntry]:
    """Home, the statement of purpose, each kind's list, every area's documents, the registers."""
    nav: list[NavEntry] = [{"Home": HOME}]
    statement = plan.of_kind(Kind.STATEMENT)
    if statement:
        nav.append({nav_title(statement[0]): plan.page(statement[0])})
    nav += [{"All policies": "policies/index.md"}, {"All procedures": "procedures/index.md"}]
    by_area = [
        {name: [{nav_title(d): plan.page(d)} for d in docs]} for _, name, docs in plan.areas()
    ]
    if by_area:
        nav.append({"By area": by_area})
    nav += [{"Legal basis register": REGISTER}, {"Review schedule": SCHEDULE}]
    return nav


def nav_title(doc: Document) -> str:
    marker = "" if doc.approved else f" ({doc.status})"
    if doc.kind is Kind.STATEMENT:
        return f"Statement of Purpose{marker}"
    return f"{doc.id} {doc.title}{marker}"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("polisi.render", "templates/site"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    env.filters["long_date"] = long_date
    env.filters["clause_label"] = clause_label
    env.globals.update(STATE_LABELS=STATE_LABELS, Kind=Kind)
    return env


def _write(
    env: Environment, plan: SitePlan, docs: Path, page: str, template: str, **context: Any
) -> None:
    def url(target: str) -> str:
        return plan.url(target, page)

    text = env.get_template(template).render(plan=plan, here=page, url=url, **context)
    path = docs / page
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _staged_body(plan: SitePlan, doc: Document, docs: Path) -> str:
    """The body with links to unpublished documents redirected, linked files copied, and markers
    around it for the sanitiser MkDocs runs (:mod:`polisi.handbook.sanitise`)."""
    lines = doc.body.splitlines(keepends=True)
    for link in sorted(links(doc.body), key=lambda k: (k.line, -k.column)):
        if link.external or not link.target or link.target.startswith("#"):
            continue
        resolved = resolve(doc.path, link.target)[0]
        target = plan.handbook.by_path.get(resolved)
        if target is None:
            _copy_linked_file(plan, resolved, docs)
            continue
        if target.id in plan.published_ids:
            continue
        plan.linked_unpublished.add(target.id)
        new = posixpath.relpath(f"{UNPUBLISHED}/{target.id}.md", posixpath.dirname(doc.path) or ".")
        line, start = lines[link.line - 1], link.column - 1
        lines[link.line - 1] = line[:start] + new + line[start + len(link.target) :]
    begin, end = region_markers(SITE_NONCE)
    return f"{begin}\n\n{''.join(lines)}\n\n{end}"


def _copy_linked_file(plan: SitePlan, resolved: str, docs: Path) -> None:
    """Copy an image or attachment a body links to, at the same path: only a regular file whose
    real path is inside the handbook (:func:`~polisi.handbook.contain.handbook_file`)."""
    if resolved.endswith(".md"):
        return
    handbook = plan.handbook
    source = handbook_file(handbook.root, handbook.config, resolved)
    if source is not None:
        target = docs / unquote(resolved)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def _copy_static(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    folder = resources.files("polisi.render") / "static" / "site"
    for name in STATIC_FILES:
        (target / name).write_bytes((folder / name).read_bytes())


def _copy_outputs(plan: SitePlan, docs: Path) -> None:
    """Signed PDFs and the inspector bundle, when they have been built."""
    build = plan.handbook.build_dir
    for doc_id in sorted(plan.pdfs):
        (docs / "pdf").mkdir(exist_ok=True)
        shutil.copy2(build / "pdf" / f"{doc_id}.pdf", docs / "pdf" / f"{doc_id}.pdf")
    if plan.bundle:
        (docs / "bundle").mkdir(exist_ok=True)
        shutil.copy2(
            build / "bundle" / "inspector-bundle.pdf", docs / "bundle" / "inspector-bundle.pdf"
        )
