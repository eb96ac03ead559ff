"""The one Markdown-to-HTML rendering shared by the site, the PDFs and Word export.

MkDocs renders the site itself, from ``mkdocs.yml``; that file must list the same
extensions as :data:`EXTENSIONS` (a test holds them together), so a document
renders the same on the intranet, on paper and in Word.
"""

from __future__ import annotations

import html
import signal
import string
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from polisi.errors import BuildError
from polisi.handbook import list_markers
from polisi.handbook.sanitise import sanitise_html

EXTENSIONS: tuple[str, ...] = (
    "abbr",
    "admonition",
    "attr_list",
    "def_list",
    "footnotes",
    "md_in_html",
    "sane_lists",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.fancylists",
    "pymdownx.superfences",
)
"""Markdown extensions, in the order ``mkdocs.yml`` lists them. ``pymdownx.fancylists`` keeps a
numbered list's first number, so "step 5" in a procedure is step 5 for staff too."""

POLISI_EXTENSIONS: tuple[str, ...] = (list_markers.__name__,)
"""polisi's own extensions, after the handbook's on every rendering, the site's included: a list
numbered ``a)`` keeps its closing bracket everywhere (:mod:`polisi.handbook.list_markers`)."""

EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {"toc": {"permalink": False}}
"""Print settings; the site adds heading permalinks through ``mkdocs.yml``."""

CPU_SECONDS = 120
"""Processor time one document's rendering may take before it is stopped. ``polisi check`` refuses
markup that would take long (``MARKUP_TOO_COMPLEX``); this is the backstop behind it."""

LinkRewriter = Callable[[str], str]
"""Maps a link target as written (``../procedures/PRO-SAF-01.md#x``) to the one to emit."""


class _Rewrite(Treeprocessor):
    def __init__(self, md: markdown.Markdown, tag: str, attribute: str, rewrite: LinkRewriter) -> None:
        super().__init__(md)
        self.tag, self.attribute, self.rewrite = tag, attribute, rewrite

    def run(self, root: ET.Element) -> None:
        for element in root.iter(self.tag):
            value = element.get(self.attribute)
            if value is not None:
                element.set(self.attribute, self.rewrite(value))


class _RewriteExtension(Extension):
    def __init__(self, links: LinkRewriter | None, images: LinkRewriter | None) -> None:
        super().__init__()
        self.links, self.images = links, images

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        if self.links is not None:
            md.treeprocessors.register(_Rewrite(md, "a", "href", self.links), "polisi-links", 1)
        if self.images is not None:
            md.treeprocessors.register(_Rewrite(md, "img", "src", self.images), "polisi-images", 1)


_THREAD = threading.local()


def _plain_markdown() -> markdown.Markdown:
    """One converter per thread for bodies rendered without rewriting (the checks render every
    document): setting up the extensions costs more than converting a document."""
    md = getattr(_THREAD, "markdown", None)
    if md is None:
        md = _THREAD.markdown = markdown.Markdown(extensions=[*EXTENSIONS, *POLISI_EXTENSIONS],
                                                  extension_configs=EXTENSION_CONFIGS)
    return md


def render_markdown(
    text: str, rewrite_links: LinkRewriter | None = None, rewrite_images: LinkRewriter | None = None,
    *, sanitise: bool = True,
) -> str:
    """Render a document body to an HTML fragment.

    ``rewrite_links`` lets each output point handbook links where they belong
    (a page of the site, a page of the bundle, a PDF file); ``rewrite_images``
    does the same for image sources (the PDFs embed them). The HTML is sanitised
    (:mod:`polisi.handbook.sanitise`); only the checks ask for it raw, to report what would go.
    """
    if rewrite_links is None and rewrite_images is None:
        md = _plain_markdown()
        md.reset()
    else:
        extensions: list[str | Extension] = [*EXTENSIONS, *POLISI_EXTENSIONS,
                                             _RewriteExtension(rewrite_links, rewrite_images)]
        md = markdown.Markdown(extensions=extensions, extension_configs=EXTENSION_CONFIGS)
    with cpu_limit(CPU_SECONDS):
        html = md.convert(text)
    return sanitise_html(html) if sanitise else html


class RenderTooLong(BuildError):
    """Rendering one document used more than :data:`CPU_SECONDS` of processor time."""


@contextmanager
def cpu_limit(seconds: float) -> Iterator[None]:
    """Stop the block with :class:`RenderTooLong` once this process has used ``seconds`` more CPU time.

    Python-Markdown is pure Python, so the timer's signal interrupts it wherever it is. Signals
    reach only the main thread; elsewhere (no caller of polisi's does so) the block runs unbounded.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def stop(_signum: int, _frame: object) -> None:
        raise RenderTooLong(f"rendering a document took more than {seconds:g} s of processor time and was stopped")

    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def literal_markdown(text: str) -> str:
    """``text`` (a title, an owner, a summary) as Markdown that renders as exactly this text, on one line.

    Front matter is shown in Markdown pages polisi writes (the site's headings), outside the body
    an author wrote as Markdown: there ``[x](...)`` must not become a link, ``{: onclick=...}`` an
    attribute, ``<b>`` a tag, nor a line break a new block. So whitespace runs become one space,
    every mark Python-Markdown can escape gets its backslash, and HTML's own marks become entities.
    """
    marks = set(_plain_markdown().ESCAPED_CHARS) - {">"}  # ">" becomes "&gt;" below
    escaped = "".join("\\" + mark if mark in marks else mark for mark in " ".join(text.split()))
    return html.escape(escaped, quote=True)


@cache
def printed_escapes() -> frozenset[str]:
    """The punctuation marks whose backslash escape Python-Markdown prints as written (``\\'``).

    CommonMark, and so every editor's preview and pandoc's Markdown, hides the backslash before
    any punctuation mark; Python-Markdown only before its own list. Asking the renderer itself
    keeps this true whichever extensions are on.
    """
    probe = " ".join(f"\\{mark}" for mark in string.punctuation)
    md = markdown.Markdown(extensions=[*EXTENSIONS, *POLISI_EXTENSIONS], extension_configs=EXTENSION_CONFIGS)
    html = md.convert(probe)
    text = html.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    return frozenset(mark for mark in string.punctuation if f"\\{mark}" in text)
