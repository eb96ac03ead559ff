"""The policy lead's commands that write: approve (record, summary, evidence, --existing), reviewed, new.

Every refusal is checked in a real git repository to leave it exactly as it was: the same
HEAD, index, refs, work tree bytes and status.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path

import pytest
import yaml

from .gitbook import commit, git, init, polisi, small_handbook, write

SAF = "policies/POL-SAF-01.md"
APPROVERS = "approvers: [Board, Responsible Individual, Registered Manager]\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = small_handbook(init(tmp_path / "handbook"))
    config = root / "polisi.yml"
    config.write_text(config.read_text() + APPROVERS + "areas: {SAF: Safeguarding, MIS: Missing persons}\n")
    commit(root, "Add handbook", "2026-01-12")
    return root


def state(root: Path) -> dict[str, object]:
    """Everything an approval could change: HEAD, index, refs, status and every work-tree file's bytes."""
    files = {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.relative_to(root).parts
    }
    folders = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir() and ".git" not in p.parts)
    return {
        "head": git(root, "rev-parse", "HEAD"),
        "index": git(root, "ls-files", "-s"),
        "refs": git(root, "for-each-ref"),
        "status": git(root, "status", "--porcelain", "--untracked-files=all"),
        "files": files,
        "folders": folders,
    }


def record(root: Path, doc_id: str) -> dict:
    return yaml.safe_load((root / f"approvals/{doc_id}.yml").read_text())


def approve(root: Path, *args: str, when: str = "2026-03-01") -> object:
    return polisi("approve", "POL-SAF-01", str(root), "--by", "Board", "--on", "2026-03-01", *args, when=when)


def test_approve_writes_the_record_in_the_same_commit_with_summary_evidence_and_digest(repo: Path) -> None:
    done = approve(repo, "--summary", "Name the designated safeguarding person",
                   "--evidence", "Board minutes 2026-03-01, item 4")
    assert done.returncode == 0, done.stderr
    assert git(repo, "show", "--name-only", "--format=", "HEAD").splitlines() == [
        "approvals/POL-SAF-01.yml", SAF]
    entries = record(repo, "POL-SAF-01")["entries"]
    assert len(entries) == 2
    new = entries[1]
    assert {k: v for k, v in new.items() if k != "sha256"} == {
        "event": "approved", "version": "1.1", "by": "Board", "date": date(2026, 3, 1),
        "summary": "Name the designated safeguarding person", "evidence": "Board minutes 2026-03-01, item 4",
    }
    from polisi.handbook.approvals import content_digest

    assert new["sha256"] == content_digest(SAF, (repo / SAF).read_text())
    assert git(repo, "log", "-1", "--format=%B") == (
        "Approve POL-SAF-01 v1.1: Safeguarding\n\nName the designated safeguarding person\n\n"
        "Approved by Board on 2026-03-01.\nEvidence: Board minutes 2026-03-01, item 4"
    )
    shown = polisi("show", "POL-SAF-01", str(repo), "--as-at", "2026-03-02")
    assert shown.stdout == (repo / SAF).read_text()
    assert shown.stderr == (
        f"POL-SAF-01 v1.1, approved by Board on 2026-03-01 (approvals/POL-SAF-01.yml, text of commit "
        f"{git(repo, 'rev-parse', '--short=7', 'HEAD')}); evidence: Board minutes 2026-03-01, item 4; in force "
        "from 2026-03-01 (the latest approved version); Name the designated safeguarding person\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--summary", "Tidied"], "polisi: error: --summary 'Tidied' is too short: say in at least 3 words what "
                                  "changed, for the revision history staff and inspectors read\n"),
        ([], "polisi: error: --summary is required: say what changed in this version, for the revision history\n"),
        (["--summary", "One\ntwo three"], "polisi: error: --summary must be one line; it is printed as one line "
                                          "of the revision history\n"),
    ],
)
def test_approve_needs_a_change_summary_of_a_few_words(repo: Path, args: list[str], message: str) -> None:
    before = state(repo)
    done = approve(repo, *args)
    assert (done.returncode, done.stderr) == (2, message)
    assert state(repo) == before


@pytest.mark.parametrize(
    ("by", "message"),
    [
        ("The Board", "polisi: error: --by 'The Board' is not one of the approvers named in polisi.yml: Board, "
                      "Responsible Individual, Registered Manager\n"),
        ("  ", "polisi: error: --by must not be empty\n"),
        ("Board\nof trustees", "polisi: error: --by must be one line; it is printed as one line of the revision "
                               "history\n"),
    ],
)
def test_approve_takes_only_a_role_named_in_polisi_yml(repo: Path, by: str, message: str) -> None:
    before = state(repo)
    done = polisi("approve", "POL-SAF-01", str(repo), "--by", by, "--summary", "Three words here")
    assert (done.returncode, done.stderr) == (2, message)
    assert state(repo) == before


