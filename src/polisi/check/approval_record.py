"""Approved documents against their approval record (``approvals/<ID>.yml``).

An approved document must have a record entry for its version, the entry must
agree with what the front matter says, and the document's content digest must
still be the recorded one: otherwise the text published is not the text approved
(``CHANGED_SINCE_APPROVAL``). The record is in the work tree, so this holds in a
shallow clone, without tags and outside git; git only adds which commit changed it.
"""

from __future__ import annotations

from collections.abc import Iterator

from polisi.findings import Finding, Severity
from polisi.handbook.approvals import RecordEntry, record_path, source_digest
from polisi.handbook.model import Document, Handbook
from polisi.history.drift import locate_drift
from polisi.history.git import History


def approval_record(handbook: Handbook, history: History | None) -> Iterator[Finding]:
    """One finding per approved document that its record does not back."""
    approvers = handbook.config.approvers
    for doc in handbook:
        if not doc.approved:
            continue
        by = doc.meta.approved_by
        if approvers and by is not None and by not in approvers:
            yield doc.finding(("approved_by",), Severity.ERROR, "UNKNOWN_APPROVER",
                              f"'{by}' is not one of the approvers in polisi.yml ({', '.join(approvers)})")
        record = handbook.records.get(doc.id)
        entry = record.approval_of(doc.meta.version) if record else None
        if entry is None:
            yield _not_recorded(doc)
            continue
        stated = by is not None and doc.meta.approved_on is not None
        if stated and (by, doc.meta.approved_on) != (entry.by, entry.on):
            yield doc.finding(
                ("approved_by",), Severity.ERROR, "APPROVAL_RECORD_MISMATCH",
                f"it says approved by {by} on {doc.meta.approved_on}, but {record_path(doc.id)} records "
                f"version {entry.version} approved by {entry.by} on {entry.on}",
            )
        if source_digest(doc.source) != entry.sha256:
            yield _changed(doc, entry, history)


def _not_recorded(doc: Document) -> Finding:
    by = doc.meta.approved_by or "ROLE"
    on = doc.meta.approved_on.isoformat() if doc.meta.approved_on else "DATE"
    return doc.finding(
        ("version",), Severity.WARNING, "APPROVAL_NOT_RECORDED",
        f"approved version {doc.meta.version} has no entry in {record_path(doc.id)}, so nothing proves this is "
        f"the text approved; if it is, record it: polisi approve {doc.id} --existing --by \"{by}\" --on {on}",
    )


def _changed(doc: Document, entry: RecordEntry, history: History | None) -> Finding:
    drift = locate_drift(history, doc.path, entry.sha256) if history and history.is_repository else None
    if drift is not None and drift.uncommitted:
        what = "uncommitted changes alter its text"
    elif drift is not None and drift.culprit is not None:
        rev = drift.culprit
        what = (f'commit {rev.short} ({rev.date.date().isoformat()}, {rev.author}: "{rev.message}") '
                "changed its text")
    else:
        what = "its text changed"
    return doc.finding(
        ("version",), Severity.ERROR, "CHANGED_SINCE_APPROVAL",
        f"{what} after version {entry.version} was approved (by {entry.by} on {entry.on}, "
        f"{record_path(doc.id)}), and it still says approved version {doc.meta.version}; re-approve it "
        f"(polisi approve {doc.id} --by ROLE --summary TEXT) or set status: draft",
    )
