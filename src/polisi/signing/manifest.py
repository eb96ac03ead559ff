"""``manifest.json`` beside the bundle: every output file's SHA-256 and the commit it came from.

An inspector who holds the bundle and its manifest can check that the files
they were given are the files that were built, and from which commit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path, PurePosixPath

MANIFEST = "manifest.json"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(path: Path, files: Iterable[tuple[str, Path]], commit: str | None, as_of: date) -> None:
    """Write the manifest for ``files``: (path relative to the build folder, where it is now).

    Relative paths keep the manifest true when the build folder is copied elsewhere.
    """
    entries = [{"path": name, "sha256": sha256_of(file), "bytes": file.stat().st_size} for name, file in files]
    data = {"commit": commit, "as_of": as_of.isoformat(), "files": entries}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def check_manifest(manifest: Path) -> list[str]:
    """Problems found checking every file the manifest lists (relative to the build folder it sits in)."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"{manifest}: unreadable manifest ({exc})"]
    try:  # the bundle is listed first: build/bundle/x.pdf, or build/bundle/cy/x.pdf for another language
        build = manifest.parents[len(PurePosixPath(files[0]["path"]).parent.parts)] if files else manifest.parent
    except (IndexError, KeyError, TypeError):
        return [f"{manifest}: unreadable manifest (no bundle listed first)"]
    problems = []
    for entry in files:
        path = build / entry["path"]
        if not path.is_file():
            problems.append(f"{entry['path']} is listed in the manifest but missing")
        elif sha256_of(path) != entry["sha256"]:
            problems.append(f"{entry['path']} does not match its SHA-256 in the manifest")
    return problems