def test_a_failing_hook_leaves_the_repository_exactly_as_it_was(repo: Path) -> None:
    hook = write(repo, ".git/hooks/pre-commit", "#!/bin/sh\necho 'blocked by policy hook' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = state(repo)
    done = approve(repo, "--summary", "Name the safeguarding lead")
    assert (done.returncode, done.stderr) == (
        1, "polisi: error: git commit failed, nothing was recorded: blocked by policy hook\n")
    assert state(repo) == before


def test_a_commit_msg_hook_failing_after_the_index_was_written_is_put_back(repo: Path) -> None:
    hook = write(repo, ".git/hooks/commit-msg", "#!/bin/sh\necho 'no ticket number' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = state(repo)
    assert approve(repo, "--summary", "Name the safeguarding lead").returncode == 1
    assert state(repo) == before


def test_no_git_identity_is_refused_before_anything_is_written(repo: Path) -> None:
    before = state(repo)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "HOME": str(repo.parent),
            "EMAIL": "", "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "polisi", "approve", "POL-SAF-01", str(repo), "--by", "Board", "--on",
         "2026-03-01", "--summary", "Name the safeguarding lead"], env=env, capture_output=True, text=True,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("polisi: error: git does not know who you are")
    assert state(repo) == before


def test_an_existing_tag_is_refused_and_a_tag_made_during_the_commit_undoes_it(repo: Path) -> None:
    git(repo, "tag", "POL-SAF-01/v1.1")
    before = state(repo)
    done = approve(repo, "--summary", "Name the safeguarding lead")
    assert done.stderr == (
        "polisi: error: tag POL-SAF-01/v1.1 already exists: version 1.1 of POL-SAF-01 is already approved\n")
    assert state(repo) == before
    git(repo, "tag", "-d", "POL-SAF-01/v1.1")
    hook = write(repo, ".git/hooks/post-commit", "#!/bin/sh\ngit tag POL-SAF-01/v1.1\n")
    hook.chmod(0o755)
    before = state(repo)
    done = approve(repo, "--summary", "Name the safeguarding lead")
    assert done.returncode == 1
    assert done.stderr.startswith("polisi: error: git tag failed, nothing was recorded: fatal: tag 'POL-SAF-01/v1.1'")
    after = state(repo)
    git(repo, "tag", "-d", "POL-SAF-01/v1.1")  # the hook's own tag, not polisi's
    assert {**after, "refs": git(repo, "for-each-ref")} == before


def test_approve_existing_records_the_current_text_without_changing_it(repo: Path) -> None:
    (repo / "approvals/POL-MIS-01.yml").unlink()
    commit(repo, "Forget the record", "2026-01-13")
    text = (repo / "policies/POL-MIS-01.md").read_text()
    refused = polisi("approve", "POL-MIS-01", str(repo), "--existing")
    assert refused.stderr == ("polisi: error: --existing shows the text and asks before recording it; without a "
                              "terminal, add --yes\n")
    wrong = polisi("approve", "POL-MIS-01", str(repo), "--existing", "--yes", "--on", "2025-07-02")
    assert wrong.stderr == ("polisi: error: POL-MIS-01 says it was approved by Board on 2025-07-01, not by Board on "
                            "2025-07-02: --existing records the approval the document states\n")
    done = polisi("approve", "POL-MIS-01", str(repo), "--existing", "--yes", "--by", "Board", "--on", "2025-07-01",
                  "--evidence", "Board minutes 2025-07-01, item 2", when="2026-01-14")
    assert done.returncode == 0, done.stderr
    assert (repo / "policies/POL-MIS-01.md").read_text() == text
    assert git(repo, "show", "--name-only", "--format=", "HEAD") == "approvals/POL-MIS-01.yml"
    [entry] = record(repo, "POL-MIS-01")["entries"]
    assert (entry["version"], entry["by"], str(entry["date"]), entry["evidence"]) == (
        "1.0", "Board", "2025-07-01", "Board minutes 2025-07-01, item 2")
    again = polisi("approve", "POL-MIS-01", str(repo), "--existing", "--yes")
    assert again.stderr == "polisi: error: the approval of POL-MIS-01 v1.0 is already in approvals/POL-MIS-01.yml\n"
    assert polisi("check", str(repo), "--as-of", "2026-03-01").stdout == "3 documents checked: 0 errors, 0 warnings\n"


def test_reviewed_records_a_review_without_a_new_version(repo: Path) -> None:
    done = polisi("reviewed", "POL-SAF-01", str(repo), "--by", "Registered Manager", "--on", "2026-06-01",
                  "--summary", "Checked against the new local procedures", when="2026-06-01")
    assert done.returncode == 0, done.stderr
    text = (repo / SAF).read_text()
    assert 'version: "1.0"' in text and "last_reviewed: 2026-06-01\n" in text and "approved_on: 2026-01-10" in text
    entries = record(repo, "POL-SAF-01")["entries"]
    assert [(e["event"], e["version"], e["by"]) for e in entries] == [
        ("approved", "1.0", "Board"), ("reviewed", "1.0", "Registered Manager")]
    assert entries[0]["sha256"] == entries[1]["sha256"]
    assert git(repo, "tag", "-l") == ""
    assert polisi("history", "POL-SAF-01", str(repo)).stdout == (
        "POL-SAF-01 Safeguarding: 2 approvals and reviews\n"
        "2026-06-01  v1.0    reviewed by Registered Manager: Checked against the new local procedures\n"
        "2026-01-10  v1.0    approved by Board: Approval recorded from the approved text; no change summary was "
        "kept at the time\n"
    )


def test_reviewed_is_refused_for_changed_text_and_for_drafts(repo: Path) -> None:
    write(repo, SAF, (repo / SAF).read_text().replace("What staff do.", "What staff now do."))
    commit(repo, "Edit", "2026-02-01")
    before = state(repo)
    done = polisi("reviewed", "POL-SAF-01", str(repo), "--by", "Board", "--on", "2026-06-01")
    assert done.stderr == ("polisi: error: POL-SAF-01's text changed since v1.0 was approved, so the review changed "
                           "something: approve the new text with polisi approve POL-SAF-01\n")
    assert state(repo) == before
    write(repo, SAF, (repo / SAF).read_text().replace("status: approved", "status: draft"))
    commit(repo, "Back to draft", "2026-02-02")
    done = polisi("reviewed", "POL-SAF-01", str(repo), "--by", "Board", "--on", "2026-06-01")
    assert done.stderr.startswith("polisi: error: POL-SAF-01 is a draft document: only an approved document")


def test_new_policy_and_procedure_pass_check_as_written_and_link_both_ways(repo: Path) -> None:
    done = polisi("new", "policy", "SAF", "Online safety", "-C", str(repo))
    assert done.stdout == "created policies/POL-SAF-02.md (POL-SAF-02, draft)\n"
    text = (repo / "policies/POL-SAF-02.md").read_text()
    assert text.startswith(
        "---\nid: POL-SAF-02\ntitle: Online safety\nversion: \"1.0\"\nstatus: draft\nowner: Registered Manager\n"
        "review_interval: 12 months\n")
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        "## Purpose", "## Scope", "## Principles", "## Responsibilities", "## Legal basis", "## Procedures",
        "## Monitoring"]
    done = polisi("new", "procedure", "SAF", "Checking a device", "--policy", "POL-SAF-02", "-C", str(repo))
    assert done.stdout == "created procedures/PRO-SAF-01.md (PRO-SAF-01, draft); listed in policies/POL-SAF-02.md\n"
    procedure = (repo / "procedures/PRO-SAF-01.md").read_text()
    assert "policy: POL-SAF-02\n" in procedure
    assert "This procedure carries out [online safety](../policies/POL-SAF-02.md)." in procedure
    assert "procedures: [PRO-SAF-01]\n" in (repo / "policies/POL-SAF-02.md").read_text()
    checked = polisi("check", str(repo), "--as-of", "2026-03-01")
    assert (checked.returncode, checked.stdout) == (0, "5 documents checked: 0 errors, 0 warnings\n")


def test_new_refuses_an_unknown_area_and_a_procedure_without_its_policy(repo: Path) -> None:
    done = polisi("new", "policy", "ZZZ", "Something", "-C", str(repo))
    assert done.stderr == "polisi: error: area ZZZ is not in polisi.yml areas (SAF, MIS); add it there first\n"
    done = polisi("new", "procedure", "SAF", "Something", "-C", str(repo))
    assert done.stderr == "polisi: error: a procedure belongs to a policy: give it with --policy POL-...\n"
    assert git(repo, "status", "--porcelain") == ""
