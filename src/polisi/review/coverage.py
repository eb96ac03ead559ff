"""``polisi review --min-coverage``: documents whose acknowledgement coverage is below a set share.

Reads the portal's ledger (see :mod:`polisi.ledger`), so CI can fail while too few of the staff
who must read a version have acknowledged it.
"""

from __future__ import annotations

from datetime import date

from polisi.errors import UsageError
from polisi.handbook.model import Handbook
from polisi.history.git import History


def below_coverage(handbook: Handbook, history: History, as_of: date, minimum: float) -> list[str]:
    """One line per document acknowledged by less than ``minimum`` percent of those who must read it."""
    from polisi.ledger.coverage import coverage_for

    report = coverage_for(handbook, history, as_of)
    if report is None:
        raise UsageError("--min-coverage needs the portal's database: a portal section in polisi.yml "
                         "and 'polisi portal init'")
    return [
        f"{d.requirement.document_id} version {d.requirement.version}: {d.summary}, below {minimum:g}%"
        for d in report.documents
        if d.share < minimum
    ]
