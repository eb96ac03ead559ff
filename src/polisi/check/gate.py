"""The gate every publishing command goes through: nothing is published from a handbook with errors.

Renderers take a :class:`Checked` handbook rather than a bare one, so the type
itself says the checks ran; keeping it here, below the renderers and the
pipeline that calls them, lets both import it without an import circle.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from polisi.check.rules import check
from polisi.errors import BuildError
from polisi.findings import Report, Severity
from polisi.handbook.model import Handbook, LoadMemo, load_handbook
from polisi.output import summary_line

if TYPE_CHECKING:
    from polisi.history.git import History


@dataclass(frozen=True)
class Checked:
    """A handbook that passed its checks, with the report (which may hold warnings)."""

    handbook: Handbook
    report: Report


class CheckFailed(BuildError):
    """The handbook has errors; nothing was published."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"not published: {summary_line(report)}")
        self.report = report


PREVIEWABLE = "CHANGED_SINCE_APPROVAL"
"""Without ``history`` (the single-output commands, which build previews), text changed since its
approval is reported as a warning and built (marked DRAFT when uncommitted); ``build all`` refuses it."""


def load_checked(
    root: Path, as_of: date, *, strict: bool = False, history: History | None = None, memo: LoadMemo | None = None
) -> Checked:
    """Load and check; raise :class:`CheckFailed` carrying the report when it has errors.

    With ``history``, the check also refuses text changed since its approval. ``memo`` is
    :func:`~polisi.handbook.model.load_handbook`'s; every rule runs on the whole handbook always.
    """
    handbook = load_handbook(root, memo)
    report = check(handbook, as_of, history=history)
    if history is None:
        report = Report.of(
            (replace(f, severity=Severity.WARNING) if f.code == PREVIEWABLE else f for f in report),
            report.documents_checked,
        )
    if strict:
        report = report.strict()
    if not report.ok:
        raise CheckFailed(report)
    return Checked(handbook, report)
