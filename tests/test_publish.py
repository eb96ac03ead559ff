"""Outputs are swapped in whole, readable by others, and a failure leaves the old output."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from polisi.publish import replace_folder


def test_success_replaces_the_folder_and_is_world_readable(tmp_path: Path) -> None:
    target = tmp_path / "site"
    target.mkdir()
    (target / "old.html").write_text("old")
    with replace_folder(target) as out:
        (out / "new.html").write_text("new")
    assert [p.name for p in target.iterdir()] == ["new.html"]
    assert target.stat().st_mode & stat.S_IROTH and target.stat().st_mode & stat.S_IXOTH
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_failure_leaves_the_previous_output(tmp_path: Path) -> None:
    target = tmp_path / "site"
    target.mkdir()
    (target / "old.html").write_text("old")
    with pytest.raises(RuntimeError), replace_folder(target) as out:
        (out / "half.html").write_text("half")
        raise RuntimeError("renderer failed")
    assert [p.name for p in target.iterdir()] == ["old.html"]
    assert [p.name for p in tmp_path.iterdir()] == ["site"]
