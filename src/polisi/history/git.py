"""Stage: what git knows about each document. The only module that uses GitPython.

One ``git log`` pass over the whole handbook gives every file's revisions (with
the file's blob id at each, so old texts can be read back without another log),
so the cost does not grow with one git call per document. A merge counts as a
revision of what it changed against its first parent, so a text settled while
merging (a resolved conflict) is in the record too. A handbook that is
not a repository, has no commits or is a shallow clone still builds: the
history then says why it is empty or partial instead of failing.

Approvals are recorded in the handbook's approval record (``approvals/``); this
module commits a record with its document, and still writes (and reads, in one
``for-each-ref`` call) the annotated tags ``<ID>/v<VERSION>`` that older
versions of polisi used, though nothing depends on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from polisi.errors import PolisiError

_FIELD = "\x1f"
_RECORD = "\x1e"
_FORMAT = _FIELD.join(["%H", "%aI", "%an", "%s"])
_SHORT = 7
"""Length of abbreviated commit ids (``--no-abbrev`` makes git's own ``%h`` full length)."""
_TAG_FORMAT = _FIELD.join([
    "%(refname:short)", "%(objecttype)", "%(*objectname)", "%(objectname)",
    "%(creatordate:iso-strict)", "%(taggername)", "%(contents:subject)",
])


class HistoryError(PolisiError):
    """Git could not do what was asked (not a repository, no commits, a git command failed)."""


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
    blob: str | None = None
    """The file's blob id after this commit; ``None`` when the commit deleted the file."""


@dataclass(frozen=True)
class Tag:
    """A git tag; ``<ID>/v<VERSION>`` tags record approvals."""

    name: str
    commit: str
    """The commit the tag points at."""
    date: datetime
    """Tagger date of an annotated tag (the commit date of a lightweight one)."""
    tagger: str
    message: str
    annotated: bool


def approval_tag(doc_id: str, version: str) -> str:
    """The tag name that records approval of ``version`` of ``doc_id``: ``POL-SAF-01/v2.1``."""
    return f"{doc_id}/v{version}"


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
    tags: dict[str, Tag] = field(default_factory=dict)
    """Every tag of the repository, by name."""
    prefix: str = ""
    """The handbook folder relative to the repository's top, ``""`` or ending in ``/``."""
    repo: Any = field(default=None, compare=False, repr=False)
    """The open GitPython repository, for reading old texts; ``None`` outside git."""

    def of(self, path: str) -> tuple[Revision, ...]:
        return self.revisions.get(path, ())

    def is_dirty(self, path: str) -> bool:
        return path in self.dirty

    @property
    def is_repository(self) -> bool:
        return self.repo is not None

    def tag(self, doc_id: str, version: str) -> Tag | None:
        return self.tags.get(approval_tag(doc_id, version))

    def blob_text(self, blob: str) -> str:
        """The text of a blob named by a :class:`Revision`."""
        return self.repo.odb.stream(bytes.fromhex(blob)).read().decode("utf-8", errors="replace")

    def text_at(self, commit: str, path: str) -> str | None:
        """The text of handbook file ``path`` as committed in ``commit``; ``None`` if absent there."""
        import git

        try:
            blob = self.repo.commit(commit).tree / (self.prefix + path)
        except (KeyError, ValueError, git.BadName):
            return None
        return blob.data_stream.read().decode("utf-8", errors="replace")

    def is_ancestor(self, older: str, newer: str) -> bool:
        return bool(self.repo.is_ancestor(older, newer))


NO_REPOSITORY = "not a git repository: no revision history"
NO_GIT = "git is not installed: no revision history"
NO_COMMITS = "the repository has no commits yet: no revision history"
SHALLOW = "shallow clone: older revisions are missing"


def load_history(root: Path) -> History:
    """Read the history of every file under ``root``; never raises for a non-repository."""
    import git

    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return History(note=NO_REPOSITORY)
    except git.GitCommandNotFound:
        return History(note=NO_GIT)
    top = Path(repo.working_tree_dir or root).resolve()
    prefix = Path(root).resolve().relative_to(top).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    dirty = _dirty(repo, prefix)
    try:
        head = repo.head.commit
    except ValueError:
        return History(dirty=dirty, note=NO_COMMITS,
                       prefix=prefix, repo=repo)
    shallow = (Path(repo.git_dir) / "shallow").exists()
    raw = repo.git.log(
        f"--format={_RECORD}{_FORMAT}", "--raw", "--no-abbrev", "--no-renames", "--diff-merges=first-parent", "--",
        root.resolve().as_posix(),
    )
    note = SHALLOW if shallow else None
    return History(
        _revisions(raw, prefix), head.hexsha, head.committed_datetime, dirty, shallow, note,
        _tags(repo), prefix, repo,
    )


def _revisions(raw: str, prefix: str) -> dict[str, tuple[Revision, ...]]:
    """Parse ``git log --raw`` records into each file's revisions (newest first)."""
    revisions: dict[str, list[Revision]] = {}
    for record in raw.split(_RECORD)[1:]:
        header, _, changes = record.partition("\n")
        commit, when, author, message = header.split(_FIELD)
        for line in changes.split("\n"):
            if not line.startswith(":"):
                continue
            meta, _, name = line.partition("\t")
            if not name.startswith(prefix):
                continue
            parts = meta.split()
            blob = None if parts[4].startswith("D") else parts[3]
            revision = Revision(commit, commit[:_SHORT], datetime.fromisoformat(when), author, message, blob)
            revisions.setdefault(name[len(prefix):], []).append(revision)
    return {k: tuple(v) for k, v in revisions.items()}


def _tags(repo: Any) -> dict[str, Tag]:
    raw = repo.git.for_each_ref("refs/tags", f"--format={_TAG_FORMAT}{_RECORD}")
    tags: dict[str, Tag] = {}
    for record in raw.split(_RECORD):
        fields = record.strip("\n").split(_FIELD)
        if len(fields) != 7:
            continue
        name, kind, peeled, target, when, tagger, subject = fields
        annotated = kind == "tag"
        commit = peeled if annotated else target
        tags[name] = Tag(name, commit, datetime.fromisoformat(when), tagger, subject, annotated)
    return tags


def _dirty(repo: Any, prefix: str) -> frozenset[str]:
    status = repo.git.status("--porcelain", "--untracked-files=all", "--no-renames")
    paths = (line[3:] for line in status.splitlines() if len(line) > 3)
    return frozenset(p[len(prefix):] for p in paths if p.startswith(prefix))


def require_identity(history: History) -> None:
    """Refuse early, before anything is written, when git does not know who is committing."""
    import git

    try:
        history.repo.git.var("GIT_COMMITTER_IDENT")
        history.repo.git.var("GIT_AUTHOR_IDENT")
    except git.GitCommandError:
        raise HistoryError(
            "git does not know who you are, so it cannot record who made the approval: "
            "set it with git config user.name \"Your Name\" and git config user.email you@example.org"
        ) from None


def commit_files(history: History, paths: list[str], message: str, tag: tuple[str, str] | None = None) -> str:
    """Commit exactly the handbook files ``paths`` and optionally an annotated tag ``(name, message)``.

    Uses the git command itself, so the user's identity, hooks and ``GIT_*_DATE`` apply. When any
    step fails (a hook refuses, no identity, the tag exists) the commit, the index and the tags are
    put back as they were; restoring the files' contents is the caller's part. Returns the commit id.
    """
    import git

    if history.repo is None:
        raise HistoryError("not a git repository: the change must be recorded in git")
    repo = history.repo
    full = [str(Path(repo.working_tree_dir) / (history.prefix + p)) for p in paths]
    before = repo.head.commit.hexsha
    try:
        repo.git.add("--", *full)
        repo.git.commit("-m", message, "--", *full)
        if tag is not None:
            repo.git.tag("-a", tag[0], "-m", tag[1])
    except BaseException as exc:
        _put_back(repo, before, full)
        if not isinstance(exc, git.GitCommandError):
            raise
        detail = (exc.stderr or exc.stdout or "").strip().splitlines()
        reason = detail[-1].removeprefix("stderr: ").strip(" '") if detail else str(exc.status)
        raise HistoryError(f"git {exc.command[1]} failed, nothing was recorded: {reason}") from None
    return str(repo.head.commit.hexsha)


def commit_file(history: History, path: str, message: str) -> str:
    """Commit handbook file ``path`` alone (other changes stay uncommitted); return the commit id."""
    return commit_files(history, [path], message)


def _put_back(repo: Any, before: str, paths: list[str]) -> None:
    """Move HEAD back to ``before`` (if a commit was made) and unstage ``paths``."""
    if repo.head.commit.hexsha != before:
        repo.git.reset("-q", "--soft", before)
    repo.git.reset("-q", before, "--", *paths)
