"""The stage order of a build, in one place: load -> check -> render -> sign.

Every command that publishes goes through :func:`build`, so nothing is ever
published from a handbook that fails its checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .check import check
from .errors import BuildError
from .findings import Report
from .model import Handbook, load_handbook
from .output import summary_line


@dataclass(frozen=True)
class Checked:
    """A handbook that passed its checks, with the report (which may hold warnings)."""

    handbook: Handbook
    report: Report


def load_checked(root: Path, as_of: date, *, strict: bool = False) -> Checked:
    """Load and check; raise :class:`BuildError` carrying the report when it has errors."""
    handbook = load_handbook(root)
    report = check(handbook, as_of)
    if strict:
        report = report.strict()
    if not report.ok:
        raise CheckFailed(report)
    return Checked(handbook, report)


class CheckFailed(BuildError):
    """The handbook has errors; nothing was published."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"not published: {summary_line(report)}")
        self.report = report
