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
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from html import escape
from importlib import resources
from pathlib import Path

from polisi.check.gate import Checked
from polisi.check.word_reference import HANDBOOK_REFERENCE
from polisi.errors import BuildError, UsageError
from polisi.findings import Finding, Report
from polisi.handbook.contain import handbook_file
from polisi.handbook.list_markers import PAREN_CLASS_PREFIX
from polisi.handbook.markdown import render_markdown
from polisi.handbook.model import Document, Handbook
from polisi.publish import replace_folder
from polisi.render.failures import OutputFailed, failure
from polisi.render.labels import interval_text, labels
from polisi.render.print_html import LinkTarget, embed_images, link_rewriter, translation_note
from polisi.render.progress import Progress, silent
from polisi.word.pandoc import literal_metadata, run_pandoc
from polisi.word.roundtrip import ADMONITIONS, TOP_HEADING, admonition_kinds

WORD_STAGE = "Word copies"
OUTPUT_FOLDER = "docx"
"""Subfolder of the build folder that holds ``<ID>.docx``."""
_TEMPLATES = resources.files("polisi") / "render" / "templates"
_HEADING_TAG = re.compile(r"<h([1-6])\b")
PAREN_LIST = "polisi-paren-list"
"""The class of the block ``docx-styles.lua`` turns into a Word list numbered ``a)``, ``1)``."""

def build_docx(checked: Checked, ids: Sequence[str] = (), progress: Progress = silent) -> list[Path]:
    """Export approved documents (all, or those named) into ``<build>/docx/``; return the files written.

    Naming documents refreshes just those files and keeps the other copies already there; ``progress``
    counts the copies as they are written.
    """
    handbook = checked.handbook
    languages = handbook.config.translation_languages
    documents = [view for doc in _select(handbook, ids)
                 for view in (doc, *(doc.in_language(c) for c in languages if doc.translation(c)))]
    target = handbook.build_dir / OUTPUT_FOLDER
    with reference_document(handbook) as reference, replace_folder(target) as staging:
        if ids and target.is_dir():
            for old in target.rglob("*.docx"):
                (staging / old.relative_to(target)).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(old, staging / old.relative_to(target))
        for code in languages:
            (staging / code).mkdir(exist_ok=True)
        workers = min(len(documents), os.cpu_count() or 1) or 1
        progress(WORD_STAGE, 0, len(documents))
        failures: list[Finding] = []
        own_styles = handbook.root / HANDBOOK_REFERENCE
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(export_document, handbook, doc, staging / docx_name(doc), reference): doc
                       for doc in documents}
            for count, future in enumerate(as_completed(futures), start=1):
                try:
                    future.result()
                except BuildError as exc:  # one document that pandoc refuses stops no other
                    doc = futures[future]
                    styles = f" (house styles {HANDBOOK_REFERENCE})" if reference == own_styles else ""
                    failures.append(failure(doc.path, doc.source.text, "WORD_EXPORT", f"{exc}{styles}"))
                progress(WORD_STAGE, count, len(documents))
        if failures:  # leaves the previous Word copies as they were
            raise WordFailed(Report.of(failures, len(documents)))
    return [target / docx_name(doc) for doc in documents]


class WordFailed(OutputFailed):
    """One or more Word copies could not be made; ``report`` has one line per document."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"Word copies not published: {len(report.errors)} document(s) could not be converted",
                         report)


def docx_name(doc: Document) -> str:
    """``ID.docx``, or ``<lang>/ID.docx`` for a translation's view."""
    return f"{doc.language}/{doc.id}.docx" if doc.language else f"{doc.id}.docx"


@contextmanager
def reference_document(handbook: Handbook) -> Iterator[Path]:
    """The organisation's reference document when the handbook has one, else polisi's; read through
    the handbook's one door, like every other file a Word copy takes in."""
    own = handbook_file(handbook.root, handbook.config, HANDBOOK_REFERENCE)
    if own is not None:
        yield own
        return
    with resources.as_file(_TEMPLATES / "reference.docx") as shipped:
        yield Path(shipped)


