"""Writing the site's pages as Markdown into a staging folder, for MkDocs to build.

Document pages are staged at the same paths as in the handbook, so the links
authors write (``../procedures/PRO-SAF-01.md#reporting``) work unchanged and
MkDocs checks them. Only a link to a document that is not published (a draft,
in a staff build) is pointed at a short page saying so.
"""

from __future__ import annotations

import json
import posixpath
from importlib import resources
from typing import Any
from urllib.parse import unquote

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from polisi.handbook.contain import handbook_file
from polisi.handbook.links import links, resolve
from polisi.handbook.model import Document, Kind
from polisi.handbook.sanitise import region_markers
from polisi.render.labels import labels as document_labels
from polisi.render.labels import long_date, month_names
from polisi.render.site_config import NavEntry
from polisi.render.site_guide import stage_guide
from polisi.render.site_html import PageHtml
from polisi.render.site_labels import script_labels, site_labels
from polisi.render.site_pages import (
    LISTINGS,
    PageCache,
    PageRecord,
    build_digest,
    front_matter_digest,
    listing_key,
    page_key,
)
from polisi.render.site_plan import (
    AREAS,
    ASSETS,
    HOME,
    KIND_LABELS,
    POLICIES,
    PROCEDURES,
    REGISTER,
    SCHEDULE,
    UNPUBLISHED,
    WHATS_NEW,
    SitePlan,
    clause_label,
)
from polisi.render.site_tree import DOCS, StagedTree

STATIC_FILES = ("polisi.css", "review.js")
OVERRIDES = "overrides"
"""The theme override folder beside ``docs``: polisi's 404 page in the house style."""
GROUP_IDS = {
    "overdue": "overdue",
    "due": "due-soon",
    "in_date": "in-date",
    "drafts": "drafts",
    "withdrawn_group": "withdrawn",
}
"""Anchors of the review schedule's groups, fixed so links to them survive a change of wording."""


def stage_site(plan: SitePlan, tree: StagedTree, pages: PageCache) -> list[NavEntry]:
    """Write every page, asset and copied PDF under ``docs/`` of ``tree``, and the theme overrides
    under ``overrides/``; return the navigation. A document page whose key is recorded in ``pages``
    for the file the tree already holds is kept as it is (:mod:`polisi.render.site_pages`)."""
    env = _environment()
    env.filters["long_date"] = lambda day: long_date(day, plan.lang)
    shared = build_digest(plan)
    records: dict[str, PageRecord] = {}
    for doc in plan.published:
        page = plan.page(doc)
        if plan.untranslated(doc):
            source = plan.handbook.config.source_lang
            _write(env, plan, tree, DOCS, page, "untranslated.md.j2", doc=doc,
                   source_name=plan.labels.get(f"name_{source}", source),
                   source_href="../" * (page.count("/") + 1) + page.removesuffix(".md") + ".html")
            continue
        key = page_key(plan, doc, shared)
        record = pages.hit(page, key)
        if record is None or not tree.keep(f"{DOCS}/{page}"):
            body, unpublished, files = _staged_body(plan, doc)
            _write(env, plan, tree, DOCS, page, "document.md.j2", doc=doc, body=Markup(body),
                   translation=translation_notice(plan, doc))
            record = PageRecord(key, unpublished, files)
        records[page] = record
        plan.linked_unpublished.update(record.unpublished)
        for linked in record.files:
            _copy_linked_file(plan, linked, tree)
    front_matter = front_matter_digest(plan)

    def write_listing(page: str, template: str, **context: Any) -> None:
        key = listing_key(shared, front_matter, template, page)
        record = pages.hit(page, key)
        if template not in LISTINGS or record is None or not tree.keep(f"{DOCS}/{page}"):
            _write(env, plan, tree, DOCS, page, template, **context)
        records[page] = PageRecord(key)

    for kind, folder_page in ((Kind.POLICY, POLICIES), (Kind.PROCEDURE, PROCEDURES)):
        write_listing(folder_page, "kind.md.j2", kind=kind, documents=plan.of_kind(kind))
    for doc_id in sorted(plan.linked_unpublished):
        target = plan.handbook.get(doc_id)
        _write(env, plan, tree, DOCS, f"{UNPUBLISHED}/{doc_id}.md", "unpublished.md.j2", doc=target)
    write_listing(AREAS, "areas.md.j2")
    write_listing(REGISTER, "register.md.j2",
                  kind_labels={kind: document_labels(plan.lang)[f"citation.{kind.value}"] for kind in KIND_LABELS})
    write_listing(SCHEDULE, "schedule.md.j2")
    write_listing(WHATS_NEW, "whats_new.md.j2", entries=plan.whats_new())
    write_listing(HOME, "home.md.j2")
    guide = stage_guide(plan, tree)
    pages.records = records
    _write(env, plan, tree, OVERRIDES, "404.html", "404.html.j2")
    _write(env, plan, tree, OVERRIDES, "main.html", "main.html.j2")
    _copy_static(tree)
    _copy_outputs(plan, tree)
    return navigation(plan, guide)


