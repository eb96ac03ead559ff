"""``polisi approve``: front matter edited in place, a commit and an annotated tag, or a clear refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from .gitbook import APPROVE, commit, document, git, init, polisi, small_handbook, write

DRAFT = """---
# Reviewed with the board in January.
id: POL-CCT-01
title: "CCTV: cameras and audio"   # the title staff see
version: "1.0"
status: draft  # waiting for the board
owner: Registered Manager
review_interval: 12 months
legislation: [SPRI-2017:reg-27]
audience:
  - All staff
  - Night staff
---

# CCTV

Cameras in corridors only.
"""

APPROVED = """---
# Reviewed with the board in January.
id: POL-CCT-01
title: "CCTV: cameras and audio"   # the title staff see
version: "1.0"
status: approved # waiting for the board
owner: Registered Manager
approved_by: 'Board: trustees'
approved_on: 2026-02-01
last_reviewed: 2026-02-01
review_interval: 12 months
legislation: [SPRI-2017:reg-27]
audience:
  - All staff
  - Night staff
---

# CCTV

Cameras in corridors only.
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = small_handbook(init(tmp_path / "handbook"))
    write(root, "policies/POL-CCT-01.md", DRAFT)
    commit(root, "Add handbook", "2026-01-12")
    return root


def test_approving_a_draft_keeps_comments_order_and_body_and_records_commit_and_tag(
    repo: Path,
) -> None:
    done = polisi(
        *APPROVE,
        "POL-CCT-01",
        str(repo),
        "--by",
        "Board: trustees",
        "--on",
        "2026-02-01",
        when="2026-02-01T15:30:00+00:00",
    )
    assert done.returncode == 0, done.stderr
    short = git(repo, "rev-parse", "--short=7", "HEAD")
    assert (
        done.stdout == f"approved POL-CCT-01 v1.0 (was v1.0): commit {short}, recorded in "
        "approvals/POL-CCT-01.yml; push it with: git push --follow-tags\n"
    )
    assert (repo / "policies/POL-CCT-01.md").read_text() == APPROVED
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "show", "--name-only", "--format=", "HEAD").splitlines() == [
        "approvals/POL-CCT-01.yml", "policies/POL-CCT-01.md"
    ]
    assert git(repo, "log", "-1", "--format=%s%n%b") == (
        "Approve POL-CCT-01 v1.0: CCTV: cameras and audio\n"
        "Approved in the test suite\n\nApproved by Board: trustees on 2026-02-01."
    )
    assert git(repo, "cat-file", "-t", "POL-CCT-01/v1.0") == "tag"
    assert git(
        repo, "tag", "-l", "--format=%(contents:subject)|%(taggerdate:short)", "POL-CCT-01/v1.0"
    ) == ("POL-CCT-01 v1.0 approved by Board: trustees on 2026-02-01|2026-02-01")
    assert git(repo, "rev-parse", "POL-CCT-01/v1.0^{commit}") == git(repo, "rev-parse", "HEAD")


@pytest.mark.parametrize(
    ("flags", "expected"), [([], "1.1"), (["--minor"], "1.1"), (["--major"], "2.0")]
)
def test_reapproving_bumps_the_version(repo: Path, flags: list[str], expected: str) -> None:
    assert (
        polisi(
            *APPROVE, "POL-SAF-01", str(repo), "--by", "RI", "--on", "2026-03-01", *flags
        ).returncode
        == 0
    )
    text = (repo / "policies/POL-SAF-01.md").read_text()
    assert f'version: "{expected}"\n' in text
    assert "approved_by: RI\napproved_on: 2026-03-01\nlast_reviewed: 2026-03-01\n" in text
    assert git(repo, "tag", "-l") == f"POL-SAF-01/v{expected}"


def test_a_never_approved_draft_can_still_be_bumped_on_request(repo: Path) -> None:
    polisi(*APPROVE, "POL-CCT-01", str(repo), "--by", "Board", "--on", "2026-02-01", "--major")
    assert 'version: "2.0"' in (repo / "policies/POL-CCT-01.md").read_text()


def test_refuses_an_unknown_id_with_a_suggestion(repo: Path) -> None:
    done = polisi(*APPROVE, "POL-CCT-02", str(repo), "--by", "Board")
    assert (done.returncode, done.stdout) == (2, "")
    assert (
        done.stderr == "polisi: error: unknown document id POL-CCT-02 (did you mean POL-CCT-01?)\n"
    )


