"""Rebuilding only the pages whose staged Markdown changed, with a full build whenever it must.

Each site build stages every page afresh (cheap), then brings a cache of the
last build up to date: the staged tree is compared file by file with the
cached one, and MkDocs rebuilds only the pages whose Markdown changed
(``mkdocs build --dirty``). This is safe because a page's HTML depends only on
its own Markdown, the MkDocs configuration (navigation included, which is the
same few entries on every page) and the theme: when the configuration, the
theme override, polisi or Material changes, or the cache is missing or was
left by a failed build, the build is a full one. MkDocs' search plugin indexes
only the pages it built in a dirty build, so the previous index's entries for
the other pages are carried over, as Material itself does under
``mkdocs serve --dirty``.

The cache lives in ``build/cache/``; the published folder is still written
through ``replace_folder``, so a failed build leaves it as it was.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from polisi.errors import BuildError

SEARCH_INDEX = Path("search") / "search_index.json"
STAMP = "polisi-site-stamp.json"


@dataclass(frozen=True)
class Changes:
    """What changed between two staged trees, as paths relative to the staging folder."""

    changed: frozenset[str]
    removed: frozenset[str]

    def full_build_needed(self) -> bool:
        """Anything but page Markdown and copied files under ``docs/`` (the configuration, the
        theme override) can change every page."""
        return any(not path.startswith("docs/") for path in self.changed | self.removed)


def cache_paths(cache: Path) -> tuple[Path, Path]:
    """(staging folder, site folder) of a cache: the MkDocs configuration names both."""
    return cache / "staging", cache / "site"


def build_incrementally(staged: Path, cache: Path, run: Callable[[list[str]], None]) -> Path:
    """Bring ``cache`` up to date with the freshly ``staged`` tree and return the built site in it.

    ``staged`` holds ``docs/``, ``overrides/`` and a ``mkdocs.yml`` naming the folders of
    :func:`cache_paths`; ``run`` runs MkDocs with the given arguments and fails on any warning.
    """
    staging, site = cache_paths(cache)
    stamp = _stamp()
    full = not (site / SEARCH_INDEX).is_file() or _read_stamp(cache) != stamp
    changes = sync_tree(staged, staging)
    full = full or changes.full_build_needed()
    previous_index = None if full else (site / SEARCH_INDEX).read_text(encoding="utf-8")
    (cache / STAMP).unlink(missing_ok=True)
    try:
        if full:
            shutil.rmtree(site, ignore_errors=True)
        else:
            _remove_pages(site, changes.removed)
        config = staging / "mkdocs.yml"
        run(["build", "--config-file", str(config), *([] if full else ["--dirty"])])
        if previous_index is not None:
            _merge_search_index(site, previous_index, changes)
    except BaseException:
        shutil.rmtree(cache, ignore_errors=True)
        raise
    (cache / STAMP).write_text(json.dumps(stamp), encoding="utf-8")
    return site


def sync_tree(source: Path, target: Path) -> Changes:
    """Make ``target`` hold exactly ``source``'s files, rewriting only those whose bytes differ
    (so their modification time is newer than the pages built from them), and say which."""
    target.mkdir(parents=True, exist_ok=True)
    wanted = {p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()}
    changed = set()
    for rel in wanted:
        new, old = source / rel, target / rel
        if not old.is_file() or old.read_bytes() != new.read_bytes():
            old.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(new, old)
            changed.add(rel)
    removed = set()
    for old in sorted(target.rglob("*"), reverse=True):
        rel = old.relative_to(target).as_posix()
        if old.is_file() and rel not in wanted:
            old.unlink()
            removed.add(rel)
        elif old.is_dir() and not any(old.iterdir()):
            old.rmdir()
    return Changes(frozenset(changed), frozenset(removed))


def _stamp() -> dict[str, str]:
    """What every page depends on besides the staged files (the configuration is one of those)."""
    return {
        "polisi": version("polisi"),
        "mkdocs": version("mkdocs"),
        "mkdocs-material": version("mkdocs-material"),
    }


def _read_stamp(cache: Path) -> dict[str, str] | None:
    try:
        return json.loads((cache / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _built_path(staged: str) -> str:
    """``docs/policies/POL-SAF-01.md`` -> ``policies/POL-SAF-01.html``; copied files keep their path."""
    rel = staged.removeprefix("docs/")
    return rel[:-3] + ".html" if rel.endswith(".md") else rel


def _remove_pages(site: Path, removed: frozenset[str]) -> None:
    for staged in removed:
        (site / _built_path(staged)).unlink(missing_ok=True)


def _merge_search_index(site: Path, previous: str, changes: Changes) -> None:
    """The previous index's entries for pages not rebuilt, then the rebuilt pages' new entries."""
    try:
        old, new = json.loads(previous), json.loads((site / SEARCH_INDEX).read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BuildError(f"site not built: the search index could not be read: {exc}") from None
    redone = {_built_path(p) for p in changes.changed | changes.removed if p.endswith(".md")}
    kept = [entry for entry in old["docs"] if entry["location"].split("#")[0] not in redone]
    rebuilt = [entry for entry in new["docs"] if entry["location"].split("#")[0] in redone]
    new["docs"] = kept + rebuilt
    (site / SEARCH_INDEX).write_text(json.dumps(new, ensure_ascii=False), encoding="utf-8")