def export_document(handbook: Handbook, doc: Document, out: Path, reference: Path) -> None:
    """Write one Word copy: HTML and metadata go to pandoc with the house styles and the filter that
    styles admonitions and turns footnotes into Word footnotes."""
    handbook.build_dir.mkdir(parents=True, exist_ok=True)  # leftovers of a killed build are found there
    with tempfile.TemporaryDirectory(prefix=".polisi-docx-", dir=handbook.build_dir) as tmp:
        html_file, meta_file = Path(tmp) / f"{doc.id}.html", Path(tmp) / "metadata.json"
        html = document_html(handbook, doc)
        html_file.write_text(html, encoding="utf-8")
        properties = {**document_properties(handbook, doc), TOP_HEADING: str(top_heading_level(html)),
                      ADMONITIONS: admonition_kinds(html)}
        literal = {key: [literal_metadata(v) for v in value] if isinstance(value, list) else literal_metadata(value)
                   for key, value in properties.items()}  # pandoc would read each value as Markdown
        meta_file.write_text(json.dumps(literal), encoding="utf-8")
        with resources.as_file(_TEMPLATES / "docx-styles.lua") as lua:
            run_pandoc([
                "-f", "html", "-t", "docx", f"--reference-doc={reference}", f"--lua-filter={lua}",
                f"--shift-heading-level-by={1 - top_heading_level(html)}",
                f"--metadata-file={meta_file}",
                "-o", out, html_file,
            ])


def top_heading_level(html: str) -> int:
    """The highest heading level in the HTML (2 when it has none).

    A body's top headings become Word's Heading 1 (sections are ``##`` under the title), and every
    other level keeps its distance from them; a body that uses ``#`` is not shifted at all, since
    pandoc turns a heading shifted above level 1 into plain text.
    """
    levels = [int(level) for level in _HEADING_TAG.findall(html)]
    return min(levels, default=2)


def document_properties(handbook: Handbook, doc: Document) -> dict[str, str | list[str]]:
    """pandoc metadata: title, subject, keywords and language become Word's core properties;
    the rest become custom properties (File > Info > Properties > Advanced > Custom)."""
    meta, language = doc.meta, _language(handbook, doc)
    t = labels(language)
    kind = t[f"kind.{doc.kind.value}"]
    properties: dict[str, str | list[str]] = {
        "title": doc.title,
        "subtitle": f"{kind} {t['docref'].format(id=doc.id, version=meta.version)}",
        "author": handbook.config.organisation,
        "subject": kind,
        "keywords": [doc.id, handbook.area_name(doc.area)],
        "lang": handbook.config.lang_tag(language),
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
    if meta.ciw_notified_on:
        properties["ciw-notified-on"] = meta.ciw_notified_on.isoformat()
    if meta.supersedes:
        properties["supersedes"] = ", ".join(meta.supersedes)
    return properties


def document_html(handbook: Handbook, doc: Document) -> str:
    """The document as pandoc reads it: front block, legal basis, then the body as rendered everywhere."""
    language = _language(handbook, doc)
    body = paren_lists_marked(render_markdown(doc.body, link_rewriter(handbook, doc, _docx_target(doc.language)),
                                              embed_images(handbook, doc)))
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(handbook.config.lang_tag(language))}"><head><meta charset="utf-8">'
        f"<title>{escape(doc.title)}</title></head><body>\n"
        f"{front_block(handbook, doc)}\n{legal_basis(handbook, doc)}\n{body}\n</body></html>\n"
    )


