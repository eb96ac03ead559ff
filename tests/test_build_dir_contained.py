"""The build folder is one polisi owns: a changed ``polisi.yml`` cannot point a build at other folders.

A build replaces whole folders in the build folder (``pdf``, ``site``, ``docx``,
``bundle``) and deletes what killed builds left there. With ``build_dir: ../neighbour``
a pull request changing one line of ``polisi.yml`` made ``polisi build site`` replace
the folder ``site`` of the project beside the handbook (its files were deleted); an
absolute path or a source folder (``policies``) was as bad. Each is now refused with
one positioned line before anything is built, and the neighbour's folder is untouched.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .pdf_handbook import AS_OF, run


@pytest.mark.parametrize(("value", "why"), [
    ("../neighbour", "build_dir must be a folder inside the handbook (such as build), not '../neighbour'"),
    ("..", "build_dir must be a folder inside the handbook (such as build), not '..'"),
    ("../site-copy", "build_dir must be a folder inside the handbook (such as build), not '../site-copy'"),
    ("/tmp/outputs", "build_dir must be a folder inside the handbook (such as build), not '/tmp/outputs'"),
    ("~/outputs", "build_dir must be a folder inside the handbook (such as build), not '~/outputs'"),
    (".", "build_dir must be a folder inside the handbook (such as build), not '.'"),
    ("policies/out", "build_dir must be a folder of its own, not inside policies/, which holds the handbook's "
                     "own files"),
    (".git", "build_dir must be a folder of its own, not inside .git/, which holds the handbook's own files"),
])
def test_a_build_folder_outside_the_handbook_or_in_its_sources_is_refused(
        tmp_path: Path, value: str, why: str, capsys: pytest.CaptureFixture[str]) -> None:
    beside = tmp_path / "neighbour" / "site"
    beside.mkdir(parents=True)
    (beside / "keep.txt").write_text("someone else's file\n", encoding="utf-8")
    root = tmp_path / "handbook"
    shutil.copytree(Path(__file__).parent / "cases" / "_base", root)
    config = root / "polisi.yml"
    lines = config.read_text(encoding="utf-8").count("\n")
    with config.open("a", encoding="utf-8") as out:
        out.write(f"build_dir: '{value}'\n")
    assert run("build", "site", str(root), "--as-of", AS_OF) == 2
    assert capsys.readouterr().err == f"polisi: error: polisi.yml:{lines + 1}:12: error: CONFIG build_dir: Value " \
                                      f"error, {why}\n"
    assert (beside / "keep.txt").read_text(encoding="utf-8") == "someone else's file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handbook", "neighbour"]
    assert [p.name for p in beside.parent.iterdir()] == ["site"]
