"""The manifest: every published file's SHA-256, signed as part of the inspector bundle.

An inspector who holds the bundle must be able to tell that the per-document
PDFs and Word copies beside it are the ones that were built with it. So the
manifest is embedded in the bundle (an associated file, relationship ``Data``)
*before* the bundle is signed: the bundle's signature covers it, and nobody who
can write the build folder can swap a PDF and edit a hash. ``manifest.json``
beside the bundle is the same text for people to read; :func:`check_manifest`
trusts only the signed copy.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Iterable
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
BUNDLE_FILE = "inspector-bundle.pdf"
FORMAT = 2
COVERED = ("pdf", "docx")
"""Output folders the manifest lists completely: a file in them that it does not list is a problem."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def published_files(build: Path) -> list[tuple[str, Path]]:
    """Every per-document PDF and Word copy in ``build`` (translations' in ``pdf/<lang>/`` too), as
    (path relative to it, file)."""
    return [(p.relative_to(build).as_posix(), p) for folder in COVERED for p in _published(build / folder, folder)]


def _published(folder: Path, suffix: str) -> list[Path]:
    return sorted(folder.rglob(f"*.{suffix}"))


def manifest_bytes(files: Iterable[tuple[str, Path]], commit: str | None, as_of: date) -> bytes:
    """The manifest for ``files``: (path relative to the build folder, where it is now).

    Relative paths keep the manifest true when the build folder is copied elsewhere.
    """
    entries = [{"path": name, "sha256": sha256_of(file), "bytes": file.stat().st_size} for name, file in files]
    data = {"format": FORMAT, "commit": commit, "as_of": as_of.isoformat(), "covers": list(COVERED),
            "files": entries}
    return (json.dumps(data, indent=2) + "\n").encode("utf-8")


def embed_manifest(pdf: bytes, manifest: bytes, when: datetime) -> bytes:
    """``pdf`` with ``manifest`` attached as a PDF/A-3 associated file, ready to be signed."""
    import pikepdf

    with pikepdf.open(BytesIO(pdf)) as doc:
        stamp = when.strftime("D:%Y%m%d%H%M%SZ")
        spec = pikepdf.AttachedFileSpec(
            doc, manifest, filename=MANIFEST, mime_type="application/json", creation_date=stamp,
            mod_date=stamp, description="SHA-256 of every published file", relationship=pikepdf.Name.Data,
        )
        doc.attachments[MANIFEST] = spec  # pikepdf also lists it in the catalogue's /AF, as PDF/A-3 asks
        out = BytesIO()
        doc.save(out, deterministic_id=True)
        return out.getvalue()


def embedded_manifest(path: Path) -> bytes | None:
    """The manifest a bundle carries, or ``None`` when it has none (or is not a readable PDF)."""
    import pikepdf

    try:
        with pikepdf.open(path) as doc:
            spec = doc.attachments.get(MANIFEST)
            return None if spec is None else bytes(spec.get_file().read_bytes())
    except (pikepdf.PdfError, OSError, ValueError):
        return None


def check_manifest(manifest: bytes, build: Path) -> list[str]:
    """Problems with the files a signed manifest lists, relative to the build folder ``build``.

    Each problem is one sentence; an empty list means every listed file is there, unchanged,
    and nothing in the folders it covers was added after it was signed.
    """
    try:
        data: Any = json.loads(manifest.decode("utf-8"))
        entries = [(str(e["path"]), str(e["sha256"])) for e in data["files"]]
        covers = [str(c) for c in data.get("covers", [])]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return [f"the signed manifest is malformed ({type(exc).__name__})"]
    problems = []
    listed = set()
    for name, digest in entries:
        clean = posixpath.normpath(name)
        if name.startswith("/") or "\\" in name or clean != name or clean.startswith("../") or clean == "..":
            problems.append(f"the signed manifest names a path outside the output folder: {name[:80]}")
            continue
        listed.add(name)
        path = build / name
        if not path.is_file():
            problems.append(f"{name} is listed in the signed manifest but missing")
        elif sha256_of(path) != digest:
            problems.append(f"{name} does not match the manifest signed into the bundle "
                            "(changed or rebuilt after the bundle: run polisi build bundle)")
    for folder in covers:
        if folder not in COVERED:
            continue
        for extra in _published(build / folder, folder):
            name = extra.relative_to(build).as_posix()
            if name not in listed:
                problems.append(f"{name} is not in the signed manifest "
                                "(built after the bundle: run polisi build bundle)")
    return problems
