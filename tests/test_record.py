"""``polisi history``, ``show --as-at`` and ``diff``: answers from the record, across several versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from .gitbook import APPROVE, commit, document, git, init, polisi, small_handbook, write

SAF = "policies/POL-SAF-01.md"


def saf(version: str, approved_on: str, body: str, status: str = "approved") -> str:
    return document(
        "POL-SAF-01",
        "Safeguarding",
        version=version,
        approved_on=approved_on,
        status=status,
        body=f"# Safeguarding\n\n{body}",
        extra="legislation: [SPRI-2017:reg-27]",
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """v1.0 approved 2026-01-10 (no tag), v1.1 on 2026-02-01 and v2.0 on 2026-03-06 (both tagged)."""
    root = small_handbook(init(tmp_path_factory.mktemp("record") / "handbook"))
    (root / "approvals/POL-SAF-01.yml").unlink()  # v1.0 was approved before the record was kept
    write(root, SAF, saf("1.0", "", "Report to the manager.", status="draft"))
    commit(root, "Draft safeguarding", "2026-01-05")
    write(root, SAF, saf("1.0", "2026-01-10", "Report to the manager."))
    commit(root, "Board approved safeguarding", "2026-01-10")
    write(root, SAF, saf("1.0", "2026-01-10", "Report to the manager at once."))
    commit(root, "Say when", "2026-01-20", author="Ann Editor")
    assert (
        polisi(
            *APPROVE,
            "POL-SAF-01",
            str(root),
            "--by",
            "RI",
            "--on",
            "2026-02-01",
            when="2026-02-01",
        ).returncode
        == 0
    )
    write(
        root,
        SAF,
        saf("1.1", "2026-02-01", "Report to the designated safeguarding lead at once.").replace(
            "approved_by: Board", "approved_by: RI"
        ),
    )
    commit(root, "Name the DSL", "2026-03-01", author="Ann Editor")
    assert (
        polisi(
            *APPROVE,
            "POL-SAF-01",
            str(root),
            "--by",
            "Board",
            "--on",
            "2026-03-06",
            "--major",
            when="2026-03-06",
        ).returncode
        == 0
    )
    return root


def short(root: Path, rev: str) -> str:
    return git(root, "rev-parse", "--short=7", rev)


def test_history_lists_each_approved_version_from_the_record_newest_first(repo: Path) -> None:
    done = polisi("history", "POL-SAF-01", str(repo))
    assert done.stdout == (
        "POL-SAF-01 Safeguarding: 3 approved versions\n"
        "2026-03-06  v2.0    approved by Board: Approved in the test suite\n"
        "2026-02-01  v1.1    approved by RI: Approved in the test suite\n"
        "2026-01-10  v1.0    approved by Board: no change summary recorded\n"
    )


def test_history_commits_lists_every_revision_newest_first_with_approvals_marked(repo: Path) -> None:
    done = polisi("history", "POL-SAF-01", str(repo), "--commits")
    s = [short(repo, f"HEAD~{n}") for n in range(6)]
    assert done.stdout == (
        "POL-SAF-01 Safeguarding (policies/POL-SAF-01.md): 6 revisions\n"
        f"2026-03-06  {s[0]}  v2.0 approved   Policy Lead: Approve POL-SAF-01 v2.0: Safeguarding"
        f"  [approval of v2.0: approvals/POL-SAF-01.yml, text of commit {s[0]}]\n"
        f"2026-03-01  {s[1]}  v1.1 approved   Ann Editor: Name the DSL\n"
        f"2026-02-01  {s[2]}  v1.1 approved   Policy Lead: Approve POL-SAF-01 v1.1: Safeguarding"
        f"  [approval of v1.1: approvals/POL-SAF-01.yml, text of commit {s[2]}]\n"
        f"2026-01-20  {s[3]}  v1.0 approved   Ann Editor: Say when\n"
        f"2026-01-10  {s[4]}  v1.0 approved   Policy Lead: Board approved safeguarding"
        f"  [approval of v1.0: commit {s[4]}, not in the approval record]\n"
        f"2026-01-05  {s[5]}  v1.0 draft      Policy Lead: Draft safeguarding\n"
    )


@pytest.mark.parametrize(
    ("as_at", "version", "line"),
    [
        (
            "2026-01-10",
            "1.0",
            "POL-SAF-01 v1.0, approved by Board on 2026-01-10 (commit {c}, not in the approval record); "
            "in force from 2026-01-10 until 2026-02-01 (v1.1); no change summary recorded",
        ),
        ("2026-01-31", "1.0", None),
        (
            "2026-02-01",
            "1.1",
            "POL-SAF-01 v1.1, approved by RI on 2026-02-01 (approvals/POL-SAF-01.yml, text of commit {v11}); "
            "in force from 2026-02-01 until 2026-03-06 (v2.0); Approved in the test suite",
        ),
        ("2026-03-05", "1.1", None),
        (
            "2026-03-06",
            "2.0",
            "POL-SAF-01 v2.0, approved by Board on 2026-03-06 (approvals/POL-SAF-01.yml, text of commit {v20}); "
            "in force from 2026-03-06 (the latest approved version); Approved in the test suite",
        ),
        ("2027-01-01", "2.0", None),
    ],
)
def test_show_gives_the_text_in_force_on_the_day(
    repo: Path, as_at: str, version: str, line: str | None
) -> None:
    done = polisi("show", "POL-SAF-01", str(repo), "--as-at", as_at)
    assert done.returncode == 0
    approval = "HEAD~4" if version == "1.0" else f"POL-SAF-01/v{version}"
    assert done.stdout == git(repo, "show", f"{approval}:{SAF}") + "\n"
    assert f'version: "{version}"' in done.stdout
    if line:
        shorts = {"c": short(repo, "HEAD~4"), "v11": short(repo, "HEAD~2"), "v20": short(repo, "HEAD")}
        assert done.stderr == line.format(**shorts) + "\n"


def test_the_v1_0_in_force_is_the_text_approved_not_the_later_unapproved_edit(repo: Path) -> None:
    done = polisi("show", "POL-SAF-01", str(repo), "--as-at", "2026-01-25")
    assert "Report to the manager.\n" in done.stdout and "at once" not in done.stdout


def test_show_before_the_first_approval_says_nothing_was_in_force(repo: Path) -> None:
    done = polisi("show", "POL-SAF-01", str(repo), "--as-at", "2026-01-09")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "polisi: error: no version of POL-SAF-01 was in force on 2026-01-09: the first approved version, "
        "1.0, came into force on 2026-01-10\n"
    )


def test_diff_shows_the_text_changes_between_two_approved_versions(repo: Path) -> None:
    done = polisi("diff", "POL-SAF-01", "1.1", "v2.0", str(repo))
    assert done.stdout == (
        f"--- POL-SAF-01 v1.1 (approvals/POL-SAF-01.yml, text of commit {short(repo, 'HEAD~2')})\n"
        f"+++ POL-SAF-01 v2.0 (approvals/POL-SAF-01.yml, text of commit {short(repo, 'HEAD')})\n"
        "@@ -1,16 +1,16 @@\n"
        " ---\n"
        " id: POL-SAF-01\n"
        " title: Safeguarding\n"
        '-version: "1.1"\n'
        '+version: "2.0"\n'
        " status: approved\n"
        " owner: Registered Manager\n"
        "-approved_by: RI\n"
        "-approved_on: 2026-02-01\n"
        "-last_reviewed: 2026-02-01\n"
        "+approved_by: Board\n"
        "+approved_on: 2026-03-06\n"
        "+last_reviewed: 2026-03-06\n"
        " review_interval: 12 months\n"
        " legislation: [SPRI-2017:reg-27]\n"
        " ---\n"
        " \n"
        " # Safeguarding\n"
        " \n"
        "-Report to the manager at once.\n"
        "+Report to the designated safeguarding lead at once.\n"
    )


def test_diff_against_an_untagged_version_and_an_unknown_one(repo: Path) -> None:
    done = polisi("diff", "POL-SAF-01", "1.0", "1.1", str(repo))
    assert done.stdout.startswith(f"--- POL-SAF-01 v1.0 (commit {short(repo, 'HEAD~4')}, not in the approval record)\n")
    assert "-Report to the manager.\n+Report to the manager at once.\n" in done.stdout
    done = polisi("diff", "POL-SAF-01", "1.0", "3.0", str(repo))
    assert (done.returncode, done.stderr) == (
        1,
        "polisi: error: POL-SAF-01 has no approved version 3.0 (approved versions: 1.0, 1.1, 2.0)\n",
    )
    assert polisi("diff", "POL-SAF-01", "1.1", "1.1", str(repo)).stdout == (
        "POL-SAF-01 v1.1 and v1.1 have the same text\n"
    )


def test_a_deleted_document_keeps_its_record(tmp_path: Path) -> None:
    root = small_handbook(init(tmp_path / "handbook"))
    write(root, "policies/POL-CCT-01.md", document("POL-CCT-01", "CCTV", approved_on="2026-01-10"))
    commit(root, "Add", "2026-01-12")
    (root / "policies/POL-CCT-01.md").unlink()
    commit(root, "Remove CCTV", "2026-04-01")
    done = polisi("show", "POL-CCT-01", str(root), "--as-at", "2026-02-01")
    assert done.stdout.startswith("---\nid: POL-CCT-01\n")
    assert done.stderr == (
        f"POL-CCT-01 v1.0, approved by Board on 2026-01-10 (commit {short(root, 'HEAD~1')}, not in the approval "
        "record, first recorded 2026-01-12, after the approval); in force from 2026-01-10 (the latest approved "
        "version); no change summary recorded\n"
    )
    assert polisi("history", "POL-CCT-01", str(root), "--commits").stdout == (
        "POL-CCT-01 CCTV (policies/POL-CCT-01.md): 2 revisions\n"
        f"2026-04-01  {short(root, 'HEAD')}  deleted         Policy Lead: Remove CCTV\n"
        f"2026-01-12  {short(root, 'HEAD~1')}  v1.0 approved   Policy Lead: Add"
        f"  [approval of v1.0: commit {short(root, 'HEAD~1')}, not in the approval record]\n"
    )


def test_unknown_ids_outside_git_and_shallow_clones_are_clear(repo: Path, tmp_path: Path) -> None:
    done = polisi("history", "POL-SAF-02", str(repo))
    assert (
        done.stderr == "polisi: error: unknown document id POL-SAF-02 (did you mean POL-SAF-01?)\n"
    )
    plain = small_handbook(tmp_path / "plain")
    for command in (
        ["history", "POL-SAF-01"],
        ["show", "POL-SAF-01"],
        ["diff", "POL-SAF-01", "1.0", "1.1"],
    ):
        done = polisi(*command, str(plain))
        assert (done.returncode, done.stderr) == (
            1,
            "polisi: error: not a git repository: no revision history; "
            "this command reads the document's record from git\n",
        )
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    done = polisi("history", "POL-SAF-01", str(clone), "--commits")
    assert done.stdout.endswith("(shallow clone: older revisions are missing)\n")
    assert done.stdout.startswith("POL-SAF-01 Safeguarding (policies/POL-SAF-01.md): 1 revision\n")


def test_a_repository_without_commits_is_a_clear_message(tmp_path: Path) -> None:
    fresh = small_handbook(init(tmp_path / "fresh"))
    done = polisi("show", "POL-SAF-01", str(fresh))
    assert (done.returncode, done.stderr) == (
        1,
        "polisi: error: the repository has no commits yet: no revision history; "
        "this command reads the document's record from git\n",
    )
