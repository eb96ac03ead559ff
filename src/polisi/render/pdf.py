"""HTML to archival, tagged PDF: the only module that uses WeasyPrint.

Every PDF polisi makes (each document, the inspector bundle) comes through
:func:`render_pdf`: PDF/A-3a (tagged, so screen readers and text extraction
follow the reading order), fonts from ``render/static/fonts`` embedded, the
Markdown source attached as an associated file, dates from git rather than the
clock. WeasyPrint reads through :class:`ContainedFetcher` only: ``data:`` URIs
(the pictures polisi embedded) and polisi's own styles and fonts, never another
file and never the network. A WeasyPrint error (an image it could not load, a
refused URL) fails that PDF.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from io import BytesIO
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from urllib.request import url2pathname

from polisi.errors import BuildError, one_line
from polisi.processes import die_with_parent

PDF_VARIANT = "pdf/a-3a"
"""PDF/A-3 level A: tagged, and the only PDF/A part that may carry a non-PDF attachment (the source)."""
MAX_WORKERS = 2
STYLESHEET = "print.css"


@dataclass(frozen=True)
class PdfJob:
    """One PDF to make: its HTML and what goes into its metadata and attachment."""

    html: str
    """A complete HTML page whose ``<html lang>``, ``<title>`` and ``dcterms`` dates become the metadata."""
    created: datetime
    modified: datetime
    attachments: tuple[tuple[str, bytes, str], ...] = ()
    """(file name, content, description) of each source file attached with relationship ``Source``."""
    page_css: str = ""
    """Styles applied after ``print.css``: the page footer's words in the document's language."""

    def key(self) -> str:
        """Changes whenever anything that shapes the PDF changes: HTML, sources, dates, styles, fonts."""
        digest = hashlib.sha256(renderer_fingerprint().encode())
        parts = (self.html.encode(), self.created.isoformat().encode(), self.modified.isoformat().encode(),
                 self.page_css.encode())
        for part in parts:
            digest.update(len(part).to_bytes(8, "big") + part)
        for name, content, description in self.attachments:
            for part in (name.encode(), content, description.encode()):
                digest.update(len(part).to_bytes(8, "big") + part)
        return digest.hexdigest()


class RenderFailed(BuildError):
    """WeasyPrint reported an error for one PDF; the message is one line saying what."""


def static_dir() -> Path:
    return Path(str(resources.files("polisi.render") / "static"))


@cache
def renderer_fingerprint() -> str:
    """WeasyPrint's version, the stylesheet and the shipped fonts: a change to any re-renders every PDF."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"weasyprint {version('weasyprint')} {PDF_VARIANT}".encode())
    static = static_dir()
    for path in sorted(static.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(static).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(" ".join(record.getMessage().split()))


@contextmanager
def _weasyprint_errors() -> Iterator[_Errors]:
    logger = logging.getLogger("weasyprint")
    handler = _Errors()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def contained_fetcher() -> Any:
    """WeasyPrint's URL fetcher, narrowed to ``data:`` URIs and the files under ``render/static``.

    Everything a document contributes reaches the HTML already embedded, so a
    ``file:`` URL naming anything else (``/etc/passwd``, the signing key) or any
    web address is refused, whatever the sanitiser let through.
    """
    from weasyprint import URLFetcher

    static = static_dir().resolve()

    class ContainedFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.partition(":")[0]
            if scheme.lower() == "file":
                path = Path(url2pathname(urlsplit(url).path)).resolve()
                if path.is_relative_to(static) and path.is_file():
                    return super().fetch(url, headers)
            elif scheme.lower() == "data":
                return super().fetch(url, headers)
            raise ValueError(f"polisi reads no file or address from a document: {url[:80]}")

    return ContainedFetcher(allowed_protocols=["file", "data"], allow_redirects=False)


def render_pdf(job: PdfJob) -> bytes:
    """Lay out ``job.html`` as a PDF/A-3a; raise :class:`RenderFailed` on any WeasyPrint error."""
    from weasyprint import CSS, HTML, Attachment
    from weasyprint.css.counters import CounterStyle
    from weasyprint.text.fonts import FontConfiguration

    fetcher = contained_fetcher()
    fonts = FontConfiguration()
    counters = CounterStyle()  # print.css's @counter-style rules (lists numbered "a)") are kept here
    with _weasyprint_errors() as errors:
        try:
            css = [CSS(filename=str(static_dir() / STYLESHEET), url_fetcher=fetcher, font_config=fonts,
                       counter_style=counters)]
            if job.page_css:
                css.append(CSS(string=job.page_css, url_fetcher=fetcher, font_config=fonts, counter_style=counters))
            attachments = [
                Attachment(file_obj=BytesIO(content), name=name, description=description,
                           created=job.created, modified=job.modified, relationship="Source",
                           url_fetcher=fetcher)
                for name, content, description in job.attachments
            ]
            data = HTML(string=job.html, base_url=None, url_fetcher=fetcher).write_pdf(
                stylesheets=css, font_config=fonts, counter_style=counters, pdf_variant=PDF_VARIANT,
                attachments=attachments, custom_metadata=True,
            )
        except Exception as exc:  # noqa: BLE001 - any layout failure becomes one line for this PDF
            raise RenderFailed(f"WeasyPrint failed: {one_line(exc)}") from None
    if errors.messages:
        more = f" (and {len(errors.messages) - 1} more)" if len(errors.messages) > 1 else ""
        raise RenderFailed(f"{errors.messages[0]}{more}")
    return bytes(data)


T = TypeVar("T")
R = TypeVar("R")


def in_processes(work: Callable[[T], R], items: Sequence[T], workers: int | None = None,
                 finished: Callable[[int], None] | None = None) -> list[R]:
    """``work`` on every item, one process per item on up to two cores; results in item order.

    ``finished(n)`` is told, as each result arrives, how many have (for a progress display).
    WeasyPrint is single-threaded, so processes are how a build uses both cores.
    ``work`` must be a module-level function so worker processes can find it.
    """
    tell = finished or (lambda n: None)
    workers = min(workers or MAX_WORKERS, len(items), os.cpu_count() or 1)
    if workers <= 1:
        results = []
        for item in items:
            results.append(work(item))
            tell(len(results))
        return results
    with ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        futures = [pool.submit(work, item) for item in items]
        for count, _ in enumerate(as_completed(futures), start=1):
            tell(count)
        return [future.result() for future in futures]

