"""Keeps the mark an author put after a list number (``a)`` or ``a.``), so every output shows it.

``pymdownx.fancylists`` reads ``a)``, ``1)``, ``ii)`` as well as ``a.``, but writes only
``<ol type="a">``: the delimiter lives in an internal attribute its own tree processor deletes.
A reader's "see (b)" should find ``b)`` on the site, on paper and in Word alike, so this tree
processor runs just before that clean-up and names a closing-bracket list's style in its class
(``paren-lower-alpha``). ``print.css`` and the site's ``polisi.css`` define a counter style of
that name (``b)``); the Word export gives pandoc's list the same delimiter. A list written with
full stops keeps the default look, which is already ``b.``.

polisi adds this extension to every rendering, the site's included, after those a handbook's
``mkdocs.yml`` lists.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

PAREN_CLASS_PREFIX = "paren-"
"""Start of the class of a list numbered with a closing bracket; the rest is its CSS list style."""
LIST_STYLES: dict[str, str] = {
    "1": "decimal", "a": "lower-alpha", "A": "upper-alpha", "i": "lower-roman", "I": "upper-roman",
}
"""An ``<ol type>`` and the CSS list style that draws the same numbers."""
_FANCY = "__fancylist"
_FANCY_CLEANUP_PRIORITY = 10
"""Where ``pymdownx.fancylists`` registers the tree processor that deletes its list types."""


def paren_class(list_type: str) -> str:
    """The class of a list of this ``<ol type>`` numbered ``1)``, ``a)``, ``i)``: ``paren-lower-alpha``."""
    return PAREN_CLASS_PREFIX + LIST_STYLES.get(list_type, "decimal")


class _Delimiters(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for ol in root.iter("ol"):
            if ol.get(_FANCY, "").startswith("paren-"):
                classes = ol.get("class", "").split()
                ol.set("class", " ".join([*classes, paren_class(ol.get("type", "1"))]))


class ListMarkersExtension(Extension):
    """Names the closing-bracket lists (``a)``, ``1)``) in their class, before fancylists forgets them."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        md.treeprocessors.register(_Delimiters(md), "polisi-list-markers", _FANCY_CLEANUP_PRIORITY + 1)


def makeExtension(**kwargs: object) -> ListMarkersExtension:  # noqa: N802 - the name Python-Markdown and MkDocs call
    return ListMarkersExtension(**kwargs)
