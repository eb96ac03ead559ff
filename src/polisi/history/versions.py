"""Approved versions of a document: from its approval record, with the texts git holds.

An approval is an entry in ``approvals/<ID>.yml``; its text is the committed text
whose content digest equals the entry's SHA-256 (the newest such, so bookkeeping
edits made since, like a new ``last_reviewed``, are what is published), or the
working copy when that matches. Versions approved before the record was kept are
still found, marked as not recorded: an annotated tag ``<ID>/v<VERSION>``, else the
first commit in which the file says ``status: approved`` at that version. This
module answers "which versions were approved, and which one was in force on a day".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from polisi.handbook.approvals import ApprovalRecord, RecordEntry, content_digest
from polisi.handbook.load import SourceFile, split_front_matter
from polisi.history.git import History, Revision, Tag


@dataclass(frozen=True)
class Snapshot:
    """A document's text as committed in one revision, with its front matter read loosely."""

    revision: Revision
    text: str
    meta: dict[str, Any]
    """Front matter as written (dates as text); empty when it does not parse."""

    @property
    def version(self) -> str | None:
        value = self.meta.get("version")
        return None if value is None else str(value)

    @property
    def approved(self) -> bool:
        return self.meta.get("status") == "approved"


@dataclass(frozen=True)
class ApprovedVersion:
    """One approved version of a document as the record holds it."""

    doc_id: str
    version: str
    text: str | None
    """The approved text; ``None`` when neither git nor the working copy holds it any more."""
    commit: str | None
    """The first commit holding the approved text; ``None`` when it is not (yet) committed."""
    recorded: datetime | None
    """When that commit (or the legacy tag) was made."""
    approved_by: str | None
    approved_on: date | None
    effective_from: date | None
    tag: Tag | None = None
    """Legacy versions only: the approval tag, if there is one."""
    entry: RecordEntry | None = None
    """The approval record's entry; ``None`` for a version approved before the record was kept."""

    @property
    def short(self) -> str:
        return (self.commit or "")[:7]

    @property
    def in_force_from(self) -> date:
        """The day this version came into force: ``effective_from``, else ``approved_on``."""
        return self.effective_from or self.approved_on or (self.recorded or datetime.min).date()

    @property
    def source(self) -> str:
        if self.entry is not None:
            return f"approvals/{self.doc_id}.yml" + (f", text of commit {self.short}" if self.commit else "")
        return (f"tag {self.tag.name}" if self.tag else f"commit {self.short}") + ", not in the approval record"


def snapshots(history: History, path: str) -> list[Snapshot]:
    """Every committed text of ``path`` that history holds, oldest first."""
    found: list[Snapshot] = []
    for revision in reversed(history.of(path)):
        if revision.blob is None:
            continue
        text = history.blob_text(revision.blob)
        found.append(Snapshot(revision, text, front_matter(path, text)))
    return found


def front_matter(path: str, text: str) -> dict[str, Any]:
    """Front matter of ``text`` as a plain mapping; empty when it cannot be read."""
    source = _source(path, text)
    if source is None or not isinstance(source.front.value, dict):
        return {}
    return source.front.value


def _source(path: str, text: str) -> SourceFile | None:
    folder, _, name = path.rpartition("/")
    return split_front_matter(path, folder.rpartition("/")[2], name.removesuffix(".md"), text)[0]


def approved_versions(
    history: History, doc_id: str, path: str, record: ApprovalRecord | None = None, working: str | None = None
) -> list[ApprovedVersion]:
    """Every approved version of the document, ordered by the day it came into force.

    ``working`` is the working copy's text: the approved text when it matches a recorded digest.
    """
    snaps = snapshots(history, path) if history.is_repository else []
    found: dict[str, ApprovedVersion] = {}
    for entry in record.approvals() if record else ():
        found[entry.version] = _recorded(doc_id, path, entry, snaps, working)
    for name, tag in history.tags.items():
        doc, _, version = name.rpartition("/v")
        if doc != doc_id or not version or version in found:
            continue
        text = history.text_at(tag.commit, path)
        if text is not None:
            found[version] = _legacy(doc_id, version, text, tag.commit, tag.date, tag, path)
    for snap in snaps:
        version = snap.version
        if snap.approved and version and version not in found:
            rev = snap.revision
            found[version] = _legacy(doc_id, version, snap.text, rev.commit, rev.date, None, path)
    return sorted(found.values(), key=lambda v: (v.in_force_from, _version_key(v.version)))


def _recorded(
    doc_id: str, path: str, entry: RecordEntry, snaps: list[Snapshot], working: str | None
) -> ApprovedVersion:
    matching = [s for s in snaps if content_digest(path, s.text) == entry.sha256]
    same_version = [s for s in matching if s.version == entry.version] or matching
    if same_version:
        text: str | None = same_version[-1].text
    else:
        text = working if working is not None and content_digest(path, working) == entry.sha256 else None
    first = same_version[0].revision if same_version else None
    meta = front_matter(path, text) if text is not None else {}
    return ApprovedVersion(
        doc_id, entry.version, text, first.commit if first else None, first.date if first else None,
        entry.by, entry.on, _date(meta.get("effective_from")), None, entry,
    )


def in_force(versions: list[ApprovedVersion], on: date) -> ApprovedVersion | None:
    """The latest approved version in force on ``on`` (``None`` before the first came into force)."""
    candidates = [v for v in versions if v.in_force_from <= on]
    return candidates[-1] if candidates else None


def find_version(versions: list[ApprovedVersion], version: str) -> ApprovedVersion | None:
    wanted = version.removeprefix("v")
    return next((v for v in versions if v.version == wanted), None)


def _legacy(
    doc_id: str, version: str, text: str, commit: str, when: datetime, tag: Tag | None, path: str
) -> ApprovedVersion:
    meta = front_matter(path, text)
    by = meta.get("approved_by")
    return ApprovedVersion(
        doc_id, version, text, commit, when, None if by is None else str(by),
        _date(meta.get("approved_on")), _date(meta.get("effective_from")), tag,
    )


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None


def _version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in version.split("."))
    except ValueError:
        return (0,)

