"""A document that passes ``check`` comes out whole in the PDF, the site and Word: every word,
every cell of a table too wide for a portrait page, list numbers and letters as written,
headings at their levels, footnotes as footnotes."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from playwright.sync_api import sync_playwright

from polisi.edit.record_only import record_stated_approvals

from .outputs import (
    alt_texts,
    missing,
    pdf_alt_texts,
    pdf_pages,
    pdf_text,
    site_text,
    source_words,
    word_alt_texts,
    word_list_format,
    word_text,
)
from .pdf_handbook import BASE, commit_and_build
from .word_fixtures import png

COLUMNS = ["Date", "Time", "Family", "Room", "Staff member", "Concern", "Action taken", "Referred to",
           "Reference", "Outcome", "Reviewed by", "Closed on"]
ROWS = [
    ["3 March", "09:40", "Family A", "Cedar", "Night worker", "Bruise on forearm", "Body map drawn",
     "Bridgend duty team", "BR-2231", "Strategy discussion", "Deputy Manager", "17 March"],
    ["9 April", "21:15", "Family C", "Willow", "Shift leader", "Parent intoxicated", "Child kept safe",
     "Emergency Duty Team", "EDT-0912", "Safety plan agreed", "Registered Manager", "30 April"],
]
STEPS = [f"Step {n}: the worker checks register entry {n * 7} against the handover sheet." for n in range(4, 16)]
LAYOUT = "\n".join([
    "",
    "## Safeguarding register",
    "",
    "| " + " | ".join(COLUMNS) + " |",
    "|" + "---|" * len(COLUMNS),
    *("| " + " | ".join(row) + " |" for row in ROWS),
    "",
    "Once the register is complete, the shift leader countersigns the handover sheet.",
    "",
    "## Continuing the checks",
    "",
    *(f"{n}. {text}" for n, text in enumerate(STEPS, start=4)),
    "",
    "### Who is told",
    "",
    "a) the parent, unless that would put the child at risk;",
    "b) the placing social worker;",
    "c) the police, if a crime may have been committed.",
    "",
    "Under (b), the social worker is told the same day.[^sw]",
    "",
    "The note of the call records:",
    "",
    "i) the time of the call;",
    "ii) who took it;",
    "iii) what was agreed.",
    "",
    "Before the shift ends:",
    "",
    "1) file the note;",
    "2) tell the manager.",
    "",
    "Lettered with full stops, as some policies are:",
    "",
    "a. the first copy stays on file;",
    "b. the second goes to the family.",
    "",
    "#### The body map",
    "",
    "![Outline of a child with the bruise marked](bodymap.png)",
    "",
    "- Keep the map with the record:",
    "    - in the family file;",
    "    - never on a phone.",
    "",
    "[^sw]: Or the duty social worker when the allocated one is away.",
    "",
])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("whole") / "handbook"
    shutil.copytree(BASE, root)
    (root / ".gitignore").write_text("build/\n", encoding="utf-8")
    procedure = root / "procedures" / "PRO-SAF-01.md"
    procedure.write_text(procedure.read_text(encoding="utf-8") + LAYOUT, encoding="utf-8")
    (root / "procedures" / "bodymap.png").write_bytes(png(40, 30))
    record_stated_approvals(root)  # the extended procedure as written is the approved one
    commit_and_build(root, "Handbook with a wide register", date="2026-03-02T09:00:00+00:00")
    return root


def body(root: Path) -> str:
    return (root / "procedures" / "PRO-SAF-01.md").read_text(encoding="utf-8").split("---\n", 2)[2]


def test_every_word_is_in_the_pdf_the_site_and_word(built: Path) -> None:
    source = source_words(body(built))
    build = built / "build"
    assert missing(source, pdf_text(build / "pdf" / "PRO-SAF-01.pdf")) == {}
    assert missing(source, site_text(build / "site" / "procedures" / "PRO-SAF-01.html")) == {}
    assert missing(source, word_text(build / "docx" / "PRO-SAF-01.docx")) == {}


def test_pictures_keep_their_alt_text_everywhere(built: Path) -> None:
    alts = alt_texts(body(built))
    assert alts == ["Outline of a child with the bruise marked"]
    build = built / "build"
    assert set(alts) <= set(pdf_alt_texts(build / "pdf" / "PRO-SAF-01.pdf"))
    page = (build / "site" / "procedures" / "PRO-SAF-01.html").read_text(encoding="utf-8")
    assert f'alt="{alts[0]}"' in page
    assert alts == word_alt_texts(build / "docx" / "PRO-SAF-01.docx")


def test_the_wide_table_keeps_every_cell_on_a_landscape_page(built: Path) -> None:
    path = built / "build" / "pdf" / "PRO-SAF-01.pdf"
    pages = subprocess.run(["pdfinfo", "-f", "1", "-l", "9", str(path)], capture_output=True, text=True,
                           check=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", pages)
    assert any(float(w) > float(h) for w, h in sizes), sizes
    text = pdf_text(path)
    for cell in COLUMNS + [cell for row in ROWS for cell in row]:
        assert cell in text.replace("\n", " "), cell
    word = docx.Document(str(built / "build" / "docx" / "PRO-SAF-01.docx"))
    register = next(t for t in word.tables if t.rows[0].cells[0].text == "Date")
    assert [[c.text for c in row.cells] for row in register.rows] == [COLUMNS, *ROWS]


MARKERS = [
    ("a)", "the parent, unless", "lowerLetter", "%1)"), ("b)", "the placing social worker", "lowerLetter", "%1)"),
    ("c)", "the police, if a crime", "lowerLetter", "%1)"),
    ("i)", "the time of the call", "lowerRoman", "%1)"), ("ii)", "who took it", "lowerRoman", "%1)"),
    ("iii)", "what was agreed", "lowerRoman", "%1)"),
    ("1)", "file the note", "decimal", "%1)"), ("2)", "tell the manager", "decimal", "%1)"),
    ("a.", "the first copy stays", "lowerLetter", "%1."), ("b.", "the second goes", "lowerLetter", "%1."),
]
"""Each list item of ``LAYOUT`` with the marker its author wrote and how Word must number it."""


def drawn_markers(text: str) -> list[str]:
    """The marker printed before each item of :data:`MARKERS` in an output's text, in order."""
    found = []
    for _, item, _, _ in MARKERS:
        match = re.search(rf"^\f?(\S+)\s+{re.escape(item)}", text, re.MULTILINE)  # \f: a new page
        found.append(match.group(1) if match else f"none before {item!r}")
    return found


