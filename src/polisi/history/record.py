"""What the git record says about one document: its revisions, the version in
force on a day, and the text changes between two approved versions.

Used by ``polisi history``, ``polisi show`` and ``polisi diff``. The approvals
come from the approval record (``approvals/<ID>.yml``) and the texts from git;
the working copy is used only when its content digest is the one recorded.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from polisi.errors import PolisiError
from polisi.handbook.approvals import ApprovalRecord, RecordEntry
from polisi.handbook.model import Handbook, load_handbook
from polisi.history.git import History, HistoryError, Revision, load_history
from polisi.history.versions import ApprovedVersion, approved_versions, find_version, front_matter, in_force


class NotInRecord(PolisiError):
    """The record holds no answer to the question (no such version, nothing in force)."""


@dataclass(frozen=True)
class Record:
    """One document's record: where it lives and its approved versions."""

    doc_id: str
    path: str
    title: str
    history: History
    versions: list[ApprovedVersion]
    approvals: ApprovalRecord | None = None
    """The document's approval record (``approvals/<ID>.yml``), if it has one."""


@dataclass(frozen=True)
class LogEntry:
    revision: Revision
    version: str | None
    status: str | None
    approval: ApprovedVersion | None
    """The approved version this commit recorded, if any."""


def open_record(root: Path, doc_id: str) -> Record:
    """The record of ``doc_id`` (which may since have been deleted from the working copy)."""
    handbook = load_handbook(root)
    history = load_history(root)
    if not history.is_repository or history.head is None:
        raise HistoryError(f"{history.note}; this command reads the document's record from git")
    path, title = _locate(handbook, history, doc_id)
    doc = handbook.get(doc_id)
    working = doc.source.text if doc is not None else None
    approvals = handbook.records.get(doc_id)
    versions = approved_versions(history, doc_id, path, approvals, working)
    return Record(doc_id, path, title, history, versions, approvals)


def _locate(handbook: Handbook, history: History, doc_id: str) -> tuple[str, str]:
    doc = handbook.get(doc_id)
    if doc is not None:
        return doc.path, doc.title
    for path, revisions in history.revisions.items():
        if path.endswith(f"/{doc_id}.md"):
            last = next((r for r in revisions if r.blob), None)
            meta = front_matter(path, history.blob_text(last.blob)) if last and last.blob else {}
            return path, str(meta.get("title", doc_id))
    known = list(handbook.by_id) + [
        p.rsplit("/", 1)[-1][:-3] for p in history.revisions if p.endswith(".md")
    ]
    near = difflib.get_close_matches(doc_id, known, n=1, cutoff=0.6)
    raise PolisiError(
        f"unknown document id {doc_id}" + (f" (did you mean {near[0]}?)" if near else "")
    )


def log(record: Record) -> list[LogEntry]:
    """Every revision of the document, newest first, with the version and status it recorded."""
    by_commit = {v.commit: v for v in record.versions}
    history = record.history
    entries = []
    for rev in history.of(record.path):
        if rev.blob is None:
            entries.append(LogEntry(rev, None, "deleted", None))
            continue
        meta = front_matter(record.path, history.blob_text(rev.blob))
        version = meta.get("version")
        entries.append(
            LogEntry(
                rev,
                None if version is None else str(version),
                meta.get("status"),
                by_commit.get(rev.commit),
            )
        )
    return entries


def format_log(record: Record, entries: list[LogEntry]) -> str:
    """The policy lead's view: every commit, its author and message, with approvals marked."""
    lines = [
        f"{record.doc_id} {record.title} ({record.path}): {len(entries)} revision"
        + "s" * (len(entries) != 1)
    ]
    for e in entries:
        rev = e.revision
        state = f"v{e.version} {e.status}" if e.version else (e.status or "unreadable")
        mark = f"  [approval of v{e.approval.version}: {e.approval.source}]" if e.approval else ""
        lines.append(
            f"{rev.date.date()}  {rev.short}  {state:<14}  {rev.author}: {rev.message}{mark}"
        )
    tagged = [
        v for v in record.versions
        if v.tag and v.recorded and v.commit not in {e.revision.commit for e in entries}
    ]
    lines += [
        f"{v.recorded.date()}  {v.short}  approval of v{v.version}: {v.source}"
        for v in tagged if v.recorded
    ]
    history = record.history
    if history.is_dirty(record.path):
        lines.append("(the working copy has uncommitted changes to this document)")
    if history.note:
        lines.append(f"({history.note})")
    return "\n".join(lines)


