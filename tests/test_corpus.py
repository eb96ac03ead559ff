"""Real public policy documents that nobody here wrote, as Word files, through import, check and
every build: each word, heading, list letter and table cell of the Word file reaches the PDF, the
site and the Word copy. The documents and where they come from: ``tests/corpus/README.md``."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import docx
import lxml.html
import pytest

from polisi.word.importer import ImportOptions, import_word
from polisi.word.pandoc import run_pandoc

from .outputs import html_text, missing, pdf_text, site_text, word_list_format, word_text, words
from .pdf_handbook import BASE, commit_and_build, run

CORPUS = Path(__file__).parent / "corpus"
WORD_FILES = sorted(CORPUS.glob("*/*.docx"))
APPROVAL = ("status: approved\napproved_by: Registered Manager\napproved_on: 2026-04-01\n"
            "last_reviewed: 2026-04-01\nreview_interval: 12 months\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    """The base handbook with every corpus Word file imported, approved and built."""
    root = tmp_path_factory.mktemp("corpus") / "handbook"
    shutil.copytree(BASE, root)
    (root / ".gitignore").write_text("build/\n", encoding="utf-8")
    imported: dict[str, Path] = {}
    for source in WORD_FILES:
        before = set(root.rglob("*.md"))
        assert run("import", str(source), "-C", str(root)) == 0
        (new,) = set(root.rglob("*.md")) - before
        text = new.read_text(encoding="utf-8")
        text = re.sub(r"status: draft\n(#.*\n)*", APPROVAL, text)
        new.write_text(text, encoding="utf-8")
        imported[source.stem] = new
    commit_and_build(root, "Imported corpus")
    return root, imported


def word_html(source: Path) -> str:
    """The Word file as pandoc reads it, as HTML: its text without list markers."""
    return run_pandoc(["-f", "docx", "-t", "html", source])


def outputs(root: Path, doc: Path) -> dict[str, str]:
    doc_id, build = doc.stem, root / "build"
    return {
        "pdf": pdf_text(build / "pdf" / f"{doc_id}.pdf"),
        "site": site_text(build / "site" / doc.parent.name / f"{doc_id}.html"),
        "word": word_text(build / "docx" / f"{doc_id}.docx"),
    }


def test_the_corpus_is_a_handful_of_real_documents() -> None:
    assert len(WORD_FILES) >= 4
    assert (CORPUS / "README.md").is_file()


@pytest.mark.parametrize("source", WORD_FILES, ids=lambda p: p.stem)
def test_every_word_of_the_word_file_is_in_every_output(built: tuple[Path, dict[str, Path]], source: Path) -> None:
    root, imported = built
    expected = words(html_text(word_html(source)))
    for name, text in outputs(root, imported[source.stem]).items():
        assert missing(expected, text) == {}, name


@pytest.mark.parametrize("source", WORD_FILES, ids=lambda p: p.stem)
def test_headings_and_table_cells_survive(built: tuple[Path, dict[str, Path]], source: Path) -> None:
    root, imported = built
    doc = imported[source.stem]
    headings = [" ".join(html_text(h).split()) for h in re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", word_html(source))]
    page = (root / "build" / "site" / doc.parent.name / f"{doc.stem}.html").read_text(encoding="utf-8")
    site = [" ".join(html_text(h).replace("\u00b6", "").split())
            for h in re.findall(r"<h[2-6][^>]*>(.*?)</h[2-6]>", page, re.DOTALL)]
    assert [h for h in site if h in headings] == headings
    exported = docx.Document(str(root / "build" / "docx" / f"{doc.stem}.docx"))
    word = [p.text for p in exported.paragraphs if p.style.name.startswith("Heading")]
    assert [h for h in word if h in headings] == headings
    cells = Counter(" ".join(c.text.split()) for t in docx.Document(str(source)).tables
                    for row in t.rows for c in row.cells if c.text.strip())
    body_tables = [t for t in exported.tables if t.rows[0].cells[0].text not in ("Organisation", "Kind")]
    exported_cells = Counter(" ".join(c.text.split()) for t in body_tables
                             for row in t.rows for c in row.cells if c.text.strip())
    assert exported_cells == cells


def test_lettered_and_roman_lists_keep_their_letters(built: tuple[Path, dict[str, Path]]) -> None:
    root, imported = built
    doc = imported["incident"]
    page = (root / "build" / "site" / doc.parent.name / f"{doc.stem}.html").read_text(encoding="utf-8")
    assert '<ol type="a">' in page and '<ol type="i">' in page
    text = pdf_text(root / "build" / "pdf" / f"{doc.stem}.pdf")
    assert re.search(r"^a\.\s+This security incident response policy", text, re.MULTILINE)
    assert re.search(r"^ii\.\s+Information Security Incident:", text, re.MULTILINE)


def test_a_nested_list_of_24_keeps_its_numbers_in_every_output(built: tuple[Path, dict[str, Path]]) -> None:
    """JupiterOne's training procedure: four and then 24 subjects numbered inside numbered steps."""
    root, imported = built
    doc = imported["training"]
    page = (root / "build" / "site" / doc.parent.name / f"{doc.stem}.html").read_text(encoding="utf-8")
    article = lxml.html.fromstring(page).xpath('//article')[0]
    assert [len(ol.xpath("./li")) for ol in article.xpath(".//ol")] == [3, 4, 24]
    text = pdf_text(root / "build" / "pdf" / f"{doc.stem}.pdf")
    for number, start in ((1, "The Security & Privacy Officer"), (3, "The training session focuses"),
                          (24, "Secrets management (such as SSH key)")):
        assert re.search(rf"^\s*{number}\.\s+{re.escape(start)}", text, re.MULTILINE), number
    exported = docx.Document(str(root / "build" / "docx" / f"{doc.stem}.docx"))
    numbered = [p for p in exported.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None]
    assert len(numbered) == 3 + 4 + 24


def test_lettered_steps_in_parentheses_keep_their_letters(built: tuple[Path, dict[str, Path]]) -> None:
    """JupiterOne's breach procedure numbers its steps "(a)" in Word: Markdown reads no opening
    bracket, so they become "a)" (the import report says so), and every output shows "c)"."""
    root, imported = built
    doc = imported["breach"]
    assert re.search(r"^c\)\s+In the event of a data breach", doc.read_text(encoding="utf-8"), re.MULTILINE)
    page = (root / "build" / "site" / doc.parent.name / f"{doc.stem}.html").read_text(encoding="utf-8")
    assert '<ol class="paren-lower-alpha" type="a">' in page
    assert re.search(r"^\s*c\)\s+In the event of a data breach", pdf_text(root / "build" / "pdf" / f"{doc.stem}.pdf"),
                     re.MULTILINE)
    assert word_list_format(root / "build" / "docx" / f"{doc.stem}.docx", "In the event of a data breach") == \
        ("lowerLetter", "%1)", 1)


def test_the_import_report_says_bracketed_lists_are_written_with_one_bracket(tmp_path: Path) -> None:
    root = tmp_path / "handbook"
    shutil.copytree(BASE, root)
    imported = import_word(root, CORPUS / "jupiterone" / "breach.docx", ImportOptions())
    assert [note for note in imported.attention if "brackets" in note] == [
        'Word numbers 1 list(s) in brackets, "(a)"; they are written "a)" (Markdown has no opening bracket), '
        'so a reference such as "see (b)" may need rewording']
    assert "<!-- polisi" not in (root / imported.path).read_text(encoding="utf-8")
