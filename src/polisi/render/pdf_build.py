"""``polisi build pdf``: one signed PDF per document in ``build/pdf/<ID>.pdf``.

Only documents whose printed HTML, source, dates, styles or signing identity
changed are rendered again; the rest are copied from the previous build,
checked against the SHA-256 recorded in ``build/cache/pdf.json``. Rendering
runs one process per document on both cores. A document that fails does not stop the others:
every one that failed is named with one line at ``path:line:col``, and then the build fails
with the previous ``build/pdf`` in place.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from polisi.errors import UsageError
from polisi.findings import Finding, Report
from polisi.handbook.model import Document, Handbook
from polisi.history.git import History
from polisi.publish import replace_folder, write_atomically
from polisi.render.failures import OutputFailed, failure
from polisi.render.labels import labels
from polisi.render.pdf import PdfJob, RenderFailed, in_processes, render_pdf
from polisi.render.print_html import (
    page_css,
    pdf_dates,
    pdf_file_target,
    print_document,
    render_template,
    translated_pdf_target,
)
from polisi.render.progress import Progress, silent
from polisi.signing.manifest import sha256_of
from polisi.signing.signer import Signer

CACHE_FILE = "pdf.json"
PDF_STAGE = "Signed PDFs"


@dataclass(frozen=True)
class PdfBuild:
    """What one ``build pdf`` did."""

    folder: Path
    rendered: tuple[str, ...]
    reused: tuple[str, ...]


class PdfFailed(OutputFailed):
    """One or more PDFs could not be rendered; ``report`` has one line per document."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"PDFs not published: {len(report.errors)} document(s) failed to render", report)


def document_job(handbook: Handbook, doc: Document, history: History, *, demonstration: bool = False) -> PdfJob:
    """The HTML page and metadata for one document's PDF (or, for a translation's view, its translation's);
    ``demonstration`` marks every page as signed with the demonstration certificate."""
    created, modified = pdf_dates(doc, history)
    config = handbook.config
    language = doc.language or config.source_lang
    to_document = translated_pdf_target(language) if doc.language else pdf_file_target
    html = render_template(
        "pdf.html.j2",
        doc=print_document(handbook, doc, history, to_document=to_document),
        organisation=config.organisation,
        service=config.term(config.service, language),
        lang=config.lang_tag(language),
        created=created.isoformat(),
        modified=modified.isoformat(),
        demonstration=demonstration,
    )
    source = doc.source.text.encode("utf-8")
    name = doc.path.rsplit("/", 1)[-1]
    described = labels(language)["markdown_source"].format(name=name)
    return PdfJob(html, created, modified, ((name, source, described),), page_css(language))


def pdf_name(doc: Document) -> str:
    """Where a document's PDF goes inside ``build/pdf``: ``ID.pdf``, a translation's ``<lang>/ID.pdf``."""
    return f"{doc.language}/{doc.id}.pdf" if doc.language else f"{doc.id}.pdf"


def _every_language(docs: list[Document], languages: Sequence[str]) -> list[Document]:
    """Each document, then its translation's view in every published language it has."""
    return [view for doc in docs for view in (doc, *(doc.in_language(code) for code in languages
                                                      if doc.translation(code) is not None))]


