"""The parity report (``polisi review --translations``): every document's state in each language.

For each document and each language of the handbook: ``source`` (the language it is written
in), ``reviewed`` or ``draft`` (a translation in step with the source, reviewed by a fluent
speaker or awaiting that review), ``stale`` (the source moved on since the translation was
recorded), ``missing`` (``bilingual`` requires it and there is none) or ``not translated`` (it
may be translated and is not). Read from the same record ``TRANSLATION_STALE`` uses.

It also lists, per translation language, the names the outputs in that language print as written
in the source language because ``polisi.yml`` ``terms`` gives them no translation: roles (owners,
approvers), areas, the service, the responsible individual.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from polisi.handbook.model import Handbook
from polisi.handbook.translation import translation_path
from polisi.history.git import History
from polisi.history.translation_sync import sync

STATES = ("source", "reviewed", "draft", "stale", "missing", "not translated")


@dataclass(frozen=True)
class LanguageState:
    state: str
    path: str | None
    source_version: str | None = None
    """The source version the translation records."""
    reviewed_by: str | None = None
    reviewed_on: str | None = None
    reason: str | None = None
    """Why it is stale."""


@dataclass(frozen=True)
class ParityRow:
    id: str
    title: str
    path: str
    status: str
    required: bool
    languages: dict[str, LanguageState]


@dataclass(frozen=True)
class Parity:
    source_language: str
    languages: tuple[str, ...]
    rows: tuple[ParityRow, ...]
    untranslated_names: dict[str, tuple[str, ...]]
    """Per translation language, the names its outputs print in the source language (no ``terms`` entry)."""

    def count(self, language: str, state: str) -> int:
        return sum(row.languages[language].state == state for row in self.rows)

    @property
    def failing(self) -> bool:
        """A required translation is missing, or a translation is stale."""
        return any(self.count(lang, s) for lang in self.languages for s in ("missing", "stale"))


def parity(handbook: Handbook, history: History | None) -> Parity:
    config = handbook.config
    rows = []
    for doc in handbook:
        required = config.bilingual.covers(doc.id, doc.kind.value, doc.meta.audience)
        states = {config.source_lang: LanguageState("source", doc.path)}
        for language in config.translation_languages:
            found = doc.translation(language)
            if found is None:
                state = "missing" if required and doc.approved else "not translated"
                states[language] = LanguageState(state, None if state == "not translated"
                                                 else translation_path(doc.path, language))
                continue
            in_step = sync(doc, found, history)
            record = found.record
            states[language] = LanguageState(
                record.state if in_step.current else "stale", found.path, record.source_version,
                record.reviewed_by, None if record.reviewed_on is None else record.reviewed_on.isoformat(),
                None if in_step.current else in_step.reason,
            )
        rows.append(ParityRow(doc.id, doc.title, doc.path, doc.status, required, states))
    names = printed_names(handbook)
    missing = {code: tuple(n for n in names if n not in config.terms.get(code, {}))
               for code in config.translation_languages}
    return Parity(config.source_lang, config.published_languages, tuple(rows), missing)


def printed_names(handbook: Handbook) -> list[str]:
    """The handbook's own names that outputs in every language print: the service, the responsible
    individual, areas, not-applicable reasons, and the owners and approvers of documents, sorted."""
    config = handbook.config
    names = {config.service, *config.areas.values(), *config.not_applicable.values()}
    names |= {config.responsible_individual} if config.responsible_individual else set()
    for doc in handbook:
        names |= {doc.meta.owner, *([doc.meta.approved_by] if doc.meta.approved_by else [])}
    return sorted(n for n in names if n)


def format_parity(report: Parity, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(
            {"source_language": report.source_language, "languages": list(report.languages),
             "documents": [asdict(row) for row in report.rows],
             "summary": {lang: {s: report.count(lang, s) for s in STATES} for lang in report.languages},
             "untranslated_names": {code: list(names) for code, names in report.untranslated_names.items()}},
            indent=2, ensure_ascii=False,
        )
    return _text(report)


_SHOWN = {"draft": "draft, awaiting review", "reviewed": "reviewed"}


def _text(report: Parity) -> str:
    languages = report.languages
    rows = [["DOCUMENT", "REQUIRED", *(code.upper() for code in languages), "TITLE"]]
    for row in report.rows:
        cells = []
        for code in languages:
            state = row.languages[code]
            shown = _SHOWN.get(state.state, state.state)
            if state.state == "reviewed" and state.reviewed_by:
                shown += f" by {state.reviewed_by}"
            cells.append(shown)
        rows.append([row.id, "yes" if row.required else "no", *cells, row.title])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [f"Translations: {', '.join(languages)} (source {report.source_language})", ""]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    stale = [(row, code) for row in report.rows for code in languages if row.languages[code].state == "stale"]
    if stale:
        lines += ["", "Stale translations"]
        lines += [f"{row.languages[code].path}: {row.languages[code].reason}" for row, code in stale]
    lines.append("")
    for code in languages[1:]:
        total = len(report.rows)
        have = sum(report.count(code, s) for s in ("reviewed", "draft", "stale"))
        lines.append(
            f"{code}: {have} of {total} documents translated ({report.count(code, 'reviewed')} reviewed, "
            f"{report.count(code, 'draft')} draft awaiting review by a fluent speaker, "
            f"{report.count(code, 'stale')} stale); {report.count(code, 'missing')} required translations missing"
        )
        names = report.untranslated_names.get(code, ())
        if names:
            lines.append(f"{code}: {len(names)} names printed untranslated (give them in polisi.yml terms.{code}): "
                         + "; ".join(names))
    return "\n".join(lines)
