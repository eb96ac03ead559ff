"""Editable Word copies of approved documents, for placing authorities, commissioners and lawyers.

Each copy is made by pandoc from the same HTML rendering as the site and the
PDFs (:func:`polisi.handbook.markdown.render_markdown`), with the front block and
the legal basis added as tables, so the words cannot drift from the published
version. House styles come from a reference document: the one shipped with
polisi, or the organisation's own ``word/reference.docx`` in the handbook.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from html import escape
from importlib import resources
from pathlib import Path

from polisi.check.gate import Checked
from polisi.errors import UsageError
from polisi.handbook.links import is_external, resolve
from polisi.handbook.markdown import render_markdown
from polisi.handbook.model import Document, Handbook
from polisi.handbook.schema import CITATION_LABELS
from polisi.publish import replace_folder
from polisi.render.print_html import embed_images
from polisi.word.pandoc import run_pandoc

OUTPUT_FOLDER = "docx"
"""Subfolder of the build folder that holds ``<ID>.docx``."""
HANDBOOK_REFERENCE = "word/reference.docx"
"""An organisation's own house styles, relative to the handbook root; used instead of the shipped one."""
_TEMPLATES = resources.files("polisi") / "render" / "templates"

def build_docx(checked: Checked, ids: Sequence[str] = ()) -> list[Path]:
    """Export approved documents (all, or those named) into ``<build>/docx/``; return the files written.

    Naming documents refreshes just those files and keeps the other copies already there.
    """
    handbook = checked.handbook
    documents = _select(handbook, ids)
    target = handbook.build_dir / OUTPUT_FOLDER
    with reference_document(handbook.root) as reference, replace_folder(target) as staging:
        if ids and target.is_dir():
            for old in target.glob("*.docx"):
                shutil.copy2(old, staging / old.name)
        workers = min(len(documents), os.cpu_count() or 1) or 1
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda doc: export_document(handbook, doc, staging / f"{doc.id}.docx", reference),
                          documents))
    return [target / f"{doc.id}.docx" for doc in documents]


@contextmanager
def reference_document(root: Path) -> Iterator[Path]:
    """The organisation's reference document when the handbook has one, else polisi's."""
    own = root / HANDBOOK_REFERENCE
    if own.is_file():
        yield own
        return
    with resources.as_file(_TEMPLATES / "reference.docx") as shipped:
        yield Path(shipped)


def export_document(handbook: Handbook, doc: Document, out: Path, reference: Path) -> None:
    """Write one Word copy: HTML and metadata go to pandoc with the house styles and the admonition filter."""
    with tempfile.TemporaryDirectory(prefix="polisi-docx-") as tmp:
        html_file, meta_file = Path(tmp) / f"{doc.id}.html", Path(tmp) / "metadata.json"
        html_file.write_text(document_html(handbook, doc), encoding="utf-8")
        meta_file.write_text(json.dumps(document_properties(handbook, doc)), encoding="utf-8")
        with resources.as_file(_TEMPLATES / "docx-styles.lua") as lua:
            run_pandoc([
                "-f", "html", "-t", "docx", f"--reference-doc={reference}", f"--lua-filter={lua}",
                "--shift-heading-level-by=-1",  # sections are level 2 in Markdown, Heading 1 in Word
                f"--metadata-file={meta_file}",
                "-o", out, html_file,
            ])


def document_properties(handbook: Handbook, doc: Document) -> dict[str, str | list[str]]:
    """pandoc metadata: title, subject, keywords and language become Word's core properties;
    the rest become custom properties (File > Info > Properties > Advanced > Custom)."""
    meta = doc.meta
    properties: dict[str, str | list[str]] = {
        "title": doc.title,
        "subtitle": f"{doc.kind.label} {doc.id}, version {meta.version}",
        "author": handbook.config.organisation,
        "subject": doc.kind.label,
        "keywords": [doc.id, handbook.area_name(doc.area)],
        "lang": handbook.config.language,
        "document-id": doc.id,
        "version": meta.version,
        "status": meta.status,
        "owner": meta.owner,
    }
    if meta.summary:
        properties["description"] = meta.summary
    if doc.next_review:
        properties["next-review"] = doc.next_review.isoformat()
    if meta.approved_by:
        properties["approved-by"] = meta.approved_by
    if meta.approved_on:
        properties["approved-on"] = meta.approved_on.isoformat()
    return properties


