"""Who is asking: passwords, sessions, one-time form tokens and the sign-in rate limit.

Sessions live in the ledger (so every portal process behind a load balancer knows them and
signing out ends them everywhere); the cookie holds a signed random token whose SHA-256 is the
session's key. Every form carries a signed, single-use token bound to the session (or, before
sign-in, to a pre-sign-in cookie): a replayed post finds its token used, a cross-site post has
no valid token and is also refused by its ``Origin`` or ``Sec-Fetch-Site`` header.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from starlette.requests import Request

from polisi.ledger.rules import Member
from polisi.ledger.store import (
    find_member,
    member_by_id,
    normal_email,
    now,
    password_hash_of,
    record_audit,
    token_hash,
)
from polisi.ledger.tables import audit, sessions, used_form_tokens

SESSION_COOKIE = "polisi_session"
PRE_SIGN_IN_COOKIE = "polisi_pre"
SESSION_HOURS = 12
FORM_TOKEN_SECONDS = 4 * 3600
SIGN_IN_WINDOW = timedelta(minutes=15)
SIGN_IN_FAILURES_PER_EMAIL = 5
SIGN_IN_FAILURES_PER_ADDRESS = 30
MIN_PASSWORD = 12
REFUSED = "sign-in refused"

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    """Argon2id, memory-hard, with argon2-cffi's recommended parameters."""
    return _hasher.hash(password)


@dataclass(frozen=True)
class Keys:
    """The signers made from the ledger's secret key."""

    cookies: URLSafeSerializer
    forms: URLSafeTimedSerializer

    @classmethod
    def from_secret(cls, secret: str) -> Keys:
        return cls(URLSafeSerializer(secret, salt="polisi-session"), URLSafeTimedSerializer(secret, salt="polisi-form"))


@dataclass(frozen=True)
class Session:
    member: Member
    key: str
    """What form tokens are bound to: the session's token hash."""


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def throttled(engine: Engine, email: str, address: str) -> bool:
    """Too many refused sign-ins for this email, or from this address, in the last 15 minutes."""
    since = now() - SIGN_IN_WINDOW
    recent = select(func.count()).select_from(audit).where(audit.c.action == REFUSED, audit.c.at > since)
    with engine.connect() as conn:
        by_email = conn.execute(recent.where(audit.c.subject == normal_email(email))).scalar_one()
        by_address = conn.execute(recent.where(audit.c.detail == f"from {address}")).scalar_one()
    return by_email >= SIGN_IN_FAILURES_PER_EMAIL or by_address >= SIGN_IN_FAILURES_PER_ADDRESS


def sign_in(engine: Engine, keys: Keys, email: str, password: str, address: str) -> tuple[Member, str] | None:
    """Check the password; on success open a session and return the member and its cookie value."""
    with engine.connect() as conn:
        member = find_member(conn, email)
        stored = password_hash_of(conn, member.id) if member else None
    ok = _verify(stored or _DUMMY_HASH, password) and stored is not None
    with engine.begin() as conn:
        if not ok or member is None or member.left_on is not None:
            record_audit(conn, "anonymous", REFUSED, normal_email(email), f"from {address}")
            return None
        return member, _open_session(conn, keys, member, f"password, from {address}")


def sign_in_trusted(engine: Engine, keys: Keys, email: str, address: str) -> tuple[Member, str] | None:
    """Open a session for the member the single sign-on proxy vouches for."""
    with engine.begin() as conn:
        member = find_member(conn, email)
        if member is None or member.left_on is not None:
            record_audit(conn, "single sign-on", REFUSED, normal_email(email), f"from {address}")
            return None
        return member, _open_session(conn, keys, member, f"single sign-on, from {address}")


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _open_session(conn: Connection, keys: Keys, member: Member, how: str) -> str:
    token = secrets.token_urlsafe(32)
    conn.execute(insert(sessions).values(
        token_hash=token_hash(token), staff_id=member.id, created_at=now(),
        expires_at=now() + timedelta(hours=SESSION_HOURS)))
    record_audit(conn, member.email, "sign-in", member.email, how)
    return keys.cookies.dumps(token)


def current_session(engine: Engine, keys: Keys, request: Request) -> Session | None:
    """The signed-in member of a request, or ``None`` (no cookie, forged, ended, expired, left)."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        token = keys.cookies.loads(raw)
    except BadSignature:
        return None
    key = token_hash(str(token))
    with engine.connect() as conn:
        staff_id = conn.execute(select(sessions.c.staff_id).where(
            sessions.c.token_hash == key, sessions.c.ended_at.is_(None), sessions.c.expires_at > now())).scalar()
        member = None if staff_id is None else member_by_id(conn, staff_id)
    if member is None or member.left_on is not None:
        return None
    return Session(member, key)


def sign_out(engine: Engine, session: Session) -> None:
    with engine.begin() as conn:
        conn.execute(update(sessions).where(sessions.c.token_hash == session.key).values(ended_at=now()))
        record_audit(conn, session.member.email, "sign-out", session.member.email)


def pre_sign_in_key(request: Request) -> tuple[str, str | None]:
    """The key anonymous forms are bound to, and a new cookie value when the browser has none."""
    value = request.cookies.get(PRE_SIGN_IN_COOKIE)
    fresh = None
    if not value:
        value = fresh = secrets.token_urlsafe(24)
    return "pre:" + hashlib.sha256(value.encode()).hexdigest(), fresh


def form_token(keys: Keys, bound_to: str) -> str:
    return keys.forms.dumps({"k": bound_to, "n": secrets.token_hex(16)})


def use_form_token(engine: Engine, keys: Keys, token: str, bound_to: str) -> bool:
    """Whether the token is genuine, fresh, for this session, and unused; it is used up either way."""
    try:
        data = keys.forms.loads(token, max_age=FORM_TOKEN_SECONDS)
    except BadSignature:
        return False
    if not isinstance(data, dict) or data.get("k") != bound_to:
        return False
    try:
        with engine.begin() as conn:
            conn.execute(insert(used_form_tokens).values(nonce=str(data.get("n")), used_at=now()))
    except IntegrityError:
        return False
    return True


def same_origin(request: Request) -> bool:
    """Refuse posts a browser says came from another site."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    return origin is None or origin == f"{request.url.scheme}://{request.url.netloc}"
