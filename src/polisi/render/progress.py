"""How long builds report how far they have got: ``progress(stage, done, total)``.

The renderers call it as work completes (a PDF signed, a Word copy written, a
bundle part laid out); the command decides what a person sees (a bar on a
terminal, a line per stage in a log). Library callers that want nothing pass
:func:`silent`, the default.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]
"""``(stage, done, total)``: called with the stage's starting count (work already done, such as
unchanged PDFs reused), then once per item finished, ending at ``done == total``."""


def silent(stage: str, done: int, total: int) -> None:
    """Report nothing."""
