"""A Word copy that polisi exported, read back into the document it came from.

Placing authorities and lawyers edit the Word copies they are sent; importing one must give back
the handbook document, not a foreign policy. The export says what it is in its document
properties (``document-id``, version, status, owner, approval) and prints the rest of the front
matter in its front block table and its "Legal basis" table; links to other documents point at
their Word copies (``POL-SAF-01.docx``). All of that is read back here: the front matter is rebuilt,
the two tables leave the body, links point at the Markdown files again and headings return to the
levels the body had.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass

from polisi.handbook.model import Kind
from polisi.handbook.schema import CITATION_LABELS

EXPORT_MARK = "document-id"
"""The custom document property every polisi export carries."""
ADMONITIONS = "admonitions"
"""Custom property: the kind of each admonition in the body (``warning;note``), which Word's
"Admonition" styles do not carry."""
TOP_HEADING = "heading-top"
"""Custom property: the Markdown level of the body's top headings, which the export made Heading 1."""

_ADMONITION = re.compile(r'<div class="admonition ([^"]+)"')
_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_HEADING = re.compile(r"^(#{1,6})(\s+.*)$")
_DOCX_LINK = re.compile(r"\]\((?P<id>(?:POL|PRO)-[A-Z]{2,4}-\d{2}|SOP-\d{2})\.docx(?P<fragment>#[^)\s]*)?\)")
_KEY_OF_LABEL = {label: key for key, label in CITATION_LABELS.items()}
_FRONT_ROWS = {
    "Last reviewed": "last_reviewed", "Review interval": "review_interval", "Effective from": "effective_from",
    "Audience": "audience", "Policy": "policy", "Procedures": "procedures", "Summary": "summary",
}
_PROPERTIES = {"version": "version", "status": "status", "owner": "owner", "approved-by": "approved_by",
               "approved-on": "approved_on", "ciw-notified-on": "ciw_notified_on", "supersedes": "supersedes"}
_DATES = {"approved_on", "last_reviewed", "effective_from", "ciw_notified_on"}
_LISTS = {"audience", "procedures", "supersedes"}
_ORDER = ("id", "title", "version", "status", "owner", "approved_by", "approved_on", "last_reviewed",
          "review_interval", "summary", "audience", *CITATION_LABELS, "procedures", "policy", "supersedes",
          "effective_from", "ciw_notified_on")


def admonition_kinds(html: str) -> str:
    """The :data:`ADMONITIONS` property of a rendered body: each admonition's classes but the first."""
    return ";".join(_ADMONITION.findall(html))


@dataclass(frozen=True)
class Restored:
    """The document an export came from: its id, kind, front matter text and body."""

    doc_id: str
    kind: Kind
    front: str
    body: str


def kind_of(doc_id: str) -> Kind:
    return next(kind for kind in Kind if doc_id.startswith(kind.prefix + "-"))


def restore_export(markdown: str, properties: dict[str, str], title: str) -> Restored:
    """The handbook document behind an exported Word copy, from pandoc's Markdown of it."""
    doc_id = properties[EXPORT_MARK]
    kind = kind_of(doc_id)
    lines = markdown.split("\n")
    front_rows, lines = _take_table(lines, lambda heading: heading is None)
    legal_rows, lines = _take_table(lines, lambda heading: heading == "Legal basis")
    values: dict[str, str | list[str]] = {"id": doc_id, "title": title}
    for name, key in _PROPERTIES.items():
        if properties.get(name):
            values[key] = properties[name].split(", ") if key in _LISTS else properties[name]
    for label, value in front_rows:
        key = _FRONT_ROWS.get(label)
        if key:
            values[key] = value.split(", ") if key in _LISTS else value
    for row in legal_rows:
        key = _KEY_OF_LABEL.get(row[0])
        if key and len(row) > 1:
            values.setdefault(key, []).append(row[1])  # type: ignore[union-attr]
    shift = int(properties.get(TOP_HEADING, "2")) - 1
    body = "\n".join(_shifted(line, shift) for line in lines)
    folder = kind.folder
    body = _DOCX_LINK.sub(lambda m: _markdown_link(folder, m.group("id"), m.group("fragment") or ""), body)
    return Restored(doc_id, kind, _front_matter(values), body.strip("\n") + "\n")


def _take_table(lines: list[str], wanted: object) -> tuple[list[list[str]], list[str]]:
    """The rows of the first table whose heading (or ``None`` for none) ``wanted`` accepts, and
    the lines without it (and without its heading)."""
    heading: str | None = None
    heading_at: int | None = None
    for index, line in enumerate(lines):
        title = _HEADING.match(line)
        if title:
            heading, heading_at = title.group(2).strip(), index
            continue
        if not _ROW.match(line):
            continue
        if not wanted(heading):  # type: ignore[operator]
            return [], lines
        end = index
        while end < len(lines) and _ROW.match(lines[end]):
            end += 1
        rows = [[c.strip() for c in _ROW.match(row).group(1).split("|")]  # type: ignore[union-attr]
                for row in lines[index:end] if not _RULE.match(row)]
        start = heading_at if heading is not None and heading_at is not None else index
        return [r for r in rows if any(r)], lines[:start] + lines[end:]
    return [], lines


def _shifted(line: str, shift: int) -> str:
    heading = _HEADING.match(line)
    if not heading or not shift:
        return line
    return "#" * min(max(len(heading.group(1)) + shift, 1), 6) + heading.group(2)


def _markdown_link(folder: str, doc_id: str, fragment: str) -> str:
    target = f"{kind_of(doc_id).folder}/{doc_id}.md"
    return f"]({posixpath.relpath(target, folder)}{fragment})"


def _front_matter(values: dict[str, str | list[str]]) -> str:
    lines = ["---"]
    for key in _ORDER:
        value = values.get(key)
        if not value:
            continue
        if isinstance(value, list):
            lines.append(f"{key}: [{', '.join(_text(item) for item in value)}]")
        elif key in _DATES or key in {"status", "id", "policy"}:
            lines.append(f"{key}: {value}")
        else:
            lines.append(f"{key}: {_text(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def _text(value: str) -> str:
    """A YAML string that reads back as exactly ``value`` (JSON strings are YAML)."""
    return json.dumps(value, ensure_ascii=False)
