"""The printed form of a document: what its front block, body and revision history say.

Per-document PDFs and the inspector bundle print documents the same way, so
both build :class:`PrintDocument` views here and hand them to the same Jinja2
macro. Nothing here knows about WeasyPrint; the HTML it makes is what
:mod:`polisi.render.pdf` lays out.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from polisi.handbook.contain import handbook_file
from polisi.handbook.links import is_external, resolve
from polisi.handbook.markdown import render_markdown
from polisi.handbook.model import Document, Handbook, Kind
from polisi.history.git import History
from polisi.render.labels import labels, long_date
from polisi.render.print_layout import print_layout

_ID_ATTR = re.compile(r'\bid="([^"]+)"')


@dataclass(frozen=True)
class LegalRow:
    kind: str
    clause_id: str
    title: str
    instrument: str


@dataclass(frozen=True)
class LinkedDoc:
    relation: str
    """``Procedure`` (listed by a policy) or ``Policy`` (the parent of a procedure)."""
    id: str
    title: str
    href: str | None


@dataclass(frozen=True)
class RevisionRow:
    """One decision of the approval record, as the revision table prints it: never a commit message."""

    version: str
    date: str
    decision: str
    """``Approved by Board``, or ``Reviewed by Registered Manager; no change``, in the document's language."""
    summary: str
    evidence: str | None
    """Where the decision is minuted, if the record says."""


@dataclass(frozen=True)
class PrintDocument:
    """Everything the print template shows for one document, already as text."""

    anchor: str
    id: str
    title: str
    kind: str
    version: str
    status: str
    owner: str
    approved_by: str
    approved_on: str
    next_review: str
    effective_from: str | None
    summary: str | None
    audience: str | None
    legal_basis: tuple[LegalRow, ...]
    linked: tuple[LinkedDoc, ...]
    body: Markup
    revisions: tuple[RevisionRow, ...]
    """The approval record's entries, newest first."""
    record_lang: str
    """The language tag of the record's summaries and evidence (written in the source language)."""
    draft_reason: str | None
    """Why the document carries a DRAFT watermark; ``None`` when it is approved and committed."""
    lang: str
    """Its language tag (``en-GB``, ``cy``), set on its ``<article>``."""
    t: Mapping[str, str]
    """polisi's labels in its language."""
    translation_note: str | None = None
    """For a translation: which version it translates and its review state."""


def draft_reason(doc: Document, history: History, language: str | None = None) -> str | None:
    t = labels(language)
    if not doc.approved:
        return t["draft_not_approved"].format(status=t[f"status.{doc.status}"])
    if history.is_dirty(doc.path):
        return t["draft_uncommitted"]
    return None


def translation_note(handbook: Handbook, doc: Document) -> str | None:
    """For a translation's view: what it translates and whether a fluent speaker has reviewed it."""
    if doc.language is None:
        return None
    source = handbook.get(doc.id)
    found = source.translation(doc.language) if source is not None else None
    if found is None:
        return None
    t, record = labels(doc.language), found.record
    names = {"language": t[f"language.{doc.language}"],
             "source": t.get(f"language.{handbook.config.source_lang}", handbook.config.source_lang),
             "version": record.source_version or doc.meta.version}
    if record.state == "reviewed":
        return t["translation.reviewed"].format(by=record.reviewed_by, on=long_date(record.reviewed_on, doc.language),
                                                **names)
    return t["translation.draft"].format(**names)


def pdf_dates(doc: Document, history: History) -> tuple[datetime, datetime]:
    """(created, modified) for the PDF metadata: from git, never from the clock.

    The first and last commits of the document, or the head commit when the file
    has uncommitted changes; outside git, the approval date. Fixed dates are
    what makes two builds of one commit byte-identical.
    """
    revisions = history.of(doc.path)
    fallback = history.head_date
    if fallback is None:
        day = doc.meta.approved_on or doc.meta.last_reviewed or date(1980, 1, 1)
        fallback = datetime(day.year, day.month, day.day, tzinfo=UTC)
    created = revisions[-1].date if revisions else fallback
    modified = fallback if history.is_dirty(doc.path) or not revisions else revisions[0].date
    return created.astimezone(UTC), max(created, modified).astimezone(UTC)


def page_css(language: str) -> str:
    """The page footer of a per-document PDF in ``language`` (margin boxes take no text from the HTML)."""
    t = labels(language)
    page = '"' + t["page_of"].replace("{page}", '" counter(page) "').replace("{pages}", '" counter(pages) "') + '"'
    return ("@page { @bottom-left { content: " + json.dumps(t["uncontrolled"], ensure_ascii=False) + "; } "
            "@bottom-right { content: string(partref, last) " + page + "; } }")


LinkTarget = Callable[[Document, str], str]
"""Where a link to another document (and a heading in it, maybe empty) points in this output."""


def pdf_file_target(target: Document, fragment: str) -> str:
    """Per-document PDFs sit side by side, so a link to a document is a link to its PDF."""
    return f"{target.id}.pdf" + (f"#{fragment}" if fragment else "")


def translated_pdf_target(language: str) -> LinkTarget:
    """From ``pdf/<language>/``: a translated target sits beside it, an untranslated one one folder up."""

    def target(doc: Document, fragment: str) -> str:
        return ("" if doc.language == language else "../") + pdf_file_target(doc, fragment)

    return target


