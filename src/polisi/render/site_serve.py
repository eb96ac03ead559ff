"""``polisi serve``: a live preview of the site that rebuilds when a source file changes.

MkDocs' own development server serves a staging folder and reloads the
browser, rebuilding only the pages whose staged Markdown changed (``--dirty``;
Material keeps the search index whole across such rebuilds); polisi watches
the handbook (with watchdog) and re-stages the pages whenever a document,
``polisi.yml``, ``mkdocs.yml`` or a reference file changes. A change that fails
the checks is reported and the preview keeps showing the last good version.

Only events that can change a file (created, modified, deleted, moved) count:
watchdog also reports files being opened and closed unwritten, and the rebuild
reads every source, so counting those would make each rebuild trigger the next.
A burst of events (an editor's save-rename-chmod) is waited out, then the
sources' content is compared with what was last built, so a save that changes
nothing, or an edit undone within the burst, rebuilds nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import FrameType

from polisi.check.gate import load_checked
from polisi.errors import PolisiError
from polisi.handbook.model import LoadMemo
from polisi.history.git import load_history
from polisi.output import format_report
from polisi.render.site import mkdocs_command, mkdocs_environment, plan_site, site_config
from polisi.render.site_config import site_config_text
from polisi.render.site_incremental import MKDOCS_YML, STAGED
from polisi.render.site_pages import PageCache
from polisi.render.site_stage import stage_site
from polisi.render.site_tree import StagedTree

Say = Callable[[str], None]
DEBOUNCE_SECONDS = 0.3
"""How long the sources must be quiet before a burst of changes is rebuilt, once."""
IGNORED_PARTS = frozenset({".git", "__pycache__", ".venv", "node_modules"})
CONTENT_EVENTS = frozenset({"created", "modified", "deleted", "moved"})
"""watchdog event types that can change what a file holds; ``opened`` and ``closed_no_write``
(reported when the rebuild reads a source) cannot."""


def serve(root: Path, as_of: date | None, *, include_drafts: bool, port: int, say: Say) -> None:
    """Serve the preview on 127.0.0.1:``port`` until interrupted."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    live = Path(tempfile.mkdtemp(prefix="polisi-serve-"))
    changed = threading.Event()
    ignored = IGNORED_PARTS | {build_dir_name(root)}
    watched = root.resolve()
    pages = PageCache()
    memo: LoadMemo = {}

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.event_type not in CONTENT_EVENTS:
                return
            paths = [event.src_path, getattr(event, "dest_path", "")]
            if any(_watched_path(watched, str(p), ignored) for p in paths if p):
                changed.set()

    observer = Observer()
    process: subprocess.Popen[bytes] | None = None
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        built = sources_fingerprint(watched, ignored)
        restage(root, as_of, include_drafts, live, pages, memo)
        observer.schedule(Handler(), str(watched), recursive=True)
        observer.start()
        process = subprocess.Popen(
            mkdocs_command(
                [
                    "serve",
                    "--dirty",
                    "--config-file",
                    str(live / MKDOCS_YML),
                    "--dev-addr",
                    f"127.0.0.1:{port}",
                ]
            ),
            env=mkdocs_environment(),
        )
        say(f"polisi: previewing {root} at http://127.0.0.1:{port}/ (Ctrl+C to stop)")
        while process.poll() is None:
            if not changed.wait(0.5):
                continue
            _wait_out_burst(changed)
            now = sources_fingerprint(watched, ignored)
            if now == built:
                continue
            built = now
            try:
                restage(root, as_of, include_drafts, live, pages, memo)
                say("polisi: source changed; preview rebuilt")
            except PolisiError as exc:
                report = getattr(exc, "report", None)
                if report is not None:
                    say(format_report(report, "text"))
                say(f"polisi: error: {exc} (the preview still shows the last good version)")
    finally:
        signal.signal(signal.SIGTERM, previous)
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
        if observer.is_alive():
            observer.stop()
            observer.join()
        shutil.rmtree(live, ignore_errors=True)


def _wait_out_burst(changed: threading.Event) -> None:
    """Return once no change has been reported for :data:`DEBOUNCE_SECONDS`."""
    while True:
        changed.clear()
        if not changed.wait(DEBOUNCE_SECONDS):
            return


def _watched_path(watched: Path, path: str, ignored: frozenset[str]) -> bool:
    try:
        parts = Path(path).relative_to(watched).parts
    except ValueError:
        return False
    return not ignored & set(parts)


def sources_fingerprint(root: Path, ignored: frozenset[str]) -> dict[str, str]:
    """Relative path -> content digest of every file a rebuild could read."""
    found: dict[str, str] = {}
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if name not in ignored]
        for name in names:
            path = Path(folder, name)
            try:
                digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
            except OSError:
                continue
            found[path.relative_to(root).as_posix()] = digest
    return found


def build_dir_name(root: Path) -> str:
    """The build folder's name, so that writing outputs does not trigger a rebuild."""
    from polisi.handbook.config import load_config

    return Path(load_config(root).build_dir).parts[0]


def restage(
    root: Path, as_of: date | None, include_drafts: bool, live: Path, pages: PageCache, memo: LoadMemo | None = None
) -> None:
    """Check the whole handbook afresh and bring the pages in ``live`` up to date, rewriting only the
    files whose bytes change (MkDocs' watcher then rebuilds only those). Kept in memory between
    rebuilds: ``pages``, the record of what the last restage wrote (:mod:`polisi.render.site_pages`),
    and ``memo``, each source file's parsed document by its bytes (:func:`load_handbook`)."""
    day = as_of or date.today()
    checked = load_checked(root, day, memo=memo)
    plan = plan_site(checked, load_history(root), day, include_drafts)
    tree = StagedTree(live, STAGED)
    try:
        nav = stage_site(plan, tree, pages)
        tree.write_text(MKDOCS_YML, site_config_text(site_config(plan, nav, live, live / "site")))
    except BaseException:
        pages.records.clear()  # a page written part-way is not what its record says
        raise
    tree.finish()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
