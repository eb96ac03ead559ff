"""Pictures every output can show: a file or ``data:`` picture the PDF renderer can read, written in
Markdown so that the PDF and the Word copy embed it.

WeasyPrint refuses a whole PDF for one picture it cannot read (a document renamed ``.png``, a
broken SVG, a ``data:`` address cut short) and prints a file saved half-way only as far as it
goes; a picture written as raw HTML (``<img src="media/plan.png">``) is never embedded, so the PDF
refuses it and the Word copy drops it. All are found here, at the picture, before any build.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import re
from collections.abc import Iterator
from io import BytesIO
from urllib.parse import unquote_to_bytes

from polisi.check.containment import Body, mask_code
from polisi.findings import Finding, Severity
from polisi.handbook.contain import handbook_file
from polisi.handbook.links import is_external, links
from polisi.handbook.model import Handbook
from polisi.handbook.sanitise import elements

ERROR = Severity.ERROR
Memo = dict[str, str | None]
"""Why each picture cannot be read (``None``: it can), worked out once per check."""


def pictures(handbook: Handbook, _: object = None) -> Iterator[Finding]:
    """A finding per picture an output could not show, in a document or a translation."""
    memo: Memo = {}
    for doc in handbook.bodies():
        offset = doc.source.body_line - 1
        for link in links(doc.body) if "![" in doc.body else ():
            if link.image:
                problem = _unreadable(handbook, doc, link.target, memo)
                if problem is not None:
                    yield Finding(doc.path, offset + link.line, link.column, ERROR, "IMAGE_UNREADABLE", problem)
        if "<" in doc.body:
            yield from _html_pictures(handbook, doc, memo)


def _html_pictures(handbook: Handbook, doc: Body, memo: Memo) -> Iterator[Finding]:
    masked = mask_code(doc.body)
    lines = masked.split("\n")
    for element in elements(masked):
        source = element.attributes.get("src", "").strip()
        if element.tag != "img" or not source or (is_external(source) and not source.lower().startswith("data:")):
            continue
        text = lines[element.line - 1].lower() if 0 < element.line <= len(lines) else ""
        where = (doc.source.body_line - 1 + element.line, max(text.find("<img"), 0) + 1)
        if not source.lower().startswith("data:"):
            alt = element.attributes.get("alt", "").strip() or "what it shows"
            yield Finding(doc.path, *where, ERROR, "HTML_IMAGE",
                          f"a picture written as HTML is not embedded in the PDF or the Word copy: write it "
                          f"as ![{alt}]({source})")
            continue
        problem = _unreadable(handbook, doc, source, memo)
        if problem is not None:
            yield Finding(doc.path, *where, ERROR, "IMAGE_UNREADABLE", problem)


def _unreadable(handbook: Handbook, doc: Body, target: str, memo: Memo) -> str | None:
    """Why the picture at ``target`` cannot be shown, or ``None``; web addresses are containment's."""
    if target.lower().startswith("data:"):
        key = target
        if key not in memo:
            data, kind = _data_uri(target)
            memo[key] = _picture_problem(data, kind, "this data: picture")
        return memo[key]
    if is_external(target):
        return None
    relative = posixpath.normpath(posixpath.join(posixpath.dirname(doc.path), target.split("#", 1)[0]))
    if relative not in memo:
        path = handbook_file(handbook.root, handbook.config, relative)
        shown = target if len(target) <= 80 else target[:77] + "..."
        memo[relative] = None if path is None else _picture_problem(
            path.read_bytes(), "svg" if path.suffix.lower() == ".svg" else "", shown)
    return memo[relative]


def _data_uri(uri: str) -> tuple[bytes | None, str]:
    """The bytes a ``data:`` address holds (``None`` if it is malformed), and ``svg`` for an SVG."""
    header, comma, payload = uri[5:].partition(",")
    if not comma:
        return None, ""
    kind = "svg" if "svg" in header.lower() else ""
    if header.lower().endswith(";base64"):
        try:
            return base64.b64decode(payload, validate=False), kind
        except (binascii.Error, ValueError):
            return None, kind
    return unquote_to_bytes(payload), kind


def _picture_problem(data: bytes | None, kind: str, shown: str) -> str | None:
    """Why a picture's bytes cannot be shown, said for the author; ``None`` when they can."""
    if data is None:
        return f"{shown} is not a complete data: address: save the picture in the handbook and link to it"
    if kind == "svg":
        from lxml import etree

        try:
            etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as exc:
            return f"{shown} is not a readable SVG picture ({str(exc)[:60]}): export it again"
        return None
    from PIL import Image, ImageFile

    # WeasyPrint sets this flag when it is imported and then prints a picture cut short as far as
    # it goes; a cut picture is not what its author saved, so it is read strictly here, whatever
    # else ran in this process, and the answer does not depend on it.
    tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with Image.open(BytesIO(data)) as picture:
            picture.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        reason = " ".join(re.sub(r"<[^>]*>", "", str(exc)).split())[:60]
        return f"{shown} is not a picture the PDF can show ({reason}): save it again as PNG or JPEG"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
    return None
