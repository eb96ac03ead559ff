"""Document control, as Word policies hold it, read into front matter and taken out of the body.

Providers' Word files say who owns a policy and which version it is in a "Document control"
table (often under a heading of that name), or in a block of ``Label: value`` lines typed with
Shift+Enter (one paragraph, lines joined by ``<br>`` after import). In a handbook those facts live
in front matter and the PDF's front block, so the table, its heading or the block is read here and
removed; left in the body it would also be taken for the title or printed twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LABELS = {
    "owner": ("owner", "policy owner", "procedure owner", "document owner", "responsible officer"),
    "version": ("version", "version number", "version no", "issue", "revision"),
}
"""Labels whose values the import uses, by front-matter key."""
OTHER_LABELS = (
    "author", "approved by", "approved on", "date approved", "approval date", "review date", "next review",
    "next review date", "last reviewed", "date of issue", "issue date", "effective date", "status",
    "reference", "document reference", "document id", "policy number", "classification", "date",
)
"""Labels a control block also holds; recognised so that the whole block goes."""
CONTROL_HEADINGS = ("document control", "version control", "document information", "document details")

_PAIR = re.compile(r"^[*_\s]*(?P<label>[A-Za-z][A-Za-z .]{1,40}?)[*_\s]*:[*_\s]*(?P<value>.*?)[*_\s]*$")
_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")


@dataclass
class Control:
    """The body without its control table or block, and what they said."""

    body: str
    values: dict[str, str] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    """What was taken out, for the import report ("the Document control table")."""


def take_control(body: str) -> Control:
    """Read and remove the first control table (with its heading) and every control block."""
    lines = body.split("\n")
    control = Control(body)
    keep: list[str] = []
    index = 0
    table_done = False
    while index < len(lines):
        line = lines[index]
        heading = _HEADING.match(line)
        if heading and _plain(heading.group(1)) in CONTROL_HEADINGS and not table_done:
            start = _next_content(lines, index + 1)
            end = _table_end(lines, start)
            if end > start and _read_table(lines[start:end], control, titled=True):
                control.removed.append(f"the {heading.group(1).strip()} table")
                index, table_done = end, True
                continue
        if _ROW.match(line) and not table_done and (not keep or not _ROW.match(keep[-1])):
            end = _table_end(lines, index)
            if _read_table(lines[index:end], control, titled=False):
                control.removed.append("the document control table")
                index, table_done = end, True
                continue
        if _read_block(line, control):
            index += 1
            continue
        keep.append(line)
        index += 1
    control.body = re.sub(r"\n{3,}", "\n\n", "\n".join(keep)).strip("\n") + "\n"
    return control


def _plain(text: str) -> str:
    return re.sub(r"[^a-z ]", "", text.lower()).strip()


def _key(label: str) -> str | None:
    """The front-matter key for a label, ``""`` for a control label polisi does not use, else None."""
    plain = _plain(label)
    for key, labels in LABELS.items():
        if plain in labels:
            return key
    return "" if plain in OTHER_LABELS else None


def _next_content(lines: list[str], index: int) -> int:
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def _table_end(lines: list[str], start: int) -> int:
    end = start
    while end < len(lines) and _ROW.match(lines[end]):
        end += 1
    return end


def _read_table(rows: list[str], control: Control, *, titled: bool) -> bool:
    """Take the values of a two-column label/value table; ``False`` when it is not one."""
    pairs = []
    for row in rows:
        if _RULE.match(row):
            continue
        cells = [c.strip().strip("*_").strip() for c in _ROW.match(row).group(1).split("|")]  # type: ignore[union-attr]
        cells = [c for c in cells if c]
        if len(cells) == 2:
            pairs.append((cells[0].rstrip(":"), cells[1]))
        elif len(cells) == 1 and _plain(cells[0]) in CONTROL_HEADINGS:
            titled = True
    known = [(label, value) for label, value in pairs if _key(label) is not None]
    if len(known) < 2 and not (titled and known):
        return False
    _take(known, control)
    return True


def _read_block(line: str, control: Control) -> bool:
    """A paragraph of ``Label: value`` lines (Shift+Enter breaks), at least two of them known."""
    parts = [part for part in re.split(r"<br\s*/?>", line) if part.strip()]
    matches = [_PAIR.match(part) for part in parts]
    if len(parts) < 2 or not all(matches):
        return False
    pairs = [(m.group("label"), m.group("value")) for m in matches if m]
    if any(_key(label) is None for label, _ in pairs):
        return False
    _take(pairs, control)
    control.removed.append("a document control block")
    return True


def _take(pairs: list[tuple[str, str]], control: Control) -> None:
    for label, value in pairs:
        key = _key(label)
        if key and value and key not in control.values:
            control.values[key] = value
