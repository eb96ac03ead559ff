"""The translation rules: every document that must be bilingual is, and each pair says the same thing.

- ``TRANSLATION_MISSING``: an approved document that ``bilingual`` in ``polisi.yml`` covers has no
  translation into one of the handbook's languages (a document that may be translated has no finding).
- ``TRANSLATION_STALE``: the source's content is no longer the content the translation records,
  naming the commit (or the versions) that moved it on.
- ``TRANSLATION_MISMATCH``: the pair disagree on front matter they share, or on structure
  (headings and their levels, lists, tables, links and their targets, legal references in the text).
- ``TRANSLATION_LINK``: a translation links to a document whose translation into its language exists,
  instead of to that translation.
- ``TRANSLATION_ORPHAN``: a translation file with no source beside it, or in a language the handbook
  does not publish.

A translation's own links are checked like a document's (``BROKEN_LINK``, ``BROKEN_ANCHOR``).
"""

from __future__ import annotations

from collections.abc import Iterator

from polisi.check.complexity import renders_in_bounded_time
from polisi.check.outline import differences, outline
from polisi.findings import Finding, Severity
from polisi.handbook.links import anchors, local_links
from polisi.handbook.model import Document, Handbook
from polisi.handbook.schema import SHARED_KEYS
from polisi.handbook.translation import Translation, translation_path
from polisi.history.git import History
from polisi.history.translation_sync import sync

ERROR, WARNING = Severity.ERROR, Severity.WARNING


def translation_findings(handbook: Handbook, history: History | None) -> Iterator[Finding]:
    """Every finding about translations: what is missing, stale, different or badly linked."""
    config = handbook.config
    languages = config.translation_languages
    for orphan in handbook.orphan_translations:
        line, col = orphan.at("id")
        yield Finding(orphan.path, line, col, ERROR, "TRANSLATION_ORPHAN",
                      f"no source document {orphan.path.rsplit('.', 2)[0]}.md beside this translation")
    for doc in handbook:
        for found in doc.translations:
            if found.language not in languages:
                line, col = found.at("id")
                published = ", ".join(languages) or "none: polisi.yml sets no languages"
                yield Finding(found.path, line, col, ERROR, "TRANSLATION_ORPHAN",
                              f"'{found.language}' is not a translation language of this handbook "
                              f"(languages in polisi.yml: {published})")
                continue
            yield from _pair(handbook, doc, found, history)
        if doc.approved and config.bilingual.covers(doc.id, doc.kind.value, doc.meta.audience):
            for language in languages:
                if doc.translation(language) is None:
                    yield doc.finding(("id",), ERROR, "TRANSLATION_MISSING",
                                      f"{doc.id} must be published in {language} (bilingual in polisi.yml) "
                                      f"but {translation_path(doc.path, language)} does not exist")


def _pair(handbook: Handbook, doc: Document, found: Translation, history: History | None) -> Iterator[Finding]:
    state = sync(doc, found, history)
    if not state.current:
        line, col = found.at("translation", "source_sha256")
        yield Finding(found.path, line, col, ERROR, "TRANSLATION_STALE",
                      f"{state.reason}; update the translation, then record it "
                      f"(polisi translated {doc.id} --language {found.language} --by ROLE)")
    yield from _record(found)
    yield from _front_matter(doc, found)
    yield from _structure(handbook, doc, found)
    yield from _links(handbook, found)


def _record(found: Translation) -> Iterator[Finding]:
    record = found.record
    missing = [f"translation.{key}" for key in ("reviewed_by", "reviewed_on") if getattr(record, key) is None]
    if record.state == "reviewed" and missing:
        line, col = found.at("translation", "state")
        yield Finding(found.path, line, col, ERROR, "MISSING_KEY",
                      f"a reviewed translation needs {' and '.join(missing)}")


def _front_matter(doc: Document, found: Translation) -> Iterator[Finding]:
    if found.id != doc.id:
        line, col = found.at("id")
        yield Finding(found.path, line, col, ERROR, "TRANSLATION_MISMATCH",
                      f"id {found.id} is not the id of its source, {doc.id}")
    for key in SHARED_KEYS:
        mine = getattr(found.meta, key)
        if key in found.written_keys and mine != getattr(doc.meta, key):
            line, col = found.at(key)
            theirs = getattr(doc.meta, key)
            yield Finding(found.path, line, col, ERROR, "TRANSLATION_MISMATCH",
                          f"{key} is {_shown(mine)} here but {_shown(theirs)} in {doc.path}; shared front "
                          "matter must match (or leave the key out: the translation takes the source's)")
    if found.meta.audience and len(found.meta.audience) != len(doc.meta.audience):
        line, col = found.at("audience")
        yield Finding(found.path, line, col, ERROR, "TRANSLATION_MISMATCH",
                      f"audience names {len(found.meta.audience)} groups but {doc.path} names "
                      f"{len(doc.meta.audience)}")


def _structure(handbook: Handbook, doc: Document, found: Translation) -> Iterator[Finding]:
    if not (renders_in_bounded_time(doc.body) and renders_in_bounded_time(found.body)):
        return  # MARKUP_TOO_COMPLEX says why; rendering it could take minutes
    sources = {path: source.path for path, (source, _) in handbook.translated_paths.items()}
    source_lang = handbook.config.source_lang
    mine = outline(found.path, found.body, found.language, sources)
    theirs = outline(doc.path, doc.body, source_lang, sources)
    found_differences = differences(theirs, mine)
    if found_differences:
        yield Finding(found.path, found.source.body_line, 1, ERROR, "TRANSLATION_MISMATCH",
                      f"its text is not built like {doc.path}'s: {'; '.join(found_differences)}")


def _links(handbook: Handbook, found: Translation) -> Iterator[Finding]:
    for link in local_links(found.path, found.body, found.source.body_line):
        line, col, path, fragment = link.line, link.column, link.path, link.fragment
        if not path:
            if fragment and fragment not in anchors(found.body):
                yield Finding(found.path, line, col, ERROR, "BROKEN_ANCHOR",
                              f"#{fragment} is not a heading in this translation")
            continue
        if path in handbook.translated_paths:
            target_doc, language = handbook.translated_paths[path]
            target = target_doc.translation(language)
            assert target is not None
            if fragment and fragment not in anchors(target.body):
                yield Finding(found.path, line, col, ERROR, "BROKEN_ANCHOR",
                              f"#{fragment} is not a heading in {target.path}")
            continue
        source = handbook.by_path.get(path)
        if source is None:
            if path not in handbook.unreadable and not (handbook.root / path).is_file():
                yield Finding(found.path, line, col, ERROR, "BROKEN_LINK", f"{link.target} does not exist")
            continue
        if source.translation(found.language) is not None:
            yield Finding(found.path, line, col, ERROR, "TRANSLATION_LINK",
                          f"links to {source.path}, which has a {found.language} translation: link to "
                          f"{translation_path(link.target.partition('#')[0], found.language)} instead")
        elif fragment and fragment not in anchors(source.body):
            yield Finding(found.path, line, col, ERROR, "BROKEN_ANCHOR", f"#{fragment} is not a heading in {source.id}")


def _shown(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return "not set" if value is None else f"'{value}'"
