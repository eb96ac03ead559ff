"""Which acknowledgements count for which version: the rule, read from the git record."""

from __future__ import annotations

from datetime import date

from portal_handbook import git, write_document, write_handbook

from polisi.handbook.config import PortalSettings
from polisi.handbook.model import load_handbook
from polisi.history.git import load_history
from polisi.ledger.rules import Member, due_on, must_read, requirements

DOC = "policies/POL-SAF-01.md"
EXTRA = "audience: [All staff]\nprocedures: [PRO-SAF-01]\n"


def _saf(root):  # type: ignore[no-untyped-def]
    found = requirements(load_handbook(root), load_history(root))
    return next(r for r in found if r.document_id == "POL-SAF-01")


def test_a_flag_in_an_earlier_minor_version_still_sets_the_baseline(tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = write_handbook(tmp_path / "handbook")
    assert _saf(root).baseline == (2, 0)
    for version, flag in (("2.1", True), ("2.2", False), ("2.3", False)):
        write_document(root, DOC, version=version, extra=("reacknowledge: true\n" if flag else "") + EXTRA)
        git(root, "commit", "-q", "-am", f"POL-SAF-01 {version}")
    saf = _saf(root)
    assert (saf.version, saf.baseline) == ("2.3", (2, 1))
    assert [v for v in ("1.9", "2.0", "2.1", "2.2", "2.3", "2.4", "3.0") if saf.covered_by(v)] == ["2.1", "2.2", "2.3"]
    write_document(root, DOC, version="3.0", extra=EXTRA)
    git(root, "commit", "-q", "-am", "POL-SAF-01 3.0")
    major = _saf(root)
    assert (major.baseline, [v for v in ("2.3", "3.0") if major.covered_by(v)]) == ((3, 0), ["3.0"])


def test_audiences_roles_and_due_dates(tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = write_handbook(tmp_path / "handbook")
    found = {r.document_id: r for r in requirements(load_handbook(root), load_history(root))}
    settings = PortalSettings(roles={"Night worker": ["Night staff"]}, managers=["Registered Manager"])
    night = Member(1, "n@example.org", "N", ("Night worker",), date(2026, 4, 1), None)
    manager = Member(2, "m@example.org", "M", ("Registered Manager",), None, None)
    shouted = Member(3, "s@example.org", "S", ("NIGHT WORKER",), None, None)
    for member in (night, shouted):  # roles and audiences compare ignoring case
        assert sorted(d for d, r in found.items() if must_read(r, member, settings)) == [
            "POL-INC-01", "POL-SAF-01", "PRO-SAF-01", "SOP-01"]
    assert sorted(d for d, r in found.items() if must_read(r, manager, settings)) == [
        "POL-SAF-01", "PRO-SAF-01", "SOP-01"]  # POL-REC-01 is for "Managers", which this role is not mapped to
    assert due_on(found["SOP-01"], night, settings) == date(2026, 4, 15)  # a starter: 14 days from day one
    assert due_on(found["SOP-01"], manager, settings) == date(2026, 3, 15)  # 14 days from publication
