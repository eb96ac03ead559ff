"""Writing outputs so that readers only ever see a whole, consistent set.

Every renderer writes into a fresh temporary folder beside its target; only
when it has finished is the old output swapped for the new one
(:func:`replace_folder`). Above that, a build writes all its outputs into a new
*generation* (:func:`new_generation`): a folder under ``build/.generations``
seeded with hard links to the current outputs. When every stage has finished,
one atomic rename of the ``build/.current`` link makes the new set current;
``build/pdf``, ``build/docx``, ``build/bundle`` and ``build/site`` are links
through it. So a build killed at any moment leaves the previous set or the new
one, never a mix, and the next build (:func:`build_lock`) removes what the
killed one left behind. Two builds of one handbook never run at once.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from polisi.errors import PolisiError

OUTPUTS = ("pdf", "docx", "bundle", "site", "preview")
"""The published folders of the build folder, each a link to the current generation's."""
GENERATIONS = ".generations"
CURRENT = ".current"
LOCK = ".lock"
CACHE = "cache"
STALE_PREFIXES = (".pdf-new-", ".docx-new-", ".bundle-new-", ".site-new-", ".polisi-", ".signing-", ".current-")
"""Temporary folders and links a killed build leaves in the build folder (and in each generation)."""


class BuildLocked(PolisiError):
    """Another build of the same handbook is running; this one could not run (exit status 2)."""

    exit_status = 2


def _folder_mode() -> int:
    """The mode an ordinary ``mkdir`` would give under the current umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


@contextmanager
def replace_folder(target: Path) -> Iterator[Path]:
    """Yield an empty folder to write into; on success it becomes ``target``.

    On any exception the temporary folder is removed and ``target`` is untouched. A ``target``
    that is a link (``build/pdf`` into the current generation) is replaced where it leads.
    """
    if target.is_symlink():
        target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    staging.chmod(_folder_mode())  # mkdtemp makes a private folder; outputs are for others to read
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    retired = target.parent / f".{target.name}-old"
    shutil.rmtree(retired, ignore_errors=True)
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)


@contextmanager
def build_lock(build: Path) -> Iterator[None]:
    """Hold the build folder's lock for one build, then clear what killed builds left behind.

    The lock is an advisory ``flock`` on ``build/.lock``: the kernel releases it when the
    process dies, however it dies, so a killed build never leaves the folder locked.
    """
    build.mkdir(parents=True, exist_ok=True)
    with (build / LOCK).open("a+", encoding="ascii") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildLocked(f"another build is writing {build} (process {holder}); "
                              "wait for it to finish, then build again") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        remove_stale(build)
        try:
            with _temporary_folder_in(build):
                yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _temporary_folder_in(build: Path) -> Iterator[None]:
    """Every temporary file of the build (ours, WeasyPrint's fonts, the workers') goes under the
    build folder, where :func:`remove_stale` finds what a killed build could not delete."""
    folder = Path(tempfile.mkdtemp(prefix=".polisi-tmp-", dir=build))
    before = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = before
        shutil.rmtree(folder, ignore_errors=True)


def remove_stale(build: Path) -> None:
    """Delete staging folders and generations no link points at: the leftovers of a killed build."""
    current = _current_generation(build)
    for folder in [build, *([current] if current else [])]:
        for path in folder.glob(".*"):
            if path.name.startswith(STALE_PREFIXES) or path.name.endswith("-old"):
                _remove(path)
    generations = build / GENERATIONS
    if generations.is_dir():
        for path in generations.iterdir():
            if current is None or path.resolve() != current.resolve():
                _remove(path)


def _remove(path: Path) -> None:
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def _current_generation(build: Path) -> Path | None:
    current = build / CURRENT
    return current.resolve() if current.is_symlink() and current.resolve().is_dir() else None


@contextmanager
def new_generation(build: Path) -> Iterator[Path]:
    """Yield a new generation folder holding hard links to the current outputs; on success it
    becomes current in one rename. On any exception it is removed and nothing visible changes.

    Renderers replace whole folders inside it and never write into a linked file, so the
    previous generation stays exactly as it was. The cache is shared between generations
    (``<generation>/cache`` links to ``build/cache``).
    """
    (build / CACHE).mkdir(parents=True, exist_ok=True)
    (build / GENERATIONS).mkdir(exist_ok=True)
    generation = Path(tempfile.mkdtemp(prefix="g-", dir=build / GENERATIONS))
    generation.chmod(_folder_mode())
    try:
        seed = _current_generation(build) or build
        for name in OUTPUTS:
            if (seed / name).is_dir():
                shutil.copytree(seed / name, generation / name, symlinks=True, copy_function=os.link)
        (generation / CACHE).symlink_to(os.path.relpath(build / CACHE, generation))
        yield generation
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    _make_current(build, generation)


def _make_current(build: Path, generation: Path) -> None:
    """Point ``build/.current`` at ``generation`` atomically, then give each output its link."""
    current = build / CURRENT
    link = build / f".current-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(os.path.relpath(generation, build))
    if current.exists() and not current.is_symlink():  # a copy that followed the links
        shutil.rmtree(current)
    os.replace(link, current)  # the one step that publishes: readers see the old set or the new
    for name in OUTPUTS:
        visible = build / name
        if visible.is_symlink() or not (generation / name).is_dir():
            continue
        if visible.exists():  # an older layout, or a copy that followed the links
            retired = build / f".{name}-old"
            _remove(retired)
            visible.rename(retired)
            _remove(retired)
        visible.symlink_to(f"{CURRENT}/{name}")
    remove_stale(build)


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8) beside ``path`` and rename it into place: a killed build
    never leaves half a file, and a reader (MkDocs' watcher) never sees one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    temporary.replace(path)


def public_path(path: Path) -> Path:
    """Where a file written into a generation is seen once it is current (``build/pdf/...``)."""
    parts = path.parts
    if GENERATIONS in parts:
        at = parts.index(GENERATIONS)
        if at + 2 <= len(parts):
            return Path(*parts[:at], *parts[at + 2:])
    return path
