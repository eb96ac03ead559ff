"""Golden cases for `polisi check`: one folder per rule, holding the files that differ from
the base handbook, the command's arguments and its exact expected output.

Adding a rule means adding a folder. To (re)write expected outputs after a deliberate
change, run with POLISI_REGEN_CASES=1 and review the diff before committing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from polisi.cli.main import main

from .conftest import CASES

AS_OF = "2026-11-22"
CASE_DIRS = sorted(p for p in CASES.iterdir() if p.is_dir() and not p.name.startswith("_"))


def _assemble(case: Path, root: Path, spec: dict) -> None:
    overlay = case / "handbook"
    if overlay.is_dir():
        shutil.copytree(overlay, root, dirs_exist_ok=True)
    for rel in spec.get("remove", []):
        (root / rel).unlink()


def run_check(root: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    argv = ["check", str(root), *args]
    if "--as-of" not in args:
        argv += ["--as-of", AS_OF]
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return int(exit_info.value.code or 0), capsys.readouterr().out


@pytest.mark.parametrize("case", CASE_DIRS, ids=[c.name for c in CASE_DIRS])
def test_case(case: Path, base_handbook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = yaml.safe_load((case / "case.yml").read_text()) or {}
    _assemble(case, base_handbook, spec)
    code, out = run_check(base_handbook, [str(a) for a in spec.get("args", [])], capsys)
    actual = f"exit {code}\n{out}"
    expected_file = case / "expected.txt"
    if os.environ.get("POLISI_REGEN_CASES"):
        expected_file.write_text(actual)
    assert actual == expected_file.read_text()
