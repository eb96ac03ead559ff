"""``polisi verify``: is each file what the organisation signed, and is a bundle whole?

The signature check itself is :func:`polisi.signing.sign.verify_pdf`. An inspector
bundle also carries the manifest in its signed content; every file that manifest
lists must still have the SHA-256 it records, nothing may be added to the folders it
covers, and ``manifest.json`` beside the bundle must be the signed text. So a swapped
or edited per-document PDF fails, and so does an edited hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from polisi.signing.manifest import BUNDLE_FILE, MANIFEST, check_manifest, embedded_manifest
from polisi.signing.sign import verify_pdf


@dataclass(frozen=True)
class FileCheck:
    path: Path
    ok: bool
    line: str
    """One line for the user: ``path: OK signed by ...`` or ``path: FAILED: ...``."""


def verify_files(paths: list[Path], trust_roots: list[Path], pins: Sequence[str] = ()) -> list[FileCheck]:
    """Verify each file's signature, and the signed manifest of any file that is a bundle."""
    checks = []
    for path in paths:
        verdict = verify_pdf(path, trust_roots, pins)
        problems = bundle_problems(path) if verdict.ok and _is_bundle(path) else []
        if not problems:
            manifest = f"; manifest {MANIFEST}: every file matches" if verdict.ok and _is_bundle(path) else ""
            checks.append(FileCheck(path, verdict.ok, verdict.summary() + manifest))
            continue
        checks.append(FileCheck(path, False, f"{path}: FAILED: " + "; ".join(problems)))
    return checks


def _is_bundle(path: Path) -> bool:
    return path.name == BUNDLE_FILE or (path.parent / MANIFEST).is_file() or embedded_manifest(path) is not None


def build_folder(bundle: Path) -> Path:
    """The build folder a bundle sits in: ``build/bundle/x.pdf``, or ``build/bundle/cy/x.pdf`` in another language."""
    return next((p.parent for p in bundle.parents if p.name == "bundle"), bundle.parent.parent)


def bundle_problems(path: Path) -> list[str]:
    """What is wrong with the manifest a verified bundle signed, and with the files it lists."""
    signed = embedded_manifest(path)
    if signed is None:
        return ["the bundle carries no signed manifest (built by an older polisi: run polisi build bundle)"]
    problems = check_manifest(signed, build_folder(path))
    beside = path.parent / MANIFEST
    if beside.is_file() and beside.read_bytes() != signed:
        problems.append(f"{MANIFEST} beside the bundle is not the manifest the bundle signed")
    return problems
