"""The test PostgreSQL server dies with the test process, however that process dies.

A pytest killed part-way (a CI timeout, ``kill -9``) runs no teardown; a server it left would keep
its port, its shared memory and ~40 MB in /tmp for as long as the machine runs.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from postgres import PREFIX, available

pytestmark = pytest.mark.skipif(not available(), reason="PostgreSQL 15 is not installed")

STARTER = f"""
import sys, tempfile, time
from pathlib import Path
sys.path.insert(0, {str(Path(__file__).parent)!r})
from postgres import Cluster
cluster = Cluster(Path(tempfile.mkdtemp(prefix={PREFIX!r})))
print(cluster.server.pid, cluster.folder, flush=True)
time.sleep(600)
"""


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_a_killed_test_process_takes_its_postgres_server_with_it() -> None:
    starter = subprocess.Popen([sys.executable, "-c", STARTER], stdout=subprocess.PIPE, text=True)
    assert starter.stdout is not None
    pid_text, folder = starter.stdout.readline().split()
    server = int(pid_text)
    assert _running(server)
    assert Path(folder, "data", "postmaster.pid").read_text().split()[0] == pid_text
    os.kill(starter.pid, signal.SIGKILL)
    starter.wait()
    deadline = time.monotonic() + 20
    while _running(server) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(server)
    assert Path(folder).parent == Path(tempfile.gettempdir())
    shutil.rmtree(folder)
