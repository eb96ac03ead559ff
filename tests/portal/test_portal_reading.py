"""Reading and acknowledging through the portal, the managers' report, and the ledger's guarantees.

Every test runs against a real portal on 127.0.0.1, once with SQLite and once with PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import date, timedelta

import httpx
import pytest
from client import csrf_for, given_password, signed_in
from portal_handbook import git, run_polisi, write_document
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from polisi.ledger.coverage import row_hash
from polisi.ledger.store import StaffRow, audit_trail, import_staff
from polisi.portal.auth import sign_in_trusted

SAF = "/policies/POL-SAF-01.html"
ACK_SAF = "/_portal/acknowledge/POL-SAF-01"
RIGHT = {"q0": "The shift leader"}


def _acks(engine) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT s.email, a.document_id, a.version FROM acknowledgements a JOIN staff s ON s.id = a.staff_id "
            "ORDER BY s.email, a.document_id, a.version")).all()
    return [tuple(r) for r in rows]


def test_reading_then_acknowledging_with_the_question_answered(portal) -> None:  # type: ignore[no-untyped-def]
    given_password(portal.engine, "owen@example.org")
    owen = signed_in(portal.url, "owen@example.org")
    early = owen.post(ACK_SAF, data={"csrf": csrf_for(owen.get("/_portal/reading").text, "/_portal/sign-out"),
                                     "version": "2.0", **RIGHT})
    assert (early.status_code, early.text) == (409, "open the document before acknowledging it")
    page = owen.get(SAF)
    assert page.status_code == 200
    assert "Everyone at the centre keeps children and adults safe." in page.text
    assert "I have read and understood version 2.0" in page.text
    assert "Who do you tell first about a worry?" in page.text and "The shift leader" in page.text
    wrong = owen.post(ACK_SAF, data={"csrf": csrf_for(page.text, ACK_SAF), "version": "2.0", "q0": "Nobody"})
    assert wrong.status_code == 422 and "Who do you tell first about a worry?" in wrong.text
    assert _acks(portal.engine) == []
    page = owen.get(SAF)
    stale = owen.post(ACK_SAF, data={"csrf": csrf_for(page.text, ACK_SAF), "version": "1.0", **RIGHT})
    assert stale.status_code == 409
    page = owen.get(SAF)
    done = owen.post(ACK_SAF, data={"csrf": csrf_for(page.text, ACK_SAF), "version": "2.0", **RIGHT})
    assert (done.status_code, done.headers["location"]) == (303, SAF)
    after = owen.get(SAF).text
    assert "You have read and understood version 2.0" in after
    assert "I have read and understood version" not in after
    assert _acks(portal.engine) == [("owen@example.org", "POL-SAF-01", "2.0")]
    reading = owen.get("/_portal/reading").text
    assert "To read and acknowledge (2)" in reading
    for doc_id in ("SOP-01", "PRO-SAF-01"):
        assert f"{doc_id} " in reading
    assert "POL-INC-01" not in reading and "POL-REC-01" not in reading  # not in Owen's audiences
    assert "15 March 2026" in reading  # published 1 March 2026 + 14 days
    with portal.engine.connect() as conn:
        trail = [(r["actor"], r["action"], r["subject"]) for r in audit_trail(conn)]
    assert ("owen@example.org", "sign-in", "owen@example.org") in trail
    assert ("owen@example.org", "acknowledgement", "owen@example.org") in trail
    assert ("command line", "invitation", "owen@example.org") in trail


@pytest.mark.parametrize("ledger_url", ["sqlite"], indirect=True)  # three site builds: once is enough
def test_a_minor_version_keeps_acknowledgements_and_a_major_one_asks_again(portal, handbook) -> None:  # type: ignore[no-untyped-def]
    given_password(portal.engine, "owen@example.org")
    owen = signed_in(portal.url, "owen@example.org")
    page = owen.get(SAF)
    assert owen.post(ACK_SAF, data={"csrf": csrf_for(page.text, ACK_SAF), "version": "2.0", **RIGHT}).status_code == 303

    def publish(version: str, *, flag: bool = False) -> None:
        doc = "policies/POL-SAF-01.md"
        extra = ("reacknowledge: true\n" if flag else "") + "audience: [All staff]\nprocedures: [PRO-SAF-01]\n"
        write_document(handbook, doc, version=version, extra=extra)
        git(handbook, "commit", "-q", "-am", f"POL-SAF-01 {version}")
        built = run_polisi("build", "site", str(handbook), "--as-of", "2026-06-01")
        assert built.returncode == 0, built.stderr

    publish("2.1")
    minor = owen.get(SAF).text
    assert "You have read and understood version 2.0" in minor and "it covers version 2.1, a minor change" in minor
    publish("2.2", flag=True)
    flagged = owen.get(SAF).text
    assert "Version 2.2 changed enough that we ask again" in flagged
    assert "I have read and understood version 2.2" in flagged
    assert owen.post(ACK_SAF, data={"csrf": csrf_for(flagged, ACK_SAF), "version": "2.2"}).status_code == 303
    publish("3.0")
    major = owen.get(SAF).text
    assert "You acknowledged version 2.2. Version 3.0 changed enough that we ask again." in major
    assert _acks(portal.engine) == [("owen@example.org", "POL-SAF-01", v) for v in ("2.0", "2.2")]


def test_managers_report_exports_and_records_on_someones_behalf(portal) -> None:  # type: ignore[no-untyped-def]
    for email in ("rhian@example.org", "owen@example.org"):
        given_password(portal.engine, email)
    rhian = signed_in(portal.url, "rhian@example.org")
    overview = rhian.get("/_portal/manage").text
    record = rhian.post("/_portal/manage/record", data={
        "csrf": csrf_for(overview, "/_portal/manage/record"), "email": "owen@example.org", "document": "POL-SAF-01",
        "on": "2026-05-20", "how": "signed paper form in supervision"})
    assert record.status_code == 303
    today = date.today()
    overview = rhian.get(record.headers["location"]).text
    assert "recorded POL-SAF-01 for owen@example.org" in overview
    assert "acknowledged by 1 of 3 (33%)" in overview  # POL-SAF-01: all three staff
    assert "acknowledged by 0 of 1 (0%)" in overview  # POL-REC-01: managers only
    detail = rhian.get("/_portal/manage/documents/POL-SAF-01").text
    assert "Outstanding (2)" in detail and "Nia Night" in detail and "Rhian Manager" in detail
    data = rhian.get("/_portal/manage/report.json").json()
    assert data["as_of"] == today.isoformat()
    saf = next(d for d in data["documents"] if d["id"] == "POL-SAF-01")
    assert {k: v for k, v in saf.items() if k != "sha256"} == {
        "id": "POL-SAF-01", "version": "2.0",
        "required": ["nia@example.org", "owen@example.org", "rhian@example.org"],
        "acknowledged": ["owen@example.org"], "outstanding": ["nia@example.org", "rhian@example.org"]}
    assert all(row["sha256"] == row_hash(row) for row in data["documents"] + data["staff"])
    owen_row = next(s for s in data["staff"] if s["email"] == "owen@example.org")
    assert owen_row["outstanding"] == ["PRO-SAF-01", "SOP-01"]
    csv_text = rhian.get("/_portal/manage/report.csv").text
    lines = csv_text.splitlines()
    assert lines[0] == "row,id,version,email,name,roles,required,acknowledged,outstanding,sha256"
    assert f"document,POL-SAF-01,2.0,,,,nia@example.org owen@example.org rhian@example.org,owen@example.org," \
           f"nia@example.org rhian@example.org,{saf['sha256']}" in lines
    owen = signed_in(portal.url, "owen@example.org")
    mine = owen.get("/_portal/reading").text
    assert "signed paper form in supervision" in mine and "20 May 2026" in mine
    with portal.engine.connect() as conn:
        row = conn.execute(text("SELECT recorded_by, on_behalf, how, acknowledged_on FROM acknowledgements")).one()
        trail = [(r["actor"], r["action"], r["subject"]) for r in audit_trail(conn)]
    assert (row.recorded_by, bool(row.on_behalf), row.how, str(row.acknowledged_on)) == (
        "rhian@example.org", True, "signed paper form in supervision", "2026-05-20")
    assert ("rhian@example.org", "acknowledgement on behalf", "owen@example.org") in trail
    invited = rhian.post("/_portal/manage/invite", data={
        "csrf": csrf_for(rhian.get("/_portal/manage").text, "/_portal/manage/invite"), "email": "nia@example.org"})
    assert "http://127.0.0.1:8000/_portal/invitation/" in invited.text
    left = rhian.post("/_portal/manage/leaver", data={
        "csrf": csrf_for(rhian.get("/_portal/manage").text, "/_portal/manage/leaver"), "email": "nia@example.org",
        "on": (today - timedelta(days=1)).isoformat()})
    assert left.status_code == 303
    assert "acknowledged by 1 of 2 (50%)" in rhian.get("/_portal/manage").text
    with portal.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM staff WHERE email = 'nia@example.org'")).scalar_one() == 1


def test_acknowledgements_and_the_audit_trail_cannot_be_changed_or_deleted(portal) -> None:  # type: ignore[no-untyped-def]
    from polisi.ledger.store import acknowledge, find_member

    with portal.engine.connect() as conn:
        owen = find_member(conn, "owen@example.org")
    assert acknowledge(portal.engine, owen, "SOP-01", "1.0", on=date(2026, 5, 1), recorded_by="test", how="paper")
    assert not acknowledge(portal.engine, owen, "SOP-01", "1.0", on=date(2026, 5, 2), recorded_by="test", how="paper")
    for statement in ("UPDATE acknowledgements SET version = '9.9'", "DELETE FROM acknowledgements",
                      "UPDATE audit SET actor = 'someone else'", "DELETE FROM audit", "DELETE FROM staff"):
        with pytest.raises(DBAPIError, match="cannot be"), portal.engine.begin() as conn:
            conn.execute(text(statement))
    assert _acks(portal.engine) == [("owen@example.org", "SOP-01", "1.0")]


def test_two_hundred_concurrent_acknowledgements_land_exactly_once(portal) -> None:  # type: ignore[no-untyped-def]
    emails = [f"worker{n:02d}@example.org" for n in range(40)]
    import_staff(portal.engine, [StaffRow(n, f"Worker {n}", e, ("Registered Manager", "Night worker"), None)
                                 for n, e in enumerate(emails)])
    documents = {"SOP-01": "1.0", "POL-SAF-01": "2.0", "PRO-SAF-01": "1.1", "POL-REC-01": "1.0", "POL-INC-01": "1.0"}
    pages = {"SOP-01": "statement_of_purpose/SOP-01.html", "POL-SAF-01": "policies/POL-SAF-01.html",
             "PRO-SAF-01": "procedures/PRO-SAF-01.html", "POL-REC-01": "policies/POL-REC-01.html",
             "POL-INC-01": "policies/POL-INC-01.html"}
    keys = portal.app.state.portal.keys
    cookies = {e: sign_in_trusted(portal.engine, keys, e, "127.0.0.1")[1] for e in emails}  # no hashing needed

    async def run() -> list[int]:
        limits = httpx.Limits(max_connections=50, keepalive_expiry=1)  # below the server's 5 s keep-alive
        async with httpx.AsyncClient(base_url=portal.url, limits=limits, timeout=60) as pool:
            async def one(email: str, doc_id: str) -> list[int]:
                headers = {"Cookie": f"polisi_session={cookies[email]}"}
                page = (await pool.get("/" + pages[doc_id], headers=headers)).text
                action = f"/_portal/acknowledge/{doc_id}"
                form = {"version": documents[doc_id], **(RIGHT if doc_id == "POL-SAF-01" else {})}
                tokens = [csrf_for(page, action)]
                if doc_id == "SOP-01":  # and once more at the same moment: answered, but never a second row
                    tokens.append(csrf_for(page, "/_portal/sign-out"))  # any of the session's tokens will do
                replies = await asyncio.gather(
                    *(pool.post(action, data={"csrf": t, **form}, headers=headers) for t in tokens))
                return [r.status_code for r in replies]

            results = await asyncio.wait_for(
                asyncio.gather(*(one(e, d) for e in emails for d in documents)), timeout=240)
        return [status for replies in results for status in replies]

    statuses = asyncio.run(run())
    assert Counter(statuses) == {303: 240}
    landed = [a for a in _acks(portal.engine) if a[0].startswith("worker")]
    assert sorted(landed) == sorted((e, d, v) for e in emails for d, v in documents.items())
    with portal.engine.connect() as conn:
        logged = [r for r in audit_trail(conn) if r["action"] == "acknowledgement" and "worker" in r["subject"]]
    assert len(logged) == 200


def test_report_rows_can_be_checked_later(portal) -> None:  # type: ignore[no-untyped-def]
    given_password(portal.engine, "rhian@example.org")
    data = signed_in(portal.url, "rhian@example.org").get("/_portal/manage/report.json").json()
    row = data["documents"][0]
    tampered = {**row, "acknowledged": ["someone@example.org"]}
    assert row_hash(row) == row["sha256"] and row_hash(tampered) != row["sha256"]
    assert json.loads(json.dumps(data)) == data