def navigation(plan: SitePlan, guide: str | None = None) -> list[NavEntry]:
    """The same few entries on every page, however many documents there are: listing every
    document in the navigation would repeat the whole handbook on each page, so the site would
    grow with the square of the handbook. Documents are reached from the lists and the search."""
    labels = plan.labels
    nav: list[NavEntry] = [{labels["home"]: HOME}]
    statement = plan.of_kind(Kind.STATEMENT)
    if statement:
        nav.append({nav_title(plan, statement[0]): plan.page(statement[0])})
    nav += [{labels["all_policies"]: POLICIES}, {labels["all_procedures"]: PROCEDURES}]
    if plan.areas():
        nav.append({labels["by_area"]: AREAS})
    nav += [{labels["whats_new"]: WHATS_NEW}, {labels["register"]: REGISTER}, {labels["schedule"]: SCHEDULE}]
    if guide:
        nav.append({labels["guide"]: guide})
    return nav


def nav_title(plan: SitePlan, doc: Document) -> str:
    title = plan.labels["statement"] if doc.kind is Kind.STATEMENT else f"{doc.id} {doc.title}"
    return title if doc.approved else f"{title} ({plan.labels['status_' + doc.status].lower()})"


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
    env.globals.update(
        Kind=Kind,
        HOME=HOME,
        AREAS=AREAS,
        POLICIES=POLICIES,
        PROCEDURES=PROCEDURES,
        REGISTER=REGISTER,
        SCHEDULE=SCHEDULE,
        WHATS_NEW=WHATS_NEW,
        GROUP_IDS=GROUP_IDS,
    )
    return env


def _write(
    env: Environment, plan: SitePlan, tree: StagedTree, folder: str, page: str, template: str, **context: Any
) -> None:
    """Render ``template`` as ``page`` (its path, which its links are relative to) under ``folder``."""
    def url(target: str) -> str:
        return plan.url(target, page)

    html = PageHtml(plan, page)
    text = env.get_template(template).render(
        plan=plan,
        here=page,
        url=url,
        L=plan.labels,
        script_labels={**script_labels(plan.labels), "months": month_names(plan.lang)},
        doc_id=html.doc_id,
        doc_link=html.doc_link,
        status_badge=html.status_badge,
        review_badge=html.review_badge,
        review_cell=html.review_cell,
        today=html.today,
        **context,
    )
    if page.endswith(".md"):
        text = _with_language_pairs(plan, page, text)
    tree.write_text(f"{folder}/{page}", text)


def _with_language_pairs(plan: SitePlan, page: str, text: str) -> str:
    """The page with front matter naming the same page in the other languages' trees, for the theme
    override (``overrides/main.html``) to link above the title; pages are at the same path in each tree."""
    pairs = plan.pairs()
    if not pairs:
        return text
    html_page = page.removesuffix(".md") + ".html"
    depth = "../" * page.count("/")
    entries = "".join(
        f"  - href: {json.dumps(depth + prefix + html_page)}\n    lang: {code}\n"
        f"    label: {json.dumps(site_labels(code)['other_language'], ensure_ascii=False)}\n"
        for code, prefix in pairs
    )
    block = f"polisi_lang: {plan.lang}\npolisi_pairs:\n{entries}"
    if text.startswith("---\n"):
        return "---\n" + block + text[4:]
    return f"---\n{block}---\n" + text


