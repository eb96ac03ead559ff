"""The shared Markdown rendering keeps what procedures depend on."""

from __future__ import annotations

from polisi.handbook.markdown import render_markdown


def test_numbered_steps_keep_their_numbers_across_headings() -> None:
    html = render_markdown("## First\n\n1. a\n2. b\n\n## Then\n\n3. c\n4. d\n")
    assert '<ol start="3" type="1">' in html


def test_links_can_be_rewritten_per_output() -> None:
    html = render_markdown("See [x](../procedures/PRO-SAF-01.md#recording).", lambda href: "#" + href.split("#")[1])
    assert '<a href="#recording">x</a>' in html


def test_admonitions_and_tables_render() -> None:
    html = render_markdown('!!! warning "Act now"\n    Phone 999.\n\n| a | b |\n| - | - |\n| 1 | 2 |\n')
    assert 'class="admonition warning"' in html and "<table>" in html
