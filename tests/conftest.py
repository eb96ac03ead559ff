"""Shared fixtures: small handbooks made in temporary folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CASES = Path(__file__).parent / "cases"
BASE_HANDBOOK = CASES / "_base"


@pytest.fixture
def base_handbook(tmp_path: Path) -> Path:
    """A copy of the small valid handbook every golden case starts from."""
    root = tmp_path / "handbook"
    shutil.copytree(BASE_HANDBOOK, root)
    return root


from .pdf_handbook import built  # noqa: E402, F401 - session fixture: one real PDF build shared by the PDF tests
