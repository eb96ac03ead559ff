"""CHANGED_SINCE_APPROVAL: approved text that moved on without a new approval."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from polisi.check.rules import check
from polisi.handbook.model import load_handbook
from polisi.history.git import load_history

from .gitbook import APPROVE, commit, document, git, init, polisi, small_handbook, write

SAF = "policies/POL-SAF-01.md"
AS_OF = date(2026, 6, 1)


def findings(root: Path) -> list[str]:
    report = check(load_handbook(root), AS_OF, history=load_history(root))
    return [f.format() for f in report if f.code == "CHANGED_SINCE_APPROVAL"]


def saf(body: str = "", citations: str = "[SPRI-2017:reg-27]", **keys: str) -> str:
    return document(
        "POL-SAF-01",
        "Safeguarding",
        approved_on="2026-01-10",
        body=body,
        extra=f"legislation: {citations}",
        **keys,
    )


@pytest.fixture
def tagged(tmp_path: Path) -> Path:
    """A handbook whose safeguarding policy was approved with polisi approve (recorded, v1.1)."""
    root = small_handbook(init(tmp_path / "handbook"))
    commit(root, "Add handbook", "2026-01-12")
    done = polisi(
        "approve", "POL-SAF-01", str(root), "--by", "Board", "--on", "2026-02-01",
        "--summary", "Name the designated safeguarding person", when="2026-02-01",
    )
    assert done.returncode == 0, done.stderr
    return root


APPROVED_11 = "after version 1.1 was approved (by Board on 2026-02-01, approvals/POL-SAF-01.yml)"
ADVICE = ("and it still says approved version 1.1; re-approve it (polisi approve POL-SAF-01 --by ROLE "
          "--summary TEXT) or set status: draft")


def edit(root: Path, old: str, new: str) -> None:
    file = root / SAF
    file.write_text(file.read_text().replace(old, new))


def test_a_body_edit_committed_after_the_tagged_approval_is_reported_at_its_commit(
    tagged: Path,
) -> None:
    edit(tagged, "What staff do.", "What staff should do.")
    short = commit(tagged, "Soften the wording", "2026-03-02", author="Ann Editor")
    edit(tagged, "last_reviewed: 2026-02-01", "last_reviewed: 2026-02-01")
    assert findings(tagged) == [
        f'{SAF}:4:10: error: CHANGED_SINCE_APPROVAL commit {short} (2026-03-02, Ann Editor: "Soften the wording") '
        f"changed its text {APPROVED_11}, {ADVICE}"
    ]


def test_the_first_changing_commit_is_named_not_a_later_one(tagged: Path) -> None:
    edit(tagged, "What staff do.", "What staff should do.")
    first = commit(tagged, "First change", "2026-03-02")
    edit(tagged, "should", "could")
    commit(tagged, "Second change", "2026-03-09")
    assert f"commit {first} (2026-03-02" in findings(tagged)[0]


def test_a_citation_change_counts_as_content(tagged: Path) -> None:
    edit(tagged, "[SPRI-2017:reg-27]", "[SPRI-2017:reg-27, SPRI-2017:reg-64]")
    commit(tagged, "Cite missing persons", "2026-03-02")
    assert len(findings(tagged)) == 1


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("What staff do.", "What  staff\n\ndo.  "),
        ("review_interval: 12 months", "review_interval: 6 months"),
        ("owner: Registered Manager", "owner: Deputy Manager"),
    ],
)
def test_whitespace_and_bookkeeping_keys_do_not_count(tagged: Path, old: str, new: str) -> None:
    edit(tagged, old, new)
    commit(tagged, "Tidy", "2026-03-02")
    assert findings(tagged) == []


def test_uncommitted_changes_are_reported_as_such(tagged: Path) -> None:
    edit(tagged, "What staff do.", "Something else.")
    assert findings(tagged) == [
        f"{SAF}:4:10: error: CHANGED_SINCE_APPROVAL uncommitted changes alter its text {APPROVED_11}, {ADVICE}"
    ]


def test_a_change_that_was_reverted_is_not_reported(tagged: Path) -> None:
    edit(tagged, "What staff do.", "Something else.")
    commit(tagged, "Oops", "2026-03-02")
    edit(tagged, "Something else.", "What staff do.")
    commit(tagged, "Revert", "2026-03-03")
    assert findings(tagged) == []


def test_setting_it_back_to_draft_or_reapproving_clears_it(tagged: Path) -> None:
    edit(tagged, "What staff do.", "Something else.")
    commit(tagged, "Change", "2026-03-02")
    assert (
        polisi(
            *APPROVE, "POL-SAF-01", str(tagged), "--by", "Board", "--on", "2026-03-05"
        ).returncode
        == 0
    )
    assert findings(tagged) == []


def test_a_handbook_committed_after_its_approvals_is_judged_against_its_record(tmp_path: Path) -> None:
    """The shipped handbook's case: approved in the spring, first committed (then polished) in November."""
    root = small_handbook(init(tmp_path / "handbook"))
    commit(root, "Add the handbook", "2026-11-20")
    write(root, SAF, saf(body="# Safeguarding\n\nTightened purpose."))
    short = commit(root, "POL-SAF-01: tighten purpose", "2026-11-21")
    assert findings(root) == [
        f'{SAF}:4:10: error: CHANGED_SINCE_APPROVAL commit {short} (2026-11-21, Policy Lead: "POL-SAF-01: tighten '
        'purpose") changed its text after version 1.0 was approved (by Board on 2026-01-10, '
        "approvals/POL-SAF-01.yml), and it still says approved version 1.0; re-approve it (polisi approve "
        "POL-SAF-01 --by ROLE --summary TEXT) or set status: draft"
    ]
    done = polisi("check", str(root), "--as-of", "2026-11-22")
    assert done.returncode == 1


