"""Which language versions an inspector bundle holds, and what its parts are called.

A bundle is built in the source language (the default), in a translation
language, or in several: each bundled document then appears in every language
asked for that it exists in, the source first, and a document without a
translation in a requested language appears in the source language instead,
so nothing in force is left out. The contents and the cover say which
language each document is in.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from polisi.errors import UsageError
from polisi.handbook.model import Document, Handbook
from polisi.render.labels import labels


def bundle_languages(handbook: Handbook, asked: str | None) -> tuple[str, ...]:
    """The languages ``--language`` names: one code, or ``both`` for every published language."""
    published = handbook.config.published_languages
    if asked is None:
        return (published[0],)
    if asked == "both":
        return published
    if asked not in published:
        raise UsageError(f"--language {asked}: this handbook is published in {', '.join(published)} (or both)")
    return (asked,)


def bundle_folder(build_dir: Path, handbook: Handbook, languages: Sequence[str]) -> Path:
    """``build/bundle`` for the source language alone, else ``build/bundle/<code>`` (``en+cy`` for both)."""
    if tuple(languages) == (handbook.config.source_lang,):
        return build_dir / "bundle"
    return build_dir / "bundle" / "+".join(languages)


def views(handbook: Handbook, doc: Document, languages: Sequence[str]) -> list[Document]:
    """``doc`` in each of ``languages`` it exists in; the source when it exists in none of them."""
    found = [doc if code == handbook.config.source_lang else doc.in_language(code)
             for code in languages if code == handbook.config.source_lang or doc.translation(code) is not None]
    return found or [doc]


def part_name(doc: Document) -> str:
    """The anchor a bundled document's part starts with: its id, and its language for a translation."""
    return f"{doc.id}-{doc.language}" if doc.language else doc.id


def language_note(handbook: Handbook, doc: Document, languages: Sequence[str]) -> str:
    """How the contents marks a document's language, in the bundle's language (its first):
    nothing in a one-language bundle of its language."""
    source = handbook.config.source_lang
    code = doc.language or source
    if tuple(languages) == (code,):
        return ""
    t = labels(languages[0])
    name = t.get(f"language.{code}", code)
    missing = [c for c in languages if c != code and doc.language is None and doc.translation(c) is None]
    if missing:
        names = ", ".join(t.get(f"language.{c}", c) for c in missing)
        return " " + t["language_note_missing"].format(language=name, missing=names)
    return " " + t["language_note"].format(language=name)


def cover_line(handbook: Handbook, languages: Sequence[str]) -> str:
    """The cover's "Languages" row, in the bundle's language; empty for a bundle in the source language alone."""
    source = handbook.config.source_lang
    if tuple(languages) == (source,):
        return ""
    t = labels(languages[0])
    names = [t.get(f"language.{c}", c) for c in languages]
    if source in languages:
        return t["languages_all"].format(languages=f" {t['and']} ".join(names))
    return t["languages_translation"].format(languages=", ".join(names), source=t.get(f"language.{source}", source))
