"""The approval record: ``approvals/<ID>.yml``, one entry per approval or no-change review.

The record is part of the handbook, committed in the same commit as the text it
approves, so it travels with every clone (shallow ones too) and needs no git tag.
Each entry holds a SHA-256 of the approved *content* (title, citations and body,
whitespace ignored: see :func:`content_digest`), so "is this the text the Board
approved?" is answered by recomputing one digest. ``polisi approve`` and ``polisi
reviewed`` write it; everything that shows a revision history reads it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from polisi.findings import Finding, Severity
from polisi.handbook.load import SourceFile, split_front_matter
from polisi.handbook.schema import CITATION_KEYS, parse_date
from polisi.handbook.yamlpos import parse_yaml

RECORD_FOLDER = "approvals"
Event = Literal["approved", "reviewed"]


def record_path(doc_id: str) -> str:
    """Where the record of ``doc_id`` lives, relative to the handbook root."""
    return f"{RECORD_FOLDER}/{doc_id}.yml"


def _one_line(value: str) -> str:
    if not value.strip() or "\n" in value or "\r" in value:
        raise ValueError("must be one non-empty line")
    return value.strip()


class RecordEntry(BaseModel):
    """One approval (a new version) or one review that changed nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    event: Event
    version: str = Field(pattern=r"^\d+\.\d+$")
    by: str
    """The approving role, as named in ``polisi.yml`` ``approvers``."""
    on: date = Field(alias="date")
    """Written ``date:`` in the file (YAML 1.1 readers take a key ``on`` for true)."""
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    summary: str
    """What changed in this version (or what the review found), in words for staff."""
    evidence: str | None = None
    """Where the decision is minuted, e.g. "Board minutes 2026-05-14, item 4"."""

    @field_validator("by", "summary", "evidence")
    @classmethod
    def _single_line(cls, value: str | None) -> str | None:
        return None if value is None else _one_line(value)

    @field_validator("on", mode="before")
    @classmethod
    def _day(cls, value: Any) -> date:
        return parse_date(value)


@dataclass(frozen=True)
class ApprovalRecord:
    """Every entry of one document's record, oldest first."""

    doc_id: str
    path: str
    entries: tuple[RecordEntry, ...]

    def approvals(self) -> tuple[RecordEntry, ...]:
        return tuple(e for e in self.entries if e.event == "approved")

    def newest_first(self) -> tuple[RecordEntry, ...]:
        """The entries as a revision history shows them: the latest decision first (entries of one day
        in the reverse of the order they were recorded)."""
        ordered = sorted(enumerate(self.entries), key=lambda item: (item[1].on, item[0]), reverse=True)
        return tuple(entry for _, entry in ordered)

    def approval_of(self, version: str) -> RecordEntry | None:
        """The latest approval entry of ``version`` (``None`` if that version was never recorded)."""
        return next((e for e in reversed(self.entries) if e.event == "approved" and e.version == version), None)


def decisions_between(records: Mapping[str, ApprovalRecord], since: date, until: date) -> list[tuple[str, RecordEntry]]:
    """Every ``(doc_id, entry)`` decided from ``since`` to ``until`` (both included): newest day first, and
    on one day by document id, a document's later entry first. What the site's "What's new" page lists,
    and (oldest first) the bundle's change log."""
    found = [(-entry.on.toordinal(), doc_id, -n, entry) for doc_id, record in records.items()
             for n, entry in enumerate(record.entries) if since <= entry.on <= until]
    return [(doc_id, entry) for _, doc_id, _, entry in sorted(found, key=lambda item: item[:3])]


def content_digest(path: str, text: str) -> str:
    """SHA-256 of what counts as a document's content: title, citations and body, whitespace ignored.

    Review dates, owner, audience and other bookkeeping keys may change without a new approval, so
    they are not part of it. The digest is taken over canonical JSON, so any tool can recompute it.
    """
    folder, _, name = path.rpartition("/")
    source = split_front_matter(path, folder.rpartition("/")[2], name.removesuffix(".md"), text)[0]
    return source_digest(source) if source is not None else _sha256(" ".join(text.split()))


def source_digest(source: SourceFile) -> str:
    """:func:`content_digest` of a file already split into front matter and body."""
    meta = source.front.value if isinstance(source.front.value, dict) else {}
    content = {
        "title": str(meta.get("title", "")),
        "citations": {key: [str(c) for c in _as_list(meta.get(key))] for key in CITATION_KEYS},
        "body": " ".join(source.body.split()),
    }
    return _sha256(json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def parse_record(path: str, text: str) -> tuple[ApprovalRecord | None, list[Finding]]:
    """Read one record file; a problem is a finding at its place, never an exception."""
    parsed = parse_yaml(text, path)
    if parsed.findings:
        return None, list(parsed.findings)
    data = parsed.value
    stem = path.rpartition("/")[2].removesuffix(".yml")
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        return None, [_invalid(path, 1, 1, "an approval record is a mapping with 'id' and a list of 'entries'")]
    if data.get("id") != stem:
        line, col = parsed.position(("id",))
        return None, [_invalid(path, line, col, f"id must be {stem}, the file's name")]
    entries = []
    for index, raw in enumerate(data["entries"]):
        try:
            entries.append(RecordEntry.model_validate(raw))
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = ("entries", index, *err["loc"])
            line, col = parsed.position(loc)
            where = ".".join(str(p) for p in loc)
            return None, [_invalid(path, line, col, f"{where}: {err['msg']}")]
    return ApprovalRecord(stem, path, tuple(entries)), []


def load_records(root: Path) -> tuple[dict[str, ApprovalRecord], list[Finding]]:
    """Every record under ``root/approvals``, by document id, and the findings for broken ones."""
    records: dict[str, ApprovalRecord] = {}
    findings: list[Finding] = []
    folder = root / RECORD_FOLDER
    for file in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        rel = file.relative_to(root).as_posix()
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            findings.append(_invalid(rel, 1, 1, f"cannot read: {exc}"))
            continue
        record, problems = parse_record(rel, text)
        findings.extend(problems)
        if record is not None:
            records[record.doc_id] = record
    return records, findings


def _invalid(path: str, line: int, col: int, message: str) -> Finding:
    return Finding(path, line, col, Severity.ERROR, "APPROVAL_RECORD_INVALID", message)