def test_outside_git_the_record_still_catches_the_change(tagged: Path, tmp_path: Path) -> None:
    edit(tagged, "What staff do.", "Something else.")
    commit(tagged, "Change", "2026-03-02")
    plain = tmp_path / "exported"
    git(tagged, "checkout-index", "-a", f"--prefix={plain}/")
    assert findings(plain) == [f"{SAF}:4:10: error: CHANGED_SINCE_APPROVAL its text changed {APPROVED_11}, {ADVICE}"]
    assert [f.code for f in check(load_handbook(plain), AS_OF).errors] == ["CHANGED_SINCE_APPROVAL"]


def test_in_a_shallow_clone_without_tags_the_record_still_catches_the_change(
    tagged: Path, tmp_path: Path
) -> None:
    edit(tagged, "What staff do.", "Something else.")
    commit(tagged, "Change", "2026-03-02")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", "--no-tags", f"file://{tagged}", str(clone))
    assert git(clone, "tag", "-l") == "" and (clone / ".git/shallow").exists()
    assert findings(clone) == [f"{SAF}:4:10: error: CHANGED_SINCE_APPROVAL its text changed {APPROVED_11}, {ADVICE}"]
    deeper = tmp_path / "deeper"
    git(tmp_path, "clone", "-q", "--depth", "2", "--no-tags", f"file://{tagged}", str(deeper))
    short = git(deeper, "rev-parse", "--short=7", "HEAD")
    assert findings(deeper)[0].startswith(f'{SAF}:4:10: error: CHANGED_SINCE_APPROVAL commit {short} (2026-03-02')


def test_an_approved_document_without_a_record_is_a_warning_saying_how_to_record_it(tagged: Path) -> None:
    (tagged / "approvals/POL-MIS-01.yml").unlink()
    report = check(load_handbook(tagged), AS_OF)
    assert [f.format() for f in report if f.code == "APPROVAL_NOT_RECORDED"] == [
        "policies/POL-MIS-01.md:4:10: warning: APPROVAL_NOT_RECORDED approved version 1.0 has no entry in "
        "approvals/POL-MIS-01.yml, so nothing proves this is the text approved; if it is, record it: "
        'polisi approve POL-MIS-01 --existing --by "Board" --on 2025-07-01'
    ]
    assert report.ok


