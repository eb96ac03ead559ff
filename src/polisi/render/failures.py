"""One line for an output a renderer could not make, at the place in the source the renderer names.

WeasyPrint, pandoc and MkDocs each say why they failed in their own words, often quoting what they
could not load (``'media/plan.png'``). The PDF, Word and site stages all report such a failure
the same way: one finding per document, at the first thing quoted that the document spells, with
any ``data:`` picture it quotes cut short and the whole line under 300 characters.
"""

from __future__ import annotations

import re

from polisi.errors import BuildError
from polisi.findings import Finding, Report, Severity

LINE_LIMIT = 299
"""Characters a reported line (``path:line:col: error: CODE message``) may take."""
_QUOTED = re.compile(r"'([^']{3,})'|: (\S{3,})$")
_DATA_URI = re.compile(r"(data:[\w/+.-]*[;,])[^'\s]{20,}")


class OutputFailed(BuildError):
    """An output could not be made for some documents; ``report`` has one positioned line for each.

    Shown without a count of documents checked, unlike a refused check: the check passed, and
    what failed is the renderer."""

    def __init__(self, message: str, report: Report) -> None:
        super().__init__(message)
        self.report = report


def failure(path: str, source: str, code: str, message: str) -> Finding:
    """``message`` as an error in ``path`` whose text is ``source``: at the first thing it quotes
    that the text spells, else at 1:1."""
    line, column = 1, 1
    for match in _QUOTED.finditer(message):
        at = source.find(match.group(1) or match.group(2))
        if at >= 0:
            line = source.count("\n", 0, at) + 1
            column = at - source.rfind("\n", 0, at)
            break
    text = " ".join(_DATA_URI.sub(r"\1...", message).split())
    room = LINE_LIMIT - len(f"{path}:{line}:{column}: error: {code} ")
    if len(text) > room:
        text = text[: room - 3] + "..."
    return Finding(path, line, column, Severity.ERROR, code, text)
