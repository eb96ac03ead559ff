"""``.pre-commit-hooks.yaml``: a handbook repository runs ``polisi check`` from pre-commit before each
commit. The real pre-commit tool, installed into a real handbook repository's git hooks, with this
repository's hook file as the hook repository (a local clone: nothing is fetched)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .gitbook import commit, document, git, git_env, init, small_handbook, write

HOOKS = Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml"


@pytest.fixture
def handbook(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A handbook repository with pre-commit installed, using polisi's hook from a local hook repository."""
    hooks = init(tmp_path / "polisi-hooks")
    shutil.copy(HOOKS, hooks / ".pre-commit-hooks.yaml")
    commit(hooks, "Hooks", "2026-01-01")
    rev = git(hooks, "rev-parse", "HEAD")
    root = small_handbook(init(tmp_path / "handbook"))
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n      - id: polisi-check\n"
        "        args: [--as-of, \"2026-03-01\"]\n", encoding="utf-8")
    env = git_env("2026-03-01")
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"  # polisi and pre-commit, as installed
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-cache")
    installed = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=root, env=env,
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return root, env


def test_a_commit_with_a_broken_citation_is_refused_and_a_clean_one_passes(
        handbook: tuple[Path, dict[str, str]]) -> None:
    root, env = handbook
    git(root, "add", "-A")
    first = subprocess.run(["git", "commit", "-qm", "Handbook"], cwd=root, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stdout + first.stderr
    assert re.search(r"^polisi check\.+Passed$", first.stderr, re.M), first.stderr  # git hands hooks' output to stderr
    draft = write(root, "policies/POL-SAF-02.md", document(
        "POL-SAF-02", "Online safety", status="draft", extra="legislation: [SPRI-2017:reg-270]"))
    git(root, "add", "-A")
    broken = subprocess.run(["git", "commit", "-qm", "Draft online safety"], cwd=root, env=env,
                            capture_output=True, text=True)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    said = broken.stderr.splitlines()
    assert said[said.index("polisi check" + "." * 61 + "Failed"):] == [
        "polisi check" + "." * 61 + "Failed", "- hook id: polisi-check", "- exit code: 1", "",
        "policies/POL-SAF-02.md:7:15: error: UNKNOWN_CLAUSE SPRI-2017:reg-270 is not in the catalogue "
        "(did you mean SPRI-2017:reg-27?)",
        "4 documents checked: 1 error, 0 warnings", ""]
    assert git(root, "log", "--format=%s").splitlines() == ["Handbook"]  # the broken draft was not committed
    draft.write_text(draft.read_text(encoding="utf-8").replace("reg-270", "reg-27"), encoding="utf-8")
    git(root, "add", "-A")
    fixed = subprocess.run(["git", "commit", "-qm", "Draft online safety"], cwd=root, env=env,
                           capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert git(root, "log", "--format=%s").splitlines() == ["Draft online safety", "Handbook"]


def test_the_hook_runs_only_for_handbook_files(handbook: tuple[Path, dict[str, str]]) -> None:
    root, env = handbook
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Handbook", "--no-verify")
    (root / "notes.txt").write_text("A note that is not part of the handbook.\n", encoding="utf-8")
    git(root, "add", "notes.txt")
    done = subprocess.run(["git", "commit", "-qm", "Notes"], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "(no files to check)Skipped" in (done.stdout + done.stderr).replace(".", "")
