"""Findings and the report that collects them.

Every rule returns findings instead of raising, so one run reports every
problem in every file. A finding always names a place (``path:line:col``) so
the policy lead can jump straight to the offending key, list item or link.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How serious a finding is; errors block publishing, warnings do not (unless --strict)."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place in the handbook."""

    path: str
    """Path of the file, relative to the handbook root, with forward slashes."""
    line: int
    """1-based line number; 1 when the whole file is at fault."""
    column: int
    """1-based column number."""
    severity: Severity
    code: str
    """Stable upper-case identifier, e.g. ``UNKNOWN_CLAUSE``; documented in the user guide."""
    message: str

    def format(self) -> str:
        """The one-line form every command prints: ``path:line:col: severity: CODE message``."""
        message = " ".join(self.message.split())
        return f"{self.path}:{self.line}:{self.column}: {self.severity.value}: {self.code} {message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }


@dataclass(frozen=True)
class Report:
    """Every finding of one run, in a stable order (by path, then position)."""

    findings: tuple[Finding, ...] = ()
    documents_checked: int = 0

    @classmethod
    def of(cls, findings: Iterable[Finding], documents_checked: int = 0) -> Report:
        # Keyed on every field: findings compare by position only, and two problems can share one.
        unique = {(f.path, f.line, f.column, f.code, f.message): f for f in findings}
        return cls(tuple(unique[key] for key in sorted(unique)), documents_checked)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        return not self.errors

    def strict(self) -> Report:
        """The same report with every warning raised to an error (``--strict``)."""
        raised = (
            Finding(f.path, f.line, f.column, Severity.ERROR, f.code, f.message)
            for f in self.findings
        )
        return Report(tuple(raised), self.documents_checked)

    def summary(self) -> dict[str, int]:
        return {
            "documents": self.documents_checked,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }
