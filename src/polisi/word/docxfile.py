"""Is this file a Word document pandoc can read? Answered before pandoc ever sees it.

pandoc's own messages for a bad input ("Did not find end of central directory
signature") mean nothing to a policy lead. Looking at the first bytes and the
zip directory gives a plain reason instead: missing, corrupt, password-protected
(Word encrypts into an OLE compound file, not a zip) or not Word at all.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from polisi.errors import PolisiError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""First bytes of an OLE compound file: an encrypted .docx or an old binary .doc."""
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_CORE = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
}


class WordFileError(PolisiError):
    """The file cannot be imported; the message says why in one line."""


@dataclass(frozen=True)
class CoreProperties:
    """What Word records about a document (File > Info > Properties)."""

    title: str | None = None
    subject: str | None = None
    creator: str | None = None
    keywords: str | None = None


def check_word_file(path: Path) -> None:
    """Raise :class:`WordFileError` unless ``path`` is a readable .docx file."""
    if not path.exists():
        raise WordFileError(f"{path}: no such file")
    if not path.is_file():
        raise WordFileError(f"{path}: not a file")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise WordFileError(f"{path}: cannot read: {exc.strerror}") from None
    if head.startswith(OLE_MAGIC):
        if _ENCRYPTED_STREAM in path.read_bytes():
            raise WordFileError(
                f"{path}: is password-protected; open it in Word, remove the password "
                "(File > Info > Protect Document) and save it before importing"
            )
        raise WordFileError(f"{path}: is an old Word 97-2003 (.doc) file; save it as .docx in Word first")
    if not head.startswith(ZIP_MAGIC):
        if path.suffix.lower() == ".docx":
            raise WordFileError(f"{path}: is corrupt (not a zip archive, as every .docx file is)")
        raise WordFileError(f"{path}: is not a Word document (.docx)")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            broken = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise WordFileError(f"{path}: is corrupt ({exc})") from None
    if "word/document.xml" not in names:
        raise WordFileError(f"{path}: is a zip archive but not a Word document (no word/document.xml)")
    if broken is not None:
        raise WordFileError(f"{path}: is corrupt (damaged part {broken})")


def core_properties(path: Path) -> CoreProperties:
    """Read ``docProps/core.xml``; empty properties when it is missing or unreadable."""
    try:
        with zipfile.ZipFile(path) as archive:
            root = ET.fromstring(archive.read("docProps/core.xml"))
    except (KeyError, zipfile.BadZipFile, ET.ParseError, OSError):
        return CoreProperties()

    def text(tag: str) -> str | None:
        element = root.find(tag, _CORE)
        value = (element.text or "").strip() if element is not None else ""
        return value or None

    return CoreProperties(
        title=text("dc:title"), subject=text("dc:subject"), creator=text("dc:creator"),
        keywords=text("cp:keywords"),
    )


_CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}property"


def custom_properties(path: Path) -> dict[str, str]:
    """Word's custom document properties (File > Info > Properties > Advanced > Custom) as text."""
    try:
        with zipfile.ZipFile(path) as archive:
            root = ET.fromstring(archive.read("docProps/custom.xml"))
    except (KeyError, zipfile.BadZipFile, ET.ParseError, OSError):
        return {}
    return {prop.get("name", ""): "".join(prop.itertext()).strip() for prop in root.iter(_CUSTOM)}
