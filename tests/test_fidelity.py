"""The fidelity rules report exactly what Python-Markdown renders otherwise than the source reads."""

from __future__ import annotations

import re

import pytest

from polisi.check.fidelity import body_spots
from polisi.check.print_width import MAX_TABLE_COLUMNS, text_width
from polisi.handbook.markdown import render_markdown

MERGED_LINE = re.compile(r"\n *(\d+[.)]|[-*+]|[a-zA-Z]+[.)]) \S")
"""A rendered paragraph, table cell or definition holding a line that starts like a list item."""

MERGING = {
    "para then bullet": "text\n- b",
    "para then first step": "text:\n1. first",
    "continuation paragraph then next step": "1. a\n\n    para\n2. b",
    "shipped PRO-SAF-01 Recording": "1. Write:\n    - what\n    - when\n\n    Sign it.\n2. The DSL adds",
    "paragraph in an item then nested list": "- a\n\n    para\n    - sub\n- b",
    "two-space paragraph then bullet": "- a\n\n  para\n- b",
    "quote then bullet": "> quote\n- b",
    "definition then bullet": "Term\n:   def\n- b",
    "lettered after a paragraph in a list": "a) one\n\n    more\nb) two",
    "star and plus bullets": "text\n* star\n\nmore\n+ plus",
}
NOT_MERGING = {
    "lazy continuation of an item": "1. a\n   lazy\n2. b",
    "heading then list": "## H\n\n- a",
    "heading directly over a list": "## H\n- a",
    "nested list under an item": "1. a\n    - sub\n2. b",
    "lettered list": "a) one\nb) two",
    "admonition then list": "!!! note\n    para\n- b",
    "hyphen without space": "text\n-not a list",
    "blank lines between": "text\n\n- b\n\n1. c",
}


def codes(body: str) -> list[str]:
    return [spot.code for spot in body_spots(body)]


@pytest.mark.parametrize("body", MERGING.values(), ids=MERGING.keys())
def test_a_swallowed_list_item_is_reported(body: str) -> None:
    assert MERGED_LINE.search(render_markdown(body))
    assert "LIST_ITEM_MERGED" in codes(body)


@pytest.mark.parametrize("body", NOT_MERGING.values(), ids=NOT_MERGING.keys())
def test_lists_python_markdown_reads_as_written_pass(body: str) -> None:
    assert not MERGED_LINE.search(render_markdown(body))
    assert codes(body) == []


def test_a_number_that_only_wraps_onto_a_line_is_text_to_every_reader() -> None:
    """CommonMark too reads ``2026.`` after a paragraph line as text: nothing differs, nothing is said."""
    assert codes("Published in\n2026. The next line") == []


def test_a_step_merged_into_a_paragraph_is_reported_where_it_is_written() -> None:
    spots = list(body_spots("## Recording\n\n1. Write it.\n\n    Sign it.\n2. The DSL adds it to the log.\n"))
    assert [(s.line, s.column, s.code) for s in spots] == [(6, 1, "LIST_ITEM_MERGED")]
    assert "blank line before it" in spots[0].message and len(spots[0].message) < 300


def test_two_space_nesting_is_flattened_and_reported() -> None:
    body = "- a\n  - b\n  - c\n"
    assert "<ul>\n<li>a</li>\n<li>b</li>" in render_markdown(body)
    assert [(s.line, s.column, s.code) for s in body_spots(body)] == [(2, 3, "LIST_INDENT"), (3, 3, "LIST_INDENT")]
    four = "- a\n    - b\n"
    assert "<li>a<ul>" in render_markdown(four) and codes(four) == []


PRINTED_AS_TEXT = {
    "GRID_TABLE": "+---+---+\n| a | b |\n+===+===+\n| 1 | 2 |\n+---+---+\n",
    "FENCED_DIV": "::: contents\nSee below.\n:::\n",
    "PRINTED_ESCAPE": "The provider\\'s duty\n",
    "HEADING_SYNTAX": "#1 priority is safety\n",
}


@pytest.mark.parametrize("code", PRINTED_AS_TEXT)
def test_markup_python_markdown_prints_as_text_is_reported(code: str) -> None:
    body = PRINTED_AS_TEXT[code]
    html = render_markdown(body)
    assert {"GRID_TABLE": "+---+", "FENCED_DIV": ":::", "PRINTED_ESCAPE": "\\'",
            "HEADING_SYNTAX": "<h1"}[code] in html
    assert code in codes(body)


