"""Which commit moved a document's text away from its recorded approval, where git can tell.

The approval record (``approvals/<ID>.yml``) says *that* the text changed: its
SHA-256 no longer matches. git can often also say *where*: the first commit
after the last one whose text still matched. In a shallow clone, or outside git,
that commit may be out of reach; the caller then says only that the text changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from polisi.handbook.approvals import content_digest
from polisi.history.git import History, Revision


@dataclass(frozen=True)
class Drift:
    """Where the change since approval happened."""

    culprit: Revision | None
    """The first commit whose text differs from the approved text; ``None`` if git cannot tell."""
    uncommitted: bool
    """The committed text is still the approved one; only the working copy differs."""


def locate_drift(history: History, path: str, approved_digest: str) -> Drift:
    """Find the commit that changed ``path`` away from the text with ``approved_digest``."""
    revisions = history.of(path)
    digests = [None if r.blob is None else content_digest(path, history.blob_text(r.blob)) for r in revisions]
    if digests and digests[0] == approved_digest:
        return Drift(None, uncommitted=True)
    newest_match = next((i for i, d in enumerate(digests) if d == approved_digest), None)
    if newest_match is None:
        return Drift(None, uncommitted=False)
    return Drift(revisions[newest_match - 1], uncommitted=False)
