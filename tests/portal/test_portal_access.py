"""Who may do what: anonymous requests, staff and managers, form tokens, cookies, the sign-in limit.

Every test runs against a real portal on 127.0.0.1, once with SQLite and once with PostgreSQL.
"""

from __future__ import annotations

import httpx
import pytest
from client import PASSWORD, csrf_for, given_password, signed_in
from running import Running
from sqlalchemy import text

from polisi.ledger.store import audit_trail

DOC = "/policies/POL-SAF-01.html"
STAFF_GETS = ["/", "/index.html", DOC, "/procedures/PRO-SAF-01.html", "/search/search_index.json",
              "/_portal/reading", "/no/such/page.html"]
MANAGER_GETS = ["/_portal/manage", "/_portal/manage/documents/POL-SAF-01", "/_portal/manage/staff/owen@example.org",
                "/_portal/manage/report.csv", "/_portal/manage/report.json"]
POSTS = ["/_portal/sign-out", "/_portal/acknowledge/POL-SAF-01", "/_portal/manage/invite",
         "/_portal/manage/leaver", "/_portal/manage/record"]


def test_every_route_refuses_an_anonymous_request(portal) -> None:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=portal.url) as anonymous:
        for path in STAFF_GETS + MANAGER_GETS:
            reply = anonymous.get(path)
            if path.endswith((".csv", ".json")):
                assert (path, reply.status_code) == (path, 401)
            else:
                assert (path, reply.status_code) == (path, 303)
                assert reply.headers["location"].startswith("/_portal/sign-in?next=")
            assert "Safeguarding" not in reply.text and "Kingfisher" not in reply.text
        for path in POSTS:
            reply = anonymous.post(path, data={"csrf": "x", "version": "2.0", "email": "owen@example.org"})
            assert (path, reply.status_code) == (path, 401)
        with portal.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM acknowledgements")).scalar_one() == 0
        assert anonymous.get("/_portal/sign-in").status_code == 200
        assert anonymous.get("/_portal/invitation/not-a-token").status_code == 404


def test_staff_cannot_see_managers_pages_or_acknowledge_for_someone_else(portal) -> None:  # type: ignore[no-untyped-def]
    given_password(portal.engine, "owen@example.org")
    owen = signed_in(portal.url, "owen@example.org")
    for path in MANAGER_GETS:
        assert (path, owen.get(path).status_code) == (path, 403)
    page = owen.get("/procedures/PRO-SAF-01.html")
    assert page.status_code == 200 and "Kingfisher room" in page.text
    assert "/_portal/manage" not in page.text
    for path in ("/_portal/manage/record", "/_portal/manage/invite", "/_portal/manage/leaver"):
        reply = owen.post(path, data={"csrf": csrf_for(page.text, "/_portal/acknowledge/PRO-SAF-01"),
                                      "email": "nia@example.org", "document": "PRO-SAF-01", "on": "2026-05-01",
                                      "how": "paper form"})
        assert (path, reply.status_code) == (path, 403)
    page = owen.get("/procedures/PRO-SAF-01.html")
    reply = owen.post("/_portal/acknowledge/PRO-SAF-01", data={
        "csrf": csrf_for(page.text, "/_portal/acknowledge/PRO-SAF-01"), "version": "1.1", "staff": "nia@example.org"})
    assert reply.status_code == 403 and reply.text == "you can only acknowledge for yourself"
    with portal.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM acknowledgements")).scalar_one() == 0