def test_an_indented_heading_is_text_and_reported() -> None:
    assert render_markdown("  ## Scope") == "<p>## Scope</p>"
    assert codes("  ## Scope") == ["HEADING_SYNTAX"]


def test_escapes_python_markdown_hides_pass() -> None:
    assert codes("a \\* b \\_ c \\[ d \\# `\\'code\\'`\n") == []


def test_a_backslash_line_break_is_printed_and_reported() -> None:
    assert "\\" in render_markdown("first\\\nsecond")
    assert codes("first\\\nsecond") == ["PRINTED_ESCAPE"]


def test_pictures_need_alt_text() -> None:
    body = "![](map.png) ![Fire exits](plan.png) ![ ](plan.png)\n"
    assert [(s.column, s.code) for s in body_spots(body)] == [(5, "IMAGE_NO_ALT"), (43, "IMAGE_NO_ALT")]


def test_a_table_too_wide_to_print_is_reported() -> None:
    def table(columns: int) -> str:
        return "|" + "|".join(f" h{i} " for i in range(columns)) + "|\n|" + "|".join(["---"] * columns) + "|\n"

    assert codes(table(MAX_TABLE_COLUMNS)) == []
    assert codes(table(MAX_TABLE_COLUMNS + 1)) == ["TABLE_TOO_WIDE"]


def test_a_table_whose_longest_words_cannot_fit_side_by_side_is_reported() -> None:
    address = "https://www.example.org/" + "very-long-path/" * 6 + "guidance.pdf"
    body = f"| Who | Where |\n|---|---|\n| Duty team | {address} |\n| Police | 101 |\n"
    spots = list(body_spots(body))
    assert [(s.line, s.code) for s in spots] == [(1, "TABLE_TOO_WIDE")]
    assert "short link text" in spots[0].message and len(spots[0].message) < 300
    linked = f"| Who | Where |\n|---|---|\n| Duty team | [guidance]({address}) |\n"
    assert codes(linked) == []


def test_words_are_measured_with_the_fonts_the_pdfs_embed() -> None:
    """DejaVu Sans: "i" is narrow, "W" wide, bold wider than regular; a letter the fonts lack counts a full em."""
    assert text_width("iiii", 10) < text_width("WWWW", 10)
    assert text_width("Safeguarding", 9) < text_width("Safeguarding", 9, "bold")
    assert text_width("中", 10) == 10.0
    assert 50 < text_width("Safeguarding", 9) < 70


def html_table(columns: int, word: str, cls: str = "") -> str:
    head = "<tr>" + "".join(f"<th>{word}</th>" for _ in range(columns)) + "</tr>"
    row = "<tr>" + "".join(f"<td>{word} and more</td>" for _ in range(columns)) + "</tr>"
    return f"Before.\n\n<table{cls}>\n{head}\n{row}\n</table>\n"


def test_an_html_table_too_wide_to_print_is_reported_where_it_starts() -> None:
    assert codes(html_table(5, "Safeguarding")) == []
    spots = list(body_spots(html_table(5, "Safeguardingresponsibilities")))
    assert [(s.line, s.column, s.code) for s in spots] == [(3, 1, "TABLE_TOO_WIDE")]
    assert "mm of the printed page" in spots[0].message and len(spots[0].message) < 300
    # Seven columns or more go to a landscape page at 7pt, where the same words fit; a table with
    # a class of its own stays on the portrait page (print_layout.py), so it is measured there.
    assert codes(html_table(8, "Responsibilities")) == []
    assert codes(html_table(8, "Responsibilities", ' class="matrix"')) == ["TABLE_TOO_WIDE"]
    assert codes(html_table(MAX_TABLE_COLUMNS + 1, "a")) == ["TABLE_TOO_WIDE"]


def test_an_html_table_in_code_is_text_and_not_measured() -> None:
    assert codes("```\n" + html_table(5, "Safeguardingresponsibilities") + "```\n") == []


def test_a_fixed_width_wider_than_the_page_is_reported() -> None:
    body = '<div style="width: 2000px">a</div>\n\n<table width="1200"><tr><td>a</td></tr></table>\n'
    spots = list(body_spots(body))
    assert [(s.line, s.column, s.code) for s in spots] == [(1, 13, "FIXED_WIDTH"), (3, 8, "FIXED_WIDTH")]
    assert "give the width in %" in spots[0].message
    assert codes('<div style="width: 50%">a</div>\n\n<table style="width: 150mm"><tr><td>a</td></tr></table>\n') == []
