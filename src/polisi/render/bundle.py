"""``polisi build bundle``: one signed PDF holding everything an inspector asks for.

Cover, contents with page numbers, the Statement of Purpose, the legal-basis
matrix, every document's review status and approval record, optionally a
change log, then every approved policy (each followed by its procedures).
Handbook links become links inside the bundle. The manifest (the SHA-256 of every
per-document PDF and Word copy, and the commit) is embedded before signing, so the
bundle's signature covers it; ``manifest.json`` beside it is the same text.

The bundle is laid out in parts (:class:`Part`), each cached by content hash,
so that an edit re-lays out only what it touched: one layout of everything
made every edit cost a full render. No part depends on another's page count
except the cover and contents, which are laid out last and are short; the
parts are joined by :mod:`polisi.render.pdf_merge`.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pikepdf

from polisi.handbook.approvals import decisions_between
from polisi.handbook.catalogue import Clause
from polisi.handbook.model import Document, Handbook, Kind
from polisi.history.git import History
from polisi.publish import replace_folder, write_atomically
from polisi.render.bundle_cache import PartCache
from polisi.render.bundle_coverage import coverage_rows
from polisi.render.bundle_languages import bundle_folder, cover_line, language_note, part_name, views
from polisi.render.labels import labels
from polisi.render.pdf import PdfJob, RenderFailed
from polisi.render.pdf_build import pdf_name
from polisi.render.pdf_merge import LINK_PREFIX, MergePart, merge_parts
from polisi.render.print_html import PrintDocument, long_date, pdf_dates, print_document, render_template
from polisi.render.progress import Progress, silent
from polisi.signing.manifest import BUNDLE_FILE, MANIFEST, embed_manifest, manifest_bytes, published_files, sha256_of
from polisi.signing.signer import Signer

CACHE_FILE = "bundle.json"
PARTS_FOLDER = "bundle-parts"


@dataclass(frozen=True)
class MatrixRow:
    clause_id: str
    title: str
    documents: tuple[tuple[str, str], ...]
    """(id, href) of each bundled document citing the clause."""


@dataclass(frozen=True)
class StatusRow:
    id: str
    title: str
    href: str | None
    version: str
    status: str
    approved_by: str
    approved_on: str
    last_reviewed: str
    next_review: str
    review_state: str


@dataclass(frozen=True)
class ChangeRow:
    """One decision of an approval record in the change log: an approval or a review that changed nothing."""

    date: str
    id: str
    href: str | None
    title: str
    version: str
    decision: str
    summary: str
    evidence: str
    """Where the decision is minuted, or that the record does not say."""


@dataclass(frozen=True)
class BundleBuild:
    path: Path
    manifest: Path
    rendered: bool
    """Signed anew (the merged bundle differs from the previous build's)."""
    parts_rendered: tuple[str, ...] = ()
    """Parts laid out by this build; the others came from the cache."""


def bundled_documents(handbook: Handbook) -> list[Document]:
    """Approved policies by id, each followed by its approved procedures; then any other approved procedures."""
    policies = sorted((d for d in handbook.of_kind(Kind.POLICY) if d.approved), key=lambda d: d.id)
    order: list[Document] = []
    for policy in policies:
        order.append(policy)
        order.extend(sorted((p for p in handbook.procedures_of(policy) if p.approved), key=lambda d: d.id))
    placed = {d.id for d in order}
    order.extend(sorted((d for d in handbook.of_kind(Kind.PROCEDURE) if d.approved and d.id not in placed),
                        key=lambda d: d.id))
    return order


@dataclass(frozen=True)
class Part:
    """One separately laid-out piece of the bundle: a register, the Statement of Purpose or one document."""

    name: str
    """The id of the element it starts with; contents entries link to it."""
    label: str
    """How the contents lists it."""
    kind: str
    """``section``, ``policy`` or ``procedure``: how the contents styles its entry."""
    job: PdfJob
    nested: bool = False
    """A document after the first: its bookmark goes under "Policies and procedures in force"."""


@dataclass(frozen=True)
class ContentsEntry:
    kind: str
    label: str
    href: str
    page: int
    children: tuple[ContentsEntry, ...] = ()


@dataclass(frozen=True)
class BundlePlan:
    """Every part but the contents, and what the contents part needs once their page counts are known.

    Only the cover and contents depend on page counts, so only they are laid out
    again when an edit makes a document longer or shorter.
    """

    parts: tuple[Part, ...]
    documents: tuple[str, ...]
    """Names of the parts that are bundled documents, in order."""
    context: dict[str, object]
    created: datetime
    modified: datetime

    def contents(self, pages: Sequence[int], contents_pages: int) -> PdfJob:
        """The cover and contents, listing each part at the bundle page it starts on."""
        starts: dict[str, int] = {}
        page = contents_pages + 1
        for part, count in zip(self.parts, pages, strict=True):
            starts[part.name] = page
            page += count
        entries = [ContentsEntry(p.kind, p.label, LINK_PREFIX + p.name, starts[p.name])
                   for p in self.parts if p.name not in self.documents]
        if self.documents:
            children = tuple(ContentsEntry(p.kind, p.label, LINK_PREFIX + p.name, starts[p.name])
                             for p in self.parts if p.name in self.documents)
            entries.append(ContentsEntry("section", DOCUMENTS_TITLE, LINK_PREFIX + DOCUMENTS_ANCHOR,
                                         starts[self.documents[0]], children))
        html = render_template("bundle.html.j2", part="contents", contents=entries, **self.context)
        return PdfJob(html, self.created, self.modified)


DOCUMENTS_TITLE = "Policies and procedures in force"
DOCUMENTS_ANCHOR = "documents"


def bundle_plan(handbook: Handbook, history: History, as_of: date, since: date | None = None, *,
                demonstration: bool = False, languages: Sequence[str] = ()) -> BundlePlan:
    """The bundle's parts and metadata; the same commit and dates always give the same plan.

    ``demonstration`` marks every page as signed with the demonstration certificate; ``languages``
    are the languages its documents appear in (default: the source language).
    """
    languages = tuple(languages) or (handbook.config.source_lang,)
    docs = [view for doc in bundled_documents(handbook) for view in views(handbook, doc, languages)]
    approved_statement = handbook.statement if handbook.statement and handbook.statement.approved else None
    statements = views(handbook, approved_statement, languages) if approved_statement else []
    statement = statements[0] if statements else None
    inside = {part_name(d) for d in docs + statements}

    def to_document(target: Document, fragment: str) -> str:
        name = part_name(target)
        if name not in inside:
            return LINK_PREFIX + target.id if target.id in inside else f"../pdf/{pdf_name(target)}"
        return LINK_PREFIX + (f"{name}--{fragment}" if fragment else name)

    def href(doc_id: str) -> str | None:
        return LINK_PREFIX + doc_id if doc_id in inside else None

    def printed(doc: Document) -> PrintDocument:
        return print_document(handbook, doc, history, to_document=to_document, namespace=part_name(doc))

    included = statements + docs
    dates = [pdf_dates(d, history) for d in included] or [(_epoch(history), _epoch(history))]
    created, modified = min(c for c, _ in dates), max(m for _, m in dates)
    dirty = sorted(d.id for d in included if history.is_dirty(d.path))
    config = handbook.config
    context: dict[str, object] = dict(
        organisation=config.organisation,
        service=config.service,
        responsible_individual=config.responsible_individual or "not named in polisi.yml",
        lang=config.language,
        as_of=long_date(as_of),
        commit=history.head or "not built from a git commit",
        dirty=dirty,
        languages=cover_line(handbook, languages),
        demonstration=demonstration,
    )

    def register(name: str, label: str, **data: object) -> Part:
        """Unmarked even when a document is uncommitted: the cover names it and its own pages carry DRAFT.

        Marking them too would lay out every register again for any uncommitted edit.
        """
        html = render_template("bundle.html.j2", part=name, watermark=False,
                               created=created.isoformat(), modified=created.isoformat(), **context, **data)
        return Part(name, label, "section", PdfJob(html, created, created))

    def document_job(doc: Document, part: str) -> PdfJob:
        """Dated like the document's own PDF, so that only an edit to it changes its part."""
        view = printed(doc)
        doc_created, doc_modified = pdf_dates(doc, history)
        html = render_template("bundle.html.j2", part=part, doc=view, statement=view,
                               watermark=view.draft_reason is not None,
                               created=doc_created.isoformat(), modified=doc_modified.isoformat(), **context)
        name = doc.path.rsplit("/", 1)[-1]
        source = ((name, doc.source.text.encode("utf-8"), f"Markdown source of {name}"),)
        return PdfJob(html, doc_created, doc_modified, source)

    def label(doc: Document) -> str:
        return f"{doc.id} {doc.title}{language_note(handbook, doc, languages)}"

    parts = []
    if statement:
        parts.append(Part("statement", "Statement of Purpose" + language_note(handbook, statement, languages),
                          "section", document_job(statement, "statement")))
        parts.extend(Part(part_name(s), label(s), "section", document_job(s, "document")) for s in statements[1:])
    parts.append(register("legal-basis", "Legal-basis matrix", matrix=_matrix(handbook, included, href),
                          uncovered=_uncovered(handbook, included, as_of),
                          not_applicable=[(handbook.catalogue.clauses[clause_id], why)
                                          for clause_id, why in handbook.not_applicable.items()]))
    parts.append(register("review-status", "Review status and approval record",
                          status=[_status(d, as_of, config.review.warning_days, href(d.id))
                                  for d in _all_in_order(handbook)]))
    acknowledged = coverage_rows(handbook, history, as_of)
    if acknowledged is not None:
        parts.append(register("acknowledgements", "Acknowledgement coverage", coverage=acknowledged))
    if since:
        parts.append(register("changes", f"Changes since {long_date(since)}", since=long_date(since),
                              changes=_changes(handbook, since, as_of, href)))
    parts.extend(Part(part_name(d), label(d), d.kind.value, document_job(d, "document" if n else "documents"), n > 0)
                 for n, d in enumerate(docs))
    context.update(watermark=bool(dirty), created=created.isoformat(), modified=modified.isoformat())
    return BundlePlan(tuple(parts), tuple(part_name(d) for d in docs), context, created, modified)


def build_bundle(
    handbook: Handbook,
    history: History,
    as_of: date,
    since: date | None = None,
    *,
    signer: Signer,
    languages: Sequence[str] = (),
    progress: Progress = silent,
) -> BundleBuild:
    """Render (changed parts only), merge, sign and write the bundle and its manifest into ``build/bundle``.

    Each part's unsigned PDF is kept in ``build/cache/bundle-parts`` under the
    hash of everything that shapes it; the signed bundle is reused when the
    merged bytes and the signing identity are those of the previous build.
    """
    out = handbook.build_dir
    languages = tuple(languages) or (handbook.config.source_lang,)
    target = bundle_folder(out, handbook, languages)
    variant = "" if target == out / "bundle" else "-" + target.name
    parts = PartCache(out / "cache" / f"{PARTS_FOLDER}{variant}")
    cache_path = out / "cache" / CACHE_FILE.replace(".json", f"{variant}.json")
    cached = _load(cache_path)
    guess = cached.get("contents_pages")
    plan = bundle_plan(handbook, history, as_of, since, demonstration=signer.identity.demonstration,
                       languages=languages)

    def render(batch: Sequence[Part]) -> list[bytes]:
        """Lay out parts, counting those of the plan (the contents, laid out last, are a moment's work)."""
        return parts.render(batch, progress if batch is plan.parts else silent)

    unsigned, contents_pages = render_bundle(plan, render, guess if isinstance(guess, int) and guess > 0 else 2)
    parts.prune()
    manifest = manifest_bytes(published_files(out), history.head, as_of)
    unsigned = embed_manifest(unsigned, manifest, plan.modified)  # the signature covers the manifest
    key = hashlib.sha256(unsigned).hexdigest() + signer.fingerprint
    previous = target / BUNDLE_FILE
    reuse = previous.is_file() and cached.get("key") == key and cached.get("sha256") == sha256_of(previous)
    with replace_folder(target) as staging:
        for other in (p for p in target.glob("*") if p.is_dir()) if not variant else ():
            shutil.copytree(other, staging / other.name)  # the bundles in other languages
        pdf = staging / BUNDLE_FILE
        if reuse:
            pdf.write_bytes(previous.read_bytes())
        else:
            pdf.write_bytes(signer.sign(unsigned, f"Inspector bundle of {handbook.config.organisation}"))
        (staging / MANIFEST).write_bytes(manifest)
    write_atomically(cache_path, json.dumps({"key": key, "sha256": sha256_of(previous),
                                             "contents_pages": contents_pages}))
    return BundleBuild(previous, target / MANIFEST, not reuse, tuple(parts.rendered))


Renderer = Callable[[Sequence[Part]], list[bytes]]
"""Lays out parts: each part's unsigned PDF, in order."""


def render_bundle(plan: BundlePlan, render: Renderer, contents_pages: int = 2) -> tuple[bytes, int]:
    """The unsigned bundle and the page count of its cover and contents.

    Every part is laid out by ``render``, then the cover and contents, and all
    are merged into one PDF. The contents come last because they list page
    numbers; their own length shifts every number, so they are laid out again
    until it stops changing. ``contents_pages`` is the first guess: the
    previous build's count makes one layout enough.
    """
    rendered = render(plan.parts)
    pages = [_page_count(data) for data in rendered]
    for _ in range(4):
        (contents,) = render([Part("contents", "Contents", "section", plan.contents(pages, contents_pages))])
        if _page_count(contents) == contents_pages:
            break
        contents_pages = _page_count(contents)
    else:
        raise RenderFailed("the contents of the bundle do not settle on a page count")
    merged = [MergePart(contents)] + [MergePart(data, p.nested) for p, data in zip(plan.parts, rendered, strict=True)]
    return merge_parts(merged), contents_pages


def _page_count(data: bytes) -> int:
    with pikepdf.open(BytesIO(data)) as pdf:
        return len(pdf.pages)


def _epoch(history: History) -> datetime:
    return history.head_date or datetime.fromisoformat("1980-01-01T00:00:00+00:00")


def _load(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _all_in_order(handbook: Handbook) -> list[Document]:
    kinds = list(Kind)
    return sorted(handbook.documents, key=lambda d: (kinds.index(d.kind), d.id))


def _matrix(handbook: Handbook, docs: Iterable[Document], href: Callable[[str], str | None]) -> list[MatrixRow]:
    citing: dict[str, list[str]] = {}
    for doc in docs:
        for clause_id in dict.fromkeys(c for _, c in doc.citations):
            citing.setdefault(clause_id, []).append(doc.id)
    rows = []
    for clause_id in sorted(citing, key=_clause_order):
        clause = handbook.catalogue.get(clause_id)
        rows.append(MatrixRow(clause_id, clause.title if clause else "(not in the catalogue)",
                              tuple((i, href(i) or "") for i in citing[clause_id])))
    return rows


def _uncovered(handbook: Handbook, docs: Iterable[Document], as_of: date) -> list[Clause]:
    """Clauses in force on ``as_of`` that no bundled document cites: the gaps. Whole-instrument ids and
    provisions that cannot apply to this service are left out, so real gaps are not buried."""
    cited = {c for d in docs for _, c in d.citations}
    not_applicable = handbook.not_applicable
    return sorted(
        (c for c in handbook.catalogue.clauses.values()
         if c.locator and c.id not in cited and c.instrument.id not in cited
         and c.id not in not_applicable and not c.instrument.superseded_at(as_of)),
        key=lambda c: _clause_order(c.id),
    )


def _clause_order(clause_id: str) -> tuple[object, ...]:
    """Natural order, so reg-9 comes before reg-10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", clause_id))


def _status(doc: Document, as_of: date, warning_days: int, href: str | None) -> StatusRow:
    review = doc.review(as_of, warning_days)
    state = review.state.value if review else "no review dates"
    if review and review.state.value == "overdue":
        state = f"overdue by {-review.days_left} days"
    meta = doc.meta
    return StatusRow(doc.id, doc.title, href, meta.version, doc.status, meta.approved_by or "",
                     long_date(meta.approved_on), long_date(meta.last_reviewed), long_date(doc.next_review), state)


def _changes(handbook: Handbook, since: date, until: date, href: Callable[[str], str | None]) -> list[ChangeRow]:
    """Every approval and review the approval records hold from ``since`` to ``until``, oldest first
    (never commit messages: what an inspector reads is what the approver decided)."""
    t = labels("en")
    return [
        ChangeRow(long_date(entry.on), doc_id, href(doc_id), doc.title, entry.version,
                  t[f"revision.{entry.event}"].format(by=entry.by), entry.summary, entry.evidence or t["not_recorded"])
        for doc_id, entry in sorted(decisions_between(handbook.records, since, until), key=lambda d: d[1].on)
        if (doc := handbook.get(doc_id)) is not None
    ]
