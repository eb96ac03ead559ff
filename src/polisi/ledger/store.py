"""Reading and writing the ledger: staff, invitations, page views, acknowledgements, the audit trail.

Every change is made in one transaction together with its audit row, so the audit trail and the
ledger cannot disagree. Acknowledgements are inserted with ``ON CONFLICT DO NOTHING`` on the
one-per-version constraint: two processes (or two hundred requests) acknowledging the same
version at once leave exactly one row, and the loser is told it was already recorded.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from polisi.errors import PolisiError
from polisi.ledger.rules import Member
from polisi.ledger.tables import acknowledgements, audit, invitations, page_views, settings, staff

COMMAND_LINE = "command line"
"""The actor recorded for changes made with ``polisi portal`` commands."""
INVITATION_DAYS = 7
STAFF_COLUMNS = ("name", "email", "roles", "start_date")


class StaffError(PolisiError):
    """A staff list or a staff command names someone or something that does not fit."""


def now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def token_hash(token: str) -> str:
    """Only a token's SHA-256 is stored, so a copy of the database cannot sign anyone in."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def record_audit(conn: Connection, actor: str, action: str, subject: str = "", detail: str = "") -> None:
    conn.execute(insert(audit).values(at=now(), actor=actor, action=action, subject=subject, detail=detail))


def secret_key(engine: Engine) -> str:
    """The key that signs session cookies and form tokens, made once and shared by every process."""
    with engine.begin() as conn:
        found = conn.execute(select(settings.c.value).where(settings.c.name == "secret_key")).scalar()
        if found is None:
            found = secrets.token_urlsafe(48)
            conn.execute(_insert_ignoring_duplicates(conn, settings).values(name="secret_key", value=found))
            found = conn.execute(select(settings.c.value).where(settings.c.name == "secret_key")).scalar_one()
        return str(found)


def _insert_ignoring_duplicates(conn: Connection, table: Any) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def _member(row: Any) -> Member:
    roles = tuple(r for r in row.roles.split(";") if r)
    return Member(row.id, row.email, row.name, roles, row.start_date, row.left_on, row.password_hash is not None)


def all_staff(conn: Connection) -> list[Member]:
    return [_member(row) for row in conn.execute(select(staff).order_by(staff.c.email))]


def find_member(conn: Connection, email: str) -> Member | None:
    row = conn.execute(select(staff).where(staff.c.email == normal_email(email))).first()
    return None if row is None else _member(row)


def member_by_id(conn: Connection, member_id: int) -> Member | None:
    row = conn.execute(select(staff).where(staff.c.id == member_id)).first()
    return None if row is None else _member(row)


def password_hash_of(conn: Connection, member_id: int) -> str | None:
    return conn.execute(select(staff.c.password_hash).where(staff.c.id == member_id)).scalar()


def normal_email(email: str) -> str:
    return email.strip().lower()


def require_member(conn: Connection, email: str) -> Member:
    member = find_member(conn, email)
    if member is None:
        raise StaffError(f"{email}: no such member of staff (import them with 'polisi portal staff import')")
    return member


@dataclass(frozen=True)
class StaffRow:
    """One line of a staff list."""

    line: int
    name: str
    email: str
    roles: tuple[str, ...]
    start_date: date | None


def read_staff_csv(text: str, path: str) -> list[StaffRow]:
    """Parse ``name,email,roles,start_date`` (roles separated by ``;``); errors name the line."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or [f.strip() for f in reader.fieldnames] != list(STAFF_COLUMNS):
        raise StaffError(f"{path}:1:1: error: STAFF_CSV the header must be {','.join(STAFF_COLUMNS)}")
    rows: list[StaffRow] = []
    seen: set[str] = set()
    for raw in reader:
        line = reader.line_num
        name, email = (raw.get("name") or "").strip(), normal_email(raw.get("email") or "")
        if not name or "@" not in email:
            raise StaffError(f"{path}:{line}:1: error: STAFF_CSV every row needs a name and an email address")
        if email in seen:
            raise StaffError(f"{path}:{line}:1: error: STAFF_CSV {email} is listed twice")
        seen.add(email)
        start = (raw.get("start_date") or "").strip()
        try:
            start_date = date.fromisoformat(start) if start else None
        except ValueError:
            raise StaffError(f"{path}:{line}:1: error: STAFF_CSV start_date '{start}' is not YYYY-MM-DD") from None
        roles = tuple(r.strip() for r in (raw.get("roles") or "").split(";") if r.strip())
        rows.append(StaffRow(line, name, email, roles, start_date))
    return rows


def import_staff(engine: Engine, rows: Iterable[StaffRow], actor: str = COMMAND_LINE) -> tuple[int, int]:
    """Add new staff and update the name, roles and start date of known ones; (added, updated)."""
    added = updated = 0
    with engine.begin() as conn:
        for row in rows:
            values = {"name": row.name, "roles": ";".join(row.roles), "start_date": row.start_date}
            known = find_member(conn, row.email)
            if known is None:
                conn.execute(insert(staff).values(email=row.email, created_at=now(), **values))
                record_audit(conn, actor, "staff added", row.email, f"roles: {'; '.join(row.roles)}")
                added += 1
            elif (known.name, known.roles, known.start_date) != (row.name, row.roles, row.start_date):
                conn.execute(update(staff).where(staff.c.id == known.id).values(**values))
                record_audit(conn, actor, "staff updated", row.email, f"roles: {'; '.join(row.roles)}")
                updated += 1
    return added, updated


def invite(engine: Engine, email: str, actor: str = COMMAND_LINE) -> str:
    """A one-time invitation token (valid for a week) with which the member sets their password."""
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        member = require_member(conn, email)
        if member.left_on is not None:
            raise StaffError(f"{member.email}: left on {member.left_on}; a leaver cannot be invited")
        conn.execute(insert(invitations).values(
            token_hash=token_hash(token), staff_id=member.id, created_at=now(),
            expires_at=now() + timedelta(days=INVITATION_DAYS)))
        record_audit(conn, actor, "invitation", member.email, f"valid for {INVITATION_DAYS} days")
    return token


def accept_invitation(engine: Engine, token: str, password_hash: str) -> Member | None:
    """Set the password of the invitation's member and use the invitation up; ``None`` if not valid."""
    with engine.begin() as conn:
        used = conn.execute(
            update(invitations)
            .where(invitations.c.token_hash == token_hash(token), invitations.c.used_at.is_(None),
                   invitations.c.expires_at > now())
            .values(used_at=now())
            .returning(invitations.c.staff_id)
        ).scalar()
        member = None if used is None else member_by_id(conn, used)
        if member is None or member.left_on is not None:
            return None
        conn.execute(update(staff).where(staff.c.id == member.id).values(password_hash=password_hash))
        record_audit(conn, member.email, "invitation accepted", member.email, "password set")
    return member


