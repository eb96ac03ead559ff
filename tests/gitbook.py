"""Small real handbooks in real git repositories, with commits on fixed dates.

Shared by the history, review and approval tests. Dates are given to git
through GIT_AUTHOR_DATE / GIT_COMMITTER_DATE, so the record is reproducible.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from polisi.edit.record_only import record_stated_approvals

APPROVE = ("approve", "--summary", "Approved in the test suite")
"""``polisi approve`` with the change summary every approval needs."""

IDENTITY = {
    "GIT_AUTHOR_NAME": "Policy Lead",
    "GIT_AUTHOR_EMAIL": "lead@example.org",
    "GIT_COMMITTER_NAME": "Policy Lead",
    "GIT_COMMITTER_EMAIL": "lead@example.org",
}


def git_env(when: str | None = None, author: str | None = None) -> dict[str, str]:
    """Environment for a git command: a fixed identity, no user or system config, an optional date."""
    env = {**os.environ, **IDENTITY, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    if when:
        stamp = f"{when}T12:00:00+00:00" if len(when) == 10 else when
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = stamp
    if author:
        env["GIT_AUTHOR_NAME"] = author
    return env


def git(repo: Path, *args: str, when: str | None = None, author: str | None = None) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=repo,
        env=git_env(when, author),
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def init(repo: Path) -> Path:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    return repo


def commit(repo: Path, message: str, when: str, author: str | None = None) -> str:
    """Commit everything in the work tree on day ``when``; return the short commit id."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=when, author=author)
    return git(repo, "rev-parse", "--short", "HEAD")


def document(
    doc_id: str,
    title: str,
    *,
    version: str = "1.0",
    status: str = "approved",
    owner: str = "Registered Manager",
    approved_on: str | None = "2026-01-10",
    last_reviewed: str | None = None,
    interval: str = "12 months",
    body: str = "",
    extra: str = "",
) -> str:
    """A document's full text; approval keys are written only for approved documents."""
    lines = [
        "---",
        f"id: {doc_id}",
        f"title: {title}",
        f'version: "{version}"',
        f"status: {status}",
        f"owner: {owner}",
    ]
    if status == "approved":
        lines += [
            "approved_by: Board",
            f"approved_on: {approved_on}",
            f"last_reviewed: {last_reviewed or approved_on}",
            f"review_interval: {interval}",
        ]
    lines += [extra] if extra else []
    lines += ["---", "", body or f"# {title}\n\nWhat staff do."]
    return "\n".join(lines) + "\n"


def write(root: Path, path: str, text: str) -> Path:
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
    return file


def small_handbook(root: Path) -> Path:
    """A statement of purpose and two policies, their approvals recorded: enough for ``polisi check`` to pass."""
    write(
        root,
        "polisi.yml",
        "organisation: Test provider\nservice: Test centre\nreview:\n  warning_days: 60\n",
    )
    write(
        root,
        "statement_of_purpose/SOP-01.md",
        document(
            "SOP-01",
            "Statement of purpose",
            approved_on="2026-01-05",
            owner="Responsible Individual",
        ),
    )
    write(
        root,
        "policies/POL-SAF-01.md",
        document(
            "POL-SAF-01",
            "Safeguarding",
            approved_on="2026-01-10",
            extra="legislation: [SPRI-2017:reg-27]",
        ),
    )
    write(
        root,
        "policies/POL-MIS-01.md",
        document(
            "POL-MIS-01",
            "Missing persons",
            approved_on="2025-07-01",
            owner="Deputy Manager",
            extra="legislation: [SPRI-2017:reg-64]",
        ),
    )
    record_stated_approvals(root)
    return root


def polisi(
    *args: str, cwd: Path | None = None, when: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real ``polisi`` command in a child process (git dates fixed when ``when`` is given)."""
    import polisi as package

    env = git_env(when)
    env["PYTHONPATH"] = str(Path(package.__file__).resolve().parents[1])
    return subprocess.run(
        [sys.executable, "-m", "polisi", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
