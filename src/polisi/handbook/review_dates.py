"""Review dates: when a document is next due, and how that stands on a given day.

The interval arithmetic is calendar-aware (``12 months`` after 31 January is
the last day of the following January, never a date that does not exist).
Both functions are pure and remembered: the site asks for the same document's
dates from every page that lists it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from polisi.handbook.schema import INTERVAL_PATTERN


class ReviewState(StrEnum):
    OVERDUE = "overdue"
    DUE = "due"
    """Falls due within the warning window."""
    IN_DATE = "in date"


@lru_cache(maxsize=16384)
def add_interval(start: date, interval: str) -> date:
    """``start`` plus an interval written ``N weeks``, ``N months`` or ``N years``."""
    match = INTERVAL_PATTERN.match(interval)
    if not match:
        raise ValueError(f"not a review interval: {interval!r}")
    count, unit = int(match.group(1)), match.group(2)
    if unit == "week":
        return start + timedelta(weeks=count)
    months = count * (12 if unit == "year" else 1)
    year, month0 = divmod(start.month - 1 + months, 12)
    year += start.year
    day = min(start.day, calendar.monthrange(year, month0 + 1)[1])
    return date(year, month0 + 1, day)


@dataclass(frozen=True)
class ReviewStatus:
    next_review: date
    state: ReviewState
    days_left: int
    """Days from the as-of date to the next review; negative when overdue."""


@lru_cache(maxsize=16384)
def review_status(last_reviewed: date, interval: str, as_of: date, warning_days: int) -> ReviewStatus:
    due = add_interval(last_reviewed, interval)
    days_left = (due - as_of).days
    if days_left < 0:
        state = ReviewState.OVERDUE
    elif days_left <= warning_days:
        state = ReviewState.DUE
    else:
        state = ReviewState.IN_DATE
    return ReviewStatus(due, state, days_left)
