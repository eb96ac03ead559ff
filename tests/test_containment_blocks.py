"""``check`` judges HTML by the block structure the renderer sees, in documents and translations alike.

HTML written in an indented code block, a fenced block or a code span is shown as
text in every output, so it is not reported; the same HTML written where the renderer
makes it live (a paragraph, an admonition, a list item, a "fence" Python-Markdown does
not read as one) is reported at its own line, even when the same text sits in code
above it. A Welsh translation is published like its source, so its references and raw
HTML are judged the same way.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from polisi.check.rules import check
from polisi.handbook.model import load_handbook

from .bilingual import bilingual_handbook

CONTAINMENT = {"UNSAFE_HTML", "FILE_URL", "ABSOLUTE_PATH", "OUTSIDE_HANDBOOK", "SYMLINK_OUTSIDE", "WEB_RESOURCE",
               "NOT_PUBLISHABLE"}
SHOWN_AS_TEXT = """
An example of what not to write:

    <script>alert("an indented code block")</script>
    <img src="x" onerror="y()"> ![p](/etc/passwd) [a](javascript:x())

~~~
<iframe src="https://example.org/fenced"></iframe>
~~~

```html
<a rel="attachment" href="file:///etc/passwd">fenced</a>
```

Inline, `<script>x()</script>` and `<b onclick="x()">` stay text too.
"""


def findings(root: Path) -> list[str]:
    report = check(load_handbook(root), date(2026, 6, 1))
    return [f.format() for f in report.findings if f.code in CONTAINMENT]


def line_of(path: Path, fragment: str, after: int = 0) -> int:
    """The number of the first line after line ``after`` that holds ``fragment``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if n > after and fragment in line)


def append(path: Path, text: str) -> int:
    """Append ``text`` to the file; the line number its first line lands on."""
    old = path.read_text(encoding="utf-8")
    path.write_text(old + text, encoding="utf-8")
    return old.count("\n") + 1


def test_html_shown_as_code_is_not_reported(base_handbook: Path) -> None:
    append(base_handbook / "policies" / "POL-SAF-01.md", SHOWN_AS_TEXT)
    assert findings(base_handbook) == []


def test_the_same_html_written_live_is_reported_at_its_own_line(base_handbook: Path) -> None:
    policy = base_handbook / "policies" / "POL-SAF-01.md"
    start = append(policy, SHOWN_AS_TEXT + """
!!! warning "Live"
    <script>alert("an admonition")</script>

- A list item:

    <img src="x" onerror="y()"> continues the item, live

```html not a fence: Python-Markdown reads this as a paragraph
<iframe src="https://example.org/live"></iframe>
```
""")
    admonition = line_of(policy, "an admonition", start)
    item = line_of(policy, "continues the item", start)
    frame = line_of(policy, "example.org/live", start)
    assert findings(base_handbook) == [
        f"policies/POL-SAF-01.md:{admonition}:5: error: UNSAFE_HTML <script> is not allowed; it and its content "
        "would be removed; outputs keep only text and its structure",
        f"policies/POL-SAF-01.md:{item}:18: error: UNSAFE_HTML the attribute onerror on <img> is not allowed; "
        "outputs keep only text and its structure",
        f"policies/POL-SAF-01.md:{frame}:1: error: UNSAFE_HTML <iframe> is not allowed; it and its content would "
        "be removed; outputs keep only text and its structure",
        f"policies/POL-SAF-01.md:{frame}:14: error: WEB_RESOURCE https://example.org/live would be loaded from the "
        "web when the document is built or viewed; save it in the handbook and refer to it relatively",
    ]


def test_an_entity_cannot_hide_a_script_link(base_handbook: Path) -> None:
    start = append(base_handbook / "policies" / "POL-SAF-01.md", "\n[click](java&#115;cript:alert(1))\n")
    found = findings(base_handbook)
    assert len(found) == 1
    assert found[0].startswith(f"policies/POL-SAF-01.md:{start + 1}:9: error: UNSAFE_HTML "
                               'href="javascript:alert(1)" on <a> is not allowed')


@pytest.fixture
def welsh(tmp_path: Path) -> Path:
    return bilingual_handbook(tmp_path / "handbook")


def test_a_translation_is_judged_like_its_source(welsh: Path) -> None:
    assert findings(welsh) == []
    translation = welsh / "policies" / "POL-SAF-01.cy.md"
    start = append(translation, '\n<a rel="attachment" href="file:///etc/passwd">atodiad</a>\n\n![llun](/etc/hostname)\n'
                                + SHOWN_AS_TEXT)
    assert findings(welsh) == [
        f"policies/POL-SAF-01.cy.md:{start + 1}:4: error: UNSAFE_HTML the attribute rel on <a> is not allowed; "
        "outputs keep only text and its structure",
        f"policies/POL-SAF-01.cy.md:{start + 1}:27: error: FILE_URL file:///etc/passwd is a file: URL; an output "
        "reads only files inside the handbook, linked relatively",
        f"policies/POL-SAF-01.cy.md:{start + 3}:9: error: ABSOLUTE_PATH /etc/hostname is an absolute path; an output "
        "reads only files inside the handbook",
    ]
