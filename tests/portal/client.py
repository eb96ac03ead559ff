"""A member of staff's HTTP client for the portal: it reads form tokens out of pages like a browser."""

from __future__ import annotations

import re

import httpx

from polisi.ledger.store import accept_invitation, invite
from polisi.portal.auth import hash_password

PASSWORD = "correct horse battery staple"
_HASH: dict[str, str] = {}


def csrf_for(html: str, action: str) -> str:
    """The form token of the form posting to ``action``."""
    match = re.search(r'<form[^>]*action="' + re.escape(action) + r'"[^>]*>.*?name="csrf" value="([^"]+)"', html, re.S)
    assert match, f"no form posting to {action}"
    return match.group(1)


def given_password(engine, email: str) -> None:  # type: ignore[no-untyped-def]
    """Set a member's password through a real invitation (hashing once for the whole test run)."""
    if PASSWORD not in _HASH:
        _HASH[PASSWORD] = hash_password(PASSWORD)
    assert accept_invitation(engine, invite(engine, email), _HASH[PASSWORD]) is not None


def signed_in(url: str, email: str, password: str = PASSWORD) -> httpx.Client:
    client = httpx.Client(base_url=url, follow_redirects=False, timeout=30)
    page = client.get("/_portal/sign-in")
    token = csrf_for(page.text, "/_portal/sign-in")
    done = client.post("/_portal/sign-in", data={"csrf": token, "email": email, "password": password, "next": "/"})
    assert done.status_code == 303, done.text
    return client
