"""The organisation's house styles for Word copies, ``word/reference.docx``, are a Word file pandoc can read.

pandoc takes its styles from this file for every Word copy; a file that is not a ``.docx`` (cut
short by a copy, saved as ``.doc``, renamed) makes it refuse every document. ``WORD_REFERENCE``
says so before any build, so a handbook that passes ``check`` makes its Word copies.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from polisi.findings import Finding, Severity
from polisi.handbook.model import Handbook

HANDBOOK_REFERENCE = "word/reference.docx"
"""An organisation's own house styles, relative to the handbook root; used instead of the shipped one."""
REQUIRED_PARTS = ("[Content_Types].xml", "word/document.xml", "word/styles.xml")
"""The parts of a Word file pandoc reads a reference document's styles and page from."""


def word_reference(handbook: Handbook, _: object = None) -> Iterator[Finding]:
    """``WORD_REFERENCE`` when the handbook's own house styles are not a readable Word file."""
    path = handbook.root / HANDBOOK_REFERENCE
    if path.is_file():
        problem = reference_problem(path)
        if problem is not None:
            yield Finding(HANDBOOK_REFERENCE, 1, 1, Severity.ERROR, "WORD_REFERENCE",
                          f"the house styles for Word copies {problem}: save them again from Word as a .docx "
                          "(or delete the file to use polisi's own)")


def reference_problem(path: Path) -> str | None:
    """Why ``path`` is not a Word file pandoc can take styles from, or ``None``."""
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            missing = [part for part in REQUIRED_PARTS if part not in names]
            if missing:
                return f"lack {', '.join(missing)}, so this is not a Word document"
            for part in REQUIRED_PARTS:
                package.read(part)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
        return f"cannot be read as a Word file ({' '.join(str(exc).split())[:80]})"
    return None
