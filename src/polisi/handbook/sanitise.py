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
the site's Markdown extensions) to the whole of every page's content, polisi's own
panels included, so the site, the PDFs and Word copies share one list and no secret
marker is needed to tell a document's text from polisi's: nothing an author writes
(a forged marker, a footnote MkDocs places after the body, a title in a heading) can
reach the page uncleaned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

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
    "table": {"tabindex"},
}
"""Attributes kept on each tag (``*``: every tag). No event handler, no ``rel``, no ``srcset``.
A table may take ``tabindex``: a wide one scrolls sideways on a phone, and a keyboard must reach it."""

PREFIXES: frozenset[str] = frozenset({"data-", "aria-"})
"""Attribute prefixes kept on every tag: accessibility labels and the data the site's scripts read."""

URL_ATTRIBUTES: frozenset[str] = frozenset({"href", "src", "cite"})
LINK_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto", "tel"})
"""Schemes a link (``<a href>``) may use: it is followed only when a reader chooses to."""
STYLE_PROPERTIES: frozenset[str] = frozenset({"text-align", "vertical-align", "width", "min-width", "max-width",
                                              "white-space", "font-weight", "font-style", "text-decoration"})
"""CSS properties kept in a ``style`` attribute (the tables extension aligns columns with ``text-align``)."""

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
class Element:
    """One start tag as an HTML parser reads it: its name, attributes and the line it starts on."""

    tag: str
    attributes: dict[str, str]
    line: int


IMPLIED = frozenset({"html", "head", "body"})
"""Tags the parser adds around a fragment; written by an author, their content is judged instead."""


def elements(html: str) -> Iterator[Element]:
    """Every element of ``html`` in document order, except those inside a tag removed with its content.

    libxml2's HTML parser (through lxml) reads any input in linear time and recovers from
    broken markup the way browsers do; Python's own ``html.parser`` is quadratic on
    unclosed tags, so a hostile document could stall ``polisi check`` with it.
    """
    from lxml import etree

    if not html.strip():
        return
    parser = etree.HTMLPullParser(events=("start", "end"))
    try:
        parser.feed(html.encode("utf-8", "replace").decode("utf-8"))  # libxml2 takes no lone surrogate
        parser.close()
    except etree.XMLSyntaxError:  # an empty document after recovery: nothing to report
        return
    inside = 0
    for event, element in parser.read_events():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        removed = tag in REMOVED_WITH_CONTENT
        if event == "end":
            inside -= removed
            continue
        if not inside and tag not in IMPLIED:
            attributes = {str(k).lower(): str(v) for k, v in element.attrib.items()}
            yield Element(tag, attributes, element.sourceline or 1)
        inside += removed


@dataclass(frozen=True)
class Removal:
    """Something the sanitiser would take out of a document, described for the author."""

    tag: str
    attribute: str | None
    """The attribute removed, or ``None`` when the whole tag goes."""
    reason: str
    value: str | None = None
    """The attribute's value, when it is the value that is refused."""
    line: int = 1
    """Line of the fragment it was found on (1-based)."""

    @property
    def needle(self) -> str:
        """What to look for in the source to point at it: the refused value, the attribute name, or the tag."""
        return self.value or self.attribute or f"<{self.tag}"


def allowed_attribute(tag: str, name: str) -> bool:
    """Whether ``name`` may stay on ``tag`` (``*``: on any tag), whatever its value."""
    return name in ATTRIBUTES["*"] or name in ATTRIBUTES.get(tag, set()) or any(name.startswith(p) for p in PREFIXES)


def attribute_removals(tag: str, name: str, value: str, line: int = 1) -> list[Removal]:
    """What the sanitiser would take of one attribute: nothing, the attribute, or part of its style."""
    shown = value if len(value) <= 60 else value[:57] + "..."
    where = f"<{tag}>" if tag != "*" else "an element"
    if not allowed_attribute(tag, name):
        return [Removal(tag, name, f"the attribute {name} on {where} is not allowed", line=line)]
    if allowed_value(tag, name, value) is None:
        return [Removal(tag, name, f'{name}="{shown}" on {where} is not allowed', value, line)]
    if name == "style":
        dropped = [p for p in _style_properties(value) if p not in STYLE_PROPERTIES]
        if dropped:
            return [Removal(tag, name, f"the style {', '.join(dropped)} on {where} is not allowed", line=line)]
    return []


def _style_properties(value: str) -> list[str]:
    return [d.split(":", 1)[0].strip().lower() for d in value.split(";") if d.strip()]


def removals(html: str) -> list[Removal]:
    """What :func:`sanitise_html` would remove from ``html``, in document order."""
    return [removal for element in elements(html) for removal in element_removals(element)]


def element_removals(element: Element) -> list[Removal]:
    """What :func:`sanitise_html` would remove of one element: the whole tag, or some of its attributes."""
    tag = element.tag
    if tag not in TAGS:
        what = "and its content " if tag in REMOVED_WITH_CONTENT else ""
        return [Removal(tag, None, f"<{tag}> is not allowed; it {what}would be removed", line=element.line)]
    return [r for name, value in element.attributes.items() for r in attribute_removals(tag, name, value, element.line)]


class _SanitisePostprocessor(Postprocessor):
    def run(self, text: str) -> str:
        return sanitise_html(text)


class SanitiseExtension(Extension):
    """Python-Markdown extension: sanitise the final HTML (after raw HTML is put back)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        md.postprocessors.register(_SanitisePostprocessor(md), "polisi-sanitise", 0)


def makeExtension(**kwargs: object) -> SanitiseExtension:  # noqa: N802 - Python-Markdown's loader looks for it
    """Lets MkDocs load the extension by module name (``polisi.handbook.sanitise``)."""
    return SanitiseExtension(**kwargs)
