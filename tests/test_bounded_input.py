"""Bounded work for any input: hostile YAML, Markdown and Word files cost seconds and megabytes, not hours.

Each attack runs ``polisi`` as a real process under an address-space limit
(``RLIMIT_AS``) and a wall-clock timeout, so a regression to exponential or
quadratic behaviour fails here instead of hanging a CI runner; and each ends
in one positioned line, never a traceback or an ``internal error``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .word_fixtures import make_handbook, medicines_docx

SRC = Path(__file__).resolve().parents[1] / "src"
MEMORY = 2 * 2**30
"""Address space allowed to each run: far more than a sane run needs, far less than the attacks once took."""
SECONDS = 120

LAUGHS = "".join(
    ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n']
    + [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]\n" for n in range(1, 10)]
)


def limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def polisi(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, "-m", "polisi", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, check=False, timeout=SECONDS, preexec_fn=limited)


def with_front_matter(base_handbook: Path, extra: str) -> Path:
    policy = base_handbook / "policies" / "POL-SAF-01.md"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("---\n", "---\n" + extra, 1), encoding="utf-8")
    return policy


def test_billion_laughs_in_front_matter_is_refused_at_its_first_alias(base_handbook: Path) -> None:
    with_front_matter(base_handbook, LAUGHS)
    result = polisi("check", base_handbook, "--as-of", "2026-06-01")
    assert result.returncode == 1
    assert ("policies/POL-SAF-01.md:3:10: error: YAML_ALIAS YAML aliases (*l0) are not allowed here; "
            "write the value out") in result.stdout.splitlines()


def test_a_self_referencing_alias_in_polisi_yml_cannot_run(base_handbook: Path) -> None:
    (base_handbook / "polisi.yml").write_text("organisation: &a [*a]\n", encoding="utf-8")
    result = polisi("check", base_handbook, "--as-of", "2026-06-01")
    assert result.returncode == 2
    assert result.stderr == ("polisi: error: polisi.yml:1:19: error: YAML_ALIAS YAML aliases (*a) are not allowed "
                             "here; write the value out\n")


def test_nesting_too_deep_is_a_positioned_error(base_handbook: Path) -> None:
    with_front_matter(base_handbook, "audience: " + "[" * 5000 + "]" * 5000 + "\n")
    result = polisi("check", base_handbook, "--as-of", "2026-06-01")
    assert result.returncode == 1
    assert ("policies/POL-SAF-01.md:2:30: error: YAML_TOO_DEEP lists and mappings are nested more than 20 deep"
            in result.stdout.splitlines())
    assert "RecursionError" not in result.stdout + result.stderr


@pytest.mark.parametrize("line", ["<a " * 300_000, "<" * 1_000_000, "`" * 1_000_000, "` " * 300_000,
                                  "{: " * 300_000, '<img src="x" onerror="y">' * 20_000])
def test_a_megabyte_of_hostile_markup_checks_within_the_limits(base_handbook: Path, line: str) -> None:
    policy = base_handbook / "policies" / "POL-SAF-01.md"
    policy.write_text(policy.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")
    result = polisi("check", base_handbook, "--as-of", "2026-06-01")
    assert result.returncode in (0, 1), result.stderr
    assert "internal error" not in result.stderr
    findings = [f for f in result.stdout.splitlines() if "UNSAFE_HTML" in f]
    assert len(findings) <= 51  # at most 50 per document, then one line summing up the rest


def rebuilt(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    """``source`` with some parts' content replaced (or added), compressed as Word does."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.pop(info.filename, old.read(info.filename)))
        for name, data in replace.items():
            new.writestr(name, data)
    return target


@pytest.fixture
def importing(tmp_path: Path) -> tuple[Path, Path]:
    root = make_handbook(tmp_path / "handbook", policy_procedures=("PRO-MED-01",))
    words = tmp_path / "word"
    words.mkdir()
    return root, medicines_docx(words)


def test_a_zip_bomb_word_file_is_refused_before_it_is_unpacked(importing: tuple[Path, Path], tmp_path: Path) -> None:
    root, source = importing
    bomb = rebuilt(source, tmp_path / "bomb.docx", {"word/media/rId12.png": bytes(100 * 2**20)})
    assert bomb.stat().st_size < 2**20
    result = polisi("import", bomb, "-C", root, "--policy", "POL-SAF-01")
    assert result.returncode == 1
    assert result.stderr == (f"polisi: error: {bomb}: its part word/media/rId12.png unpacks to 100 MB, more than "
                             "the 64 MB polisi accepts; save a smaller copy in Word\n")
    assert not (root / "procedures" / "PRO-MED-01.md").exists()
    assert not (root / "procedures" / "media").exists()


def test_a_picture_too_large_is_left_out_and_noted(importing: tuple[Path, Path], tmp_path: Path) -> None:
    root, source = importing
    with zipfile.ZipFile(source) as archive:
        picture = archive.read("word/media/rId12.png")
    large = rebuilt(source, tmp_path / "large.docx", {"word/media/rId12.png": picture + bytes(21 * 2**20)})
    result = polisi("import", large, "-C", root, "--policy", "POL-SAF-01")
    assert result.returncode == 0, result.stderr
    assert ("    picture rId12.png (21 MB) is larger than 20 MB and was left out; its link now points at nothing "
            "until you add a smaller copy") in result.stdout.splitlines()
    assert (root / "procedures" / "PRO-MED-01.md").is_file()
    assert not (root / "procedures" / "media" / "PRO-MED-01").exists()


def test_leftovers_of_a_killed_import_do_not_block_the_next(importing: tuple[Path, Path], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root, source = importing
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(own_tmp))  # this run's leftovers, not a neighbouring suite's
    dead = 2**22 + 12345  # above the kernel's default pid_max: no process has this id
    staged = root / "procedures" / "media" / f".PRO-MED-01.importing-{dead}"
    staged.mkdir(parents=True)
    (staged / "rId12.png").write_bytes(b"half a picture")
    temporary = own_tmp / f"polisi-import-{dead}-abandoned"
    temporary.mkdir()
    result = polisi("import", source, "-C", root, "--policy", "POL-SAF-01")
    assert result.returncode == 0, result.stderr
    assert not staged.exists() and not temporary.exists()
    assert sorted(p.name for p in (root / "procedures" / "media" / "PRO-MED-01").iterdir()) == ["rId12.png"]
    assert list(own_tmp.iterdir()) == []
