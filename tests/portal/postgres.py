"""A throw-away PostgreSQL 15 cluster for the tests: Debian's initdb and pg_ctl in a temporary folder.

The server listens on 127.0.0.1 only, on a free port, with a Unix socket in the same folder. It
refuses to run as root, so as root the cluster belongs to ``nobody``.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")
USER = "polisi"


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
        self._run("pg_ctl", "-D", str(self.data), "-l", str(folder / "server.log"), "-w", "-t", "60", "start",
                  "-o", f"-h 127.0.0.1 -p {self.port} -k {folder} -c fsync=off -c max_connections=120")

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([str(BIN / tool), *args], check=True, capture_output=True, preexec_fn=self.preexec,
                       cwd=self.folder, timeout=120)

    def url(self, database: str) -> str:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname="postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{database}"')
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


def available() -> bool:
    return (BIN / "initdb").is_file()
