"""Coverage outside the portal: the inspector bundle's page and ``polisi review --min-coverage``."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest

from polisi.cli.main import main
from polisi.handbook.model import load_handbook
from polisi.history.git import load_history
from polisi.ledger.database import open_ledger
from polisi.ledger.store import acknowledge, find_member

AS_OF = date(2026, 6, 1)


def _record(root, email: str, doc_id: str, version: str) -> None:  # type: ignore[no-untyped-def]
    engine = open_ledger(load_handbook(root))
    with engine.connect() as conn:
        member = find_member(conn, email)
    acknowledge(engine, member, doc_id, version, on=date(2026, 5, 20), recorded_by="test", how="paper form")
    engine.dispose()


@pytest.mark.parametrize("ledger_url", ["sqlite"], indirect=True)
def test_the_bundle_has_a_dated_coverage_page_with_counts_only(handbook, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from polisi.render.bundle import bundle_plan
    from polisi.render.pdf import render_pdf

    _record(handbook, "owen@example.org", "POL-SAF-01", "2.0")
    plan = bundle_plan(load_handbook(handbook), load_history(handbook), AS_OF)
    part = next(p for p in plan.parts if p.name == "acknowledgements")
    assert part.label == "Acknowledgement coverage"
    pdf = tmp_path / "coverage.pdf"
    pdf.write_bytes(render_pdf(part.job))
    words = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [" ".join(line.split()) for line in words.splitlines() if line.strip()]
    assert "Acknowledgement coverage" in lines
    assert any(line.startswith("As on 1 June 2026: for each document in force") for line in lines)
    assert "POL-SAF-01 2.0 1 3 33%" in lines
    assert "POL-REC-01 1.0 0 1 0%" in lines
    assert "SOP-01 1.0 0 3 0%" in lines
    assert "owen@example.org" not in words and "Owen" not in words


def test_no_coverage_page_without_a_portal_ledger(built_handbook, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from polisi.render.bundle import bundle_plan

    monkeypatch.setenv("POLISI_PORTAL_DATABASE", "sqlite:////nonexistent/never-initialised.sqlite3")
    plan = bundle_plan(load_handbook(built_handbook), load_history(built_handbook), AS_OF)
    assert "acknowledgements" not in [p.name for p in plan.parts]


def test_review_fails_on_low_coverage(handbook, capsys) -> None:  # type: ignore[no-untyped-def]
    _record(handbook, "owen@example.org", "POL-SAF-01", "2.0")
    for email in ("owen@example.org", "rhian@example.org", "nia@example.org"):
        _record(handbook, email, "SOP-01", "1.0")

    def review(*extra: str) -> tuple[int, str]:
        capsys.readouterr()
        with pytest.raises(SystemExit) as done:
            main(["review", str(handbook), "--as-of", AS_OF.isoformat(), *extra])
        return int(done.value.code or 0), capsys.readouterr().err

    assert review() == (0, "")
    code, err = review("--min-coverage", "30")
    assert code == 1
    assert err.splitlines() == [
        "polisi: coverage: POL-INC-01 version 1.0: acknowledged by 0 of 1 (0%), below 30%",
        "polisi: coverage: POL-REC-01 version 1.0: acknowledged by 0 of 1 (0%), below 30%",
        "polisi: coverage: PRO-SAF-01 version 1.1: acknowledged by 0 of 3 (0%), below 30%",
    ]
    assert review("--min-coverage", "0") == (0, "")