def test_replayed_and_cross_site_posts_are_refused(portal) -> None:  # type: ignore[no-untyped-def]
    for email in ("owen@example.org", "nia@example.org"):
        given_password(portal.engine, email)
    owen, nia = signed_in(portal.url, "owen@example.org"), signed_in(portal.url, "nia@example.org")
    action = "/_portal/acknowledge/PRO-SAF-01"
    owen_token = csrf_for(owen.get("/procedures/PRO-SAF-01.html").text, action)
    nia.get("/procedures/PRO-SAF-01.html")
    assert nia.post(action, data={"csrf": owen_token, "version": "1.1"}).status_code == 403  # another session's
    assert owen.post(action, data={"version": "1.1"}).status_code == 403  # no token at all
    assert owen.post(action, data={"csrf": owen_token + "x", "version": "1.1"}).status_code == 403  # forged
    fresh = csrf_for(owen.get("/procedures/PRO-SAF-01.html").text, action)
    cross = owen.post(action, data={"csrf": fresh, "version": "1.1"}, headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403
    fresh = csrf_for(owen.get("/procedures/PRO-SAF-01.html").text, action)
    cross = owen.post(action, data={"csrf": fresh, "version": "1.1"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403
    fresh = csrf_for(owen.get("/procedures/PRO-SAF-01.html").text, action)
    first = owen.post(action, data={"csrf": fresh, "version": "1.1"},
                      headers={"Origin": portal.url, "Sec-Fetch-Site": "same-origin"})
    assert first.status_code == 303
    replay = owen.post(action, data={"csrf": fresh, "version": "1.1"})
    assert replay.status_code == 403
    with portal.engine.connect() as conn:
        rows = conn.execute(text("SELECT document_id, version FROM acknowledgements")).all()
    assert [tuple(r) for r in rows] == [("PRO-SAF-01", "1.1")]


def test_signing_out_ends_the_session_everywhere(portal) -> None:  # type: ignore[no-untyped-def]
    given_password(portal.engine, "owen@example.org")
    owen = signed_in(portal.url, "owen@example.org")
    cookie = owen.cookies["polisi_session"]
    page = owen.get("/_portal/reading")
    assert owen.post("/_portal/sign-out", data={"csrf": csrf_for(page.text, "/_portal/sign-out")}).status_code == 303
    with httpx.Client(base_url=portal.url, cookies={"polisi_session": cookie}) as stolen:
        assert stolen.get("/_portal/reading").status_code == 303


def test_session_cookie_is_signed_httponly_samesite_and_secure_over_https(portal) -> None:  # type: ignore[no-untyped-def]
    given_password(portal.engine, "owen@example.org")
    for proto, secure in (("http", False), ("https", True)):
        with httpx.Client(base_url=portal.url, headers={"X-Forwarded-Proto": proto}) as client:
            page = client.get("/_portal/sign-in")
            pre = page.cookies.get("polisi_pre") or client.cookies.get("polisi_pre")
            client.cookies.clear()  # a Secure cookie is not sent back over plain HTTP: send it by hand
            reply = client.post("/_portal/sign-in", headers={"Cookie": f"polisi_pre={pre}"}, data={
                "csrf": csrf_for(page.text, "/_portal/sign-in"), "email": "owen@example.org", "password": PASSWORD,
                "next": "/"})
            header = reply.headers["set-cookie"]
            assert header.startswith("polisi_session=")
            assert "HttpOnly" in header and "SameSite=lax" in header and "Path=/" in header
            assert ("Secure" in header) is secure
    with httpx.Client(base_url=portal.url, cookies={"polisi_session": "forged.value"}) as forged:
        assert forged.get("/_portal/reading").status_code == 303


def test_sign_in_is_rate_limited(portal) -> None:  # type: ignore[no-untyped-def]
    given_password(portal.engine, "owen@example.org")
    with httpx.Client(base_url=portal.url) as client:
        statuses = []
        for attempt in range(6):
            page = client.get("/_portal/sign-in")
            password = PASSWORD if attempt == 5 else f"wrong guess {attempt}"
            statuses.append(client.post("/_portal/sign-in", data={
                "csrf": csrf_for(page.text, "/_portal/sign-in"), "email": "owen@example.org",
                "password": password, "next": "/"}).status_code)
    assert statuses == [401, 401, 401, 401, 401, 429]
    with portal.engine.connect() as conn:
        actions = [row["action"] for row in audit_trail(conn) if row["subject"] == "owen@example.org"]
    assert actions.count("sign-in refused") == 5 and "sign-in" not in actions


def test_a_next_address_cannot_send_anyone_to_another_site(portal) -> None:  # type: ignore[no-untyped-def]
    given_password(portal.engine, "owen@example.org")
    with httpx.Client(base_url=portal.url) as client:
        page = client.get("/_portal/sign-in?next=//evil.example/")
        assert 'name="next" value="/"' in page.text
        reply = client.post("/_portal/sign-in", data={
            "csrf": csrf_for(page.text, "/_portal/sign-in"), "email": "owen@example.org", "password": PASSWORD,
            "next": "https://evil.example/"})
        assert reply.headers["location"] == "/"


@pytest.mark.parametrize("ledger_url", ["sqlite"], indirect=True)
def test_a_leaver_cannot_sign_in(portal) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from polisi.ledger.store import mark_leaver

    given_password(portal.engine, "owen@example.org")
    owen = signed_in(portal.url, "owen@example.org")
    mark_leaver(portal.engine, "owen@example.org", date(2026, 5, 1))
    assert owen.get("/_portal/reading").status_code == 303
    with httpx.Client(base_url=portal.url) as client:
        page = client.get("/_portal/sign-in")
        reply = client.post("/_portal/sign-in", data={
            "csrf": csrf_for(page.text, "/_portal/sign-in"), "email": "owen@example.org", "password": PASSWORD})
        assert reply.status_code == 401


@pytest.mark.parametrize("ledger_url", ["sqlite"], indirect=True)
def test_the_single_sign_on_header_is_trusted_only_when_configured(handbook) -> None:  # type: ignore[no-untyped-def]
    def visit(header: dict[str, str]) -> int:
        running = Running(handbook)
        try:
            with httpx.Client(base_url=running.url, headers=header) as client:
                return client.get("/_portal/reading").status_code
        finally:
            running.stop()

    assert visit({"X-Remote-Email": "owen@example.org"}) == 303  # off by default: the header means nothing
    config = handbook / "polisi.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "portal:\n", "portal:\n  trusted_header: X-Remote-Email\n"), encoding="utf-8")
    assert visit({"X-Remote-Email": "Owen@Example.org"}) == 200
    assert visit({"X-Remote-Email": "stranger@example.org"}) == 303
    assert visit({}) == 303


def test_a_database_inside_the_build_folder_is_refused(built_handbook, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from polisi.handbook.model import load_handbook
    from polisi.ledger.database import LedgerError, database_url

    monkeypatch.setenv("POLISI_PORTAL_DATABASE", "build/portal.sqlite3")
    with pytest.raises(LedgerError, match=r"^polisi.yml:1:1: error: CONFIG portal.database: build/portal.sqlite3 is "
                                          r"inside the build folder, which every build replaces; keep it outside$"):
        database_url(load_handbook(built_handbook))
