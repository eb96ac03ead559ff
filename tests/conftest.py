"""Shared fixtures: small handbooks made in temporary folders."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CASES = Path(__file__).parent / "cases"
BASE_HANDBOOK = CASES / "_base"


@pytest.fixture(scope="session", autouse=True)
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Demonstration identities go to a folder of this test run, never the user's own (POLISI_KEYS_DIR)."""
    folder = tmp_path_factory.mktemp("polisi-keys")
    before = os.environ.get("POLISI_KEYS_DIR")
    os.environ["POLISI_KEYS_DIR"] = str(folder)
    yield folder
    if before is None:
        del os.environ["POLISI_KEYS_DIR"]
    else:
        os.environ["POLISI_KEYS_DIR"] = before


@pytest.fixture
def base_handbook(tmp_path: Path) -> Path:
    """A copy of the small valid handbook every golden case starts from."""
    root = tmp_path / "handbook"
    shutil.copytree(BASE_HANDBOOK, root)
    return root


from .pdf_handbook import built  # noqa: E402, F401 - session fixture: one real PDF build shared by the PDF tests
