"""The bundle's part cache: each part's unsigned PDF kept by content hash between builds.

An edit to one document lays out only that document's part (and the contents); a cached part that
no longer opens as a PDF is laid out again, so a damaged cache is never fatal.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import pikepdf

from polisi.render.pdf import PdfJob, RenderFailed, in_processes, render_pdf
from polisi.render.progress import Progress, silent

BUNDLE_STAGE = "Inspector bundle parts"


class LaidOutPart(Protocol):
    """What the cache needs of a bundle part: its name and the job that lays it out."""

    name: str
    job: PdfJob


class PartCache:
    """Unsigned part PDFs by content hash: a part is laid out only when nothing cached has its key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()
        self.rendered: list[str] = []
        """Names of the parts laid out by this build (not found in the cache)."""

    def render(self, parts: Sequence[LaidOutPart], progress: Progress = silent) -> list[bytes]:
        """Each part's unsigned PDF, laying out those not cached; ``progress`` counts the parts, cached first."""
        keys = [p.job.key() for p in parts]
        self.used.update(keys)
        missing = {key: part for key, part in zip(keys, parts, strict=True) if not self._usable(key)}
        cached = len(parts) - len(missing)
        progress(BUNDLE_STAGE, cached, len(parts))
        results = in_processes(_render_part, [p.job for p in missing.values()],
                               finished=lambda n: progress(BUNDLE_STAGE, cached + n, len(parts)))
        failed = [(p.name, r) for p, r in zip(missing.values(), results, strict=True) if isinstance(r, str)]
        if failed:
            raise RenderFailed(f"bundle part {failed[0][0]}: {failed[0][1]}")
        self.folder.mkdir(parents=True, exist_ok=True)
        for (key, part), data in zip(missing.items(), results, strict=True):
            assert isinstance(data, bytes)
            temporary = self._path(key).with_suffix(".tmp")
            temporary.write_bytes(data)
            temporary.replace(self._path(key))
            self.rendered.append(part.name)
        return [self._path(key).read_bytes() for key in keys]

    def prune(self) -> None:
        """Forget parts this build did not use, so the cache holds one bundle's worth."""
        for path in self.folder.glob("*.pdf"):
            if path.stem not in self.used:
                path.unlink()

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.pdf"

    def _usable(self, key: str) -> bool:
        """A cached part that is there and opens as a PDF; a damaged one is laid out again."""
        try:
            with pikepdf.open(self._path(key)):
                return True
        except (pikepdf.PdfError, OSError, ValueError):
            return False


def _render_part(job: PdfJob) -> bytes | str:
    """Worker: the part's PDF, or the one-line reason it failed."""
    try:
        return render_pdf(job)
    except RenderFailed as exc:
        return str(exc)
