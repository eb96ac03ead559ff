"""The allow-list every piece of rendered HTML passes through before any output sees it.

An author, a contractor's Word file or a pull request can put raw HTML in a
document. Whatever it says, staff, Word and the inspector must get the text
and its structure, never a script, an event handler, a frame, a file
attachment or a resource fetched from elsewhere. nh3 (the Rust ``ammonia``
sanitiser) keeps only what :data:`TAGS` and :data:`ATTRIBUTES` allow;
:func:`allowed_value` decides each URL and style, the same way for nh3 and for
:func:`removals`, which ``polisi check`` uses to report everything that would be
removed, so nothing disappears silently.

:class:`SanitiseExtension` applies the same cleaning inside MkDocs (polisi adds it to
the site's Markdown extensions), so the site, the PDFs and Word copies share one list.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3
from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor

TAGS: frozenset[str] = frozenset(nh3.ALLOWED_TAGS | {"tfoot", "section"})
"""nh3's default tags (text, lists, tables, headings, details), plus table footers and sections."""

REMOVED_WITH_CONTENT: frozenset[str] = frozenset({"script", "style", "iframe", "object", "embed", "noscript",
                                                  "template", "svg", "math", "frame", "frameset", "applet"})
"""Tags whose content is code or a separate document, never text: removed together with it."""

_GLOBAL = {"id", "class", "title", "lang", "dir", "style", "hidden", "role"}
ATTRIBUTES: dict[str, set[str]] = {
    "*": _GLOBAL,
    "a": {"href", "hreflang", "download"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "type", "reversed"},
    "td": {"colspan", "rowspan", "align", "headers"},
    "th": {"colspan", "rowspan", "align", "headers", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
    "time": {"datetime"},
    "data": {"value"},
    "del": {"datetime"},
    "ins": {"datetime"},
}
"""Attributes kept on each tag (``*``: every tag). No event handler, no ``rel``, no ``srcset``."""

PREFIXES: frozenset[str] = frozenset({"data-", "aria-"})
"""Attribute prefixes kept on every tag: accessibility labels and the data the site's scripts read."""

URL_ATTRIBUTES: frozenset[str] = frozenset({"href", "src", "cite"})
LINK_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto", "tel"})
"""Schemes a link (``<a href>``) may use: it is followed only when a reader chooses to."""
STYLE_PROPERTIES: frozenset[str] = frozenset({"text-align", "vertical-align", "width", "min-width", "max-width",
                                              "white-space", "font-weight", "font-style", "text-decoration"})
"""CSS properties kept in a ``style`` attribute (the tables extension aligns columns with ``text-align``)."""

SITE_NONCE = secrets.token_hex(16)
"""This process's marker nonce for the site's untrusted regions (stable while ``polisi serve`` runs)."""

_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
_POLISI_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*$")
_CSS_DANGER = re.compile(r"url\s*\(|expression\s*\(|@import|\\", re.IGNORECASE)


def allowed_value(tag: str, attribute: str, value: str) -> str | None:
    """``value`` when it may stay on ``tag``, else ``None``: the rule nh3 applies and the checks report.

    A link may leave the handbook (``https:``, ``mailto:``) but never runs code (``javascript:``) or
    carries a document (``data:``); a picture is always a file of the handbook, or the ``data:``
    image polisi embedded itself, never one loaded from the web when the page is viewed.
    """
    if attribute == "style":
        return None if _CSS_DANGER.search(value) else value
    if attribute not in URL_ATTRIBUTES:
        return value
    url = "".join(value.split())
    scheme = _SCHEME.match(url)
    if tag == "img" and attribute == "src":
        if scheme is None:
            return None if url.startswith("//") else value
        return value if _POLISI_IMAGE.match(value) else None
    if scheme is None:
        return value
    return value if tag == "a" and attribute == "href" and scheme.group(1).lower() in LINK_SCHEMES else None


def sanitise_html(html: str) -> str:
    """``html`` with everything outside the allow-list removed."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=allowed_value,
        generic_attribute_prefixes=set(PREFIXES),
        url_schemes=set(LINK_SCHEMES | {"data"}),
        filter_style_properties=set(STYLE_PROPERTIES),
        strip_comments=True,
        link_rel=None,
    )


@dataclass(frozen=True)
class Removal:
    """Something the sanitiser would take out of a document, described for the author."""

    tag: str
    attribute: str | None
    """The attribute removed, or ``None`` when the whole tag goes."""
    reason: str
    value: str | None = None
    """The attribute's value, when it is the value that is refused."""

    @property
    def needle(self) -> str:
        """What to look for in the source to point at it: the refused value, the attribute name, or the tag."""
        return self.value or self.attribute or f"<{self.tag}"


def _allowed_attribute(tag: str, name: str) -> bool:
    return name in ATTRIBUTES["*"] or name in ATTRIBUTES.get(tag, set()) or any(name.startswith(p) for p in PREFIXES)


def _style_properties(value: str) -> list[str]:
    return [d.split(":", 1)[0].strip().lower() for d in value.split(";") if d.strip()]


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Removal] = []
        self.inside: list[str] = []
        """Open tags removed with their content: nothing in them needs reporting again."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.inside:
            if tag in REMOVED_WITH_CONTENT:
                self.inside.append(tag)
            return
        if tag not in TAGS:
            what = "and its content " if tag in REMOVED_WITH_CONTENT else ""
            self.found.append(Removal(tag, None, f"<{tag}> is not allowed; it {what}would be removed"))
            if tag in REMOVED_WITH_CONTENT:
                self.inside.append(tag)
            return
        for name, value in attrs:
            self._attribute(tag, name, value or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in REMOVED_WITH_CONTENT and not self.inside:
            self.found.append(Removal(tag, None, f"<{tag}> is not allowed; it would be removed"))
        elif not self.inside:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.inside and tag == self.inside[-1]:
            self.inside.pop()

    def _attribute(self, tag: str, name: str, value: str) -> None:
        shown = value if len(value) <= 60 else value[:57] + "..."
        if not _allowed_attribute(tag, name):
            self.found.append(Removal(tag, name, f"the attribute {name} on <{tag}> is not allowed"))
        elif allowed_value(tag, name, value) is None:
            self.found.append(Removal(tag, name, f'{name}="{shown}" on <{tag}> is not allowed', value))
        elif name == "style":
            dropped = [p for p in _style_properties(value) if p not in STYLE_PROPERTIES]
            if dropped:
                self.found.append(Removal(tag, name, f"the style {', '.join(dropped)} on <{tag}> is not allowed"))


def removals(html: str) -> list[Removal]:
    """What :func:`sanitise_html` would remove from ``html``, in document order."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.found


