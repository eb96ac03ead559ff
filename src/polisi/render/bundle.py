"""``polisi build bundle``: one signed PDF holding everything an inspector asks for.

Cover, contents with page numbers, the Statement of Purpose, the legal-basis
matrix, every document's review status and approval record, optionally a
change log, then every approved policy (each followed by its procedures).
Handbook links become links inside the bundle. Beside it, ``manifest.json``
records the SHA-256 of every output file and the commit they were built from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..catalogue import Clause
from ..history import History
from ..model import Document, Handbook, Kind
from ..publish import replace_folder
from .manifest import MANIFEST, sha256_of, write_manifest
from .pdf import PdfJob, render_pdf
from .pdf_build import build_dir
from .print_html import PrintDocument, long_date, pdf_dates, print_document, render_template
from .signer import Signer

BUNDLE_FILE = "inspector-bundle.pdf"
CACHE_FILE = "bundle.json"


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
    date: str
    id: str
    href: str | None
    title: str
    change: str


@dataclass(frozen=True)
class BundleBuild:
    path: Path
    manifest: Path
    rendered: bool


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


def bundle_job(handbook: Handbook, history: History, as_of: date, since: date | None = None) -> PdfJob:
    """The bundle's HTML page and metadata; the same commit and dates always give the same job."""
    docs = bundled_documents(handbook)
    statement = handbook.statement if handbook.statement and handbook.statement.approved else None
    inside = {d.id for d in docs} | ({statement.id} if statement else set())

    def to_document(target: Document, fragment: str) -> str:
        if target.id not in inside:
            return f"../pdf/{target.id}.pdf"
        return f"#{target.id}--{fragment}" if fragment else f"#{target.id}"

    def href(doc_id: str) -> str | None:
        return f"#{doc_id}" if doc_id in inside else None

    def printed(doc: Document) -> PrintDocument:
        return print_document(handbook, doc, history, to_document=to_document, namespace=doc.id)

    included = ([statement] if statement else []) + docs
    dates = [pdf_dates(d, history) for d in included] or [(_epoch(history), _epoch(history))]
    created, modified = min(c for c, _ in dates), max(m for _, m in dates)
    dirty = sorted(d.id for d in included if history.is_dirty(d.path))
    config = handbook.config
    html = render_template(
        "bundle.html.j2",
        organisation=config.organisation,
        service=config.service,
        responsible_individual=config.responsible_individual or "not named in polisi.yml",
        lang=config.language,
        as_of=long_date(as_of),
        commit=history.head or "not built from a git commit",
        dirty=dirty,
        created=created.isoformat(),
        modified=modified.isoformat(),
        statement=printed(statement) if statement else None,
        documents=[printed(d) for d in docs],
        matrix=_matrix(handbook, included, href),
        uncovered=_uncovered(handbook, included, as_of),
        status=[_status(d, as_of, handbook.config.review.warning_days, href(d.id)) for d in _all_in_order(handbook)],
        since=long_date(since) if since else None,
        changes=_changes(handbook, history, since, href) if since else [],
    )
    attachments = tuple((f"{d.id}.md", d.source.text.encode("utf-8"), f"Markdown source of {d.id}") for d in included)
    return PdfJob(html, created, modified, attachments)


def build_bundle(
    handbook: Handbook,
    history: History,
    as_of: date,
    since: date | None = None,
    *,
    signer: Signer,
) -> BundleBuild:
    """Render, sign and write the bundle and its manifest into ``build/bundle``."""
    out = build_dir(handbook)
    target = out / "bundle"
    job = bundle_job(handbook, history, as_of, since)
    key = job.key() + signer.fingerprint
    cache_path = out / "cache" / CACHE_FILE
    previous = target / BUNDLE_FILE
    cached = _load(cache_path)
    reuse = previous.is_file() and cached.get("key") == key and cached.get("sha256") == sha256_of(previous)
    with replace_folder(target) as staging:
        pdf = staging / BUNDLE_FILE
        if reuse:
            pdf.write_bytes(previous.read_bytes())
        else:
            pdf.write_bytes(signer.sign(render_pdf(job), f"Inspector bundle of {handbook.config.organisation}"))
        files = [(f"bundle/{BUNDLE_FILE}", pdf)] + [(f"pdf/{p.name}", p) for p in sorted((out / "pdf").glob("*.pdf"))]
        write_manifest(staging / MANIFEST, files, history.head, as_of)
    cache_path.parent.mkdir(parents=True, exist_ok=True)
    cache_path.write_text(json.dumps({"key": key, "sha256": sha256_of(previous)}), encoding="utf-8")
    return BundleBuild(previous, target / MANIFEST, not reuse)


def _epoch(history: History) -> datetime:
    return history.head_date or datetime.fromisoformat("1980-01-01T00:00:00+00:00")


def _load(path: Path) -> dict[str, str]:
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
    """Clauses in force on ``as_of`` that no bundled document cites (whole-instrument ids left out)."""
    cited = {c for d in docs for _, c in d.citations}
    return sorted(
        (c for c in handbook.catalogue.clauses.values()
         if c.locator and c.id not in cited and c.instrument.id not in cited
         and not c.instrument.superseded_at(as_of)),
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


def _changes(handbook: Handbook, history: History, since: date,
             href: Callable[[str], str | None]) -> list[ChangeRow]:
    """Approvals on or after ``since`` and every commit since then that changed a document."""
    rows: list[tuple[date, str, ChangeRow]] = []
    for doc in handbook.documents:
        if doc.meta.approved_on and doc.meta.approved_on >= since:
            row = ChangeRow(long_date(doc.meta.approved_on), doc.id, href(doc.id), doc.title,
                            f"Version {doc.meta.version} approved by {doc.meta.approved_by}")
            rows.append((doc.meta.approved_on, doc.id, row))
        for rev in history.of(doc.path):
            if rev.date.date() >= since:
                row = ChangeRow(long_date(rev.date), doc.id, href(doc.id), doc.title,
                                f"Revised: {rev.message} ({rev.short}, {rev.author})")
                rows.append((rev.date.date(), doc.id, row))
    return [row for _, _, row in sorted(rows, key=lambda r: (r[0], r[1], r[2].change), reverse=False)]