def test_refuses_on_uncommitted_changes(repo: Path) -> None:
    write(repo, "policies/POL-MIS-01.md", document("POL-MIS-01", "Missing persons", body="Edited."))
    done = polisi(*APPROVE, "POL-CCT-01", str(repo), "--by", "Board", "--on", "2026-02-01")
    assert done.returncode == 1
    assert done.stderr == (
        "polisi: error: uncommitted changes in policies/POL-MIS-01.md: commit or stash them first, "
        "so the approval records exactly the text that was approved\n"
    )
    assert (repo / "policies/POL-CCT-01.md").read_text() == DRAFT


def test_refuses_a_document_that_fails_its_checks_and_puts_the_file_back(repo: Path) -> None:
    write(repo, "policies/POL-CCT-01.md", DRAFT.replace("SPRI-2017:reg-27", "SPRI-2017:reg-270"))
    commit(repo, "Cite a clause that does not exist", "2026-01-20")
    before = (repo / "policies/POL-CCT-01.md").read_bytes()
    head = git(repo, "rev-parse", "HEAD")
    done = polisi(*APPROVE, "POL-CCT-01", str(repo), "--by", "Board", "--on", "2026-02-01")
    assert done.returncode == 1
    assert done.stderr == (
        "policies/POL-CCT-01.md:9:15: error: UNKNOWN_CLAUSE SPRI-2017:reg-270 is not in the catalogue "
        "(did you mean SPRI-2017:reg-27?)\n"
        "1 documents checked: 1 error, 0 warnings\n"
        "polisi: error: POL-CCT-01 not approved: it fails polisi check (see above)\n"
    )
    assert (repo / "policies/POL-CCT-01.md").read_bytes() == before
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "tag", "-l") == ""


def test_refuses_to_approve_a_version_that_already_has_a_tag(repo: Path) -> None:
    git(repo, "tag", "POL-SAF-01/v1.1")
    done = polisi(*APPROVE, "POL-SAF-01", str(repo), "--by", "Board", "--on", "2026-02-01")
    assert done.stderr == (
        "polisi: error: tag POL-SAF-01/v1.1 already exists: version 1.1 of POL-SAF-01 is already approved\n"
    )


def test_a_tag_on_the_current_version_means_it_was_approved_so_the_version_moves_on(
    repo: Path,
) -> None:
    git(repo, "tag", "POL-CCT-01/v1.0")
    done = polisi(*APPROVE, "POL-CCT-01", str(repo), "--by", "Board", "--on", "2026-02-01")
    assert "approved POL-CCT-01 v1.1 (was v1.0)" in done.stdout


def test_refuses_outside_git_and_before_the_first_commit(tmp_path: Path) -> None:
    plain = small_handbook(tmp_path / "plain")
    done = polisi(*APPROVE, "POL-SAF-01", str(plain), "--by", "Board")
    assert (
        done.stderr
        == "polisi: error: not a git repository: an approval is recorded as a git commit and tag\n"
    )
    fresh = small_handbook(init(tmp_path / "fresh"))
    done = polisi(*APPROVE, "POL-SAF-01", str(fresh), "--by", "Board")
    assert done.stderr == (
        "polisi: error: the repository has no commits yet: commit the handbook before approving\n"
    )
    assert done.returncode == 1


def test_a_failing_git_commit_is_one_line_and_leaves_the_file_as_it_was(repo: Path) -> None:
    hook = write(
        repo, ".git/hooks/pre-commit", "#!/bin/sh\necho 'blocked by policy hook' >&2\nexit 1\n"
    )
    hook.chmod(0o755)
    done = polisi(*APPROVE, "POL-CCT-01", str(repo), "--by", "Board", "--on", "2026-02-01")
    assert done.returncode == 1
    assert done.stderr == "polisi: error: git commit failed, nothing was recorded: blocked by policy hook\n"
    assert (repo / "policies/POL-CCT-01.md").read_text() == DRAFT
    assert not (repo / "approvals/POL-CCT-01.yml").exists()


def test_refuses_an_approval_dated_in_the_future(repo: Path) -> None:
    done = polisi(*APPROVE, "POL-CCT-01", str(repo), "--by", "Board", "--on", "2999-01-01")
    assert (done.returncode, done.stderr) == (
        2,
        "polisi: error: --on 2999-01-01 is in the future: record an approval on or after the day it is given\n",
    )
