"""Links and heading anchors in a Markdown body, with their positions.

A light scanner rather than a full Markdown render, so that checking 5,000
documents stays fast. Heading anchors use Python-Markdown's own ``slugify``
(the one MkDocs and the PDF renderer use), de-duplicated the same way, and a
test compares them with the real rendering of the shipped handbook.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from markdown.extensions.toc import slugify

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_ATTR_ID = re.compile(r"\s*\{[^}]*#([\w-]+)[^}]*\}\s*$")
_INLINE_CODE = re.compile(r"(`+)(?:.+?)\1")
_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REF_DEF = re.compile(r"^\s{0,3}\[(?!\^)[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
_INLINE_MARKUP = re.compile(r"\[([^\]]*)\]\([^)]*\)|[*_`]")


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def is_external(target: str) -> bool:
    """A link with a scheme (``https:``, ``mailto:``) or a network path leaves the handbook."""
    return bool(_SCHEME.match(target)) or target.startswith("//")


def resolve(from_path: str, target: str) -> tuple[str, str]:
    """Where a relative link written in the file ``from_path`` points, as (handbook-relative path,
    fragment). The path is empty for a link to a heading of the same page."""
    path, _, fragment = target.partition("#")
    if not path:
        return "", fragment
    return posixpath.normpath(posixpath.join(posixpath.dirname(from_path), path)), fragment


@dataclass(frozen=True)
class Link:
    target: str
    line: int
    """Line within the body, 1-based."""
    column: int
    image: bool = False

    @property
    def external(self) -> bool:
        return is_external(self.target)


def _lines_outside_code(body: str) -> Iterator[tuple[int, str]]:
    fence: str | None = None
    for number, line in enumerate(body.splitlines(), start=1):
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)[0] * 3
            continue
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        yield number, line


def links(body: str) -> list[Link]:
    """Every inline link, image and reference definition outside code."""
    found: list[Link] = []
    for number, line in _lines_outside_code(body):
        masked = _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)
        for match in _LINK.finditer(masked):
            found.append(Link(match.group(1), number, match.start(1) + 1, masked[match.start()] == "!"))
        ref = _REF_DEF.match(masked)
        if ref:
            found.append(Link(ref.group(1), number, ref.start(1) + 1))
    return found


def anchors(body: str) -> set[str]:
    """The id of every heading in ``body``, as the Markdown ``toc`` extension makes them."""
    seen: set[str] = set()
    for _, line in _lines_outside_code(body):
        match = _HEADING.match(line)
        if not match:
            continue
        text = match.group(2)
        custom = _ATTR_ID.search(text)
        if custom:
            seen.add(custom.group(1))
            continue
        slug = slugify(_INLINE_MARKUP.sub(lambda m: m.group(1) or "", text), "-")
        unique, n = slug, 0
        while unique in seen:
            n += 1
            unique = f"{slug}_{n}"
        seen.add(unique)
    return seen
