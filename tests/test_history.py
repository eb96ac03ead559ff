"""History from git: one log pass, approval tags, and every awkward repository state."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from polisi.edit.record_only import record_stated_approvals
from polisi.history.git import approval_tag, load_history

from .gitbook import commit, document, git, git_env, init, polisi, small_handbook, write


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = small_handbook(init(tmp_path / "handbook"))
    commit(root, "Add handbook", "2026-01-12")
    write(root, "policies/POL-SAF-01.md", document("POL-SAF-01", "Safeguarding", body="Changed."))
    record_stated_approvals(root)
    commit(root, "Reword safeguarding", "2026-02-03", author="Ann Editor")
    return root


def test_every_file_gets_its_revisions_newest_first_with_dates_authors_and_blobs(
    repo: Path,
) -> None:
    history = load_history(repo)
    saf = history.of("policies/POL-SAF-01.md")
    assert [(r.date.date(), r.author, r.message) for r in saf] == [
        (date(2026, 2, 3), "Ann Editor", "Reword safeguarding"),
        (date(2026, 1, 12), "Policy Lead", "Add handbook"),
    ]
    assert [r.short for r in saf] == [r.commit[:7] for r in saf]
    assert history.blob_text(saf[0].blob).endswith("Changed.\n")
    assert history.text_at(saf[1].commit, "policies/POL-SAF-01.md").endswith("What staff do.\n")
    assert len(history.of("policies/POL-MIS-01.md")) == 1
    assert history.head == git(repo, "rev-parse", "HEAD")
    assert (history.note, history.shallow, history.dirty) == (None, False, frozenset())


def test_a_handbook_in_a_subfolder_sees_paths_relative_to_itself(tmp_path: Path) -> None:
    top = init(tmp_path / "repo")
    small_handbook(top / "handbook")
    write(top, "README.md", "not part of the handbook\n")
    commit(top, "Add", "2026-01-12")
    history = load_history(top / "handbook")
    assert sorted(history.revisions) == [
        "approvals/POL-MIS-01.yml",
        "approvals/POL-SAF-01.yml",
        "approvals/SOP-01.yml",
        "policies/POL-MIS-01.md",
        "policies/POL-SAF-01.md",
        "polisi.yml",
        "statement_of_purpose/SOP-01.md",
    ]
    assert history.text_at(history.head, "policies/POL-SAF-01.md").startswith(
        "---\nid: POL-SAF-01\n"
    )


def test_deleting_a_file_is_a_revision_without_a_blob(repo: Path) -> None:
    (repo / "policies/POL-MIS-01.md").unlink()
    commit(repo, "Withdraw missing persons", "2026-03-01")
    revisions = load_history(repo).of("policies/POL-MIS-01.md")
    assert [r.blob is None for r in revisions] == [True, False]


def test_annotated_and_lightweight_tags_are_read_with_their_commits(repo: Path) -> None:
    git(repo, "tag", "-a", "POL-SAF-01/v1.0", "-m", "approved by Board", when="2026-02-04")
    git(repo, "tag", "POL-MIS-01/v1.0", "HEAD~1")
    history = load_history(repo)
    tag = history.tag("POL-SAF-01", "1.0")
    assert tag is not None and tag.annotated and tag.message == "approved by Board"
    assert (tag.commit, tag.date.date(), tag.tagger) == (
        history.head,
        date(2026, 2, 4),
        "Policy Lead",
    )
    light = history.tags[approval_tag("POL-MIS-01", "1.0")]
    assert not light.annotated and light.commit == git(repo, "rev-parse", "HEAD~1")


def test_uncommitted_and_untracked_files_are_dirty(repo: Path) -> None:
    write(repo, "policies/POL-SAF-01.md", "edited\n")
    write(repo, "procedures/PRO-SAF-01.md", "new\n")
    assert load_history(repo).dirty == {"policies/POL-SAF-01.md", "procedures/PRO-SAF-01.md"}


def test_a_folder_outside_git_has_no_history_and_says_why(tmp_path: Path) -> None:
    history = load_history(small_handbook(tmp_path / "plain"))
    assert (history.revisions, history.head, history.is_repository) == ({}, None, False)
    assert history.note == "not a git repository: no revision history"


def test_a_repository_without_commits_says_so(tmp_path: Path) -> None:
    history = load_history(small_handbook(init(tmp_path / "fresh")))
    assert history.head is None and history.revisions == {}
    assert history.note == "the repository has no commits yet: no revision history"
    assert "policies/POL-SAF-01.md" in history.dirty


def test_a_shallow_clone_is_flagged_and_keeps_only_what_it_has(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    history = load_history(clone)
    assert history.shallow
    assert history.note == "shallow clone: older revisions are missing"
    assert [r.message for r in history.of("policies/POL-SAF-01.md")] == ["Reword safeguarding"]


@pytest.mark.parametrize("state", ["plain", "fresh", "shallow", "dirty"])
def test_check_runs_in_every_repository_state(repo: Path, tmp_path: Path, state: str) -> None:
    if state == "plain":
        root = small_handbook(tmp_path / "plain")
    elif state == "fresh":
        root = small_handbook(init(tmp_path / "fresh"))
    elif state == "shallow":
        root = tmp_path / "clone"
        git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(root))
    else:
        root = repo
        write(root, "policies/POL-SAF-01.md", document("POL-SAF-01", "Safeguarding", body="Changed.\n\n"))
    done = polisi("check", str(root), "--as-of", "2026-03-01")
    assert done.stdout == "3 documents checked: 0 errors, 0 warnings\n"
    assert done.returncode == 0
    notes = {
        "plain": "",
        "dirty": "",
        "fresh": "polisi: note: the repository has no commits yet: no revision history; "
        "CHANGED_SINCE_APPROVAL cannot always name the commit that changed a text\n",
        "shallow": "polisi: note: shallow clone: older revisions are missing; "
        "CHANGED_SINCE_APPROVAL cannot always name the commit that changed a text\n",
    }
    assert done.stderr == notes[state]


def test_a_merge_that_settles_a_text_is_a_revision_with_that_text(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "side")
    write(repo, "policies/POL-MIS-01.md", document("POL-MIS-01", "Missing persons", body="Side."))
    commit(repo, "Side edit", "2026-03-01")
    git(repo, "checkout", "-q", "main")
    write(repo, "policies/POL-MIS-01.md", document("POL-MIS-01", "Missing persons", body="Main."))
    commit(repo, "Main edit", "2026-03-02")
    subprocess.run(["git", "merge", "-q", "side"], cwd=repo, env=git_env("2026-03-03"), capture_output=True)
    write(repo, "policies/POL-MIS-01.md", document("POL-MIS-01", "Missing persons", body="Settled."))
    commit(repo, "Merge side", "2026-03-03")
    newest = load_history(repo).of("policies/POL-MIS-01.md")[0]
    assert newest.message == "Merge side"
    assert load_history(repo).blob_text(newest.blob).endswith("Settled.\n")
