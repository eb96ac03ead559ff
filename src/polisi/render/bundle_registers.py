"""What the inspector bundle's registers say: the legal-basis matrix, the gaps, the review status
and approval record, and the change log, each row already as text in the bundle's language.

Catalogue titles stay as the catalogue gives them (English, as legislation.gov.uk does) and the
approval record's summaries as their approvers wrote them; role names take their ``polisi.yml`` ``terms``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from polisi.handbook.approvals import decisions_between
from polisi.handbook.catalogue import Clause
from polisi.handbook.model import Document, Handbook, Kind
from polisi.render.labels import labels, long_date

Href = Callable[[str], "str | None"]
"""The link inside the bundle to a document id, or ``None`` when the document is not in it."""


@dataclass(frozen=True)
class MatrixRow:
    clause_id: str
    title: str
    documents: tuple[tuple[str, str], ...]
    """(id, href) of each bundled document citing the clause."""
    seen_only_in_secondary: str | None = None
    """See :attr:`Clause.seen_only_in_secondary`."""


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


def all_in_order(handbook: Handbook) -> list[Document]:
    kinds = list(Kind)
    return sorted(handbook.documents, key=lambda d: (kinds.index(d.kind), d.id))


def matrix(handbook: Handbook, docs: Iterable[Document], href: Href, language: str) -> list[MatrixRow]:
    citing: dict[str, list[str]] = {}
    for doc in docs:
        for clause_id in dict.fromkeys(c for _, c in doc.citations):
            citing.setdefault(clause_id, []).append(doc.id)
    rows = []
    for clause_id in sorted(citing, key=clause_order):
        clause = handbook.catalogue.get(clause_id)
        rows.append(MatrixRow(clause_id, clause.title if clause else labels(language)["not_in_catalogue"],
                              tuple((i, href(i) or "") for i in citing[clause_id]),
                              clause.seen_only_in_secondary if clause else None))
    return rows


def uncovered(handbook: Handbook, docs: Iterable[Document], as_of: date) -> list[Clause]:
    """Clauses in force on ``as_of`` that no bundled document cites: the gaps. Whole-instrument ids and
    provisions that cannot apply to this service are left out, so real gaps are not buried."""
    cited = {c for d in docs for _, c in d.citations}
    not_applicable = handbook.not_applicable
    return sorted(
        (c for c in handbook.catalogue.clauses.values()
         if c.locator and c.id not in cited and c.instrument.id not in cited
         and c.id not in not_applicable and not c.instrument.superseded_at(as_of)),
        key=lambda c: clause_order(c.id),
    )


def clause_order(clause_id: str) -> tuple[object, ...]:
    """Natural order, so reg-9 comes before reg-10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", clause_id))


def status_row(handbook: Handbook, doc: Document, as_of: date, href: str | None, language: str) -> StatusRow:
    t, config = labels(language), handbook.config
    review = doc.review(as_of, config.review.warning_days)
    if review is None:
        state = t["review.none"]
    elif review.state.value == "overdue":
        state = t["review.overdue_by"].format(days=-review.days_left)
    else:
        state = t["review." + review.state.name.lower()]
    meta = doc.meta
    return StatusRow(doc.id, doc.title, href, meta.version, t[f"status.{doc.status}"],
                     config.term(meta.approved_by, language) if meta.approved_by else "",
                     long_date(meta.approved_on, language), long_date(meta.last_reviewed, language),
                     long_date(doc.next_review, language), state)


def changes(handbook: Handbook, since: date, until: date, href: Href, language: str) -> list[ChangeRow]:
    """Every approval and review the approval records hold from ``since`` to ``until``, oldest first
    (never commit messages: what an inspector reads is what the approver decided)."""
    t, config = labels(language), handbook.config
    return [
        ChangeRow(long_date(entry.on, language), doc_id, href(doc_id), doc.title, entry.version,
                  t[f"revision.{entry.event}"].format(by=config.term(entry.by, language)),
                  entry.summary, entry.evidence or t["not_recorded"])
        for doc_id, entry in sorted(decisions_between(handbook.records, since, until), key=lambda d: d[1].on)
        if (doc := handbook.get(doc_id)) is not None
    ]