def format_revisions(record: Record) -> str:
    """The view staff and inspectors get: every approval and review, newest first, from the record.

    Versions approved before the record was kept are listed from git, without a summary.
    """
    rows = [(e.on, e.event, e.version, e.by, e.summary, e.evidence) for e in _entries(record)]
    recorded = {e.version for e in _entries(record) if e.event == "approved"}
    rows += [
        (v.approved_on or v.in_force_from, "approved", v.version, v.approved_by or "", _summary(v), None)
        for v in record.versions if v.version not in recorded
    ]
    count = len(rows)
    lines = [f"{record.doc_id} {record.title}: {count} approval{'s' * (count != 1)} and reviews"
             if any(r[1] == "reviewed" for r in rows) else
             f"{record.doc_id} {record.title}: {count} approved version{'s' * (count != 1)}"]
    for on, event, version, by, summary, evidence in sorted(rows, key=lambda r: r[0], reverse=True):
        lines.append(f"{on}  v{version:<5}  {event} by {by}: {summary}")
        if evidence:
            lines.append(f"{'':20}evidence: {evidence}")
    if not rows:
        lines.append("(no approval recorded)")
    if record.history.note:
        lines.append(f"({record.history.note}; versions approved before the approval record may be missing)")
    return "\n".join(lines)


def _entries(record: Record) -> tuple[RecordEntry, ...]:
    return record.approvals.entries if record.approvals else ()


def _summary(version: ApprovedVersion) -> str:
    if version.entry is not None:
        return version.entry.summary
    return "no change summary recorded"


def version_in_force(record: Record, on: date) -> ApprovedVersion:
    found = in_force(record.versions, on)
    if found is not None and found.text is None:
        raise NotInRecord(
            f"the text of {record.doc_id} v{found.version} recorded in approvals/{record.doc_id}.yml is in no "
            "commit this clone holds, nor in the working copy (a shallow clone? fetch the full history)"
        )
    if found is not None:
        return found
    if not record.versions:
        raise NotInRecord(f"{record.doc_id} has no approved version in the record")
    first = record.versions[0]
    raise NotInRecord(
        f"no version of {record.doc_id} was in force on {on}: the first approved version, "
        f"{first.version}, came into force on {first.in_force_from}"
    )


def describe(record: Record, version: ApprovedVersion) -> str:
    """One line saying which version this is, who approved it, and how long it was in force."""
    later = [v for v in record.versions if v.in_force_from > version.in_force_from]
    until = f"until {later[0].in_force_from} (v{later[0].version})" if later else "(the latest approved version)"
    by = f" by {version.approved_by}" if version.approved_by else ""
    on = f" on {version.approved_on}" if version.approved_on else ""
    source = version.source
    late = version.recorded and version.approved_on and version.recorded.date() > version.approved_on
    if version.entry is None and version.tag is None and late and version.recorded:
        source += f", first recorded {version.recorded.date()}, after the approval"
    evidence = f"; evidence: {version.entry.evidence}" if version.entry and version.entry.evidence else ""
    return (f"{record.doc_id} v{version.version}, approved{by}{on} ({source}){evidence}; "
            f"in force from {version.in_force_from} {until}; {_summary(version)}")


def versions_diff(record: Record, version_a: str, version_b: str) -> str:
    """A unified diff of two approved versions' texts (empty when they are the same)."""
    a, b = (_version(record, v) for v in (version_a, version_b))
    return "".join(
        difflib.unified_diff(
            a.text.splitlines(keepends=True),
            b.text.splitlines(keepends=True),
            fromfile=f"{record.doc_id} v{a.version} ({a.source})",
            tofile=f"{record.doc_id} v{b.version} ({b.source})",
        )
    )


def _version(record: Record, wanted: str) -> ApprovedVersion:
    found = find_version(record.versions, wanted)
    if found is None:
        listed = ", ".join(v.version for v in record.versions) or "none"
        raise NotInRecord(
            f"{record.doc_id} has no approved version {wanted.removeprefix('v')} "
            f"(approved versions: {listed})"
        )
    return found