def document_html(handbook: Handbook, doc: Document) -> str:
    """The document as pandoc reads it: front block, legal basis, then the body as rendered everywhere."""
    body = render_markdown(doc.body, lambda href: _link_target(handbook, doc, href), embed_images(handbook, doc))
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(handbook.config.language)}"><head><meta charset="utf-8">'
        f"<title>{escape(doc.title)}</title></head><body>\n"
        f"{front_block(handbook, doc)}\n{legal_basis(handbook, doc)}\n{body}\n</body></html>\n"
    )


def front_block(handbook: Handbook, doc: Document) -> str:
    """Who owns the document, its version and its approval and review record, as a two-column table."""
    meta, config = doc.meta, handbook.config
    rows = [
        ("Organisation", f"{config.organisation}, {config.service}"),
        ("Document", f"{doc.id} ({doc.kind.label.lower()})"),
        ("Version", meta.version),
        ("Status", meta.status),
        ("Owner", meta.owner),
        ("Approved by", meta.approved_by),
        ("Approved on", meta.approved_on and meta.approved_on.isoformat()),
        ("Effective from", meta.effective_from and meta.effective_from.isoformat()),
        ("Last reviewed", meta.last_reviewed and meta.last_reviewed.isoformat()),
        ("Review interval", meta.review_interval),
        ("Next review", doc.next_review and doc.next_review.isoformat()),
        ("Audience", ", ".join(meta.audience)),
        ("Policy", meta.policy),
        ("Procedures", ", ".join(meta.procedures)),
        ("Summary", meta.summary),
    ]
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in rows if v)
    return f'<table class="front-block">{_columns(28, 72)}<tbody>{cells}</tbody></table>'


def legal_basis(handbook: Handbook, doc: Document) -> str:
    """Every catalogue clause the document cites, with its title and the instrument it comes from."""
    rows = []
    for key, clause_id in doc.citations:
        clause = handbook.catalogue.get(clause_id)
        title = clause.title if clause else ""
        source = clause.instrument.label if clause else ""
        rows.append(f"<tr><td>{escape(CITATION_LABELS[key])}</td><td>{escape(clause_id)}</td>"
                    f"<td>{escape(title)}</td><td>{escape(source)}</td></tr>")
    if not rows:
        return ""
    head = "<tr><th>Kind</th><th>Clause</th><th>Subject</th><th>Instrument</th></tr>"
    return (f'<h2>Legal basis</h2><table class="legal-basis">{_columns(18, 22, 32, 28)}'
            f'<thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>')


def _columns(*percent: int) -> str:
    """Relative column widths: pandoc then stretches the table across the page."""
    return "<colgroup>" + "".join(f'<col style="width: {p}%">' for p in percent) + "</colgroup>"


def _link_target(handbook: Handbook, doc: Document, href: str) -> str:
    """A link to another handbook document points at its Word copy beside this one."""
    if not href or href.startswith("#") or is_external(href):
        return href
    target = handbook.by_path.get(resolve(doc.path, href)[0])
    return f"{target.id}.docx" if target else href


def _select(handbook: Handbook, ids: Sequence[str]) -> list[Document]:
    if not ids:
        return [doc for doc in handbook if doc.approved]
    chosen = []
    for doc_id in ids:
        doc = handbook.get(doc_id)
        if doc is None:
            raise UsageError(f"{doc_id}: no such document in the handbook")
        if not doc.approved:
            raise UsageError(f"{doc_id} is {doc.status}; only approved documents are exported")
        chosen.append(doc)
    return chosen