def in_language_of(doc: Document, target: Document) -> Document:
    """``target`` as a reader of ``doc`` should reach it: its translation into ``doc``'s language if any."""
    if doc.language is not None and target.language is None and target.translation(doc.language) is not None:
        return target.in_language(doc.language)
    return target


def link_rewriter(handbook: Handbook, doc: Document, to_document: LinkTarget,
                  local: Callable[[str], str] = lambda f: f"#{f}") -> Callable[[str], str]:
    """Map each link as written in ``doc`` to where it points in the printed output."""

    def rewrite(href: str) -> str:
        if is_external(href):
            return href
        path, fragment = resolve(doc.path, href)
        if not path:
            return local(fragment)
        target = handbook.by_path.get(path)
        if target is None and path in handbook.translated_paths:
            source, language = handbook.translated_paths[path]
            target = source.in_language(language)
        return href if target is None else to_document(in_language_of(doc, target), fragment)

    return rewrite


def print_document(
    handbook: Handbook,
    doc: Document,
    history: History,
    *,
    to_document: LinkTarget = pdf_file_target,
    namespace: str | None = None,
) -> PrintDocument:
    """The printed view of ``doc``.

    ``namespace`` prefixes every id and in-document link (``POL-SAF-01--scope``)
    so that documents printed one after another in the bundle keep their anchors apart.
    """
    local = (lambda f: f"#{namespace}--{f}") if namespace else (lambda f: f"#{f}")
    body = print_layout(
        render_markdown(doc.body, link_rewriter(handbook, doc, to_document, local), embed_images(handbook, doc))
    )
    if namespace:
        body = _ID_ATTR.sub(lambda m: f'id="{namespace}--{m.group(1)}"', body)
    meta = doc.meta
    language = doc.language or handbook.config.source_lang
    t = labels(language)
    return PrintDocument(
        anchor=namespace or doc.id,
        id=doc.id,
        title=doc.title,
        kind=t[f"kind.{doc.kind.value}"],
        version=meta.version,
        status=t[f"status.{doc.status}"],
        owner=meta.owner,
        approved_by=meta.approved_by or t["not_yet_approved"],
        approved_on=long_date(meta.approved_on, language) or t["not_yet_approved"],
        next_review=long_date(doc.next_review, language) or t["not_set"],
        effective_from=long_date(meta.effective_from, language) or None,
        summary=meta.summary,
        audience=", ".join(meta.audience) or None,
        legal_basis=legal_basis(handbook, doc),
        linked=_linked(handbook, doc, to_document),
        body=Markup(body),
        revisions=revision_rows(handbook, doc, language),
        record_lang=handbook.config.lang_tag(handbook.config.source_lang),
        draft_reason=draft_reason(doc, history, language),
        lang=handbook.config.lang_tag(language),
        t=t,
        translation_note=translation_note(handbook, doc),
    )


def revision_rows(handbook: Handbook, doc: Document, language: str) -> tuple[RevisionRow, ...]:
    """The revision history staff and inspectors read: the approval record (``approvals/<ID>.yml``),
    newest first, so what it says is what the approver decided, never what a commit message says."""
    record = handbook.records.get(doc.id)
    decided = labels(language)
    return tuple(
        RevisionRow(e.version, long_date(e.on, language), decided[f"revision.{e.event}"].format(by=e.by),
                    e.summary, e.evidence)
        for e in (record.newest_first() if record else ())
    )


def legal_basis(handbook: Handbook, doc: Document) -> tuple[LegalRow, ...]:
    t = labels(doc.language or handbook.config.source_lang)
    rows = []
    for key, clause_id in doc.citations:
        clause = handbook.catalogue.get(clause_id)
        title = clause.title if clause else t["not_in_catalogue"]
        instrument = clause.instrument.label if clause else ""
        rows.append(LegalRow(t[f"citation.{key}"], clause_id, title, instrument))
    return tuple(rows)


def _linked(handbook: Handbook, doc: Document, to_document: LinkTarget) -> tuple[LinkedDoc, ...]:
    if doc.kind is Kind.POLICY:
        ids, relation = list(doc.meta.procedures), "Procedure"
    elif doc.kind is Kind.PROCEDURE and doc.meta.policy:
        ids, relation = [doc.meta.policy], "Policy"
    else:
        return ()
    linked = []
    for other_id in ids:
        other = handbook.get(other_id)
        if other is not None:
            other = in_language_of(doc, other)
        href = to_document(other, "") if other is not None else None
        missing = labels(doc.language or handbook.config.source_lang)["missing"]
        linked.append(LinkedDoc(relation, other_id, other.title if other else missing, href))
    return tuple(linked)


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment for the print templates shipped in ``render/templates``."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("polisi.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_template(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)


def embed_images(handbook: Handbook, doc: Document) -> Callable[[str], str]:
    """Map a relative image source to a ``data:`` URI of the file beside the document.

    Embedding keeps the PDF and the Word copy self-contained and lets the content-hash
    cache see an edited picture. Only a regular file of the handbook is read
    (:func:`~polisi.handbook.contain.handbook_file`); a source it refuses becomes an empty
    picture (``polisi check`` has said why), and an address is left for the sanitiser to judge.
    """
    folder = posixpath.dirname(doc.path)

    def embed(src: str) -> str:
        if is_external(src):
            return src
        path = handbook_file(handbook.root, handbook.config, posixpath.join(folder, src.split("#", 1)[0]))
        if path is None:
            return ""
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"

    return embed
