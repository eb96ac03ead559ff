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
    assert drafts == {"PRO-COM-02"}
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
    assert len(approved) >= 35
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
    saf = handbook.get("POL-SAF-01").meta
    assert describe(record, shown).startswith(
        f"POL-SAF-01 v{saf.version}, approved by {saf.approved_by} on {saf.approved_on} (approvals/POL-SAF-01.yml")


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


# Each policy SI 2017/1264 requires of a residential family centre, and the provision that requires it.
REQUIRED_POLICIES = {
    "POL-SAF-01": "SPRI-2017:reg-27",  # safeguarding policies and procedures
    "POL-FIN-01": "SPRI-2017:reg-28",  # supporting individuals to manage their money
    "POL-CR-01": "SPRI-2017:reg-29",   # control and restraint (reg 12 lists it too)
    "POL-IPC-01": "SPRI-2017:reg-56",  # infection control
    "POL-COM-01": "SPRI-2017:reg-64",  # complaints
    "POL-WB-01": "SPRI-2017:reg-65",   # whistleblowing
    "POL-DIS-01": "SPRI-2017:reg-12",  # staff discipline (reg 12)
    "POL-MED-01": "SPRI-2017:reg-15",  # medicines: the regulation number is for the provider to confirm
}


def test_every_policy_the_regulations_require_exists_with_procedures(handbook: Handbook) -> None:
    for policy_id, clause_id in REQUIRED_POLICIES.items():
        policy = handbook.get(policy_id)
        assert policy is not None and policy.approved, policy_id
        assert clause_id in {c for _, c in policy.citations}, policy_id
        procedures = handbook.procedures_of(policy)
        assert any(p.approved for p in procedures), policy_id  # PRO-COM-02 is still a draft


def test_the_statement_of_purpose_invents_no_figures_about_the_service(handbook: Handbook) -> None:
    body = handbook.statement.body  # type: ignore[union-attr]
    for invented in ("up to four", "twelve weeks", "under five", "Weeks 2 to 4", "aged five or over"):
        assert invented not in body, invented
    assert body.count("**the provider states**") >= 3


# Each section of the Welsh Government's statement of purpose template, and the SOP-01 heading that holds it.
# (The provision prescribing what a statement of purpose must contain was not found in any text seen; the
# template's seven sections are what SOP-01 is held to, and the catalogue says what the provider must confirm.)
SOP_TEMPLATE_SECTIONS = {
    "section-1": "Who runs Ty Seren",
    "section-2": "Where we are",
    "section-3": "Who the service is for",
    "section-4": "The five-stage placement model",
    "section-5": "Staffing structure and competency bands",
    "section-6": "The accommodation",
    "section-7": "How we monitor quality",
}


def _sections(body: str) -> dict[str, str]:
    """Each level-2 heading of a body, with the text under it."""
    parts = re.split(r"^## (.+)$", body, flags=re.MULTILINE)
    return {heading.strip(): text.strip() for heading, text in zip(parts[1::2], parts[2::2], strict=True)}


def test_the_statement_of_purpose_holds_every_section_of_the_template(handbook: Handbook) -> None:
    statement = handbook.statement
    assert statement is not None
    template = {c.locator for c in handbook.catalogue.clauses.values()
                if c.instrument.id == "SOP-GUIDE-2019" and c.locator}
    assert template == set(SOP_TEMPLATE_SECTIONS)
    cited = {c for _, c in statement.citations}
    sections = _sections(statement.body)
    for locator, heading in SOP_TEMPLATE_SECTIONS.items():
        assert f"SOP-GUIDE-2019:{locator}" in cited, locator
        assert len(sections.get(heading, "").split()) >= 30, heading
    # the facts only the provider knows are asked for, not invented: who it is, where, and how many staff
    for heading in ("Who runs Ty Seren", "Where we are", "Staffing structure and competency bands"):
        assert "**The provider states**" in sections[heading], heading


def test_safeguarding_uses_the_wales_terms_and_authorities(handbook: Handbook) -> None:
    for doc in handbook:
        assert "Designated Safeguarding Lead" not in doc.body and "DSL" not in doc.body, doc.id
    report = handbook.get("PRO-SAF-01").body  # type: ignore[union-attr]
    assert "where the harm is thought to have happened" in report
    allegations = handbook.get("PRO-SAF-02")
    assert "Designated Officer for Safeguarding" in allegations.body  # type: ignore[union-attr]
    assert "within 24 hours" in allegations.body  # type: ignore[union-attr]
    assert "WSP:s5" in {c for _, c in allegations.citations}  # type: ignore[union-attr]


def test_discipline_follows_regulation_39(handbook: Handbook) -> None:
    policy = handbook.get("POL-DIS-01")
    assert "SPRI-2017:reg-39" in {c for _, c in policy.citations}  # type: ignore[union-attr]
    assert "**Failing to report abuse is a disciplinary matter.**" in policy.body  # type: ignore[union-attr]
    for who in ("the Responsible Individual", "a CIW inspector", "the local authority for the area",
                "the NSPCC where a child is involved", "the police"):
        assert who in policy.body, who  # type: ignore[union-attr]
    assert "action short of suspension" in handbook.get("PRO-DIS-01").body  # type: ignore[union-attr]


