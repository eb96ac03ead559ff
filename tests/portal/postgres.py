"""A throw-away PostgreSQL 15 cluster for the tests: Debian's initdb and postgres in a temporary folder.

The server listens on 127.0.0.1 only, on a free port, with a Unix socket in the same folder. It
refuses to run as root, so as root the cluster belongs to ``nobody``. It is the test process's own
child (not daemonised by pg_ctl) and asks the kernel to kill it when that process dies, so a pytest
killed part-way leaves no server running; folders such runs left behind are swept at the next start.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from polisi.processes import die_with_parent, is_alive

BIN = Path("/usr/lib/postgresql/15/bin")
USER = "polisi"
PREFIX = "polisi-pg-"
STALE_AFTER = 600
"""Seconds after which a cluster folder with no live server is a leftover, not a suite starting up."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner() -> tuple[Callable[[], None] | None, int | None]:
    if os.geteuid() != 0:
        return None, None
    nobody = pwd.getpwnam("nobody")

    def drop() -> None:
        os.setgid(nobody.pw_gid)
        os.setuid(nobody.pw_uid)

    return drop, nobody.pw_uid


def _server_setup(drop: Callable[[], None] | None) -> Callable[[], None]:
    """Drop to the cluster's owner, then ask to die with the test process (a change of user clears
    the request, so it comes second)."""
    parent = os.getpid()

    def setup() -> None:
        if drop is not None:
            drop()
        die_with_parent(parent)

    return setup


def sweep_leftovers() -> None:
    """Remove cluster folders of earlier runs whose server is gone (a run killed before it could clean up)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            pid_file = folder / "data" / "postmaster.pid"
            if pid_file.is_file() and is_alive(int(pid_file.read_text().split()[0])):
                continue
            if time.time() - folder.stat().st_mtime > STALE_AFTER:
                shutil.rmtree(folder, ignore_errors=True)
        except (OSError, ValueError, IndexError):
            continue


class Cluster:
    """One running cluster; ``url(name)`` makes a fresh database and returns its SQLAlchemy URL."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.preexec, uid = _as_owner()
        folder.mkdir(parents=True, exist_ok=True)
        if uid is not None:
            shutil.chown(folder, user=uid)
        self._run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync")
        with (folder / "server.log").open("wb") as log:
            self.server = subprocess.Popen(  # noqa: PLW1509 - the setup only drops privileges and calls prctl
                [str(BIN / "postgres"), "-D", str(self.data), "-h", "127.0.0.1", "-p", str(self.port), "-k",
                 str(folder), "-c", "fsync=off", "-c", "max_connections=120"],
                stdout=log, stderr=subprocess.STDOUT, preexec_fn=_server_setup(self.preexec), cwd=folder)
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            done = subprocess.run([str(BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-t", "2"],
                                  capture_output=True)
            if done.returncode == 0:
                return
            if self.server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not start: {(self.folder / 'server.log').read_text()[-2000:]}")
            time.sleep(0.1)

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([str(BIN / tool), *args], check=True, capture_output=True, preexec_fn=self.preexec,
                       cwd=self.folder, timeout=120)

    def url(self, database: str) -> str:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname="postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{database}"')
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Fast shutdown: SIGINT ends the sessions and stops the server cleanly."""
        self.server.send_signal(signal.SIGINT)
        self.server.wait(timeout=60)


def available() -> bool:
    return (BIN / "initdb").is_file()
