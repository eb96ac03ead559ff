"""Acknowledgement coverage: per document "N of M (P%)", per person what is outstanding, as exports.

A report is worked out as on one day: the staff in post that day, the acknowledgements recorded
by the end of it, and the documents' current versions. Every exported row carries the SHA-256 of
its own canonical JSON (keys sorted, no spaces, UTF-8), so a copy handed to an inspector can be
checked row by row later.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine

from polisi.handbook.config import PortalSettings
from polisi.handbook.model import Handbook
from polisi.history.git import History
from polisi.ledger.database import is_configured, open_ledger, settings_of
from polisi.ledger.rules import Member, Requirement, due_on, must_read, requirements
from polisi.ledger.store import Acknowledgement, all_acknowledgements, all_staff

REPORT_FORMATS = ("text", "csv", "json")


@dataclass(frozen=True)
class DocumentCoverage:
    requirement: Requirement
    required: tuple[Member, ...]
    acknowledged: tuple[Member, ...]

    @property
    def outstanding(self) -> tuple[Member, ...]:
        done = {m.id for m in self.acknowledged}
        return tuple(m for m in self.required if m.id not in done)

    @property
    def share(self) -> float:
        """Acknowledged share of those required, 0-100; 100 when nobody is required."""
        return 100.0 * len(self.acknowledged) / len(self.required) if self.required else 100.0

    @property
    def summary(self) -> str:
        return f"acknowledged by {len(self.acknowledged)} of {len(self.required)} ({self.share:.0f}%)"


@dataclass(frozen=True)
class Outstanding:
    requirement: Requirement
    due: date


@dataclass(frozen=True)
class Coverage:
    as_of: date
    documents: tuple[DocumentCoverage, ...]
    staff: tuple[tuple[Member, tuple[Outstanding, ...]], ...]


def coverage(
    engine: Engine, requirements: tuple[Requirement, ...], settings: PortalSettings, as_of: date
) -> Coverage:
    """Who has acknowledged what, as on ``as_of``."""
    with engine.connect() as conn:
        members = [m for m in all_staff(conn) if m.active_on(as_of)]
        acks = [a for a in all_acknowledgements(conn) if a.acknowledged_on <= as_of]
    return coverage_from(members, acks, requirements, settings, as_of)


def coverage_from(
    members: list[Member], acks: list[Acknowledgement], requirements: tuple[Requirement, ...],
    settings: PortalSettings, as_of: date,
) -> Coverage:
    versions: dict[tuple[int, str], list[str]] = {}
    for ack in acks:
        versions.setdefault((ack.staff_id, ack.document_id), []).append(ack.version)
    documents = []
    pending: dict[int, list[Outstanding]] = {m.id: [] for m in members}
    for req in requirements:
        required = tuple(m for m in members if must_read(req, m, settings))
        done = tuple(m for m in required if any(req.covered_by(v) for v in versions.get((m.id, req.document_id), ())))
        documents.append(DocumentCoverage(req, required, done))
        done_ids = {m.id for m in done}
        for member in required:
            if member.id not in done_ids:
                pending[member.id].append(Outstanding(req, due_on(req, member, settings)))
    staff_rows = tuple((m, tuple(sorted(pending[m.id], key=lambda o: (o.due, o.requirement.document_id))))
                       for m in members)
    return Coverage(as_of, tuple(documents), staff_rows)


def outstanding_of(report: Coverage, member_id: int) -> tuple[Outstanding, ...]:
    return next((rows for member, rows in report.staff if member.id == member_id), ())


def row_hash(row: dict[str, Any]) -> str:
    """SHA-256 of the row's canonical JSON, without its own ``sha256`` field."""
    body = {k: v for k, v in row.items() if k != "sha256"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _signed(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "sha256": row_hash(row)}


def report_data(report: Coverage) -> dict[str, Any]:
    """The JSON report: ``{"as_of", "documents": [...], "staff": [...]}``, each row with its SHA-256."""
    documents = [
        _signed({
            "id": d.requirement.document_id,
            "version": d.requirement.version,
            "required": [m.email for m in d.required],
            "acknowledged": [m.email for m in d.acknowledged],
            "outstanding": [m.email for m in d.outstanding],
        })
        for d in report.documents
    ]
    staff = [
        _signed({
            "email": m.email,
            "name": m.name,
            "roles": list(m.roles),
            "outstanding": [o.requirement.document_id for o in rows],
        })
        for m, rows in report.staff
    ]
    return {"as_of": report.as_of.isoformat(), "documents": documents, "staff": staff}


CSV_COLUMNS = ("row", "id", "version", "email", "name", "roles", "required", "acknowledged", "outstanding", "sha256")


def format_report(report: Coverage, fmt: str) -> str:
    """The report as ``text`` (for people), ``csv`` (for spreadsheets) or ``json`` (for programs)."""
    data = report_data(report)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for row in data["documents"]:
            writer.writerow(["document", row["id"], row["version"], "", "", "", " ".join(row["required"]),
                             " ".join(row["acknowledged"]), " ".join(row["outstanding"]), row["sha256"]])
        for row in data["staff"]:
            writer.writerow(["staff", "", "", row["email"], row["name"], "; ".join(row["roles"]), "", "",
                             " ".join(row["outstanding"]), row["sha256"]])
        return out.getvalue().rstrip("\n")
    return _text(report)


def _text(report: Coverage) -> str:
    lines = [f"Acknowledgement coverage as on {report.as_of.isoformat()}", ""]
    for doc in report.documents:
        req = doc.requirement
        lines.append(f"{req.document_id} version {req.version}: {doc.summary}")
        if doc.outstanding:
            lines.append(f"  outstanding: {', '.join(m.email for m in doc.outstanding)}")
    lines.append("")
    for member, rows in report.staff:
        if rows:
            due = ", ".join(f"{o.requirement.document_id} (due {o.due.isoformat()})" for o in rows)
            lines.append(f"{member.email}: {len(rows)} outstanding: {due}")
        else:
            lines.append(f"{member.email}: nothing outstanding")
    return "\n".join(lines)


def coverage_for(handbook: Handbook, history: History, as_of: date) -> Coverage | None:
    """The handbook's coverage as on ``as_of``; ``None`` when it has no portal ledger."""
    if not is_configured(handbook):
        return None
    engine = open_ledger(handbook)
    try:
        return coverage(engine, requirements(handbook, history), settings_of(handbook), as_of)
    finally:
        engine.dispose()
