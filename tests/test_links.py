"""The fast link scanner agrees with the real Markdown rendering used by site and PDFs."""

from __future__ import annotations

import html
import re
import time

import pytest

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


HEADINGS = [
    "#hashtag here", "  ## Indented is a paragraph", "para\n## Directly after", "Title\n=====",
    "- item\n---", "a\nb\n---\n\nc\n===\n---", "## Trail ##", "## C# ##", "## C#",
    "## [Linked](x.md) and ![i](p.png) text", "## `co*de*` *em* _u_", "## A {: .cls #k }",
    "Para text\n{: #definitions }", "## Same\n## Same\n## Same", "# H1\n---",
]


@pytest.mark.parametrize("body", HEADINGS)
def test_anchors_read_headings_as_python_markdown_does(body: str) -> None:
    assert anchors(body) == set(re.findall(r'id="([^"]+)"', render_markdown(body)))


LINKS = (
    "[x](#evidence of abuse) [y](../docs/Staff Handbook.docx) [t](a.md \"Title\") [u](<a b.md>)\n"
    "[p](a(b)c.md) [s]( spaced.md ) [q](q.md 'single') ![alt](pic one.png) [a [b] c](d.md)\n"
    "`[code](no.md)` \\[not](escaped.md) [e](x.md \"T\" junk)\n"
)


def test_link_targets_are_what_python_markdown_links_to() -> None:
    rendered = re.findall(r'(?:href|src)="([^"]+)"', render_markdown(LINKS))
    found = links(LINKS)
    assert [html.unescape(h) for h in rendered] == [link.target for link in found]
    for link in found:
        line = LINKS.splitlines()[link.line - 1]
        assert line[link.column - 1:].startswith(link.target)
    assert [link.image for link in found] == [False] * 7 + [True] + [False] * 2


PATHOLOGICAL = [
    "[" * 1_000_000, "[a](" * 250_000, "](" * 500_000, "`" * 999_999 + "a", "` a " * 250_000,
    "[a](" + "(" * 999_000, "# " + " " * 999_990 + "x", "## " + "[" * 999_990,
    "# a {" * 200_000, "[a]: " + "x" * 999_990, "![" * 500_000, "\\" * 1_000_000,
]


@pytest.mark.parametrize("line", PATHOLOGICAL, ids=lambda line: repr(line[:8]))
def test_a_megabyte_line_scans_in_well_under_a_second(line: str) -> None:
    """CPU time, not wall time: other work on a shared machine must not make this fail, and a
    quadratic scan of a megabyte takes minutes of CPU whatever the load."""
    start = time.process_time()
    links(line)
    anchors(line)
    assert time.process_time() - start < 1.0
