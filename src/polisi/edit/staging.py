"""All-or-nothing file changes for the commands that write to the handbook.

A command writes its files, checks them, then commits; if anything fails on the
way (the check, a git hook, a missing identity, a tag that exists) every file is
put back byte for byte and any folder it created is removed, so the repository
is exactly as it was. git's own part (index, HEAD, tags) is put back by
``history.git.commit_files``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

Write = Callable[[str, str], None]


@contextmanager
def staged_files(root: Path) -> Iterator[Write]:
    """Yield ``write(relative_path, text)``; on any exception, undo every write and re-raise."""
    originals: dict[Path, bytes | None] = {}
    created: list[Path] = []

    def write(rel: str, text: str) -> None:
        file = root / rel
        if file not in originals:
            originals[file] = file.read_bytes() if file.exists() else None
        missing = [p for p in reversed(file.parents) if not p.exists()]
        for folder in missing:
            folder.mkdir()
            created.append(folder)
        file.write_bytes(text.encode("utf-8"))

    try:
        yield write
    except BaseException:
        for file, raw in originals.items():
            if raw is None:
                file.unlink(missing_ok=True)
            else:
                file.write_bytes(raw)
        for folder in reversed(created):
            folder.rmdir()
        raise
