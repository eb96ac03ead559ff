"""CHANGED_SINCE_APPROVAL: a document whose text moved on after its approval.

A document that says ``approved`` at version X must read as version X was
approved. The approval is the tag ``<ID>/vX`` when there is one. Without a tag
it is the first commit in which the file said ``approved`` at version X, but
only when the record reaches back to the approval day: a handbook imported into
git after its approvals (the first commit is later than ``approved_on``) cannot
show what was approved, so it is not judged. Title, citations and body count
as content; whitespace and bookkeeping keys (review dates, owner) do not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from polisi.findings import Finding, Severity
from polisi.handbook.model import Document, Handbook
from polisi.history.git import History, Revision
from polisi.history.versions import content_key, later_revisions, snapshots


@dataclass(frozen=True)
class _Approval:
    commit: str
    text: str
    label: str


def changed_since_approval(handbook: Handbook, history: History) -> Iterator[Finding]:
    """One finding per approved document whose current text differs from its approved text."""
    for doc in handbook:
        if not doc.approved or not history.of(doc.path):
            continue
        approval = _approval(history, doc)
        if approval is None:
            continue
        approved = content_key(doc.path, approval.text)
        if content_key(doc.path, doc.source.text) == approved:
            continue
        culprit = next(
            (
                rev
                for rev in later_revisions(history, doc.path, approval.commit)
                if content_key(doc.path, _text(history, rev)) != approved
            ),
            None,
        )
        if culprit is None:
            what = "uncommitted changes alter its text"
        else:
            day = culprit.date.date().isoformat()
            what = f'commit {culprit.short} ({day}, {culprit.author}: "{culprit.message}") changed its text'
        yield doc.finding(
            ("version",),
            Severity.ERROR,
            "CHANGED_SINCE_APPROVAL",
            f"{what} after version {doc.meta.version} was approved ({approval.label}), and it still says "
            f"approved version {doc.meta.version}; re-approve it (polisi approve {doc.id} --by ROLE) "
            "or set status: draft",
        )


def _approval(history: History, doc: Document) -> _Approval | None:
    version = doc.meta.version
    tag = history.tag(doc.id, version)
    if tag is not None:
        text = history.text_at(tag.commit, doc.path)
        return None if text is None else _Approval(tag.commit, text, f"tag {tag.name}")
    approved_on = doc.meta.approved_on
    if approved_on is None:
        return None
    snaps = snapshots(history, doc.path)
    if not any(s.revision.date.date() <= approved_on for s in snaps):
        return None
    first = next((s for s in snaps if s.approved and s.version == version), None)
    if first is None:
        return None
    rev = first.revision
    return _Approval(rev.commit, first.text, f"commit {rev.short} on {rev.date.date().isoformat()}")


def _text(history: History, revision: Revision) -> str:
    return "" if revision.blob is None else history.blob_text(revision.blob)
