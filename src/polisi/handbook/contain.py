"""The one door through which an output reads a file the handbook names.

A picture or attachment a document links to is copied into the site, embedded
in a PDF or handed to Word. Whoever can edit one document must not be able to
reach past the handbook that way: not with ``../`` or an absolute path, not
through a symbolic link that leads out (``media/passwd.png -> /etc/passwd``), and
not into what the handbook holds but never publishes (``.git``, the build folder,
the signing key and its passphrase). :func:`handbook_file` answers for every
renderer; :func:`refusal` says why, for ``polisi check``.
"""

from __future__ import annotations

import os
import posixpath
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from polisi.handbook.config import Config

PRIVATE_FOLDERS = (".git",)
"""Folders of the handbook that are never published, besides the build folder."""


def private_paths(root: Path, config: Config) -> tuple[Path, ...]:
    """Real paths inside the handbook that no output may read: git's store, the build folder, the signing files."""
    signing = config.signing
    return _private(root, (config.build_dir, *PRIVATE_FOLDERS, signing.pkcs12 or "", signing.passphrase_file or ""))


@lru_cache(maxsize=64)
def _private(root: Path, named: tuple[str, ...]) -> tuple[Path, ...]:
    return tuple((root / entry).resolve() for entry in named if entry)


def refusal(root: Path, config: Config, relative: str) -> tuple[str, str] | None:
    """Why the handbook-relative path ``relative`` (as written, maybe %-encoded) may not be read:
    (finding code, reason), or ``None`` when it may.

    ``root`` must already be resolved. The real path (every link on the way followed) decides;
    only when it leads out is each component looked at, to name the link that does it
    (``media/etc -> /etc``).
    """
    path = posixpath.normpath(unquote(relative))
    if path.startswith("/"):
        return "ABSOLUTE_PATH", "is an absolute path; an output reads only files inside the handbook"
    if path == ".." or path.startswith("../"):
        return "OUTSIDE_HANDBOOK", "points outside the handbook"
    real = os.path.realpath(os.path.join(root, path))
    if not _within(real, str(root)):
        current = root
        for part in Path(path).parts:
            current = current / part
            if current.is_symlink() and not current.resolve().is_relative_to(root):
                link = current.relative_to(root).as_posix()
                return "SYMLINK_OUTSIDE", f"goes through {link}, a symbolic link leading outside the handbook"
        return "OUTSIDE_HANDBOOK", "points outside the handbook"
    for private in private_paths(root, config):
        if _within(real, str(private)):
            return "NOT_PUBLISHABLE", "points at a file the handbook never publishes (git, build or signing files)"
    return None


def _within(real: str, folder: str) -> bool:
    """Whether the real path ``real`` is ``folder`` or inside it: ``Path.is_relative_to`` on strings,
    since this runs for every document and every reference of every check."""
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def handbook_file(root: Path, config: Config, relative: str) -> Path | None:
    """The real path of the regular file ``relative`` names inside the handbook, or ``None``."""
    if refusal(root, config, relative) is not None:
        return None
    real = (root / posixpath.normpath(unquote(relative))).resolve()
    return real if real.is_file() else None