def region_markers(nonce: str) -> tuple[str, str]:
    """The HTML comments that open and close a document body within a page of trusted template HTML.

    ``nonce`` is random per build, so a body cannot close its own region early.
    """
    return f"<!-- polisi-untrusted {nonce} -->", f"<!-- /polisi-untrusted {nonce} -->"


def sanitise_regions(html: str, nonce: str) -> str:
    """Sanitise each marked region of ``html`` and drop the markers; a region never closed runs to the end."""
    start, end = region_markers(nonce)
    out: list[str] = []
    rest = html
    while (begin := rest.find(start)) >= 0:
        out.append(rest[:begin])
        rest = rest[begin + len(start):]
        stop = rest.find(end)
        body, rest = (rest, "") if stop < 0 else (rest[:stop], rest[stop + len(end):])
        out.append(sanitise_html(body))
    return "".join(out) + rest


class _SanitisePostprocessor(Postprocessor):
    def __init__(self, md: Markdown, nonce: str) -> None:
        super().__init__(md)
        self.nonce = nonce

    def run(self, text: str) -> str:
        return sanitise_regions(text, self.nonce) if self.nonce else sanitise_html(text)


class SanitiseExtension(Extension):
    """Python-Markdown extension: sanitise the final HTML (after raw HTML is put back).

    With ``nonce`` set, only the regions between :func:`region_markers` are sanitised: the site's
    pages wrap each document body in them and leave polisi's own panel and history as written.
    """

    def __init__(self, **kwargs: object) -> None:
        self.config = {"nonce": ["", "sanitise only the regions marked with this nonce; empty: everything"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        md.postprocessors.register(_SanitisePostprocessor(md, str(self.getConfig("nonce"))), "polisi-sanitise", 0)


def makeExtension(**kwargs: object) -> SanitiseExtension:  # noqa: N802 - Python-Markdown's loader looks for it
    """Lets MkDocs load the extension by module name (``polisi.handbook.sanitise``)."""
    return SanitiseExtension(**kwargs)