def invitation_member(engine: Engine, token: str) -> Member | None:
    """The member an unused, unexpired invitation is for."""
    with engine.connect() as conn:
        staff_id = conn.execute(
            select(invitations.c.staff_id).where(
                invitations.c.token_hash == token_hash(token), invitations.c.used_at.is_(None),
                invitations.c.expires_at > now())
        ).scalar()
        return None if staff_id is None else member_by_id(conn, staff_id)


def mark_leaver(engine: Engine, email: str, on: date, actor: str = COMMAND_LINE) -> Member:
    """Mark a member as having left on ``on``: kept with every acknowledgement, no longer asked."""
    with engine.begin() as conn:
        member = require_member(conn, email)
        conn.execute(update(staff).where(staff.c.id == member.id).values(left_on=on))
        record_audit(conn, actor, "leaver", member.email, f"left on {on.isoformat()}")
    return member


def record_view(engine: Engine, member: Member, document_id: str, version: str) -> None:
    """Remember that the member opened this version's page (acknowledging needs it)."""
    with engine.begin() as conn:
        conn.execute(_insert_ignoring_duplicates(conn, page_views).values(
            staff_id=member.id, document_id=document_id, version=version, first_opened_at=now()))


def has_viewed(conn: Connection, member: Member, document_id: str, version: str) -> bool:
    return conn.execute(select(func.count()).select_from(page_views).where(
        page_views.c.staff_id == member.id, page_views.c.document_id == document_id,
        page_views.c.version == version)).scalar_one() > 0


@dataclass(frozen=True)
class Acknowledgement:
    staff_id: int
    document_id: str
    version: str
    acknowledged_on: date
    recorded_at: datetime
    recorded_by: str | None
    on_behalf: bool
    how: str | None


def acknowledge(
    engine: Engine,
    member: Member,
    document_id: str,
    version: str,
    *,
    on: date,
    recorded_by: str,
    how: str | None = None,
    answers: str | None = None,
) -> bool:
    """Record that ``member`` read and understood ``version``; ``False`` when it was already recorded.

    ``how`` is set for a record made on the member's behalf (a paper form, a supervision session).
    """
    on_behalf = how is not None
    with engine.begin() as conn:
        inserted = conn.execute(
            _insert_ignoring_duplicates(conn, acknowledgements).values(
                staff_id=member.id, document_id=document_id, version=version, acknowledged_on=on,
                recorded_at=now(), recorded_by=recorded_by, on_behalf=on_behalf, how=how, answers=answers)
            .returning(acknowledgements.c.id)
        ).first() is not None
        if inserted:
            action = "acknowledgement on behalf" if on_behalf else "acknowledgement"
            detail = f"{document_id} version {version} on {on.isoformat()}" + (f"; how: {how}" if how else "")
            record_audit(conn, recorded_by, action, member.email, detail)
    return inserted


def all_acknowledgements(conn: Connection, member: Member | None = None, document_id: str | None = None
                         ) -> list[Acknowledgement]:
    """Acknowledgements in the order they were recorded: all, or one member's (for one document)."""
    query = select(acknowledgements).order_by(acknowledgements.c.id)
    if member is not None:
        query = query.where(acknowledgements.c.staff_id == member.id)
    if document_id is not None:
        query = query.where(acknowledgements.c.document_id == document_id)
    rows = conn.execute(query)
    return [
        Acknowledgement(r.staff_id, r.document_id, r.version, r.acknowledged_on, as_utc(r.recorded_at),
                        r.recorded_by, r.on_behalf, r.how)
        for r in rows
    ]


def audit_trail(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(audit).order_by(audit.c.id))
    return [{"at": as_utc(r.at), "actor": r.actor, "action": r.action, "subject": r.subject, "detail": r.detail}
            for r in rows]
