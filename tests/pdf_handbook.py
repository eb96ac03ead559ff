"""A small handbook in a real git repository with fixed commit dates, built into real signed PDFs.

Shared by the PDF and bundle tests: ``polisi build all`` runs once per session
(WeasyPrint is the slow part) and the tests read the files back.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
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


RECORD = """\
id: POL-SAF-01
entries:
  - event: approved
    version: "1.0"
    by: Board
    date: 2025-04-01
    sha256: {sha256}
    summary: First safeguarding policy of the centre
  - event: reviewed
    version: "1.0"
    by: Registered Manager
    date: 2025-10-01
    sha256: {sha256}
    summary: Checked after the local authority changed its referral line; no change needed
  - event: approved
    version: "2.0"
    by: Responsible Individual
    date: 2026-04-01
    sha256: {sha256}
    summary: Report to the local authority the same day
    evidence: Board minutes 2026-04-01, item 4
"""
"""POL-SAF-01's approval record: what its revision table (PDF, bundle) prints, newest first."""


def git(root: Path, *args: str, date: str = "2026-04-01T10:00:00+01:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
           "GIT_AUTHOR_NAME": "Policy Lead", "GIT_AUTHOR_EMAIL": "lead@example.org",
           "GIT_COMMITTER_NAME": "Policy Lead", "GIT_COMMITTER_EMAIL": "lead@example.org"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def make_handbook(root: Path) -> Path:
    """The golden-case base handbook plus a draft procedure, committed twice on fixed dates."""
    shutil.copytree(BASE, root)
    record = root / "approvals" / "POL-SAF-01.yml"
    digest = re.search(r"sha256: (\w+)", record.read_text(encoding="utf-8"))
    assert digest is not None
    record.write_text(RECORD.format(sha256=digest[1]), encoding="utf-8")
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


def commit_and_build(root: Path, message: str, date: str = "2026-04-01T10:00:00+01:00") -> None:
    """Commit the handbook as it stands (making it a repository first if need be), then hold it to the
    gate's promise: ``check`` passes and ``build all`` makes every output."""
    if not (root / ".git").is_dir():
        git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", message, date=date)
    assert run("check", str(root), "--as-of", AS_OF) == 0
    assert run("build", "all", str(root), "--as-of", AS_OF) == 0


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


def pdf_table(path: Path, header: Sequence[str]) -> list[list[str]]:
    """The rows of the table whose header row is the words ``header``, read back from the PDF's word boxes
    (``pdftotext -bbox``), each row as its cells' text: a cell's wrapped lines are one text again.

    Words are read line by line down the page (the PDF's own order interleaves the cells). A word belongs to
    the column whose header starts at or before it; a line with a word in the first column starts a row (so
    that column's cells must be one line); the table ends at the first gap taller than two lines (the
    page's footer, the next section) or at a word left of it.
    """
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    lines: dict[tuple[int, float], list[tuple[float, float, str]]] = {}
    for page, body in enumerate(out.split("<page ")):
        for x, y, bottom, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>', body):
            lines.setdefault((page, round(float(y), 1)), []).append((float(x), float(bottom), html.unescape(text)))
    ordered = [(key, sorted(words)) for key, words in sorted(lines.items())]
    at = next(n for n, (_, words) in enumerate(ordered) if [w[2] for w in words] == list(header))
    columns = [x - 1 for x, _, _ in ordered[at][1]]
    rows: list[list[list[str]]] = []
    (page, _), lowest = ordered[at][0], ordered[at][1][0][1]
    for (line_page, y), words in ordered[at + 1:]:
        height = words[0][1] - y
        if line_page != page or y - lowest > 2 * height or words[0][0] < columns[0]:
            break
        if words[0][0] < columns[1]:
            rows.append([[] for _ in header])
        for x, bottom, text in words:
            rows[-1][max(i for i, left in enumerate(columns) if x >= left)].append(text)
            lowest = max(lowest, bottom)
    return [[" ".join(cell) for cell in row] for row in rows]


def squash(text: str) -> str:
    """Lower case with every run of non-letters as one hyphen: how heading slugs look."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower())


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small handbook after ``polisi build all`` (PDFs, bundle, demonstration CA), once per session."""
    root = make_handbook(tmp_path_factory.mktemp("pdf") / "handbook")
    assert run("build", "all", str(root), "--as-of", AS_OF) == 0
    return root
