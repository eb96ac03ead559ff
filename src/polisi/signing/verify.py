"""``polisi verify``: is each file what the organisation signed, and is a bundle whole?

The signature check itself is :func:`polisi.signing.sign.verify_pdf`. A bundle also
has ``manifest.json`` beside it; every file that manifest lists must still
have the SHA-256 it records, so a swapped or edited per-document PDF fails too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from polisi.signing.manifest import MANIFEST, check_manifest
from polisi.signing.sign import verify_pdf


@dataclass(frozen=True)
class FileCheck:
    path: Path
    ok: bool
    line: str
    """One line for the user: ``path: OK signed by ...`` or ``path: FAILED: ...``."""


def verify_files(paths: list[Path], trust_roots: list[Path]) -> list[FileCheck]:
    """Verify each file's signature, and the manifest of any file that is a bundle."""
    checks = []
    for path in paths:
        verdict = verify_pdf(path, trust_roots)
        manifest = _manifest_for(path)
        problems = check_manifest(manifest) if manifest else []
        if not problems:
            line = verdict.summary() + (f"; manifest {MANIFEST}: every file matches" if manifest else "")
            checks.append(FileCheck(path, verdict.ok, line))
            continue
        reasons = list(verdict.problems) + [f"manifest: {p}" for p in problems]
        checks.append(FileCheck(path, False, f"{path}: FAILED: " + "; ".join(reasons)))
    return checks


def _manifest_for(path: Path) -> Path | None:
    """The manifest beside ``path`` when it lists ``path`` as the bundle it describes."""
    manifest = path.parent / MANIFEST
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        names = [entry["path"] for entry in data["files"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return manifest if any(name.endswith(f"{path.parent.name}/{path.name}") for name in names[:1]) else None