def test_placements_are_not_said_to_be_ended_only_by_the_placing_authority(handbook: Handbook) -> None:
    review = handbook.get("PRO-RAA-03")
    assert "Only the placing authority can" not in review.body  # type: ignore[union-attr]
    assert "SPRI-2017:reg-76" not in {c for _, c in review.citations}  # type: ignore[union-attr]


def _notification_rows(handbook: Handbook) -> dict[str, list[str]]:
    """POL-NOT-01's table of notifiable events: where the duty is -> [event, where, to whom, who, by when]."""
    body = handbook.get("POL-NOT-01").body  # type: ignore[union-attr]
    table = body.split("## What we notify and when", 1)[1].split("\n## ", 1)[0]
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in table.splitlines() if line.startswith("| ") and not line.startswith("| Event")]
    return {row[1]: row for row in rows}


def test_company_level_notifications_are_the_providers(handbook: Handbook) -> None:
    rows = _notification_rows(handbook)
    for paragraphs in ("2", "3", "3A", "5", "6 and 7", "8", "9", "10", "11", "12"):
        row = rows[f"Schedule 3 Part 1, paragraph{'s' if ' and ' in paragraphs else ''} {paragraphs}"]
        assert row[2:4] == ["CIW", "Provider (board secretary)"], row
    assert rows["Schedule 3 Part 1, paragraph 13"][3] == "Registered Manager"


def test_the_notifications_policy_lists_each_schedule_3_event_it_cites(handbook: Handbook) -> None:
    """No notifications matrix held elsewhere: every Schedule 3 paragraph the policy cites is a row of its
    table, with the time the paragraph sets, and what could not be listed is named for the provider."""
    policy = handbook.get("POL-NOT-01")
    cited = {c for _, c in policy.citations}  # type: ignore[union-attr]
    rows = _notification_rows(handbook)
    listed = {p for where in rows for p in re.findall(r"paragraphs? (\w+)(?: and (\w+))?", where) for p in p if p}
    for para in ("1", "2", "3", "3A", "5", "6", "7", "8", "9", "10", "11", "12", "13"):
        assert f"SPRI-2017:sch-3-para-{para}" in handbook.catalogue, para
        assert f"SPRI-2017:sch-3-para-{para}" in cited, para
        assert para in listed, para
    assert rows["Schedule 3 Part 1, paragraph 8"][4] == "7 days before the absence starts"
    assert rows["Schedule 3 Part 1, paragraph 9"][4] == "No later than 7 days after the absence starts"
    assert rows["Schedule 3 Part 1, paragraph 1; regulation 7"][4].startswith("At least 28 days before it takes effect")
    for para in range(1, 9):
        assert f"SPRI-2017:sch-4-para-{para}" in cited, para
        assert rows[f"Schedule 4, paragraph {para}"][2:4] == ["CIW", "Responsible Individual"], para
    assert rows["Schedule 4, paragraph 2"][4] == "7 days before the absence starts"
    assert rows["Schedule 4, paragraph 3"][4] == "No later than 7 days after the absence starts"
    body = policy.body  # type: ignore[union-attr]
    assert "matrix" not in body and "matrix" not in handbook.get("PRO-NOT-01").body  # type: ignore[union-attr]
    assert "The provider must confirm those events and their time limits from the current text" in body
    assert "SPRI-2017:sch-3-para-4" in handbook.not_applicable


GENERIC = "Approval recorded from the approved text; no change summary was kept at the time"


def test_every_approval_has_a_change_summary_of_its_own(handbook: Handbook) -> None:
    """The records say what changed (written from the documents' git history), never the placeholder; no
    evidence is invented: where the minutes are not known the record names none."""
    entries = [(doc_id, e) for doc_id, record in handbook.records.items() for e in record.entries]
    assert len(entries) >= 60
    assert [(doc_id, e.version) for doc_id, e in entries if e.summary == GENERIC or len(e.summary.split()) < 4] == []
    assert [(doc_id, e.evidence) for doc_id, e in entries if e.evidence] == []
    first = {doc_id: record.entries[0] for doc_id, record in handbook.records.items()}
    assert first["POL-CR-01"].summary == "First version of the policy on positive behaviour, control and restraint"
    assert handbook.records["POL-SAF-01"].approval_of("4.1").summary.startswith(  # type: ignore[union-attr]
        "Designated safeguarding person replaces Designated Safeguarding Lead")


def test_re_recording_a_corrected_text_keeps_its_summary(tmp_path: Path) -> None:
    """scripts/record_shipped_approvals.py after a developer's correction: the new digest, the same summary."""
    import shutil

    from polisi.edit.record_only import record_stated_approvals

    for name in ("polisi.yml", "statement_of_purpose", "policies", "procedures", "approvals"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    assert record_stated_approvals(tmp_path) == []  # every record already holds its document's text
    policy = tmp_path / "policies/POL-WB-01.md"
    policy.write_text(policy.read_text(encoding="utf-8").replace("trade union", "union"), encoding="utf-8")
    (written,) = record_stated_approvals(tmp_path)
    before = load_handbook(REPO).records["POL-WB-01"].approval_of("3.1")
    assert written[0] == "POL-WB-01" and before is not None
    assert (written[1].summary, written[1].sha256 != before.sha256) == (before.summary, True)
