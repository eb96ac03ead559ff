"""The Ty Seren handbook that ships with polisi is complete, honest about the law, and passes."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from polisi.check.rules import check
from polisi.findings import Severity
from polisi.handbook.catalogue import Provenance
from polisi.handbook.markdown import render_markdown
from polisi.handbook.model import Handbook, Kind, load_handbook
from polisi.handbook.schema import CITATION_KEYS

REPO = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 22)
DELIBERATELY_DUE_SOON = {"POL-CCT-01", "PRO-MIS-01", "POL-REC-01"}
AREAS_REBUILT = {"RAA", "STI", "QA", "RSK", "SAF", "MIS", "CCT", "WB", "REC", "COM", "INC", "NOT", "IG", "GOV"}


@pytest.fixture(scope="module")
def handbook() -> Handbook:
    return load_handbook(REPO)


def test_only_warnings_are_the_deliberate_due_soon_reviews(handbook: Handbook) -> None:
    report = check(handbook, AS_OF)
    assert [f.format() for f in report.errors] == []
    assert {f.code for f in report.warnings} == {"REVIEW_DUE_SOON"}
    due = {handbook.by_path[f.path].id for f in report.warnings}
    assert due == DELIBERATELY_DUE_SOON


def test_nothing_is_overdue_and_a_few_are_drafts(handbook: Handbook) -> None:
    drafts = {d.id for d in handbook if d.status == "draft"}
    assert drafts == {"PRO-QA-02", "PRO-COM-02"}
    for doc in handbook:
        if doc.approved:
            assert doc.next_review is not None and doc.next_review >= AS_OF, doc.id


def test_every_area_the_centre_rebuilt_has_a_policy_with_procedures(handbook: Handbook) -> None:
    policies = handbook.of_kind(Kind.POLICY)
    assert {p.area for p in policies} >= AREAS_REBUILT
    for policy in policies:
        assert handbook.procedures_of(policy), policy.id
    assert handbook.statement is not None and handbook.statement.id == "SOP-01"


def test_every_document_cites_only_verified_clauses(handbook: Handbook) -> None:
    for doc in handbook:
        cited = [c for key in CITATION_KEYS for c in getattr(doc.meta, key)]
        assert cited, f"{doc.id} cites nothing"
        for clause_id in cited:
            clause = handbook.catalogue.get(clause_id)
            assert clause is not None
            assert clause.provenance in (Provenance.PRIMARY, Provenance.SECONDARY)


def test_owners_are_roles_and_approvers_are_the_ri_or_the_board(handbook: Handbook) -> None:
    roles = {"Registered Manager", "Responsible Individual", "Deputy Manager", "Social Worker", "HR Officer",
             "Service Coordinator", "Health Visitor", "Parenting Assessment Coordinator"}
    for doc in handbook:
        assert doc.meta.owner in roles, doc.id
        if doc.approved:
            assert doc.meta.approved_by in {"Responsible Individual", "Board"}, doc.id


def test_statement_of_purpose_links_to_every_policy(handbook: Handbook) -> None:
    statement = handbook.statement
    assert statement is not None
    for policy in handbook.of_kind(Kind.POLICY):
        assert f"../policies/{policy.id}.md" in statement.body, policy.id


def test_the_statement_gave_ciw_28_days_notice(handbook: Handbook) -> None:
    meta = handbook.statement.meta  # type: ignore[union-attr]
    assert meta.ciw_notified_on and meta.effective_from
    assert (meta.effective_from - meta.ciw_notified_on).days >= 28
    assert not [f for f in check(handbook, AS_OF) if f.code == "SOP_NOTICE_TOO_SHORT"]


def test_every_warning_is_a_warning_not_an_error(handbook: Handbook) -> None:
    assert all(f.severity is Severity.WARNING for f in check(handbook, AS_OF))


def test_every_approved_document_has_a_record_and_show_prints_what_is_published(handbook: Handbook) -> None:
    """What was approved is what is published: for each approved document, the record's digest is the
    digest of the published text, and the text ``polisi show`` prints is byte for byte the file built."""
    from polisi.handbook.approvals import source_digest
    from polisi.history.git import load_history
    from polisi.history.record import describe, open_record, version_in_force
    from polisi.history.versions import approved_versions

    history = load_history(REPO)
    approved = [d for d in handbook if d.approved]
    assert len(approved) == 35
    for doc in approved:
        entry = handbook.records[doc.id].approval_of(doc.meta.version)
        assert entry is not None, doc.id
        assert (entry.by, entry.on, entry.sha256) == (
            doc.meta.approved_by, doc.meta.approved_on, source_digest(doc.source)), doc.id
        versions = approved_versions(history, doc.id, doc.path, handbook.records[doc.id], doc.source.text)
        latest = versions[-1]
        assert (latest.version, latest.entry, latest.text) == (doc.meta.version, entry, doc.source.text), doc.id
    record = open_record(REPO, "POL-SAF-01")
    shown = version_in_force(record, AS_OF)
    assert shown.text == (REPO / "policies/POL-SAF-01.md").read_text(encoding="utf-8")
    assert describe(record, shown).startswith(
        "POL-SAF-01 v4.0, approved by Board on 2026-05-14 (approvals/POL-SAF-01.yml")


def test_every_numbered_step_is_its_own_list_item(handbook: Handbook) -> None:
    """A step line swallowed into the paragraph above ("... causes. 2. The DSL adds") reads as one
    run-on step to staff; each rendered paragraph line must not start like a list item."""
    merged = []
    for doc in handbook:
        html = render_markdown(doc.body)
        merged += [f"{doc.id}: {m.group(0).strip()[:40]}" for m in re.finditer(r"\n *(\d+[.)]|[-*+]) \S[^\n]*", html)]
    assert merged == []
    steps = re.findall(r"<li>\s*(?:<p>)?(.{0,30})", render_markdown(handbook.get("PRO-QA-01").body))
    assert [s for s in steps if s[:6] in {"Within", "The Re", "The Bo"}][:5] == [
        "Within ten working days after ", "The Responsible Individual rea", "Within four weeks of the end o",
        "The Board considers the report", "The Registered Manager shares "]
