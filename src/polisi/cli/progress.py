"""What a person sees of a long build's progress, on standard error (the only tqdm user).

On a terminal: a bar with counts per stage (``Signed PDFs ████░░ 120/300``), redrawn in
place and cleared when the stage ends. Anywhere else (a CI log, a file, a pipe): one plain
line when a stage starts and one when it ends, so a log shows where a slow build spends its
time without hundreds of redraws. Standard output keeps only the result lines, so a script
reading it (or ``--format json``) sees nothing extra.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from polisi.render.progress import Progress


@contextmanager
def progress_display() -> Iterator[Progress]:
    """A progress callback for one command; any bar still drawn is cleared when the command ends."""
    out = sys.stderr
    report = _Bars(out) if out.isatty() else _Lines(out)
    try:
        yield report
    finally:
        report.close()


class _Lines:
    """``polisi: Signed PDFs: 0/300`` when a stage starts, ``polisi: Signed PDFs: 300/300 done`` when it ends."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.started: set[str] = set()
        self.ended: set[str] = set()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage in self.ended:
            return
        if done >= total:
            self.ended.add(stage)
            print(f"polisi: {stage}: {total}/{total} done", file=self.out, flush=True)
        elif stage not in self.started:
            self.started.add(stage)
            print(f"polisi: {stage}: {done}/{total}", file=self.out, flush=True)

    def close(self) -> None:
        """Nothing is left drawn."""


class _Bars:
    """One tqdm bar per stage, on the terminal."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.bar: Any = None
        self.stage: str | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(total=total, desc=stage, file=self.out, leave=False, ncols=_columns(self.out),
                            bar_format="{desc}: {bar} {n_fmt}/{total_fmt} [{elapsed}]")
        self.bar.update(done - self.bar.n)
        if done >= total:
            self.bar.refresh()  # update() skips redraws within tqdm's interval; the final count is always drawn
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.bar, self.stage = None, None


def _columns(out: TextIO) -> int:
    """The terminal's width; 80 where it reports none (a new pseudo-terminal says 0, which tqdm would
    take literally and draw nothing)."""
    try:
        return os.get_terminal_size(out.fileno()).columns or 80
    except (OSError, ValueError):
        return 80