def build_pdfs(
    handbook: Handbook,
    history: History,
    ids: Sequence[str] = (),
    *,
    signer: Signer,
    progress: Progress = silent,
) -> PdfBuild:
    """Render and sign the PDFs of ``ids`` (every document when empty) into ``build/pdf``; ``progress``
    counts the PDFs, unchanged ones (reused) first."""
    unknown = [i for i in ids if handbook.get(i) is None]
    if unknown:
        raise UsageError(f"no document with id {', '.join(unknown)}")
    wanted = [handbook.get(i) for i in ids] if ids else list(handbook.documents)
    docs = _every_language([d for d in wanted if d is not None], handbook.config.translation_languages)
    out = handbook.build_dir
    target = out / "pdf"
    cache_path = out / "cache" / CACHE_FILE
    cache = _load_cache(cache_path)
    demonstration = signer.identity.demonstration
    jobs = {pdf_name(doc): document_job(handbook, doc, history, demonstration=demonstration) for doc in docs}
    keys = {name: _hash(job.key() + signer.fingerprint) for name, job in jobs.items()}
    stale = [d for d in docs if not _still_valid(target / pdf_name(d), cache.get(_entry(d)), keys[pdf_name(d)])]
    in_workers = signer if signer.signs_in_workers else None
    tasks = [(jobs[pdf_name(d)], in_workers, _reason(d)) for d in stale]
    reused = len(docs) - len(tasks)
    progress(PDF_STAGE, reused, len(docs))
    results = in_processes(_render_and_sign, tasks, finished=lambda n: progress(PDF_STAGE, reused + n, len(docs)))
    if in_workers is None:  # a token signs here, in polisi's own process
        results = [signer.sign(r, _reason(d)) if isinstance(r, bytes) else r
                   for d, r in zip(stale, results, strict=True)]
    failures = [render_failure(doc, result) for doc, result in zip(stale, results, strict=True)
                if isinstance(result, str)]
    if failures:
        raise PdfFailed(Report.of(failures, len(docs)))
    rendered = {pdf_name(doc): result for doc, result in zip(stale, results, strict=True)}
    written = set(jobs)
    keep = set() if not ids else {p.relative_to(target).as_posix() for p in target.rglob("*.pdf")} - written
    with replace_folder(target) as staging:
        for name in sorted(keep):
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(target / name, staging / name)
        for doc in docs:
            name = pdf_name(doc)
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            data = rendered.get(name)
            if data is None:
                shutil.copy2(target / name, path)
            else:
                assert isinstance(data, bytes)
                path.write_bytes(data)
            cache[_entry(doc)] = {"key": keys[name], "sha256": sha256_of(path)}
    if not ids:
        cache = {k: v for k, v in cache.items() if k in {_entry(d) for d in docs}}
    _save_cache(cache_path, cache)
    return PdfBuild(target, tuple(_entry(d) for d in stale), tuple(_entry(d) for d in docs if d not in stale))


def render_failure(doc: Document, message: str) -> Finding:
    """WeasyPrint's reason as one finding, at the place in the source it names (what it could not
    load) when the source spells it."""
    return failure(doc.path, doc.source.text, "PDF_RENDER", message)


def _entry(doc: Document) -> str:
    """The cache's and the result's name for a PDF: ``ID``, or ``<lang>/ID`` for a translation."""
    return pdf_name(doc).removesuffix(".pdf")


def _reason(doc: Document) -> str:
    """The signature's reason, in the document's language."""
    t = labels(doc.language)
    if doc.language:
        return t["signed_reason_translation"].format(language=t[f"language.{doc.language}"], id=doc.id,
                                                     version=doc.meta.version)
    return t["signed_reason"].format(id=doc.id, version=doc.meta.version)


def _render_and_sign(task: tuple[PdfJob, Signer | None, str]) -> bytes | str:
    """Worker: the signed PDF (unsigned without a signer), or the one-line reason it failed (one bad
    document stops no other).

    Signing in the worker too keeps both cores busy: it costs about as much as rendering a short document.
    """
    job, signer, reason = task
    try:
        pdf = render_pdf(job)
        return signer.sign(pdf, reason) if signer is not None else pdf
    except RenderFailed as exc:
        return str(exc)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _still_valid(path: Path, entry: dict[str, str] | None, key: str) -> bool:
    """A previous PDF is reused only when its key matches and the file is the one that was written."""
    return entry is not None and entry.get("key") == key and path.is_file() and sha256_of(path) == entry.get("sha256")


def _load_cache(path: Path) -> dict[str, dict[str, str]]:
    """The previous build's entries; a damaged file or entry is ignored (those PDFs are rendered again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    documents = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(documents, dict):
        return {}
    return {
        str(doc_id): entry for doc_id, entry in documents.items()
        if isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("key", "sha256"))
    }


def _save_cache(path: Path, documents: dict[str, dict[str, str]]) -> None:
    write_atomically(path, json.dumps({"version": 1, "documents": documents}, indent=1, sort_keys=True))
