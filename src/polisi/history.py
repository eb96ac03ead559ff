"""Stage: what git knows about each document. The only module that uses GitPython.

One ``git log`` pass over the whole handbook gives every file's revisions, so
the cost does not grow with one git call per document. A handbook that is not
a repository, has no commits or is a shallow clone still builds: the history
then says why it is empty or partial instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

_FIELD = "\x1f"
_RECORD = "\x1e"
_FORMAT = _FIELD.join(["%H", "%h", "%aI", "%an", "%s"])


@dataclass(frozen=True)
class Revision:
    """One commit that changed a document."""

    commit: str
    short: str
    date: datetime
    """Author date, with its timezone."""
    author: str
    message: str
    """The commit's subject line."""


@dataclass(frozen=True)
class History:
    """Revisions of every handbook file, newest first, plus the state of the work tree."""

    revisions: dict[str, tuple[Revision, ...]] = field(default_factory=dict)
    """Keyed by path relative to the handbook root, with forward slashes."""
    head: str | None = None
    """The commit the work tree is at; ``None`` outside git or before the first commit."""
    head_date: datetime | None = None
    dirty: frozenset[str] = frozenset()
    """Handbook-relative paths with uncommitted (or untracked) changes."""
    shallow: bool = False
    note: str | None = None
    """Why history is missing or partial, in words for the user; ``None`` when complete."""

    def of(self, path: str) -> tuple[Revision, ...]:
        return self.revisions.get(path, ())

    def is_dirty(self, path: str) -> bool:
        return path in self.dirty


def load_history(root: Path) -> History:
    """Read the history of every file under ``root``; never raises for a non-repository."""
    import git

    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return History(note="not a git repository: no revision history")
    except git.GitCommandNotFound:
        return History(note="git is not installed: no revision history")
    top = Path(repo.working_tree_dir or root).resolve()
    prefix = Path(root).resolve().relative_to(top).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    dirty = _dirty(repo, prefix)
    try:
        head = repo.head.commit
    except ValueError:
        return History(dirty=dirty, note="the repository has no commits yet: no revision history")
    shallow = (Path(repo.git_dir) / "shallow").exists()
    raw = repo.git.log(f"--format={_RECORD}{_FORMAT}", "--name-only", "--no-renames", "--", root.resolve().as_posix())
    revisions: dict[str, list[Revision]] = {}
    for record in raw.split(_RECORD)[1:]:
        header, _, names = record.partition("\n")
        commit, short, when, author, message = header.split(_FIELD)
        revision = Revision(commit, short, datetime.fromisoformat(when), author, message)
        for name in names.split("\n"):
            if name.startswith(prefix) and name:
                revisions.setdefault(name[len(prefix):], []).append(revision)
    note = "shallow clone: older revisions are missing" if shallow else None
    return History(
        {k: tuple(v) for k, v in revisions.items()}, head.hexsha,
        head.committed_datetime, dirty, shallow, note,
    )


def _dirty(repo: object, prefix: str) -> frozenset[str]:
    status = repo.git.status("--porcelain", "--untracked-files=all", "--no-renames")  # type: ignore[attr-defined]
    paths = (line[3:] for line in status.splitlines() if len(line) > 3)
    return frozenset(p[len(prefix):] for p in paths if p.startswith(prefix))