def test_front_matter_that_disagrees_with_the_record_is_an_error(tagged: Path) -> None:
    edit(tagged, "approved_on: 2026-02-01", "approved_on: 2026-01-30")
    report = check(load_handbook(tagged), AS_OF)
    assert [f.format() for f in report if f.code == "APPROVAL_RECORD_MISMATCH"] == [
        f"{SAF}:7:14: error: APPROVAL_RECORD_MISMATCH it says approved by Board on 2026-01-30, but "
        "approvals/POL-SAF-01.yml records version 1.1 approved by Board on 2026-02-01"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("by: Board", "by: ''", "approvals/POL-SAF-01.yml:8:9: error: APPROVAL_RECORD_INVALID entries.0.by: "
                                "Value error, must be one non-empty line"),
        ("date: 2026-02-01", "date: 2026-02-30", "approvals/POL-SAF-01.yml:15:11: error: APPROVAL_RECORD_INVALID "
                                             "entries.1.date: 2026-02-30 is not a real date"),
        ("id: POL-SAF-01", "id: POL-SAF-02", "approvals/POL-SAF-01.yml:4:5: error: APPROVAL_RECORD_INVALID "
                                             "id must be POL-SAF-01, the file's name"),
    ],
)
def test_a_broken_record_is_reported_where_it_is_broken(tagged: Path, old: str, new: str, expected: str) -> None:
    record = tagged / "approvals/POL-SAF-01.yml"
    record.write_text(record.read_text().replace(old, new))
    assert [f.format() for f in check(load_handbook(tagged), AS_OF) if f.code == "APPROVAL_RECORD_INVALID"] == [
        expected
    ]


def test_an_approver_not_named_in_polisi_yml_is_an_error(tagged: Path) -> None:
    config = tagged / "polisi.yml"
    config.write_text(config.read_text() + "approvers: [Responsible Individual]\n")
    report = check(load_handbook(tagged), AS_OF)
    assert [f.format() for f in report if f.code == "UNKNOWN_APPROVER"][0] == (
        "policies/POL-MIS-01.md:7:14: error: UNKNOWN_APPROVER 'Board' is not one of the approvers in polisi.yml "
        "(Responsible Individual)"
    )


def test_polisi_check_loads_history_and_fails(tagged: Path) -> None:
    edit(tagged, "What staff do.", "Something else.")
    commit(tagged, "Change", "2026-03-02")
    done = polisi("check", str(tagged), "--as-of", "2026-06-01", "--format", "github")
    assert done.returncode == 1
    assert f"::error file={SAF},line=4,col=10,title=CHANGED_SINCE_APPROVAL::commit " in done.stdout


def test_the_build_pipeline_refuses_to_publish_text_changed_since_approval(tagged: Path) -> None:
    from polisi.check.gate import CheckFailed, load_checked

    edit(tagged, "What staff do.", "Something else.")
    commit(tagged, "Change", "2026-03-02")
    preview = load_checked(tagged, date(2026, 3, 3))  # the single-output commands build previews
    assert [(f.code, f.severity.value) for f in preview.report] == [("CHANGED_SINCE_APPROVAL", "warning")]
    with pytest.raises(CheckFailed) as failed:
        load_checked(tagged, date(2026, 3, 3), history=load_history(tagged))
    assert [f.code for f in failed.value.report.errors] == ["CHANGED_SINCE_APPROVAL"]


def test_build_all_refuses_to_publish_text_changed_since_its_approval(tagged: Path) -> None:
    edit(tagged, "What staff do.", "What staff should do.")
    commit(tagged, "Soften the wording", "2026-03-02")
    result = polisi("build", "all", str(tagged), "--as-of", AS_OF.isoformat())
    assert result.returncode == 1
    assert "CHANGED_SINCE_APPROVAL" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("polisi: error: not published:")
    assert not (tagged / "build").exists()
