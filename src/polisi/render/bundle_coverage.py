"""The inspector bundle's acknowledgement coverage page, when the handbook has a portal ledger.

Counts only (who must read each version, how many have acknowledged it), never names: the
bundle goes outside the organisation. The page is dated by the bundle's as-of day, and counts
acknowledgements recorded up to the end of that day, so the same ledger gives the same page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from polisi.handbook.model import Handbook
from polisi.history.git import History


@dataclass(frozen=True)
class CoverageRow:
    id: str
    title: str
    version: str
    acknowledged: int
    required: int
    share: str


def coverage_rows(handbook: Handbook, history: History, as_of: date) -> list[CoverageRow] | None:
    """One row per approved document; ``None`` when the handbook does not use the portal."""
    from polisi.ledger.coverage import coverage_for

    report = coverage_for(handbook, history, as_of)
    if report is None:
        return None
    return [
        CoverageRow(d.requirement.document_id, d.requirement.title, d.requirement.version, len(d.acknowledged),
                    len(d.required), f"{d.share:.0f}%")
        for d in report.documents
    ]
