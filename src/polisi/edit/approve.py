"""``polisi approve``: record an approval in the document, in its approval record and in git.

The front matter is edited with ruamel.yaml's round-trip mode, so comments,
key order and quoting survive; only the approval keys change. An entry with the
SHA-256 of the approved content, the change summary and the evidence is appended
to ``approvals/<ID>.yml``, and both files go into one commit (tagged
``<ID>/v<VERSION>`` as well, though nothing depends on the tag). Nothing is left
written when the document would fail its checks or git refuses the commit.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

from polisi.check.rules import check
from polisi.edit.frontmatter import edit_front_matter
from polisi.edit.record_file import record_text
from polisi.edit.staging import staged_files
from polisi.edit.wording import approver_role, change_summary, evidence_reference
from polisi.errors import PolisiError, UsageError
from polisi.findings import Finding, Report
from polisi.handbook.approvals import RecordEntry, content_digest, record_path
from polisi.handbook.model import Document, Handbook, load_handbook
from polisi.history.git import (
    History,
    HistoryError,
    approval_tag,
    commit_files,
    load_history,
    require_identity,
)
from polisi.history.versions import snapshots

Bump = Literal["minor", "major"]


@dataclass(frozen=True)
class Approval:
    doc_id: str
    path: str
    version: str
    previous_version: str
    commit: str
    tag: str


class ApprovalRefused(PolisiError):
    """The document fails its checks as approved; the report says why."""

    def __init__(self, doc_id: str, report: Report) -> None:
        super().__init__(f"{doc_id} not approved: it fails polisi check (see above)")
        self.report = report


def approve(
    root: Path, doc_id: str, by: str, on: date, bump: Bump | None = None, *,
    summary: str, evidence: str | None = None,
) -> Approval:
    """Approve ``doc_id`` as of ``on``: edit its front matter, record it, check it, commit and tag."""
    not_in_future(on)
    handbook = load_handbook(root)
    role = approver_role(handbook.config, by)
    summary, evidence = change_summary(summary), evidence_reference(evidence)
    doc = find_document(handbook, doc_id)
    history = open_clean(root)
    version = next_version(doc, handbook, history, bump)
    tag = approval_tag(doc.id, version)
    if tag in history.tags:
        raise HistoryError(
            f"tag {tag} already exists: version {version} of {doc.id} is already approved"
        )
    approved_text = set_approval(doc.source.text, version, role, on)
    with staged_files(root) as write:
        write(doc.path, approved_text)
        entry = RecordEntry(event="approved", version=version, by=role, on=on,
                            sha256=content_digest(doc.path, approved_text), summary=summary, evidence=evidence)
        write(record_path(doc.id), record_text(root, doc.id, entry))
        own = [f for f in check(load_handbook(root), on).errors if f.path in (doc.path, record_path(doc.id))]
        if own:
            raise ApprovalRefused(
                doc.id, Report.of(_as_written(own, handbook, on, doc, approved_text), 1)
            )
        commit = commit_files(
            history,
            [doc.path, record_path(doc.id)],
            f"Approve {doc.id} v{version}: {doc.title}\n\n{summary}\n\nApproved by {role} on {on.isoformat()}."
            + (f"\nEvidence: {evidence}" if evidence else ""),
            (tag, f"{doc.id} v{version} approved by {role} on {on.isoformat()}"),
        )
    return Approval(doc.id, doc.path, version, doc.meta.version, commit, tag)


def not_in_future(on: date) -> None:
    if on > date.today():
        raise UsageError(f"--on {on} is in the future: record an approval on or after the day it is given")


def _as_written(
    found: list[Finding], handbook: Handbook, on: date, doc: Document, approved_text: str
) -> list[Finding]:
    """Findings placed in the file as the user has it (the approval edit moves lines)."""
    before = {(f.code, f.message): f for f in check(handbook, on) if f.path == doc.path}
    shift = approved_text.count("\n") - doc.source.text.count("\n")
    body = doc.source.body_line + shift
    return [
        before.get((f.code, f.message))
        or (replace(f, line=f.line - shift) if f.line >= body else f)
        for f in found
    ]


def find_document(handbook: Handbook, doc_id: str) -> Document:
    doc = handbook.get(doc_id)
    if doc is None:
        near = difflib.get_close_matches(doc_id, list(handbook.by_id), n=1, cutoff=0.6)
        hint = f" (did you mean {near[0]}?)" if near else ""
        raise UsageError(f"unknown document id {doc_id}{hint}")
    return doc


def open_clean(root: Path) -> History:
    """The handbook's git history, refusing when an approval could not be recorded exactly."""
    history = load_history(root)
    _require_clean(history)
    require_identity(history)
    return history


def _require_clean(history: History) -> None:
    if not history.is_repository:
        raise HistoryError("not a git repository: an approval is recorded as a git commit and tag")
    if history.head is None:
        raise HistoryError(
            "the repository has no commits yet: commit the handbook before approving"
        )
    if history.dirty:
        paths = sorted(history.dirty)
        more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
        raise HistoryError(
            f"uncommitted changes in {', '.join(paths[:3])}{more}: commit or stash them first, "
            "so the approval records exactly the text that was approved"
        )


def next_version(doc: Document, handbook: Handbook, history: History, bump: Bump | None) -> str:
    """The version to approve: bumped as asked, else the next minor one if the current was approved."""
    current = doc.meta.version
    if bump is None:
        record = handbook.records.get(doc.id)
        recorded = record is not None and record.approval_of(current) is not None
        already = doc.approved or recorded or history.tag(doc.id, current) is not None or any(
            s.approved and s.version == current for s in snapshots(history, doc.path)
        )
        if not already:
            return current
        bump = "minor"
    major, minor = (int(p) for p in current.split("."))
    return f"{major + 1}.0" if bump == "major" else f"{major}.{minor + 1}"


def set_approval(text: str, version: str, by: str, on: date) -> str:
    """``text`` with its front matter marked approved; everything else kept as written."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return set_front_matter(text, {
        "version": DoubleQuotedScalarString(version),
        "status": "approved",
        "approved_by": by,
        "approved_on": on,
        "last_reviewed": date.fromordinal(on.toordinal()),  # a copy, so YAML writes no alias
    })


_AFTER = {"version": "title", "status": "version", "approved_by": "owner", "approved_on": "approved_by",
          "last_reviewed": "approved_on"}
"""Where a key goes when the front matter does not have it yet."""


def set_front_matter(text: str, values: dict[str, Any]) -> str:
    """``text`` with front-matter keys set to ``values``; comments, order, quoting and body kept."""

    def change(data: Any) -> None:
        for key, value in values.items():
            _put(data, key, value, after=_AFTER.get(key, ""))

    return edit_front_matter(text, change)


def _put(data: Any, key: str, value: Any, after: str) -> None:
    if key in data:
        data[key] = value
        return
    keys = list(data)
    position = keys.index(after) + 1 if after in keys else len(keys)
    data.insert(position, key, value)
