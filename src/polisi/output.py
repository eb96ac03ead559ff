"""How a report is written for people (text), programs (json) and CI (GitHub annotations)."""

from __future__ import annotations

import json

from polisi.findings import Finding, Report

FORMATS = ("text", "json", "github")


def format_report(report: Report, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(
            {"findings": [f.as_dict() for f in report], "summary": report.summary()}, indent=2
        )
    if fmt == "github":
        return "\n".join([_annotation(f) for f in report] + [summary_line(report)])
    return "\n".join([f.format() for f in report] + [summary_line(report)])


def summary_line(report: Report) -> str:
    s = report.summary()
    errors = f"{s['errors']} error{'s' * (s['errors'] != 1)}"
    warnings = f"{s['warnings']} warning{'s' * (s['warnings'] != 1)}"
    return f"{s['documents']} documents checked: {errors}, {warnings}"


def _escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def github_annotation(level: str, path: str, line: int, column: int, title: str, message: str) -> str:
    """One GitHub Actions workflow command (``::error file=…::message``), escaped as GitHub requires."""
    return (
        f"::{level} file={_escape(path, prop=True)},line={line},col={column},"
        f"title={_escape(title, prop=True)}::{_escape(message)}"
    )


def _annotation(f: Finding) -> str:
    level = "error" if f.severity.value == "error" else "warning"
    return github_annotation(level, f.path, f.line, f.column, f.code, f.message)
