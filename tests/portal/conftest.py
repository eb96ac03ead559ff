"""Fixtures for the portal tests: one built handbook and one PostgreSQL cluster per session, and a
fresh ledger (SQLite or PostgreSQL) and portal server on 127.0.0.1 for each test."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest
from portal_handbook import STAFF_CSV, run_polisi, write_handbook
from postgres import PREFIX, Cluster, sweep_leftovers
from running import Running

AS_OF = "2026-06-01"
_databases = count(1)


@pytest.fixture(scope="session")
def built_handbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_handbook(tmp_path_factory.mktemp("portal") / "handbook")
    done = run_polisi("build", "site", str(root), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    sweep_leftovers()
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    cluster = Cluster(folder)
    yield cluster
    cluster.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger' / 'portal.sqlite3'}"
    return request.getfixturevalue("pg_cluster").url(f"portal_{next(_databases)}")


@pytest.fixture
def handbook(built_handbook: Path, tmp_path: Path, ledger_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built handbook whose ledger is initialised and holds the three staff."""
    from polisi.handbook.model import load_handbook
    from polisi.ledger.database import open_ledger
    from polisi.ledger.store import import_staff, read_staff_csv

    root = tmp_path / "handbook"
    shutil.copytree(built_handbook, root, symlinks=True)
    monkeypatch.setenv("POLISI_PORTAL_DATABASE", ledger_url)
    engine = open_ledger(load_handbook(root), create=True)
    import_staff(engine, read_staff_csv(STAFF_CSV, "staff.csv"))
    engine.dispose()
    return root


@pytest.fixture
def portal(handbook: Path) -> Iterator[Running]:
    running = Running(handbook)
    yield running
    running.stop()
