"""``polisi import --language cy``: a Word translation of an existing document becomes ``ID.<lang>.md``.

The same pandoc reading as any import (:func:`polisi.word.importer.convert_word`),
written beside its source as a ``draft`` translation that records no source
content yet: it is the translator's or reviewer's to compare with the source
and record with ``polisi translated``, and until then ``polisi check`` reports it
as ``TRANSLATION_STALE``. Nothing existing is overwritten.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from polisi.errors import UsageError
from polisi.handbook.model import load_handbook
from polisi.handbook.translation import translation_path
from polisi.word.docxfile import check_word_file
from polisi.word.importer import Guess, Imported, convert_word, place_media, yaml_text


def import_translation(root: Path, source: Path, doc_id: str | None, language: str) -> Imported:
    """Write the Word file ``source`` as the ``language`` translation of document ``doc_id``."""
    check_word_file(source)
    handbook = load_handbook(root)
    languages = handbook.config.translation_languages
    if language not in languages:
        listed = ", ".join(languages) or "none: set languages in polisi.yml"
        raise UsageError(f"--language {language} is not a translation language of this handbook ({listed})")
    if doc_id is None:
        raise UsageError("--language needs --id: the document this file translates")
    doc = handbook.get(doc_id)
    if doc is None:
        raise UsageError(f"--id {doc_id}: no such document; import or write the source first")
    rel = translation_path(doc.path, language)
    target = root / rel
    if target.exists():
        raise UsageError(f"{rel} already exists; polisi import never overwrites")
    workdir = Path(tempfile.mkdtemp(prefix="polisi-import-"))
    try:
        converted = convert_word(source, workdir)
        body, media = place_media(converted, target.parent, f"{doc.id}.{language}", root)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    title = converted.word_title or converted.heading_title
    guesses = [Guess("title", title or doc.title,
                     "from the Word document" if title else "none in the Word document; the source's title")]
    front = "\n".join([
        "---", f"id: {doc.id}", f"title: {yaml_text(title or doc.title)}", "translation:", "  state: draft",
        f"  # compare with {doc.path}, then record it: polisi translated {doc.id} --language {language} --by ROLE",
        "---", "",
    ])
    with target.open("x", encoding="utf-8") as handle:
        handle.write(front + "\n" + body)
    attention = (f"{rel} records no source content yet: compare it with {doc.path} (version {doc.meta.version}), "
                 f"then run polisi translated {doc.id} --language {language} --by ROLE",)
    return Imported(source, doc.id, rel, tuple(media), tuple(guesses), attention)
