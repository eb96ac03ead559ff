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

from polisi.edit.record_only import record_stated_approvals

from .outputs import (
    alt_texts,
    missing,
    pdf_alt_texts,
    pdf_text,
    site_text,
    source_words,
    word_alt_texts,
    word_text,
)
from .pdf_handbook import AS_OF, BASE, git, run
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
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Handbook with a wide register", date="2026-03-02T09:00:00+00:00")
    assert run("check", str(root), "--as-of", AS_OF) == 0
    assert run("build", "all", str(root), "--as-of", AS_OF) == 0
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


def test_list_numbers_and_letters_match_the_source(built: Path) -> None:
    text = pdf_text(built / "build" / "pdf" / "PRO-SAF-01.pdf")
    numbers = re.findall(r"^(\d+)\.\s*\n?\s*Step (\d+):", text, re.MULTILINE)
    assert [int(a) for a, _ in numbers] == list(range(4, 16))
    assert all(a == b for a, b in numbers)
    assert re.findall(r"^([a-c])\.\s", text, re.MULTILINE) == ["a", "b", "c"]
    page = (built / "build" / "site" / "procedures" / "PRO-SAF-01.html").read_text(encoding="utf-8")
    assert '<ol start="4"' in page and '<ol type="a">' in page
    with zipfile.ZipFile(built / "build" / "docx" / "PRO-SAF-01.docx") as package:
        numbering = package.read("word/numbering.xml").decode("utf-8")
    assert '<w:start w:val="4"' in numbering and 'w:numFmt w:val="lowerLetter"' in numbering


def test_word_keeps_heading_levels_and_footnotes(built: Path) -> None:
    path = built / "build" / "docx" / "PRO-SAF-01.docx"
    headings = [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs
                if p.style.name.startswith("Heading")]
    assert ("Heading 1", "Safeguarding register") in headings
    assert ("Heading 2", "Who is told") in headings and ("Heading 3", "The body map") in headings
    with zipfile.ZipFile(path) as package:
        assert "allocated one is away" in package.read("word/footnotes.xml").decode("utf-8")
