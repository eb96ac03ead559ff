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


MAX_PART_BYTES = 64 * 2**20
"""Largest part of a Word file, uncompressed: the text of a policy of hundreds of pages is a few MB."""
MAX_TOTAL_BYTES = 256 * 2**20
"""Largest Word file, uncompressed; a few hundred KB can otherwise unpack to gigabytes (a zip bomb)."""


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    biggest = max(infos, key=lambda i: i.file_size, default=None)
    if biggest is not None and biggest.file_size > MAX_PART_BYTES:
        raise WordFileError(f"{path}: its part {biggest.filename} unpacks to {biggest.file_size // 2**20} MB, more "
                            f"than the {MAX_PART_BYTES // 2**20} MB polisi accepts; save a smaller copy in Word")
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_BYTES:
        raise WordFileError(f"{path}: unpacks to {total // 2**20} MB, more than the {MAX_TOTAL_BYTES // 2**20} MB "
                            "polisi accepts; compress its pictures in Word (File > Compress Pictures) first")


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
            infos = archive.infolist()
            names = {i.filename for i in infos}
            _check_sizes(path, infos)  # before anything is decompressed
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
