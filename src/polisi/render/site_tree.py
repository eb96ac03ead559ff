"""A staging folder kept between site builds, rewritten only where a file's bytes change.

MkDocs' dirty build (and its development server) rebuilds a page when its
Markdown is newer than the page built from it, so a staged file is written
only when its bytes differ from what the folder holds: an unchanged page keeps
its modification time and is not rebuilt. Whatever a build does not write
again is removed when it finishes. Writing straight into the kept folder, and
comparing there, costs one read per unchanged page instead of staging every
page into a fresh folder and comparing the two trees afterwards.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from polisi.publish import write_atomically

DOCS = "docs"


@dataclass(frozen=True)
class Changes:
    """What a build changed in the staging folder, as paths relative to it."""

    changed: frozenset[str]
    removed: frozenset[str]

    def full_build_needed(self) -> bool:
        """Anything but page Markdown and copied files under ``docs/`` (the configuration, the
        theme override) can change every page."""
        return any(not path.startswith(DOCS + "/") for path in self.changed | self.removed)


class StagedTree:
    """The files of one build under ``root``, limited to ``parts`` (top-level names): other
    folders beside them (``mkdocs serve``'s built site) are never touched."""

    def __init__(self, root: Path, parts: tuple[str, ...]) -> None:
        self.root = root
        self.parts = parts
        self.before = frozenset(_files(root, parts))
        self.kept: set[str] = set()
        self.changed: set[str] = set()

    def write_text(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))

    def write_bytes(self, rel: str, data: bytes) -> None:
        """Hold ``data`` at ``rel``, writing only when the folder does not already hold exactly it."""
        self.kept.add(rel)
        path = self.root / rel
        if rel in self.before and path.stat().st_size == len(data) and path.read_bytes() == data:
            return
        write_atomically(path, data)
        self.changed.add(rel)

    def copy(self, rel: str, source: Path) -> None:
        self.write_bytes(rel, source.read_bytes())

    def keep(self, rel: str) -> bool:
        """Keep ``rel`` as the last build wrote it, when it is there; ``False`` when it is not."""
        if rel not in self.before:
            return False
        self.kept.add(rel)
        return True

    def finish(self) -> Changes:
        """Remove every file this build did not write or keep (and emptied folders); say what changed."""
        removed = self.before - self.kept
        for rel in removed:
            (self.root / rel).unlink(missing_ok=True)
        for part in self.parts:
            top = self.root / part
            if top.is_dir():
                for folder, _, _ in os.walk(top, topdown=False):
                    if Path(folder) != top and not any(Path(folder).iterdir()):
                        Path(folder).rmdir()
        return Changes(frozenset(self.changed), frozenset(removed))


def _files(root: Path, parts: tuple[str, ...]) -> list[str]:
    found = []
    for part in parts:
        top = root / part
        if top.is_file():
            found.append(part)
        for folder, _, files in os.walk(top):
            base = Path(folder).relative_to(root).as_posix()
            found.extend(f"{base}/{name}" for name in files)
    return found
