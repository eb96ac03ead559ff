"""Every program polisi starts dies with it, even when polisi is stopped with ``kill -9``.

Nothing in polisi runs after a ``kill -9``, so only the kernel can stop its children:
each asks for ``PR_SET_PDEATHSIG`` before it runs (:mod:`polisi.processes`). These
tests kill a real polisi while its child is busy and look in ``/proc`` for survivors:
``polisi serve`` with MkDocs' server listening on its port, and pandoc in the middle of a
conversion (reading a document that never ends, from a pipe the test keeps open, so
nothing but its parent's death can stop it). The PDF render workers are killed the same
way in ``test_generations.py``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .site.site_handbook import AS_OF, write_handbook

SRC = Path(__file__).resolve().parents[1] / "src"
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG and /proc are Linux's")


def children_of(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of every living process whose parent is ``pid``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append((int(proc.name), cmdline))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"


def wait_for(condition: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} within {seconds} s")


def kill_9_and_assert_gone(parent: subprocess.Popen[bytes], child: int) -> None:
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=30)
    try:
        wait_for(lambda: not alive(child), 10, f"child {child} did not die with its parent")
    finally:
        if alive(child):
            os.kill(child, signal.SIGKILL)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_mkdocs_server_dies_with_polisi_serve(tmp_path: Path) -> None:
    root = write_handbook(tmp_path / "handbook")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    serve = subprocess.Popen(
        [sys.executable, "-m", "polisi", "serve", str(root), "--as-of", AS_OF.isoformat(), "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: listening(port), 60, "polisi serve never listened")
        mkdocs = [pid for pid, cmdline in children_of(serve.pid) if "mkdocs serve" in cmdline]
        assert len(mkdocs) == 1, children_of(serve.pid)
        kill_9_and_assert_gone(serve, mkdocs[0])
    finally:
        if serve.poll() is None:
            serve.kill()
    wait_for(lambda: not listening(port), 10, "the port was still served")


def test_pandoc_dies_with_polisi_mid_conversion() -> None:
    # pandoc reads its input from the parent's standard input: a pipe this test holds open and
    # never finishes, so pandoc waits for more until something kills it
    script = "from polisi.word.pandoc import run_pandoc; run_pandoc(['-f', 'markdown', '-t', 'html'])"
    parent = subprocess.Popen([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(SRC)},
                              stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert parent.stdin is not None
    try:
        parent.stdin.write(b"# A policy that never ends\n\n")
        parent.stdin.flush()
        def converting() -> list[int]:  # not pypandoc's own "pandoc --version" on the way
            return [pid for pid, cmd in children_of(parent.pid) if "pandoc" in cmd and "--sandbox" in cmd]

        wait_for(converting, 30, "pandoc never started")
        (pandoc,) = converting()
        time.sleep(0.5)
        assert alive(pandoc)  # still waiting for the rest of its input
        kill_9_and_assert_gone(parent, pandoc)
    finally:
        parent.stdin.close()
        if parent.poll() is None:
            parent.kill()
