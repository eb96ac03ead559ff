"""``polisi translated``: record that a translation now translates its source's current content.

The translator (or the fluent speaker who reviewed it) runs this after
bringing ``ID.<lang>.md`` up to date. It writes the SHA-256 of the source's
content and its version into the translation's ``translation`` block, with
who did it, checks the pair and commits the translation file alone. The source
must be committed, so the recorded content is content the git record holds
and ``TRANSLATION_STALE`` can later name the commit that moved it on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from polisi.check.rules import check
from polisi.edit.approve import find_document
from polisi.edit.frontmatter import edit_front_matter
from polisi.errors import PolisiError, UsageError
from polisi.findings import Report
from polisi.handbook.model import load_handbook
from polisi.handbook.translation import translation_path
from polisi.history.git import HistoryError, commit_file, load_history
from polisi.history.translation_sync import source_sha256


class TranslationRefused(PolisiError):
    """The translation fails its checks once recorded; the report says why."""

    def __init__(self, path: str, report: Report) -> None:
        super().__init__(f"{path} not recorded: it fails polisi check (see above)")
        self.report = report


@dataclass(frozen=True)
class Recorded:
    doc_id: str
    language: str
    path: str
    version: str
    sha256: str
    state: str
    commit: str
    already: bool = False
    """The translation already recorded exactly this, in ``commit``; nothing was written."""


def record_translation(
    root: Path, doc_id: str, language: str | None, by: str, on: date, *, reviewed: bool = False
) -> Recorded:
    """Record the translation of ``doc_id`` as synchronised with the source's current content."""
    handbook = load_handbook(root)
    doc = find_document(handbook, doc_id)
    languages = handbook.config.translation_languages
    if not languages:
        raise UsageError("polisi.yml sets no translation languages (languages: [en, cy])")
    language = language or (languages[0] if len(languages) == 1 else None)
    if language not in languages:
        raise UsageError(f"--language must be one of {', '.join(languages)}")
    found = doc.translation(language)
    if found is None:
        raise UsageError(f"{translation_path(doc.path, language)} does not exist: write the translation first")
    history = load_history(root)
    if not history.is_repository or history.head is None:
        raise HistoryError("not a git repository with commits: a translation is recorded as a git commit")
    if history.is_dirty(doc.path) or not history.of(doc.path):
        raise HistoryError(f"{doc.path} has uncommitted changes: commit the source first, so the translation "
                           "records content that is in the git record")
    sha = source_sha256(doc)

    def stamp(data: Any) -> None:
        block = data.get("translation")
        if block is None:
            data["translation"] = block = {}
        block["state"] = "reviewed" if reviewed else "draft"
        block["source_version"] = _quoted(doc.meta.version)
        block["source_sha256"] = sha
        if reviewed:
            block["reviewed_by"] = by
            block["reviewed_on"] = on
        else:
            block["translated_by"] = by
            for key in ("reviewed_by", "reviewed_on"):
                block.pop(key, None)

    file = root / found.path
    original = file.read_bytes()
    stamped = edit_front_matter(found.source.text, stamp).encode("utf-8")
    state = "reviewed" if reviewed else "draft"
    committed = history.of(found.path)
    if stamped == original and committed and not history.is_dirty(found.path):
        return Recorded(doc.id, language, found.path, doc.meta.version, sha, state, committed[0].commit, already=True)
    file.write_bytes(stamped)
    try:
        own = [f for f in check(load_handbook(root), on, history=history).errors if f.path == found.path]
        if own:
            raise TranslationRefused(found.path, Report.of(own, 1))
        commit = commit_file(
            history, found.path,
            f"Translation of {doc.id} into {language} ({state}) matches v{doc.meta.version}\n\n"
            f"Recorded by {by} on {on.isoformat()}; source content SHA-256 {sha}.",
        )
    except BaseException:
        file.write_bytes(original)
        raise
    return Recorded(doc.id, language, found.path, doc.meta.version, sha, state, commit)


def _quoted(version: str) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(version)
