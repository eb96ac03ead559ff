"""The handbook repository's own CI: GitHub Actions and GitLab CI, linted and their scripts exercised."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml

from polisi.cli.main import cli
from polisi.edit.record_only import record_stated_approvals

from .gitbook import polisi, small_handbook, write

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / ".github/workflows").glob("*.yml"))
GITLAB = REPO / ".gitlab-ci.yml"
LINTER = Path(sys.executable).with_name("check-jsonschema")


def lint(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINTER), "--builtin-schema", schema, *map(str, files)],
                          capture_output=True, text=True)


def github_scripts() -> list[str]:
    steps = [s for wf in WORKFLOWS for job in yaml.safe_load(wf.read_text())["jobs"].values()
             for s in job["steps"]]
    return [s["run"] for s in steps if "run" in s]


def gitlab_scripts() -> list[str]:
    config = yaml.safe_load(GITLAB.read_text())
    return [line for job in config.values() if isinstance(job, dict) and "script" in job
            for line in job["script"]]


def test_there_is_a_push_check_and_a_weekly_review_workflow() -> None:
    names = [wf.name for wf in WORKFLOWS]
    assert names == ["polisi-check.yml", "polisi-reviews.yml"]
    check, reviews = (yaml.safe_load(wf.read_text()) for wf in WORKFLOWS)
    assert "push" in check[True] and "schedule" in reviews[True]  # PyYAML reads the key `on` as True
    for wf in (check, reviews):
        checkout = next(s for job in wf["jobs"].values() for s in job["steps"]
                        if s.get("uses", "").startswith("actions/checkout"))
        assert checkout["with"]["fetch-depth"] == 0, "history and tags are needed"


def test_workflows_pass_the_github_workflow_schema() -> None:
    done = lint("vendor.github-workflows", *WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_gitlab_ci_passes_the_gitlab_schema() -> None:
    done = lint("vendor.gitlab-ci", GITLAB)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_linter_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOWS[0].read_text().replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest"))
    assert lint("vendor.github-workflows", broken).returncode == 1
    bad_ci = tmp_path / ".gitlab-ci.yml"
    bad_ci.write_text(GITLAB.read_text().replace("  script:\n", "  scripts:\n", 1))
    assert lint("vendor.gitlab-ci", bad_ci).returncode == 1


@pytest.mark.parametrize("script", github_scripts() + gitlab_scripts())
def test_every_shell_script_parses(script: str) -> None:
    done = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def polisi_commands() -> list[list[str]]:
    found = []
    for script in github_scripts() + gitlab_scripts():
        for match in re.finditer(r"(?:^|[;&|(]|then|if)\s*(polisi [^;&|>\n]*)", script, re.MULTILINE):
            found.append(shlex.split(match.group(1))[1:])
    return found


def test_the_workflows_run_check_with_annotations_and_review_with_fail_on() -> None:
    commands = [" ".join(c) for c in polisi_commands()]
    assert "check --format github" in commands
    assert "review --fail-on overdue" in commands
    assert "review --format markdown --fail-on never" in commands


@pytest.mark.parametrize("args", polisi_commands(), ids=" ".join)
def test_every_polisi_command_in_ci_is_valid(args: list[str]) -> None:
    command = cli.commands[args[0]]
    assert isinstance(command, click.Command)
    command.make_context(args[0], args[1:])  # raises on an unknown option or a bad value


def test_the_gitlab_code_quality_converter_turns_real_findings_into_a_report(tmp_path: Path) -> None:
    root = small_handbook(tmp_path / "handbook")
    text = (root / "policies/POL-SAF-01.md").read_text().replace("reg-27]", "reg-270]")
    write(root, "policies/POL-SAF-01.md", text)
    record_stated_approvals(root)  # only the broken citation, not also CHANGED_SINCE_APPROVAL
    (root / "polisi-check.json").write_text(polisi("check", ".", "--format", "json", "--as-of", "2026-03-01",
                                                   cwd=root).stdout)
    converter = next(s for s in gitlab_scripts() if "gl-code-quality.json" in s)
    code = converter.split("<<'PY'\n", 1)[1].rsplit("PY", 1)[0]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)
    issues = json.loads((root / "gl-code-quality.json").read_text())
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        ("UNKNOWN_CLAUSE", "major", {"path": "policies/POL-SAF-01.md", "lines": {"begin": 11}}),
    ]
    assert len(issues[0]["fingerprint"]) == 40


def test_the_gitlab_tracker_script_is_valid_python() -> None:
    tracker = next(s for s in gitlab_scripts() if "POLISI_TRACKER_TOKEN" in s)
    compile(tracker.split("<<'PY'\n", 1)[1].rsplit("PY", 1)[0], "tracker", "exec")
