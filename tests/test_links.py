"""The fast link scanner agrees with the real Markdown rendering used by site and PDFs."""

from __future__ import annotations

import re

from polisi.handbook.links import anchors, links
from polisi.handbook.markdown import render_markdown

TRICKY = """\
## When to report
## When to report
### Who does *what* (first hour)?
## Records & retention: 15 years
## Ymateb i bryder — Welsh ŵ ŷ
## `code` in a heading
## Linked [heading](../x.md)
## Custom { #my-anchor }

```
## not a heading
[not](a-link.md)
```
"""


def test_anchors_match_the_rendered_heading_ids() -> None:
    rendered = set(re.findall(r'<h\d id="([^"]+)"', render_markdown(TRICKY)))
    assert anchors(TRICKY) == rendered


def test_links_skip_code_and_keep_positions() -> None:
    body = "See [a](../p/A.md#x) and `[b](c.md)`.\n\n```\n[d](e.md)\n```\n![img](pic.png)\n[ref]: ../q.md\n"
    found = [(link.target, link.line, link.column, link.image) for link in links(body)]
    assert found == [("../p/A.md#x", 1, 9, False), ("pic.png", 6, 8, True), ("../q.md", 7, 8, False)]
