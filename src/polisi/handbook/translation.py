"""Translations: ``ID.<lang>.md`` beside its source ``ID.md``, attached to the source document.

A translation is not a document of its own: it has the source's id, version,
status, approval, citations and links, and writes only what is said in its own
language (title, summary, audience, body) plus a ``translation`` record of which
source content it translates. The checks compare the pair
(``check/translations.py``); this module only reads and validates the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from polisi.handbook.load import SourceFile
from polisi.handbook.schema import TranslationRecord

_TRANSLATION_STEM = re.compile(r"^(?P<stem>[^.]+)\.(?P<lang>[a-z]{2,3})$")


def split_stem(stem: str) -> tuple[str, str | None]:
    """``("POL-SAF-01", "cy")`` for ``POL-SAF-01.cy``; ``(stem, None)`` for a source document."""
    match = _TRANSLATION_STEM.match(stem)
    return (match["stem"], match["lang"]) if match else (stem, None)


def translation_path(source_path: str, language: str) -> str:
    """Where the translation of the file ``source_path`` into ``language`` lives."""
    return f"{source_path.removesuffix('.md')}.{language}.md"


@dataclass(frozen=True)
class Translation:
    """One validated translation file, not yet compared with its source."""

    language: str
    meta: Any
    """The file's :data:`~polisi.handbook.schema.TranslationFrontMatter`."""
    source: SourceFile

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def id(self) -> str:
        return str(self.meta.id)

    @property
    def body(self) -> str:
        return self.source.body

    @property
    def record(self) -> TranslationRecord:
        return self.meta.translation

    @property
    def reviewed(self) -> bool:
        return self.record.state == "reviewed"

    @property
    def written_keys(self) -> tuple[str, ...]:
        """The front-matter keys as the file writes them, in order."""
        value = self.source.front.value
        return tuple(str(k) for k in value) if isinstance(value, dict) else ()

    def at(self, *loc: str | int) -> tuple[int, int]:
        return self.source.front.position(tuple(loc))

