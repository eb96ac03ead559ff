"""The ledger's tables, as SQLAlchemy Core metadata; the migrations create exactly these.

Acknowledgements and the audit trail are append-only: the migrations add database triggers that
refuse an UPDATE or DELETE on them, and staff rows cannot be deleted (a leaver is marked with
``left_on``), so the record an inspector is shown cannot be quietly rewritten.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

APPEND_ONLY = ("acknowledgements", "audit")
"""Tables whose rows may be added, never changed or removed."""
NEVER_DELETED = ("staff",)
"""Tables whose rows may change (a leaver's date) but are never removed."""

settings = Table(
    "portal_settings",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

staff = Table(
    "staff",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("roles", Text, nullable=False, default=""),
    Column("start_date", Date, nullable=True),
    Column("password_hash", Text, nullable=True),
    Column("left_on", Date, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

invitations = Table(
    "invitations",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("staff_id", Integer, ForeignKey("staff.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("staff_id", Integer, ForeignKey("staff.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=True),
)

used_form_tokens = Table(
    "used_form_tokens",
    metadata,
    Column("nonce", String(64), primary_key=True),
    Column("used_at", DateTime(timezone=True), nullable=False),
)

page_views = Table(
    "page_views",
    metadata,
    Column("staff_id", Integer, ForeignKey("staff.id"), primary_key=True),
    Column("document_id", String(32), primary_key=True),
    Column("version", String(16), primary_key=True),
    Column("first_opened_at", DateTime(timezone=True), nullable=False),
)

acknowledgements = Table(
    "acknowledgements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("staff_id", Integer, ForeignKey("staff.id"), nullable=False),
    Column("document_id", String(32), nullable=False),
    Column("version", String(16), nullable=False),
    Column("acknowledged_on", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(320), nullable=True),
    Column("on_behalf", Boolean, nullable=False, default=False),
    Column("how", Text, nullable=True),
    Column("answers", Text, nullable=True),
    UniqueConstraint("staff_id", "document_id", "version", name="one_acknowledgement_per_version"),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(320), nullable=False),
    Column("action", String(40), nullable=False),
    Column("subject", String(320), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
)
