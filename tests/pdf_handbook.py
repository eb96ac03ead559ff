"""A small handbook in a real git repository with fixed commit dates, built into real signed PDFs.

Shared by the PDF and bundle tests: ``polisi build all`` runs once per session
(WeasyPrint is the slow part) and the tests read the files back.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from polisi.cli.main import main

BASE = Path(__file__).parent / "cases" / "_base"
AS_OF = "2026-06-01"

DRAFT = """---
id: PRO-SAF-02
title: Allegations against staff
version: "0.3"
status: draft
owner: Registered Manager
legislation: [SPRI-2017:reg-27]
policy: POL-SAF-01
---
## Telling the local authority

Tell the designated officer the same day.
"""


def git(root: Path, *args: str, date: str = "2026-04-01T10:00:00+01:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
           "GIT_AUTHOR_NAME": "Policy Lead", "GIT_AUTHOR_EMAIL": "lead@example.org",
           "GIT_COMMITTER_NAME": "Policy Lead", "GIT_COMMITTER_EMAIL": "lead@example.org"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def make_handbook(root: Path) -> Path:
    """The golden-case base handbook plus a draft procedure, committed twice on fixed dates."""
    shutil.copytree(BASE, root)
    (root / ".gitignore").write_text("build/\n", encoding="utf-8")
    with (root / "polisi.yml").open("a", encoding="utf-8") as config:
        config.write("service_type: residential_family_centre\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "First approved handbook", date="2026-03-02T09:00:00+00:00")
    policy = root / "policies" / "POL-SAF-01.md"
    policy.write_text(policy.read_text(encoding="utf-8").replace(
        "procedures: [PRO-SAF-01]", "procedures: [PRO-SAF-01, PRO-SAF-02]"), encoding="utf-8")
    (root / "procedures" / "PRO-SAF-02.md").write_text(DRAFT, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Draft allegations procedure", date="2026-04-01T10:00:00+01:00")
    return root


def run(*args: str) -> int:
    """Run the polisi command in this process; its exit status."""
    try:
        main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def pdftotext(path: Path, *, first: int | None = None, last: int | None = None) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    out = subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def squash(text: str) -> str:
    """Lower case with every run of non-letters as one hyphen: how heading slugs look."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower())


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small handbook after ``polisi build all`` (PDFs, bundle, demonstration CA), once per session."""
    root = make_handbook(tmp_path_factory.mktemp("pdf") / "handbook")
    assert run("build", "all", str(root), "--as-of", AS_OF) == 0
    return root