def test_list_numbers_and_letters_match_the_source(built: Path) -> None:
    text = pdf_text(built / "build" / "pdf" / "PRO-SAF-01.pdf")
    numbers = re.findall(r"^(\d+)\.\s*\n?\s*Step (\d+):", text, re.MULTILINE)
    assert [int(a) for a, _ in numbers] == list(range(4, 16))
    assert all(a == b for a, b in numbers)
    assert drawn_markers(text) == [marker for marker, *_ in MARKERS]
    page = (built / "build" / "site" / "procedures" / "PRO-SAF-01.html").read_text(encoding="utf-8")
    assert '<ol start="4"' in page and '<ol class="paren-lower-alpha" type="a">' in page
    word = built / "build" / "docx" / "PRO-SAF-01.docx"
    assert word_list_format(word, "Step 4:") == ("decimal", "%1.", 4)
    assert [word_list_format(word, item)[:2] for _, item, *_ in MARKERS] == [(f, t) for *_, f, t in MARKERS]


def test_the_site_draws_the_markers_the_author_wrote(built: Path, tmp_path: Path) -> None:
    """Chromium prints the page as it shows it on screen; the PDF's text holds the markers it drew."""
    page = built / "build" / "site" / "procedures" / "PRO-SAF-01.html"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            view = browser.new_page(viewport={"width": 1280, "height": 900})
            view.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                       else route.abort())
            view.goto(page.as_uri())
            view.emulate_media(media="screen")
            view.locator("text=the time of the call").scroll_into_view_if_needed()
            view.screenshot(path=str(tmp_path / "markers.png"))
            view.pdf(path=str(tmp_path / "site.pdf"), width="1280px", height="900px")
        finally:
            browser.close()
    text = pdf_text(tmp_path / "site.pdf")
    assert drawn_markers(text) == [marker for marker, *_ in MARKERS]
    steps = re.findall(r"^\f?(\d+)\.\s+Step (\d+):", text, re.MULTILINE)
    assert [a for a, _ in steps] == [b for _, b in steps] == [str(n) for n in range(4, 16)]


def test_the_text_after_the_wide_table_is_back_on_a_portrait_page(built: Path) -> None:
    pages = pdf_pages(built / "build" / "pdf" / "PRO-SAF-01.pdf")
    (table,) = [n for n, (_, _, text) in enumerate(pages) if "Reviewed by" in text]
    (after,) = [n for n, (_, _, text) in enumerate(pages) if "countersigns the handover" in text]
    assert after == table + 1
    width, height, _ = pages[table]
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    assert all((round(w), round(h)) == (595, 842) for n, (w, h, _) in enumerate(pages) if n != table)
    for n in (table, after):
        text = pages[n][2]
        assert "Example Care Ltd" in text and "PRO-SAF-01" in text, n
        assert f"Page {n + 1} of {len(pages)}" in text and "Uncontrolled when printed" in text, n
    assert "Step 4: the worker checks" in pages[after][2]


def test_word_keeps_heading_levels_and_footnotes(built: Path) -> None:
    path = built / "build" / "docx" / "PRO-SAF-01.docx"
    headings = [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs
                if p.style.name.startswith("Heading")]
    assert ("Heading 1", "Safeguarding register") in headings
    assert ("Heading 2", "Who is told") in headings and ("Heading 3", "The body map") in headings
    with zipfile.ZipFile(path) as package:
        assert "allocated one is away" in package.read("word/footnotes.xml").decode("utf-8")
