"""Rebuilding only the pages whose staged Markdown changed, with a full build whenever it must.

Each site build stages its pages into the staging folder of a cache of the
last build, rewriting only the files whose bytes change
(:mod:`polisi.render.site_tree`; document pages whose inputs did not change are
not even rendered, :mod:`polisi.render.site_pages`), and MkDocs rebuilds only
the pages whose Markdown changed (``mkdocs build --dirty``). This is safe because a page's HTML depends only on
its own Markdown, the MkDocs configuration (navigation included, which is the
same few entries on every page) and the theme: when the configuration, the
theme override, polisi or Material changes, or the cache is missing or was
left by a failed build, the build is a full one. MkDocs' search plugin indexes
only the pages it built in a dirty build, so the previous index's entries for
the other pages are carried over, as Material itself does under
``mkdocs serve --dirty``.

The cache lives in ``build/cache/``; the published folder is still written
through ``replace_folder``, so a failed build leaves it as it was (and a failed
build removes the cache, so the next build is a full one). Publishing links
the files MkDocs did not rebuild from the previous publication rather than
copying the whole site again (:func:`publish_copy`).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import stat
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from polisi.errors import BuildError
from polisi.render.site_pages import PageCache, code_fingerprint
from polisi.render.site_tree import Changes, StagedTree

SEARCH_INDEX = Path("search") / "search_index.json"
STAMP = "polisi-site-stamp.json"
NONCE = "sanitiser-nonce"
PAGES = "staged-pages.json"
MKDOCS_YML = "mkdocs.yml"
STAGED = ("docs", "overrides", MKDOCS_YML)
"""What a build stages: the pages, the theme override and the configuration naming them."""


def cache_paths(cache: Path) -> tuple[Path, Path]:
    """(staging folder, site folder) of a cache: the MkDocs configuration names both."""
    return cache / "staging", cache / "site"


def cache_nonce(cache: Path) -> str:
    """The sanitiser's marker nonce for builds from this cache: random, made with the cache and
    kept with it, because a new nonce each build would change every staged page and make every
    build a full one. It is as private as the build folder it lives in."""
    path = cache / NONCE
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        cache.mkdir(parents=True, exist_ok=True)
        nonce = secrets.token_hex(16)
        path.write_text(nonce, encoding="utf-8")
        return nonce


def build_incrementally(
    cache: Path, stage: Callable[[StagedTree, PageCache], None], run: Callable[[list[str]], None]
) -> Path:
    """Bring ``cache`` up to date and return the built site in it.

    ``stage`` writes ``docs/``, ``overrides/`` and a ``mkdocs.yml`` naming the folders of
    :func:`cache_paths` into the staging tree it is given, using the page records of the last
    build; ``run`` runs MkDocs with the given arguments and fails on any warning.
    """
    staging, site = cache_paths(cache)
    stamp = _stamp()
    full = not (site / SEARCH_INDEX).is_file() or _read_stamp(cache) != stamp
    (cache / STAMP).unlink(missing_ok=True)
    pages = PageCache.take(cache / PAGES)
    try:
        staging.mkdir(parents=True, exist_ok=True)
        tree = StagedTree(staging, STAGED)
        stage(tree, pages)
        changes = tree.finish()
        full = full or changes.full_build_needed()
        previous_index = None if full else (site / SEARCH_INDEX).read_text(encoding="utf-8")
        if full:
            shutil.rmtree(site, ignore_errors=True)
        else:
            _remove_pages(site, changes.removed)
        config = staging / MKDOCS_YML
        run(["build", "--config-file", str(config), *([] if full else ["--dirty"])])
        if previous_index is not None:
            _merge_search_index(site, previous_index, changes)
    except BaseException:
        shutil.rmtree(cache, ignore_errors=True)
        raise
    pages.save(cache / PAGES)
    (cache / STAMP).write_text(json.dumps(stamp), encoding="utf-8")
    return site


def publish_copy(built: Path, out: Path, previous: Path) -> None:
    """Copy the built site to ``out``, linking instead each file the previous publication
    (``previous``) holds as it was built: same size and modification time. A published file is
    never written again (every build publishes a new folder), and MkDocs rewrites every page it
    builds, so a file it did not rebuild still has the time it was copied with."""
    for folder, _, names in os.walk(built):
        here = Path(folder).relative_to(built)
        (out / here).mkdir(parents=True, exist_ok=True)
        for name in names:
            new, old, copy = Path(folder, name), previous / here / name, out / here / name
            if _same_build(new, old):
                try:
                    os.link(old, copy)
                    continue
                except OSError:
                    pass
            shutil.copy2(new, copy)


def _same_build(new: Path, old: Path) -> bool:
    try:
        a, b = new.stat(), old.lstat()
    except OSError:
        return False
    return stat.S_ISREG(b.st_mode) and (a.st_size, a.st_mtime_ns) == (b.st_size, b.st_mtime_ns)


def _stamp() -> dict[str, str]:
    """What every page depends on besides the staged files (the configuration is one of those)."""
    return {
        "polisi": version("polisi"),
        "mkdocs": version("mkdocs"),
        "mkdocs-material": version("mkdocs-material"),
        "code": code_fingerprint(),
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
