"""Approval-record entries that leave the text alone: ``reviewed`` and ``approve --existing``.

``polisi reviewed`` records a review that changed nothing: a new ``last_reviewed``
and a ``reviewed`` entry carrying the same digest, no new version. It is refused
for a draft, or when the text is no longer the approved one (that needs
``approve``). ``polisi approve --existing`` records an approval that happened
before the record was kept: the current text, shown to the policy lead first,
becomes the recorded approved text of the version the document already says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from polisi.edit.approve import find_document, not_in_future, open_clean, set_front_matter
from polisi.edit.record_file import record_text
from polisi.edit.staging import staged_files
from polisi.edit.wording import approver_role, change_summary, evidence_reference
from polisi.errors import UsageError
from polisi.handbook.approvals import RecordEntry, record_path, source_digest
from polisi.handbook.model import Document, load_handbook
from polisi.history.git import commit_files

EXISTING_SUMMARY = "Approval recorded from the approved text; no change summary was kept at the time"


@dataclass(frozen=True)
class Recorded:
    doc_id: str
    version: str
    event: str
    commit: str


def reviewed(root: Path, doc_id: str, by: str, on: date, summary: str | None = None) -> Recorded:
    """Record a review of ``doc_id`` on ``on`` that changed nothing."""
    not_in_future(on)
    handbook = load_handbook(root)
    role = approver_role(handbook.config, by)
    text = change_summary(summary) if summary is not None else "Reviewed; no change needed"
    doc = find_document(handbook, doc_id)
    if not doc.approved:
        raise UsageError(f"{doc.id} is a {doc.status} document: only an approved document can be reviewed "
                         "without change; approve it with polisi approve")
    record = handbook.records.get(doc.id)
    approval = record.approval_of(doc.meta.version) if record else None
    if approval is None:
        raise UsageError(f"{doc.id} v{doc.meta.version} has no approval in {record_path(doc.id)}; record it "
                         f"first: polisi approve {doc.id} --existing --by ROLE --on DATE")
    digest = source_digest(doc.source)
    if digest != approval.sha256:
        raise UsageError(f"{doc.id}'s text changed since v{doc.meta.version} was approved, so the review "
                         f"changed something: approve the new text with polisi approve {doc.id}")
    if doc.meta.last_reviewed and on < doc.meta.last_reviewed:
        raise UsageError(f"--on {on} is before its last review ({doc.meta.last_reviewed})")
    history = open_clean(root)
    entry = RecordEntry(event="reviewed", version=doc.meta.version, by=role, on=on, sha256=digest, summary=text)
    with staged_files(root) as write:
        write(doc.path, _set_last_reviewed(doc, on))
        write(record_path(doc.id), record_text(root, doc.id, entry))
        commit = commit_files(
            history, [doc.path, record_path(doc.id)],
            f"Review {doc.id} v{doc.meta.version}: no change\n\n{text}\n\nReviewed by {role} on {on.isoformat()}.",
        )
    return Recorded(doc.id, doc.meta.version, "reviewed", commit)


def record_existing(
    root: Path, doc_id: str, by: str | None, on: date | None, *, summary: str | None = None,
    evidence: str | None = None, confirm: Callable[[Document], bool] = lambda _: True,
) -> Recorded | None:
    """Record the current text of approved ``doc_id`` as its approved version; ``None`` if not confirmed."""
    handbook = load_handbook(root)
    doc = find_document(handbook, doc_id)
    if not doc.approved or doc.meta.approved_by is None or doc.meta.approved_on is None:
        raise UsageError(f"{doc.id} does not say it is approved (status, approved_by, approved_on): "
                         "there is no approval to record; use polisi approve")
    said = (doc.meta.approved_by, doc.meta.approved_on)
    given = (said[0] if by is None else approver_role(handbook.config, by), said[1] if on is None else on)
    if given != said:
        raise UsageError(f"{doc.id} says it was approved by {said[0]} on {said[1]}, not by {given[0]} on "
                         f"{given[1]}: --existing records the approval the document states")
    approver_role(handbook.config, said[0])
    record = handbook.records.get(doc.id)
    if record is not None and record.approval_of(doc.meta.version) is not None:
        raise UsageError(f"the approval of {doc.id} v{doc.meta.version} is already in {record_path(doc.id)}")
    history = open_clean(root)
    entry = RecordEntry(
        event="approved", version=doc.meta.version, by=said[0], on=said[1], sha256=source_digest(doc.source),
        summary=EXISTING_SUMMARY if summary is None else change_summary(summary),
        evidence=evidence_reference(evidence),
    )
    if not confirm(doc):
        return None
    with staged_files(root) as write:
        write(record_path(doc.id), record_text(root, doc.id, entry))
        commit = commit_files(
            history, [record_path(doc.id)],
            f"Record the approval of {doc.id} v{doc.meta.version}: {doc.title}\n\n"
            f"Approved by {said[0]} on {said[1].isoformat()}; the text as committed is the text approved.",
        )
    return Recorded(doc.id, doc.meta.version, "approved", commit)


def _set_last_reviewed(doc: Document, on: date) -> str:
    return set_front_matter(doc.source.text, {"last_reviewed": on})


def record_stated_approvals(root: Path) -> list[tuple[str, RecordEntry]]:
    """Write, without committing, the approval of each approved document's current version whose record
    is missing it or holds another approver, date or digest for it (entries of other versions are kept,
    and so are the summary and evidence already recorded for this version); return the ids and entries
    written.

    For example handbooks and test fixtures whose "approvals" are part of the example: a real handbook
    records an approval that happened with ``polisi approve --existing``, which shows the text first.
    """
    handbook = load_handbook(root)
    written = []
    for doc in handbook:
        if not doc.approved or doc.meta.approved_by is None or doc.meta.approved_on is None:
            continue
        record = handbook.records.get(doc.id)
        held = record.approval_of(doc.meta.version) if record else None
        entry = RecordEntry(
            event="approved", version=doc.meta.version, by=doc.meta.approved_by, on=doc.meta.approved_on,
            sha256=source_digest(doc.source), summary=held.summary if held else EXISTING_SUMMARY,
            evidence=held.evidence if held else None,
        )
        earlier = [e for e in record.entries if e.version != entry.version] if record else []
        if held == entry:
            continue
        file = root / record_path(doc.id)
        file.unlink(missing_ok=True)
        file.parent.mkdir(exist_ok=True)
        for kept in [*earlier, entry]:
            file.write_text(record_text(root, doc.id, kept), encoding="utf-8")
        written.append((doc.id, entry))
    return written
