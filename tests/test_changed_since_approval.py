"""CHANGED_SINCE_APPROVAL: approved text that moved on without a new approval."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from polisi.check.rules import check
from polisi.handbook.model import load_handbook
from polisi.history.git import load_history

from .gitbook import commit, document, git, init, polisi, small_handbook, write

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
    """A handbook whose safeguarding policy was approved with polisi approve (tag POL-SAF-01/v1.1)."""
    root = small_handbook(init(tmp_path / "handbook"))
    commit(root, "Add handbook", "2026-01-12")
    done = polisi(
        "approve", "POL-SAF-01", str(root), "--by", "Board", "--on", "2026-02-01", when="2026-02-01"
    )
    assert done.returncode == 0, done.stderr
    return root


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
        "changed its text after version 1.1 was approved (tag POL-SAF-01/v1.1), and it still says approved "
        "version 1.1; re-approve it (polisi approve POL-SAF-01 --by ROLE) or set status: draft"
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
    assert findings(tagged)[0].startswith(
        f"{SAF}:4:10: error: CHANGED_SINCE_APPROVAL uncommitted changes alter its text after version 1.1"
    )


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
            "approve", "POL-SAF-01", str(tagged), "--by", "Board", "--on", "2026-03-05"
        ).returncode
        == 0
    )
    assert findings(tagged) == []


def test_without_a_tag_the_first_commit_saying_approved_at_that_version_is_the_approval(
    tmp_path: Path,
) -> None:
    root = small_handbook(init(tmp_path / "handbook"))
    write(
        root,
        SAF,
        document(
            "POL-SAF-01", "Safeguarding", status="draft", extra="legislation: [SPRI-2017:reg-27]"
        ),
    )
    commit(root, "Draft safeguarding", "2026-01-05")
    write(root, SAF, saf())
    approval = commit(root, "Board approved safeguarding", "2026-01-10")
    write(root, SAF, saf(body="# Safeguarding\n\nA new rule."))
    short = commit(root, "Add a rule", "2026-02-20", author="Ann Editor")
    assert findings(root) == [
        f'{SAF}:4:10: error: CHANGED_SINCE_APPROVAL commit {short} (2026-02-20, Ann Editor: "Add a rule") '
        f"changed its text after version 1.0 was approved (commit {approval} on 2026-01-10), and it still says "
        "approved version 1.0; re-approve it (polisi approve POL-SAF-01 --by ROLE) or set status: draft"
    ]


def test_a_handbook_imported_after_its_approvals_is_not_judged(tmp_path: Path) -> None:
    """The shipped handbook: approved in the spring, first committed (and then polished) in November."""
    root = small_handbook(init(tmp_path / "handbook"))
    commit(root, "Add the handbook", "2026-11-20")
    write(root, SAF, saf(body="# Safeguarding\n\nTightened purpose."))
    commit(root, "POL-SAF-01: tighten purpose", "2026-11-21")
    assert findings(root) == []
    done = polisi("check", str(root), "--as-of", "2026-03-01")
    assert (done.returncode, done.stdout) == (0, "3 documents checked: 0 errors, 0 warnings\n")


def test_check_without_history_skips_the_rule(tagged: Path) -> None:
    edit(tagged, "What staff do.", "Something else.")
    commit(tagged, "Change", "2026-03-02")
    assert [
        f for f in check(load_handbook(tagged), AS_OF) if f.code == "CHANGED_SINCE_APPROVAL"
    ] == []


def test_polisi_check_loads_history_and_fails(tagged: Path) -> None:
    edit(tagged, "What staff do.", "Something else.")
    commit(tagged, "Change", "2026-03-02")
    done = polisi("check", str(tagged), "--as-of", "2026-06-01", "--format", "github")
    assert done.returncode == 1
    assert f"::error file={SAF},line=4,col=10,title=CHANGED_SINCE_APPROVAL::commit " in done.stdout


def test_in_a_shallow_clone_the_approval_tag_still_anchors_the_check(
    tagged: Path, tmp_path: Path
) -> None:
    edit(tagged, "What staff do.", "Something else.")
    commit(tagged, "Change", "2026-03-02")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{tagged}", str(clone))
    git(clone, "fetch", "-q", "--depth", "2", "origin", "tag", "POL-SAF-01/v1.1")
    assert len(findings(clone)) == 1


def test_the_build_pipeline_refuses_to_publish_text_changed_since_approval(tagged: Path) -> None:
    from polisi.check.gate import CheckFailed, load_checked

    edit(tagged, "What staff do.", "Something else.")
    commit(tagged, "Change", "2026-03-02")
    assert load_checked(tagged, date(2026, 3, 3)).report.ok
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
