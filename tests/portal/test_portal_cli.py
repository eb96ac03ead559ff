"""``polisi portal`` commands and real portal processes: restart, two at once, one-line errors.

Each test runs once with SQLite and once with PostgreSQL; the portal runs as ``polisi portal
serve`` in its own process, on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest
from client import csrf_for, given_password, signed_in
from portal_handbook import SRC, run_polisi
from postgres import free_port

from polisi.cli.main import main
from polisi.handbook.model import load_handbook
from polisi.ledger.database import open_ledger


class Ran(NamedTuple):
    returncode: int
    stdout: str
    stderr: str


def polisi(capsys: pytest.CaptureFixture[str], *args: str) -> Ran:
    """Run the ``polisi`` command in this process (the ``handbook`` fixture set the database)."""
    capsys.readouterr()
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return Ran(code, out, err)


def _env(url: str) -> dict[str, str]:
    return {"POLISI_PORTAL_DATABASE": url}


class Served:
    """``polisi portal serve`` in a child process."""

    def __init__(self, root: Path, url: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(SRC), **_env(url)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "polisi", "portal", "serve", "--handbook", str(root), "--port", str(self.port)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, self.process.communicate()[1]
            try:
                if httpx.get(self.url + "/_portal/sign-in", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the portal did not start"
            time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.communicate(timeout=20)


Post = tuple[httpx.Client, str, dict[str, str]]


def _opened(client: httpx.Client, page: str, doc_id: str, version: str, **answers: str) -> Post:
    """Open the page, and return the acknowledgement post it offers, ready to send."""
    action = f"/_portal/acknowledge/{doc_id}"
    return client, action, {"csrf": csrf_for(client.get(page).text, action), "version": version, **answers}


def test_two_processes_at_once_lose_nothing_and_a_restart_keeps_everything(handbook, ledger_url) -> None:  # type: ignore[no-untyped-def]
    engine = open_ledger(load_handbook(handbook))
    for email in ("owen@example.org", "nia@example.org"):
        given_password(engine, email)
    engine.dispose()
    first, second = Served(handbook, ledger_url), Served(handbook, ledger_url)
    try:
        owen = signed_in(first.url, "owen@example.org")
        nia = signed_in(second.url, "nia@example.org")
        owen_on_second = httpx.Client(base_url=second.url, cookies=owen.cookies)  # sessions are shared
        jobs = [(owen, "/statement_of_purpose/SOP-01.html", "SOP-01", "1.0", {}),
                (owen_on_second, "/procedures/PRO-SAF-01.html", "PRO-SAF-01", "1.1", {}),
                (owen, "/procedures/PRO-SAF-01.html", "PRO-SAF-01", "1.1", {}),
                (nia, "/policies/POL-INC-01.html", "POL-INC-01", "1.0", {}),
                (nia, "/policies/POL-SAF-01.html", "POL-SAF-01", "2.0", {"q0": "The shift leader"})]
        posts = [_opened(j[0], j[1], j[2], j[3], **j[4]) for j in jobs]
        with ThreadPoolExecutor(len(posts)) as pool:
            statuses = list(pool.map(lambda p: p[0].post(p[1], data=p[2]).status_code, posts))
        assert statuses == [303] * 5
    finally:
        first.stop()
        second.stop()
    again = Served(handbook, ledger_url)
    try:
        with httpx.Client(base_url=again.url, cookies=owen.cookies) as owen_after:
            page = owen_after.get("/procedures/PRO-SAF-01.html")
            assert page.status_code == 200 and "You have read and understood version 1.1" in page.text
    finally:
        again.stop()
    report = run_polisi("portal", "report", "--handbook", str(handbook), "--format", "json", env=_env(ledger_url))
    assert report.returncode == 0, report.stderr
    data = json.loads(report.stdout)
    acknowledged = {d["id"]: d["acknowledged"] for d in data["documents"]}
    assert acknowledged == {"POL-INC-01": ["nia@example.org"], "POL-REC-01": [],
                            "POL-SAF-01": ["nia@example.org"], "PRO-SAF-01": ["owen@example.org"],
                            "SOP-01": ["owen@example.org"]}


def test_the_commands_import_invite_record_leave_and_report(handbook, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = str(handbook)
    assert polisi(capsys, "portal", "init", "--handbook", root).returncode == 0  # again: nothing to migrate
    staff_csv = tmp_path / "staff.csv"
    staff_csv.write_text("name,email,roles,start_date\nOwen Worker,owen@example.org,Family support worker,2025-09-01\n"
                         "Bea Bank,bea@example.org,Night worker,2026-05-25\n", encoding="utf-8")
    done = polisi(capsys, "portal", "staff", "import", str(staff_csv), "--handbook", root)
    assert (done.returncode, done.stdout.strip()) == (0, f"{staff_csv}: 2 staff (1 added, 0 updated, 1 unchanged)")
    invited = polisi(capsys, "portal", "staff", "invite", "bea@example.org", "--handbook", root)
    assert invited.returncode == 0 and invited.stdout.startswith("http://127.0.0.1:8000/_portal/invitation/")
    recorded = polisi(capsys, "portal", "record", "POL-SAF-01", "--staff", "owen@example.org", "--on", "2026-05-20",
                          "--how", "signed paper form", "--handbook", root, "--by", "Rhian Manager")
    assert recorded.stdout.strip() == "POL-SAF-01 version 2.0: recorded for owen@example.org on 2026-05-20"
    twice = polisi(capsys, "portal", "record", "POL-SAF-01", "--staff", "owen@example.org", "--on", "2026-05-21",
                       "--how", "supervision", "--handbook", root)
    assert twice.stdout.strip() == "POL-SAF-01 version 2.0: already recorded for owen@example.org on 2026-05-21"
    left = polisi(capsys, "portal", "staff", "leave", "nia@example.org", "--on", "2026-05-31", "--handbook", root)
    assert left.stdout.strip() == "nia@example.org: marked as left on 2026-05-31"
    report = polisi(capsys, "portal", "report", "--handbook", root, "--as-of", "2026-06-01")
    assert report.returncode == 0, report.stderr
    assert report.stdout.splitlines() == [
        "Acknowledgement coverage as on 2026-06-01",
        "",
        "POL-INC-01 version 1.0: acknowledged by 0 of 1 (0%)",
        "  outstanding: bea@example.org",
        "POL-REC-01 version 1.0: acknowledged by 0 of 1 (0%)",
        "  outstanding: rhian@example.org",
        "POL-SAF-01 version 2.0: acknowledged by 1 of 3 (33%)",
        "  outstanding: bea@example.org, rhian@example.org",
        "PRO-SAF-01 version 1.1: acknowledged by 0 of 3 (0%)",
        "  outstanding: bea@example.org, owen@example.org, rhian@example.org",
        "SOP-01 version 1.0: acknowledged by 0 of 3 (0%)",
        "  outstanding: bea@example.org, owen@example.org, rhian@example.org",
        "",
        "bea@example.org: 4 outstanding: POL-INC-01 (due 2026-06-08), POL-SAF-01 (due 2026-06-08), "
        "PRO-SAF-01 (due 2026-06-08), SOP-01 (due 2026-06-08)",
        "owen@example.org: 2 outstanding: PRO-SAF-01 (due 2026-03-15), SOP-01 (due 2026-03-15)",
        "rhian@example.org: 4 outstanding: POL-REC-01 (due 2026-03-15), POL-SAF-01 (due 2026-03-15), "
        "PRO-SAF-01 (due 2026-03-15), SOP-01 (due 2026-03-15)",
    ]
    before = polisi(capsys, "portal", "report", "--handbook", root, "--as-of", "2026-05-19", "--format", "json")
    saf = next(d for d in json.loads(before.stdout)["documents"] if d["id"] == "POL-SAF-01")
    assert saf["acknowledged"] == [] and "nia@example.org" in saf["required"]  # dated views of the past
    engine = open_ledger(load_handbook(handbook))
    with engine.connect() as conn:
        from polisi.ledger.store import audit_trail

        trail = [(r["actor"], r["action"], r["subject"]) for r in audit_trail(conn)]
    engine.dispose()
    assert ("Rhian Manager", "acknowledgement on behalf", "owen@example.org") in trail
    assert any(a == "leaver" and s == "nia@example.org" for _, a, s in trail)
    assert any(a == "invitation" and s == "bea@example.org" for _, a, s in trail)


def test_command_errors_are_one_line(handbook, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = str(handbook)
    bad = tmp_path / "bad.csv"
    bad.write_text("name,email,roles,start_date\nOwen,owen@example.org,,01/09/2025\n", encoding="utf-8")
    cases = {
        ("portal", "staff", "import", str(bad)):
            (1, f"{bad}:2:1: error: STAFF_CSV start_date '01/09/2025' is not YYYY-MM-DD"),
        ("portal", "staff", "invite", "nobody@example.org"):
            (1, "nobody@example.org: no such member of staff (import them with 'polisi portal staff import')"),
        ("portal", "record", "POL-XX-01", "--staff", "owen@example.org", "--on", "2026-05-01", "--how", "paper"):
            (2, "POL-XX-01: no approved document with that id"),
        ("portal", "record", "POL-REC-01", "--staff", "owen@example.org", "--on", "2026-05-01", "--how", "paper"):
            (1, "POL-REC-01 is not for owen@example.org (audience: Managers)"),
    }
    for args, (code, message) in cases.items():
        done = polisi(capsys, *args, "--handbook", root)
        assert (done.returncode, done.stderr.strip()) == (code, f"polisi: error: {message}")
        assert done.stdout == ""


def test_an_uninitialised_database_is_reported_in_one_line(built_handbook, tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "nowhere.sqlite3"
    done = run_polisi("portal", "report", "--handbook", str(built_handbook), env=_env(f"sqlite:///{missing}"))
    assert (done.returncode, done.stderr.strip()) == (
        1, f"polisi: error: portal database: {missing} does not exist; run 'polisi portal init' first")
