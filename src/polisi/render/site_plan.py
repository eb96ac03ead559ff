"""What the staff site holds and where each page lives, before anything is written.

The plan answers the questions every page template asks: which documents are
published, where a page is and how to link to it from another page, what a
document cites, and how its review stands on the build date.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache

from polisi.handbook.approvals import RecordEntry, decisions_between
from polisi.handbook.catalogue import Clause, Instrument, InstrumentKind
from polisi.handbook.model import Document, Handbook, Kind
from polisi.handbook.review_dates import ReviewState
from polisi.handbook.sanitise import SITE_NONCE
from polisi.handbook.schema import CITATION_KEYS, CITATION_LABELS
from polisi.history.git import History
from polisi.render.labels import labels as document_labels
from polisi.render.site_labels import site_labels

KIND_LABELS = {InstrumentKind(key): label for key, label in CITATION_LABELS.items()}
STATE_KEYS = {
    ReviewState.OVERDUE: "overdue",
    ReviewState.DUE: "due",
    ReviewState.IN_DATE: "in_date",
}
"""Each review state's key in the label table, and its CSS modifier."""

HOME = "index.md"
AREAS = "areas.md"
REGISTER = "legal-basis.md"
SCHEDULE = "review-schedule.md"
WHATS_NEW = "whats-new.md"
POLICIES = "policies/index.md"
PROCEDURES = "procedures/index.md"
UNPUBLISHED = "unpublished"
ASSETS = "assets/polisi"


@dataclass(frozen=True)
class Citation:
    """One clause a document cites, as the panel shows it."""

    key: str
    clause: Clause

    @property
    def label(self) -> str:
        return clause_label(self.clause)


