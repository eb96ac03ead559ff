"""Stage 1: read handbook files into front matter (with positions) and body.

Nothing here knows what the keys mean; ``schema`` and ``model`` do that. This
stage only guarantees that a file is UTF-8, has a terminated front-matter
block of YAML that parses to a mapping, and says exactly where it does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from polisi.findings import Finding, Severity
from polisi.handbook.yamlpos import Parsed, parse_yaml

FENCE = "---"
KIND_FOLDERS = ("statement_of_purpose", "policies", "procedures")
"""The folders that hold handbook documents, in reading order."""


@dataclass(frozen=True)
class SourceFile:
    """One Markdown file split into parsed front matter and body."""

    path: str
    """Path relative to the handbook root, with forward slashes."""
    folder: str
    """The kind folder it was found in (``policies`` …)."""
    stem: str
    """File name without ``.md``; must equal the document id."""
    text: str
    front: Parsed
    body: str
    body_line: int
    """Line number (1-based) of the body's first line in the file."""


def read_source(root: Path, file: Path) -> tuple[SourceFile | None, list[Finding]]:
    """Read and split one file; ``None`` when it has no usable front matter."""
    rel = file.relative_to(root).as_posix()
    try:
        raw = file.read_bytes()
    except OSError as exc:
        return None, [Finding(rel, 1, 1, Severity.ERROR, "UNREADABLE", f"cannot read file: {exc.strerror}")]
    return decode_source(rel, file.parent.name, file.stem, raw)


def decode_source(rel: str, folder: str, stem: str, raw: bytes) -> tuple[SourceFile | None, list[Finding]]:
    """Split one file's bytes, which must be UTF-8; ``None`` when it has no usable front matter."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            Finding(rel, line, col, Severity.ERROR, "NOT_UTF8",
                    f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8")
        ]
    return split_front_matter(rel, folder, stem, text.removeprefix("\ufeff"))


def split_front_matter(
    rel: str, folder: str, stem: str, text: str
) -> tuple[SourceFile | None, list[Finding]]:
    """Split ``text`` into front matter and body, parsing the front matter as YAML."""
    if not text.strip():
        return None, [Finding(rel, 1, 1, Severity.ERROR, "EMPTY_FILE", "file is empty")]
    lines = text.splitlines(keepends=True)
    if lines[0].rstrip("\r\n").rstrip() != FENCE:
        return None, [
            Finding(rel, 1, 1, Severity.ERROR, "MISSING_FRONT_MATTER",
                    "file must start with a '---' line opening the front matter")
        ]
    end = next(
        (i for i in range(1, len(lines)) if lines[i].rstrip("\r\n").rstrip() in (FENCE, "...")),
        None,
    )
    if end is None:
        return None, [
            Finding(rel, 1, 1, Severity.ERROR, "UNTERMINATED_FRONT_MATTER",
                    "front matter opened on line 1 is never closed with a '---' line")
        ]
    front = parse_yaml("".join(lines[1:end]), rel, first_line=2)
    findings = list(front.findings)
    if front.value is None and not findings:
        findings.append(Finding(rel, 1, 1, Severity.ERROR, "EMPTY_FRONT_MATTER", "front matter is empty"))
    elif front.value is not None and not isinstance(front.value, dict):
        line, col = front.position(())
        findings.append(
            Finding(rel, line, col, Severity.ERROR, "FRONT_MATTER_NOT_MAPPING",
                    "front matter must be 'key: value' lines")
        )
    if findings:
        return None, findings
    source = SourceFile(
        path=rel, folder=folder, stem=stem, text=text, front=front,
        body="".join(lines[end + 1:]), body_line=end + 2,
    )
    return source, []


def discover(root: Path) -> list[Path]:
    """Every ``*.md`` file in the kind folders, in a stable order."""
    found: list[Path] = []
    for folder in KIND_FOLDERS:
        base = root / folder
        if base.is_dir():
            found.extend(sorted(p for p in base.glob("*.md") if p.is_file()))
    return found
