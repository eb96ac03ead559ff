"""Is a translation in step with its source? The answer ``TRANSLATION_STALE`` and the parity report share.

A translation records the SHA-256 of the source content it translates
(``translation.source_sha256``, written by ``polisi translated``). It is current
while the source's content still has that hash. When it does not, the git record
says what moved: the last source revision with the recorded content is where the
translation was synchronised, and the first later revision with other content is
the change the translation has not caught up with, the way the Kubernetes
website's ``lsync.sh`` and MDN's ``l10n.sourceCommit`` compare a translation
with its source's history.
"""

from __future__ import annotations

from dataclasses import dataclass

from polisi.handbook.approvals import content_digest
from polisi.handbook.model import Document
from polisi.handbook.translation import Translation
from polisi.history.git import History, Revision


@dataclass(frozen=True)
class Sync:
    """How one translation stands against its source's current content."""

    current: bool
    source_sha256: str
    """SHA-256 of the source content as it is now."""
    reason: str = ""
    """When not current: what changed in the source since, as one clause for a message."""


def source_sha256(doc: Document) -> str:
    """The content hash a translation of ``doc`` must record to be current."""
    return content_digest(doc.path, doc.source.text)


def sync(doc: Document, translation: Translation, history: History | None) -> Sync:
    """Whether ``translation`` translates the current content of ``doc``, and if not, why."""
    now = source_sha256(doc)
    recorded = translation.record.source_sha256
    if recorded == now:
        return Sync(True, now)
    if recorded is None:
        return Sync(False, now, "it does not record which source content it translates")
    version = translation.record.source_version
    synced = f"version {version}" if version else f"content {recorded[:12]}"
    now_version = f"; the source is now version {doc.meta.version}" if version != doc.meta.version else ""
    culprit = _first_change(doc, recorded, history) if history is not None else None
    if culprit is None and history is not None and history.is_dirty(doc.path) and _seen(doc, recorded, history):
        return Sync(False, now, f"uncommitted changes to {doc.path} altered the source after {synced}{now_version}")
    if culprit is None:
        return Sync(False, now, f"the source's content changed after {synced}{now_version}")
    day = culprit.date.date().isoformat()
    what = f'commit {culprit.short} ({day}, {culprit.author}: "{culprit.message}")'
    return Sync(False, now, f"{what} changed the source after {synced}{now_version}")


def _texts(doc: Document, history: History) -> list[tuple[Revision, str]]:
    """Every committed text of the source, oldest first."""
    return [
        (rev, history.blob_text(rev.blob)) for rev in reversed(history.of(doc.path)) if rev.blob is not None
    ]


def _seen(doc: Document, recorded: str, history: History) -> bool:
    return any(content_digest(doc.path, text) == recorded for _, text in _texts(doc, history))


def _first_change(doc: Document, recorded: str, history: History) -> Revision | None:
    """The first source revision after the last one with the recorded content whose content differs."""
    texts = _texts(doc, history)
    hashes = [content_digest(doc.path, text) for _, text in texts]
    if recorded not in hashes:
        return None
    last_synced = len(hashes) - 1 - hashes[::-1].index(recorded)
    return next((rev for (rev, _), h in zip(texts[last_synced + 1:], hashes[last_synced + 1:], strict=True)
                 if h != recorded), None)

