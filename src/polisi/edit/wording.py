"""What the policy lead types for an approval: the role, the change summary, the evidence.

Each becomes one line of the approval record and of the revision table staff and
inspectors read, so each must be one non-empty line; the role must be one the
organisation named in ``polisi.yml`` (``approvers``), so "Board" is not also
"board" or "The Board" in the record.
"""

from __future__ import annotations

from polisi.errors import UsageError
from polisi.handbook.config import Config

MIN_SUMMARY_WORDS = 3


def _line(option: str, value: str) -> str:
    if "\n" in value or "\r" in value:
        raise UsageError(f"{option} must be one line; it is printed as one line of the revision history")
    if not value.strip():
        raise UsageError(f"{option} must not be empty")
    return " ".join(value.split())


def approver_role(config: Config, by: str) -> str:
    """``by`` as one line, and one of ``polisi.yml``'s ``approvers`` when the organisation lists them."""
    role = _line("--by", by)
    if config.approvers and role not in config.approvers:
        raise UsageError(
            f"--by {role!r} is not one of the approvers named in polisi.yml: {', '.join(config.approvers)}"
        )
    return role


def change_summary(summary: str) -> str:
    """A change summary staff can read: one line of at least a few words."""
    text = _line("--summary", summary)
    if len(text.split()) < MIN_SUMMARY_WORDS:
        raise UsageError(
            f"--summary {text!r} is too short: say in at least {MIN_SUMMARY_WORDS} words what changed, "
            "for the revision history staff and inspectors read"
        )
    return text


def evidence_reference(evidence: str | None) -> str | None:
    """Where the decision is minuted, as one line (``None`` when not given)."""
    return None if evidence is None else _line("--evidence", evidence)
