"""``polisi build pdf``: one signed PDF per document in ``build/pdf/<ID>.pdf``.

Only documents whose printed HTML, source, dates, styles or signing identity
changed are rendered again; the rest are copied from the previous build,
checked against the SHA-256 recorded in ``build/cache/pdf.json``. Rendering
runs one process per document on both cores. A failed document fails the
build with one line naming it, and the previous ``build/pdf`` stays in place.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from polisi.errors import BuildError, UsageError
from polisi.findings import Finding, Report, Severity
from polisi.handbook.model import Document, Handbook
from polisi.history.git import History
from polisi.publish import replace_folder
from polisi.render.pdf import PdfJob, RenderFailed, in_processes, render_pdf
from polisi.render.print_html import pdf_dates, print_document, render_template
from polisi.signing.manifest import sha256_of
from polisi.signing.signer import Signer

CACHE_FILE = "pdf.json"


@dataclass(frozen=True)
class PdfBuild:
    """What one ``build pdf`` did."""

    folder: Path
    rendered: tuple[str, ...]
    reused: tuple[str, ...]


class PdfFailed(BuildError):
    """One or more PDFs could not be rendered; ``report`` has one line per document."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"PDFs not published: {len(report.errors)} document(s) failed to render")
        self.report = report


def document_job(handbook: Handbook, doc: Document, history: History, *, demonstration: bool = False) -> PdfJob:
    """The HTML page and metadata for one document's PDF; ``demonstration`` marks every page as
    signed with the demonstration certificate."""
    created, modified = pdf_dates(doc, history)
    config = handbook.config
    html = render_template(
        "pdf.html.j2",
        doc=print_document(handbook, doc, history),
        organisation=config.organisation,
        service=config.service,
        lang=config.language,
        created=created.isoformat(),
        modified=modified.isoformat(),
        demonstration=demonstration,
    )
    source = doc.source.text.encode("utf-8")
    return PdfJob(html, created, modified, ((f"{doc.id}.md", source, f"Markdown source of {doc.id}"),))


def build_pdfs(
    handbook: Handbook,
    history: History,
    ids: Sequence[str] = (),
    *,
    signer: Signer,
) -> PdfBuild:
    """Render and sign the PDFs of ``ids`` (every document when empty) into ``build/pdf``."""
    unknown = [i for i in ids if handbook.get(i) is None]
    if unknown:
        raise UsageError(f"no document with id {', '.join(unknown)}")
    wanted = [handbook.get(i) for i in ids] if ids else list(handbook.documents)
    docs = [d for d in wanted if d is not None]
    out = handbook.build_dir
    target = out / "pdf"
    cache_path = out / "cache" / CACHE_FILE
    cache = _load_cache(cache_path)
    demonstration = signer.identity.demonstration
    jobs = {doc.id: document_job(handbook, doc, history, demonstration=demonstration) for doc in docs}
    keys = {i: _hash(job.key() + signer.fingerprint) for i, job in jobs.items()}
    stale = [doc for doc in docs if not _still_valid(target / f"{doc.id}.pdf", cache.get(doc.id), keys[doc.id])]
    tasks = [(jobs[d.id], signer, f"Approved text of {d.id} version {d.meta.version}") for d in stale]
    results = in_processes(_render_and_sign, tasks)
    failures = [
        Finding(doc.path, 1, 1, Severity.ERROR, "PDF_RENDER", result)
        for doc, result in zip(stale, results, strict=True) if isinstance(result, str)
    ]
    if failures:
        raise PdfFailed(Report.of(failures, len(docs)))
    rendered = {doc.id: result for doc, result in zip(stale, results, strict=True)}
    keep = set() if not ids else {p.name for p in target.glob("*.pdf")} - {f"{d.id}.pdf" for d in docs}
    with replace_folder(target) as staging:
        for name in sorted(keep):
            shutil.copy2(target / name, staging / name)
        for doc in docs:
            path = staging / f"{doc.id}.pdf"
            data = rendered.get(doc.id)
            if data is None:
                shutil.copy2(target / path.name, path)
            else:
                assert isinstance(data, bytes)
                path.write_bytes(data)
            cache[doc.id] = {"key": keys[doc.id], "sha256": sha256_of(path)}
    if not ids:
        cache = {k: v for k, v in cache.items() if k in jobs}
    _save_cache(cache_path, cache)
    return PdfBuild(target, tuple(d.id for d in stale), tuple(d.id for d in docs if d not in stale))


def _render_and_sign(task: tuple[PdfJob, Signer, str]) -> bytes | str:
    """Worker: the signed PDF, or the one-line reason it failed (one bad document stops no other).

    Signing in the worker too keeps both cores busy: it costs about as much as rendering a short document.
    """
    job, signer, reason = task
    try:
        return signer.sign(render_pdf(job), reason)
    except RenderFailed as exc:
        return str(exc)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _still_valid(path: Path, entry: dict[str, str] | None, key: str) -> bool:
    """A previous PDF is reused only when its key matches and the file is the one that was written."""
    return entry is not None and entry.get("key") == key and path.is_file() and sha256_of(path) == entry.get("sha256")


def _load_cache(path: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("documents", {}) if isinstance(data, dict) else {}


def _save_cache(path: Path, documents: dict[str, dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, "documents": documents}, indent=1, sort_keys=True), encoding="utf-8")
