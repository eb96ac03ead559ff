"""The `polisi` command as a user meets it: help, version, exit statuses, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

POLISI = [sys.executable, "-m", "polisi"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*POLISI, *args], capture_output=True, text=True, cwd=cwd)


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "check" in result.stdout and "build" in result.stdout


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("polisi, version ")


def test_missing_folder_is_a_usage_error_in_one_line(tmp_path: Path) -> None:
    result = run("check", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no such handbook folder" in result.stderr


def test_bad_date_is_a_usage_error_in_one_line(base_handbook: Path) -> None:
    result = run("check", str(base_handbook), "--as-of", "22/11/2026")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "'22/11/2026' is not a date written YYYY-MM-DD" in result.stderr


def test_unknown_option_is_a_usage_error(base_handbook: Path) -> None:
    result = run("check", str(base_handbook), "--frmat", "json")
    assert result.returncode == 2
    assert "No such option '--frmat'. Did you mean '--format'?" in result.stderr


def test_default_path_is_the_current_folder(base_handbook: Path) -> None:
    result = run("check", "--as-of", "2026-11-22", cwd=base_handbook)
    assert result.returncode == 0
    assert result.stdout.strip() == "3 documents checked: 0 errors, 0 warnings"


def test_broken_configuration_is_one_positioned_line(base_handbook: Path) -> None:
    (base_handbook / "polisi.yml").write_text("organisation: X\nreview:\n  warnig_days: 10\n")
    result = run("check", str(base_handbook), "--as-of", "2026-11-22")
    assert result.returncode == 2  # the check could not run
    assert result.stderr.strip() == (
        "polisi: error: polisi.yml:3:3: error: CONFIG review.warnig_days: Extra inputs are not permitted"
    )


def test_warning_window_comes_from_the_configuration(base_handbook: Path) -> None:
    (base_handbook / "polisi.yml").write_text("review:\n  warning_days: 200\n")
    result = run("check", str(base_handbook), "--as-of", "2026-11-22", "--format", "json")
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert codes == {"REVIEW_DUE_SOON"}


def test_import_polisi_stays_light() -> None:
    code = (
        "import sys, polisi, polisi.cli.main;"
        "heavy = {'weasyprint', 'pyhanko', 'git', 'mkdocs', 'pypandoc', 'pydantic'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_build_site_from_inside_the_handbook_writes_build_site(base_handbook: Path) -> None:
    """Run as a user does: from the handbook folder, with the default (relative) path."""
    result = run("build", "site", "--as-of", "2026-11-22", cwd=base_handbook)
    assert result.returncode == 0, result.stderr
    assert (base_handbook / "build" / "site" / "index.html").is_file()
    assert (base_handbook / "build" / "site" / "policies" / "POL-SAF-01.html").is_file()
