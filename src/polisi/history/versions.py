"""Approved versions of a document, read back from the git record.

An approval is an annotated tag ``<ID>/v<VERSION>`` (what ``polisi approve``
writes). For versions approved before polisi was used, with no tag, the record
still holds them: the first commit in which the file says ``status: approved``
at that version is taken as that version's approval. This module answers
"which versions were approved, and which one was in force on a given day".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from polisi.handbook.load import SourceFile, split_front_matter
from polisi.handbook.schema import CITATION_KEYS
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
    text: str
    commit: str
    short: str
    recorded: datetime
    """When the approval entered the record: the tag's date, else the commit's."""
    approved_by: str | None
    approved_on: date | None
    effective_from: date | None
    tag: Tag | None
    """The approval tag; ``None`` for a version found only in the commits."""

    @property
    def in_force_from(self) -> date:
        """The day this version came into force: ``effective_from``, else ``approved_on``."""
        return self.effective_from or self.approved_on or self.recorded.date()

    @property
    def source(self) -> str:
        return f"tag {self.tag.name}" if self.tag else f"commit {self.short}"


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


def approved_versions(history: History, doc_id: str, path: str) -> list[ApprovedVersion]:
    """Every approved version of the document, ordered by the day it came into force."""
    found: dict[str, ApprovedVersion] = {}
    for name, tag in history.tags.items():
        doc, _, version = name.rpartition("/v")
        if doc != doc_id or not version:
            continue
        text = history.text_at(tag.commit, path)
        if text is not None:
            found[version] = _version(doc_id, version, text, tag.commit, tag.date, tag, path)
    for snap in snapshots(history, path):
        version = snap.version
        if snap.approved and version and version not in found:
            rev = snap.revision
            found[version] = _version(doc_id, version, snap.text, rev.commit, rev.date, None, path)
    return sorted(found.values(), key=lambda v: (v.in_force_from, _version_key(v.version)))


def in_force(versions: list[ApprovedVersion], on: date) -> ApprovedVersion | None:
    """The latest approved version in force on ``on`` (``None`` before the first came into force)."""
    candidates = [v for v in versions if v.in_force_from <= on]
    return candidates[-1] if candidates else None


def find_version(versions: list[ApprovedVersion], version: str) -> ApprovedVersion | None:
    wanted = version.removeprefix("v")
    return next((v for v in versions if v.version == wanted), None)


def content_key(path: str, text: str) -> tuple[Any, ...]:
    """What counts as the content of a document: title, citations and body, whitespace ignored.

    Review dates, owner and other bookkeeping keys may change without a new approval.
    """
    source = _source(path, text)
    if source is None or not isinstance(source.front.value, dict):
        return ("raw", " ".join(text.split()))
    meta = source.front.value
    citations = tuple(tuple(str(c) for c in _as_list(meta.get(k))) for k in CITATION_KEYS)
    return (str(meta.get("title", "")), citations, " ".join(source.body.split()))


def later_revisions(history: History, path: str, after: str) -> Iterator[Revision]:
    """Revisions of ``path`` made after commit ``after``, oldest first."""
    revisions = history.of(path)
    commits = [r.commit for r in revisions]
    if after in commits:
        yield from reversed(revisions[: commits.index(after)])
        return
    for revision in reversed(revisions):
        if revision.commit != after and history.is_ancestor(after, revision.commit):
            yield revision


def _version(
    doc_id: str, version: str, text: str, commit: str, when: datetime, tag: Tag | None, path: str
) -> ApprovedVersion:
    meta = front_matter(path, text)
    by = meta.get("approved_by")
    return ApprovedVersion(
        doc_id,
        version,
        text,
        commit,
        commit[:7],
        when,
        None if by is None else str(by),
        _date(meta.get("approved_on")),
        _date(meta.get("effective_from")),
        tag,
    )


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in version.split("."))
    except ValueError:
        return (0,)


def content_sha256(path: str, text: str) -> str:
    """SHA-256 of a document's content (:func:`content_key`), as approvals and translations record it.

    The one place the hash is defined, so an approval record and a translation's
    ``source_sha256`` always mean the same content.
    """
    return hashlib.sha256(json.dumps(content_key(path, text), ensure_ascii=False).encode("utf-8")).hexdigest()
