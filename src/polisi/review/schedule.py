"""The review schedule: what is overdue, what falls due soon, and which drafts wait for approval.

Built from the handbook model (review dates) and the git record (when each
draft first appeared). Formatting for people, programs, trackers and CI lives
in ``schedule_output``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from polisi.handbook.model import Document, Handbook
from polisi.handbook.review_dates import ReviewState
from polisi.history.git import History
from polisi.history.versions import snapshots


class FailOn(StrEnum):
    OVERDUE = "overdue"
    DUE = "due"
    NEVER = "never"


UNSCHEDULED = "not scheduled"
"""State of an approved document without review dates: it counts as overdue."""


@dataclass(frozen=True)
class ScheduledReview:
    """One approved document's place in the review schedule."""

    doc: Document
    state: str
    """``overdue``, ``due``, ``in date`` or ``not scheduled``."""
    next_review: date | None
    days_left: int | None
    """Days from the as-of date to the next review; negative when overdue."""

    @property
    def pressing(self) -> bool:
        """Overdue, or cannot be shown to be in date."""
        return self.state in (ReviewState.OVERDUE.value, UNSCHEDULED)


@dataclass(frozen=True)
class WaitingDraft:
    """A draft awaiting approval, and since when."""

    doc: Document
    since: date | None
    """When the draft appeared (from git), else its last review or approval date."""
    source: str
    """Where ``since`` came from: ``git``, ``last_reviewed``, ``approved_on``, ``uncommitted`` or ``unknown``."""
    days: int | None


@dataclass(frozen=True)
class Schedule:
    as_of: date
    within: int
    """Reviews falling due within this many days are ``due``."""
    owner: str | None
    reviews: tuple[ScheduledReview, ...]
    drafts: tuple[WaitingDraft, ...]
    note: str | None
    """Why draft dates could not come from git, when they could not."""

    def count(self, state: str) -> int:
        return sum(1 for r in self.reviews if r.state == state)

    def fails(self, fail_on: FailOn) -> bool:
        """Whether the exit status should be 1 under ``--fail-on``."""
        if fail_on is FailOn.NEVER:
            return False
        if any(r.pressing for r in self.reviews):
            return True
        return fail_on is FailOn.DUE and self.count(ReviewState.DUE.value) > 0


_ORDER = {
    UNSCHEDULED: 0,
    ReviewState.OVERDUE.value: 1,
    ReviewState.DUE.value: 2,
    ReviewState.IN_DATE.value: 3,
}


def review_schedule(
    handbook: Handbook,
    history: History,
    as_of: date,
    within: int | None = None,
    owner: str | None = None,
) -> Schedule:
    """Every approved document's review state and every waiting draft, as of ``as_of``."""
    days = handbook.config.review.warning_days if within is None else within
    docs = [d for d in handbook if owner is None or d.meta.owner.casefold() == owner.casefold()]
    reviews = sorted(
        (_scheduled(d, as_of, days) for d in docs if d.approved),
        key=lambda r: (_ORDER[r.state], r.next_review or date.min, r.doc.id),
    )
    drafts = sorted(
        (_waiting(d, history, as_of) for d in docs if d.status == "draft"),
        key=lambda w: (w.since or date.max, w.doc.id),
    )
    return Schedule(as_of, days, owner, tuple(reviews), tuple(drafts), history.note)


def _scheduled(doc: Document, as_of: date, within: int) -> ScheduledReview:
    status = doc.review(as_of, within)
    if status is None:
        return ScheduledReview(doc, UNSCHEDULED, None, None)
    return ScheduledReview(doc, status.state.value, status.next_review, status.days_left)


def _waiting(doc: Document, history: History, as_of: date) -> WaitingDraft:
    since, source = _draft_since(doc, history)
    days = None if since is None else max(0, (as_of - since).days)
    return WaitingDraft(doc, since, source, days)


def _draft_since(doc: Document, history: History) -> tuple[date | None, str]:
    """The day the current draft began: the first commit of the latest unbroken run of draft texts."""
    began = None
    for snap in reversed(snapshots(history, doc.path)):
        if snap.meta.get("status") != "draft":
            break
        began = snap.revision.date.date()
    if began is not None:
        return began, "git"
    for key in ("last_reviewed", "approved_on"):
        value = getattr(doc.meta, key)
        if value is not None:
            return value, key
    if history.head is not None and not history.of(doc.path):
        return None, "uncommitted"
    return None, "unknown"