@dataclass(frozen=True)
class SitePlan:
    """Everything the page templates need, computed once per build."""

    handbook: Handbook
    history: History
    as_of: date
    include_drafts: bool = False
    pdfs: frozenset[str] = frozenset()
    """Ids of documents with a signed PDF to copy into the site."""
    bundle: bool = False
    """Whether the inspector bundle exists and is copied into the site."""
    nonce: str = SITE_NONCE
    """The sanitiser's marker nonce around each document body (see :mod:`polisi.handbook.sanitise`)."""
    linked_unpublished: set[str] = field(default_factory=set)
    """Ids of unpublished documents that a published one links to (filled while staging)."""
    language: str | None = None
    """``None`` for the site in the source language; a translation language's code for its tree
    (``build/site/cy/``), where each document is its translation, or a page saying it has none."""

    @property
    def warning_days(self) -> int:
        return self.handbook.config.review.warning_days

    @cached_property
    def labels(self) -> Mapping[str, str]:
        """polisi's own words on this site, in the handbook's language."""
        return site_labels(self.language or self.handbook.config.language)

    @property
    def lang(self) -> str:
        """This tree's language code."""
        return self.language or self.handbook.config.source_lang

    def view(self, doc: Document) -> Document:
        """``doc`` as this tree shows it: its translation when this tree's language has one."""
        if self.language and doc.language is None and doc.translation(self.language) is not None:
            return doc.in_language(self.language)
        return doc

    def untranslated(self, doc: Document) -> bool:
        """A document page of a translation tree whose document has no translation into its language."""
        return self.language is not None and doc.language != self.language

    def pairs(self) -> list[tuple[str, str]]:
        """(language code, path prefix from this tree's root to that tree's root) for every other tree."""
        config = self.handbook.config
        if not config.translation_languages:
            return []
        up = "../" if self.language else ""
        return [(code, up + ("" if code == config.source_lang else f"{code}/"))
                for code in config.published_languages if code != self.lang]

    def area_name(self, code: str) -> str:
        """The area's name from ``polisi.yml``; an undeclared code says so, never shows bare."""
        name = self.handbook.config.areas.get(code)
        return name if name else self.labels["undeclared_area"].format(code=code)

    @cached_property
    def published(self) -> tuple[Document, ...]:
        """Approved documents (and drafts and withdrawn ones in a preview), in reading order."""
        order = {Kind.STATEMENT: 0, Kind.POLICY: 1, Kind.PROCEDURE: 2}
        docs = [self.view(d) for d in self.handbook if d.approved or self.include_drafts]
        return tuple(sorted(docs, key=lambda d: (order[d.kind], d.id)))

    @cached_property
    def published_ids(self) -> frozenset[str]:
        return frozenset(d.id for d in self.published)

    def of_kind(self, kind: Kind) -> list[Document]:
        return [d for d in self.published if d.kind is kind]

    def areas(self) -> list[tuple[str, str, list[Document]]]:
        """(code, name, documents) for every area with a published policy or procedure."""
        codes: dict[str, list[Document]] = {}
        for doc in self.published:
            if doc.kind is not Kind.STATEMENT:
                codes.setdefault(doc.area, []).append(doc)
        configured = list(self.handbook.config.areas)
        ordered = sorted(
            codes, key=lambda c: (configured.index(c) if c in configured else len(configured), c)
        )
        return [(code, self.area_name(code), codes[code]) for code in ordered]

    def page(self, doc: Document) -> str:
        """The staged Markdown path of a document page: the same path as in the handbook (a
        translation's page takes its source's path, in its own language's tree)."""
        return doc.path.removesuffix(f".{doc.language}.md") + ".md" if doc.language else doc.path

    def url(self, target: str, from_page: str) -> str:
        """Relative URL from one staged page to a staged page or file."""
        if target.endswith(".md"):
            target = target[:-3] + ".html"
        return _relative(target, posixpath.dirname(from_page) or ".")

    def citations(self, doc: Document) -> list[tuple[str, list[Citation]]]:
        """The clauses a document cites, grouped under the front-matter key that cites them."""
        groups = []
        for key in CITATION_KEYS:
            found = [
                Citation(key, c)
                for cid in getattr(doc.meta, key)
                if (c := self.handbook.catalogue.get(cid))
            ]
            if found:
                groups.append((document_labels(self.lang)[f"citation.{key}"], found))
        return groups

    @cached_property
    def citing(self) -> dict[str, list[Document]]:
        """Clause id -> the published documents that cite it."""
        found: dict[str, list[Document]] = {}
        for doc in self.published:
            for _, cid in doc.citations:
                found.setdefault(cid, []).append(doc)
        return found

    def cited_instruments(self, kind: InstrumentKind) -> list[tuple[Instrument, list[Clause]]]:
        """Instruments of one kind with the clauses of each that published documents cite."""
        return [
            (inst, cited)
            for inst, clauses in self._by_instrument(kind)
            if (cited := [c for c in clauses if c.id in self.citing])
        ]

    def uncited(self) -> list[tuple[Instrument, list[Clause]]]:
        """Every instrument with clauses no published document cites, and those clauses: the
        gaps (clauses that cannot apply to this service are not gaps, see :meth:`not_applicable`)."""
        skip = self.handbook.not_applicable
        return [
            (inst, uncited)
            for kind in KIND_LABELS
            for inst, clauses in self._by_instrument(kind)
            if (uncited := [c for c in clauses if c.id not in self.citing and c.id not in skip])
        ]

    def not_applicable(self) -> list[tuple[Clause, str]]:
        """Uncited clauses that cannot apply to this service, each with the reason why."""
        reasons = self.handbook.not_applicable
        return [
            (clause, reasons[clause.id])
            for kind in KIND_LABELS
            for _, clauses in self._by_instrument(kind)
            for clause in clauses
            if clause.id in reasons and clause.id not in self.citing
        ]

    def _by_instrument(self, kind: InstrumentKind) -> list[tuple[Instrument, list[Clause]]]:
        catalogue = self.handbook.catalogue
        instruments = sorted(
            (i for i in catalogue.instruments.values() if i.kind is kind), key=lambda i: i.id
        )
        return [
            (inst, [c for c in catalogue.clauses.values() if c.instrument.id == inst.id])
            for inst in instruments
        ]

    def related(self, doc: Document) -> tuple[str, list[Document]] | None:
        """A policy's published procedures, or a procedure's parent policy."""
        if doc.kind is Kind.POLICY:
            procs = [self.view(p) for p in self.handbook.procedures_of(doc) if p.id in self.published_ids]
            return (self.labels["procedures"], procs) if procs else None
        parent = self.handbook.get(doc.meta.policy) if doc.meta.policy else None
        if parent is not None and parent.id in self.published_ids:
            return (self.labels["policy"], [self.view(parent)])
        return None

    def revisions(self, doc: Document) -> tuple[RecordEntry, ...]:
        """The document's approval record, newest first: the revision history staff read (commit
        messages are the policy lead's, ``polisi history --commits``)."""
        record = self.handbook.records.get(doc.id)
        return record.newest_first() if record else ()

    @property
    def record_lang(self) -> str | None:
        """In a translation's tree, the language tag of the record's summaries (written in the source
        language); ``None`` in the source tree, whose pages are in that language already."""
        return self.handbook.config.lang_tag(self.handbook.config.source_lang) if self.language else None

    @property
    def whats_new_days(self) -> int:
        return self.handbook.config.whats_new_days

    def whats_new(self) -> list[tuple[Document, RecordEntry]]:
        """Published documents' approvals and reviews in the ``whats_new_days`` up to the build date,
        newest first. Only the build-time answer: ``review.js`` narrows it to the reader's date."""
        since = self.as_of - timedelta(days=self.whats_new_days)
        return [(self.view(doc), entry) for doc_id, entry in decisions_between(self.handbook.records, since, self.as_of)
                if doc_id in self.published_ids and (doc := self.handbook.get(doc_id)) is not None]

    def review_state(self, doc: Document) -> str | None:
        """The review state's key on the build date (``overdue``, ``due``, ``in_date``), if any.

        Only the build-time answer: ``review.js`` works it out again on the reader's date."""
        status = doc.review(self.as_of, self.warning_days)
        return STATE_KEYS[status.state] if status else None

    def schedule(self) -> Iterator[tuple[str, list[Document]]]:
        """(label key, documents): overdue, due soon, in date, then drafts and withdrawn ones."""
        for key in STATE_KEYS.values():
            docs = [d for d in self.published if d.approved and self.review_state(d) == key]
            yield key, sorted(docs, key=lambda d: (d.next_review or self.as_of, d.id))
        for status, key in (("draft", "drafts"), ("withdrawn", "withdrawn_group")):
            if self.include_drafts:
                yield key, [d for d in self.published if d.status == status]

    def review_counts(self) -> dict[str, int]:
        return {key: len(docs) for key, docs in self.schedule()}

    @cached_property
    def review_dates(self) -> list[str]:
        """Every approved document's next review date, for the page's own count by the reader's date."""
        return sorted(d.next_review.isoformat() for d in self.published if d.approved and d.next_review)


@lru_cache(maxsize=65536)
def _relative(target: str, folder: str) -> str:
    """``posixpath.relpath``, remembered: pages link to the same few folders thousands of times."""
    return posixpath.relpath(target, folder)


def clause_label(clause: Clause) -> str:
    """``SI 2017/1264 reg 27``, or the instrument's name when the whole instrument is cited."""
    if not clause.locator:
        return clause.instrument.label
    return f"{clause.instrument.label} {clause.locator.replace('-', ' ')}"

