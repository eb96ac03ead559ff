"""Who must acknowledge which version of which document, and by when.

A document is required of a member of staff when one of its ``audience`` entries is an audience
they belong to (a document without an audience is for everyone). An acknowledgement of an
earlier version still counts while the major version is the same, unless a later version of that
major was flagged ``reacknowledge: true``: a minor correction asks nobody again, a major version
(or a flagged minor one) asks everyone again, and old acknowledgements are kept, never removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from polisi.handbook.config import PortalSettings
from polisi.handbook.model import Document, Handbook
from polisi.handbook.schema import Question
from polisi.history.git import History
from polisi.history.versions import approved_versions, front_matter

Version = tuple[int, int]


def version_key(version: str) -> Version:
    """``"2.10"`` -> ``(2, 10)``; versions are ``MAJOR.MINOR`` (the schema guarantees it)."""
    major, _, minor = version.partition(".")
    return int(major), int(minor or 0)


@dataclass(frozen=True)
class Requirement:
    """One published document as the portal asks staff to acknowledge it."""

    document_id: str
    title: str
    version: str
    baseline: Version
    """The oldest version whose acknowledgement still counts for this one."""
    audience: tuple[str, ...]
    published_on: date
    questions: tuple[Question, ...]
    page: str
    """The document's page in the built site (``policies/POL-SAF-01.html``)."""

    def covered_by(self, acknowledged_version: str) -> bool:
        """Whether an acknowledgement of ``acknowledged_version`` counts for this version."""
        key = version_key(acknowledged_version)
        return key[0] == self.baseline[0] and self.baseline <= key <= version_key(self.version)


@dataclass(frozen=True)
class Member:
    """One member of staff as the ledger holds them."""

    id: int
    email: str
    name: str
    roles: tuple[str, ...]
    start_date: date | None
    left_on: date | None
    has_password: bool = False

    def active_on(self, day: date) -> bool:
        """In post on ``day``: started (or no start date) and not yet left."""
        started = self.start_date is None or self.start_date <= day
        return started and (self.left_on is None or self.left_on > day)


def requirements(handbook: Handbook, history: History) -> tuple[Requirement, ...]:
    """Every approved document, at its current version, with the baseline its history sets."""
    return tuple(_requirement(doc, history) for doc in sorted(handbook, key=lambda d: d.id) if doc.approved)


def _requirement(doc: Document, history: History) -> Requirement:
    meta = doc.meta
    return Requirement(
        document_id=doc.id,
        title=doc.title,
        version=meta.version,
        baseline=baseline(doc, history),
        audience=tuple(meta.audience),
        published_on=meta.effective_from or meta.approved_on or date.min,
        questions=tuple(meta.questions),
        page=doc.path.removesuffix(".md") + ".html",
    )


def baseline(doc: Document, history: History) -> Version:
    """The latest version of the current major flagged ``reacknowledge`` (else ``MAJOR.0``)."""
    current = version_key(doc.meta.version)
    flagged = {current} if doc.meta.reacknowledge else set()
    for approved in approved_versions(history, doc.id, doc.path):
        key = version_key(approved.version)
        if key[0] != current[0] or key > current:
            continue
        if front_matter(doc.path, approved.text).get("reacknowledge") is True:
            flagged.add(key)
    return max(flagged, default=(current[0], 0))


def audiences_of(member: Member, settings: PortalSettings) -> frozenset[str]:
    """Every audience a member belongs to: everyone's, their roles, and what each role maps to
    (roles and audiences compared ignoring case)."""
    found = set(settings.everyone) | set(member.roles)
    mapped = {role.casefold(): audiences for role, audiences in settings.roles.items()}
    for role in member.roles:
        found.update(mapped.get(role.casefold(), ()))
    return frozenset(a.casefold() for a in found)


def must_read(requirement: Requirement, member: Member, settings: PortalSettings) -> bool:
    """Whether the document is for this member (ignoring whether they are in post)."""
    if not requirement.audience:
        return True
    return bool({a.casefold() for a in requirement.audience} & audiences_of(member, settings))


def is_manager(member: Member, settings: PortalSettings) -> bool:
    managers = {r.casefold() for r in settings.managers}
    return any(role.casefold() in managers for role in member.roles)


def due_on(requirement: Requirement, member: Member, settings: PortalSettings) -> date:
    """``due_days`` after the later of the version's publication and the member's first day."""
    start = max(requirement.published_on, member.start_date or date.min)
    return start + timedelta(days=settings.due_days)