def translation_notice(plan: SitePlan, doc: Document) -> dict[str, str] | None:
    """On a translation's page: what it translates, whether a fluent speaker reviewed it, and the source page."""
    if doc.language is None:
        return None
    found = plan.handbook.get(doc.id)
    record = found.translation(doc.language).record if found and found.translation(doc.language) else None
    if record is None:
        return None
    labels, source = plan.labels, plan.handbook.config.source_lang
    names = {"version": record.source_version or doc.meta.version, "language": labels.get(f"name_{source}", source)}
    page = plan.page(doc)
    source_page = "../" * (page.count("/") + 1) + page.removesuffix(".md") + ".html"
    link = {"href": source_page, "lang": plan.handbook.config.lang_tag(source), "source_title": found.title}
    if record.state == "reviewed":
        text = labels["translation_reviewed_text"].format(
            by=record.reviewed_by, on=long_date(record.reviewed_on, doc.language), **names)
        return {"state": "reviewed", "title": "", "text": text, **link}
    return {"state": "draft", "title": labels["translation_draft_title"],
            "text": labels["translation_draft_text"].format(**names), **link}


def _staged_body(plan: SitePlan, doc: Document) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The body with links to unpublished documents redirected, links to translations pointed at their
    pages in this tree, and markers around it for the sanitiser MkDocs runs
    (:mod:`polisi.handbook.sanitise`); with the ids of the unpublished documents it links to and the
    handbook paths of the other files it links to (to copy beside it)."""
    lines = doc.body.splitlines(keepends=True)
    unpublished: list[str] = []
    files: list[str] = []
    for link in sorted(links(doc.body), key=lambda k: (k.line, -k.column)):
        if link.external or not link.target or link.target.startswith("#"):
            continue
        resolved, fragment = resolve(doc.path, link.target)
        if resolved in plan.handbook.translated_paths:
            source = plan.handbook.translated_paths[resolved][0]
            new = posixpath.relpath(source.path, posixpath.dirname(doc.path) or ".")
            new += f"#{fragment}" if fragment else ""
            line, start = lines[link.line - 1], link.column - 1
            lines[link.line - 1] = line[:start] + new + line[start + len(link.target):]
            continue
        target = plan.handbook.by_path.get(resolved)
        if target is None:
            files.append(resolved)
            continue
        if target.id in plan.published_ids:
            continue
        unpublished.append(target.id)
        new = posixpath.relpath(f"{UNPUBLISHED}/{target.id}.md", posixpath.dirname(doc.path) or ".")
        line, start = lines[link.line - 1], link.column - 1
        lines[link.line - 1] = line[:start] + new + line[start + len(link.target) :]
    begin, end = region_markers(plan.nonce)
    return f"{begin}\n\n{''.join(lines)}\n\n{end}", tuple(unpublished), tuple(files)


def _copy_linked_file(plan: SitePlan, resolved: str, tree: StagedTree) -> None:
    """Copy an image or attachment a body links to, at the same path: only a regular file whose
    real path is inside the handbook (:func:`~polisi.handbook.contain.handbook_file`)."""
    if resolved.endswith(".md"):
        return
    handbook = plan.handbook
    source = handbook_file(handbook.root, handbook.config, resolved)
    if source is not None:
        tree.copy(f"{DOCS}/{unquote(resolved)}", source)


def _copy_static(tree: StagedTree) -> None:
    folder = resources.files("polisi.render") / "static" / "site"
    for name in STATIC_FILES:
        tree.write_bytes(f"{DOCS}/{ASSETS}/{name}", (folder / name).read_bytes())


def _copy_outputs(plan: SitePlan, tree: StagedTree) -> None:
    """Signed PDFs and the inspector bundle, when they have been built (a translation tree's own)."""
    build = plan.handbook.build_dir
    language = plan.language or ""
    for doc_id in sorted(plan.pdfs):
        tree.copy(f"{DOCS}/pdf/{doc_id}.pdf", build / "pdf" / language / f"{doc_id}.pdf")
    if plan.bundle:
        tree.copy(f"{DOCS}/bundle/inspector-bundle.pdf", build / "bundle" / language / "inspector-bundle.pdf")