def paren_lists_marked(body: str) -> str:
    """``body`` with each list numbered ``a)``, ``1)`` inside a ``<div>`` of class :data:`PAREN_LIST`.

    pandoc's HTML reader reads ``<ol type>`` and ``start`` but no delimiter, and a pandoc list has
    no class of its own; the block around it tells the Lua filter to number it with a bracket.
    """
    if PAREN_CLASS_PREFIX not in body:
        return body
    import lxml.html

    root = lxml.html.fragment_fromstring(body, create_parent="div")
    for ol in list(root.iter("ol")):
        if any(name.startswith(PAREN_CLASS_PREFIX) for name in (ol.get("class") or "").split()):
            block = lxml.html.Element("div", {"class": PAREN_LIST})
            ol.addprevious(block)
            block.tail, ol.tail = ol.tail, None
            block.append(ol)
    inner = [lxml.html.tostring(child, encoding="unicode") for child in root]
    return escape(root.text or "", quote=False) + "".join(inner)


def front_block(handbook: Handbook, doc: Document) -> str:
    """Who owns the document, its version and its approval and review record, as a two-column table."""
    meta, config = doc.meta, handbook.config
    language = _language(handbook, doc)
    t = labels(language)
    rows = [
        (t["organisation"], f"{config.term(config.organisation, language)}, {config.term(config.service, language)}"),
        (t["document"], f"{doc.id} ({t[f'kind.{doc.kind.value}'].lower()})"),
        (t["version"], meta.version),
        (t["status"], t[f"status.{meta.status}"]),
        (t["owner"], config.term(meta.owner, language)),
        (t["approved_by"], meta.approved_by and config.term(meta.approved_by, language)),
        (t["approved_on"], meta.approved_on and meta.approved_on.isoformat()),
        (t["effective_from"], meta.effective_from and meta.effective_from.isoformat()),
        (t["last_reviewed"], meta.last_reviewed and meta.last_reviewed.isoformat()),
        (t["review_interval"], interval_text(meta.review_interval, language)),
        (t["next_review"], doc.next_review and doc.next_review.isoformat()),
        (t["audience"], ", ".join(config.term(a, language) for a in meta.audience)),
        (t["policy"], meta.policy),
        (t["procedures"], ", ".join(meta.procedures)),
        (t["summary"], meta.summary),
        (t["translation"], translation_note(handbook, doc)),
    ]
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in rows if v)
    return f'<table class="front-block">{_columns(28, 72)}<tbody>{cells}</tbody></table>'


def legal_basis(handbook: Handbook, doc: Document) -> str:
    """Every catalogue clause the document cites, with its title and the instrument it comes from."""
    t = labels(_language(handbook, doc))
    rows = []
    for key, clause_id in doc.citations:
        clause = handbook.catalogue.get(clause_id)
        title = clause.title if clause else ""
        source = clause.instrument.label if clause else ""
        rows.append(f"<tr><td>{escape(t[f'citation.{key}'])}</td><td>{escape(clause_id)}</td>"
                    f"<td>{escape(title)}</td><td>{escape(source)}</td></tr>")
    if not rows:
        return ""
    head = "".join(f"<th>{escape(t[k])}</th>" for k in ("citation_kind", "clause", "subject", "instrument"))
    return (f'<h2>{escape(t["legal_basis"])}</h2><table class="legal-basis">{_columns(18, 22, 32, 28)}'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _columns(*percent: int) -> str:
    """Relative column widths: pandoc then stretches the table across the page."""
    return "<colgroup>" + "".join(f'<col style="width: {p}%">' for p in percent) + "</colgroup>"


def _language(handbook: Handbook, doc: Document) -> str:
    return doc.language or handbook.config.source_lang


def _docx_target(viewer: str | None) -> LinkTarget:
    """A link to another handbook document points at its Word copy: beside this one in the same language,
    one folder up when a translation links to an untranslated source; the heading it links to is kept
    (import reads it back)."""

    def target(other: Document, fragment: str) -> str:
        folder = "../" if viewer is not None and other.language != viewer else ""
        return f"{folder}{other.id}.docx" + (f"#{fragment}" if fragment else "")

    return target


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
