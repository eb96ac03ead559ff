"""Outputs change together: ``kill -9`` at random moments, a second build, a damaged cache.

``polisi build all`` runs as a real process on a real git handbook and is killed
at random moments while it rebuilds after a commit. After every kill the
published set must be the previous one or the new one, never a mix: every
file verifies (``polisi verify`` and poppler's ``pdfsig``), the bundle's signed
manifest matches the PDFs and Word copies beside it, and no worker or ``git``
process of the killed build lives on. The next build clears what the killed
ones left, a second build running at the same time is refused with one line,
and a damaged cache is rebuilt rather than fatal.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from polisi.publish import build_lock

from .pdf_handbook import AS_OF, git

SRC = Path(__file__).resolve().parents[1] / "src"
TRIALS = 2


def polisi(root: Path, tmp: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "TMPDIR": str(tmp)}
    return subprocess.Popen([sys.executable, "-m", "polisi", *args], cwd=root, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finished(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=600)
    return process.returncode, out, err


def published(root: Path) -> dict[str, str]:
    """SHA-256 of every published PDF and Word copy and the bundle with its manifest."""
    build = root / "build"
    files = [p for folder in ("pdf", "docx", "bundle") for p in sorted((build / folder).glob("*"))]
    return {p.relative_to(build).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def assert_everything_verifies(root: Path, tmp: Path) -> None:
    build = root / "build"
    files = [build / "bundle" / "inspector-bundle.pdf", *sorted((build / "pdf").glob("*.pdf"))]
    status, out, err = finished(polisi(root, tmp, "verify", *map(str, files)))
    assert status == 0, out + err
    assert out.splitlines()[0].endswith("manifest manifest.json: every file matches")
    for path in files:
        check = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
        assert "Signature Validation: Signature is Valid." in check, path
    site = build / "site"
    assert (site / "bundle" / "inspector-bundle.pdf").read_bytes() == files[0].read_bytes()
    for copy in (site / "pdf").glob("*.pdf"):
        assert copy.read_bytes() == (build / "pdf" / copy.name).read_bytes(), copy.name


def leftovers_of(root: Path) -> list[str]:
    """Processes still running in the handbook or on its command line (render workers, git)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(proc / "cwd")
        except OSError:
            continue
        if str(root) in cmdline or cwd == str(root):
            found.append(f"{proc.name}: {cmdline.strip()}")
    return found


def edit_draft(root: Path, n: int) -> None:
    """A new commit of the draft procedure: its PDF, the manifest and so the bundle all change."""
    draft = root / "procedures" / "PRO-SAF-02.md"
    draft.write_text(draft.read_text(encoding="utf-8") + f"\nRevision {n}: ring the duty team.\n", encoding="utf-8")
    git(root, "commit", "-qam", f"Draft revision {n}", date=f"2026-04-{n + 2:02d}T10:00:00+01:00")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_at_random_moments_leaves_the_old_set_or_the_new(built: Path, tmp_path: Path) -> None:
    if not Path("/usr/bin/pdfsig").exists():
        pytest.skip("poppler's pdfsig is not installed")
    root = tmp_path / "handbook"
    shutil.copytree(built, root)  # a copy follows the output links: the first build below moves it over
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    sets = [published(root)]
    chance = random.Random(11)
    for trial in range(1, TRIALS + 1):
        edit_draft(root, trial)
        build = polisi(root, tmp, "build", "all", "--as-of", AS_OF)
        time.sleep(chance.uniform(0.5, 7.0))
        build.send_signal(signal.SIGKILL)
        build.communicate(timeout=60)
        deadline = time.monotonic() + 10
        while leftovers_of(root) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert leftovers_of(root) == [], f"trial {trial}"
        assert_everything_verifies(root, tmp)
        sets.append(published(root))
    status, out, err = finished(polisi(root, tmp, "build", "all", "--as-of", AS_OF))
    assert status == 0, err
    final = published(root)
    assert_everything_verifies(root, tmp)
    # each kill left one whole set: the one before it, or a newer one in which the draft's PDF and
    # the bundle that signs its hash changed together
    for before, after in zip(sets, [*sets[1:], final], strict=True):
        changed = {name for name in after if before.get(name) != after[name]}
        assert changed in (set(), {"pdf/PRO-SAF-02.pdf", "bundle/inspector-bundle.pdf", "bundle/manifest.json"})
    build = root / "build"
    assert sorted(p.name for p in build.iterdir()) == [".current", ".generations", ".lock", "bundle", "cache",
                                                       "docx", "pdf", "site"]
    assert len(list((build / ".generations").iterdir())) == 1  # killed builds' generations are gone
    assert [p.name for p in tmp.iterdir()] == []  # and nothing of theirs in the system's temporary folder


def test_a_second_build_at_the_same_time_is_refused_with_one_line(base_handbook: Path, tmp_path: Path) -> None:
    build = base_handbook / "build"
    with build_lock(build):  # a build holds the lock (this test process plays it)
        status, out, err = finished(polisi(base_handbook, tmp_path, "build", "pdf", "--as-of", AS_OF))
    assert status == 2
    assert err.splitlines() == [f"polisi: error: another build is writing {build} (process {os.getpid()}); "
                                "wait for it to finish, then build again"]
    assert not (build / "pdf").exists()


def test_a_damaged_cache_is_rebuilt_not_fatal(built: Path, tmp_path: Path) -> None:
    root = tmp_path / "handbook"
    shutil.copytree(built, root)
    cache = root / "build" / "cache"
    entries = json.loads((cache / "pdf.json").read_text(encoding="utf-8"))
    entries["documents"]["POL-SAF-01"] = ["not", "an", "entry"]
    (cache / "pdf.json").write_text(json.dumps(entries), encoding="utf-8")
    (cache / "bundle.json").write_text("[1, 2", encoding="utf-8")
    parts = sorted((cache / "bundle-parts").glob("*.pdf"))
    parts[0].write_bytes(parts[0].read_bytes()[:100])  # a truncated part
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    status, out, err = finished(polisi(root, tmp, "build", "all", "--as-of", AS_OF))
    assert status == 0, err
    assert "4 PDFs (1 rendered, 3 unchanged)" in out and "1 part laid out" in out
    assert_everything_verifies(root, tmp)
