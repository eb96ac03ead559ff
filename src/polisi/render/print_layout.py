"""What WeasyPrint must be told that a browser works out for itself, so paper matches the site.

WeasyPrint ignores ``<ol start>`` (a list continuing at 4 printed 1, 2, 3) and clips a table
wider than the page without a word. The body HTML is rewritten here, before layout: each
numbered list that does not start at 1 resets its counter in an inline style (its ``type``,
a, i, A, I, is matched by ``print.css``), and a table of many columns is marked ``wide`` so that
``print.css`` prints it on a landscape page in a smaller face, wrapping inside words only as a
last resort. The check ``TABLE_TOO_WIDE`` refuses tables too wide even for that.
"""

from __future__ import annotations

import re

from polisi.check.print_width import WIDE_COLUMNS

_OL = re.compile(r"<ol\b([^>]*)>")
_START = re.compile(r'\bstart="(-?\d+)"')
_TABLE = re.compile(r"(<h[1-6]\b[^>]*>(?:(?!</h).)*</h[1-6]>\s*)?<table\b([^>]*)>(.*?)</tr>", re.DOTALL)
_CELL = re.compile(r"<t[hd]\b")


def print_layout(html: str) -> str:
    """The body HTML with list starts spelled out and wide tables marked for landscape pages."""
    return _TABLE.sub(_mark_wide, _OL.sub(_counter, html))


def _counter(match: re.Match[str]) -> str:
    attributes = match.group(1)
    start = _START.search(attributes)
    if start is None or start.group(1) == "1":
        return match.group(0)
    return f'<ol{attributes} style="counter-reset: list-item {int(start.group(1)) - 1}">'


def _mark_wide(match: re.Match[str]) -> str:
    """Mark a wide table, and the heading right above it so that it moves to the same page."""
    heading, attributes, first_row = match.group(1) or "", match.group(2), match.group(3)
    if len(_CELL.findall(first_row)) < WIDE_COLUMNS or "class=" in attributes:
        return match.group(0)
    heading = re.sub(r"^<h([1-6])\b", r'<h\1 class="wide"', heading) if "class=" not in heading else heading
    return f'{heading}<table{attributes} class="wide">{first_row}</tr>'
