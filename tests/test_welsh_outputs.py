"""Every word polisi writes itself in a Welsh output is Welsh: the Welsh site (and its drafts preview),
the Welsh PDFs, the Welsh inspector bundle and the Welsh Word copies of a small bilingual handbook
hold none of polisi's English labels.

The English labels are read from the label table itself, so a new label that leaks into a Welsh
output in English fails this test without anyone listing it here. What is not polisi's is left out
before looking: the handbook's own words (titles, commit messages, the catalogue's English titles
and citations, marked ``lang="en-GB"`` on the site) and the pages of a document that has no Welsh
version, which the bundle prints in English as its text.
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest

from polisi.handbook.model import load_handbook
from polisi.render.labels import labels, table

from .bilingual import bilingual_handbook
from .gitbook import commit, document, git, polisi, write

AS_OF = "2026-12-01"
"""Every document falls due for review within the warning window: the "due soon" labels show."""
PROPER_NOUNS = {"CCTV", "PDF", "Markdown", "polisi", "polisi.yml", "git"}
SHOWN_ATTRIBUTES = {"title", "aria-label", "alt", "placeholder"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def english_fragments() -> dict[str, str]:
    """Each English label's words (split at placeholders, Markdown and punctuation) -> its key:
    the fragments a Welsh output must not contain. Words a label keeps in Welsh too are proper nouns."""
    found: dict[str, str] = {}
    for key, texts in table().items():
        english, welsh = texts["en"], texts["cy"]
        for fragment in re.split(r"\{\w+\}|\*+|\]\(|[\[\]():;,.“”\"]", english):
            words = fragment.strip()
            if len(re.sub(r"[^A-Za-z]", "", words)) >= 4 and words not in welsh and words not in PROPER_NOUNS:
                found.setdefault(words, key)
    return found


class WelshText(HTMLParser):
    """A page's text and shown attributes, without scripts, styles and anything marked as being in another
    language."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        marked = dict(attrs).get("lang") or dict(attrs).get("hreflang")
        foreign = tag in ("script", "style", "svg") or bool(marked and not marked.startswith("cy"))
        self.stack.append(foreign or bool(self.stack and self.stack[-1]))
        if not self.stack[-1]:  # words readers see or hear outside the text: tooltips, labels, alternatives
            self.parts += [value for name, value in attrs if name in SHOWN_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def html_text(path: Path) -> str:
    parser = WelshText()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


MARKS = (labels("en")["seen_only_in_secondary.entry.mark"], labels("en")["seen_only_in_secondary.heading.mark"])


def pdf_pages(path: Path, handbook_words: list[str] = ()) -> list[str]:
    """Each page's text, without the lines that are part of the handbook's own words: a catalogue title
    wraps inside its table cell, and pdftotext may put the next cell between its lines."""
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    pages = []
    for page in (p for p in out.split("\f") if p.strip()):
        # The registers' provenance marks (the same in every language) sit beside catalogue titles.
        lines = [" ".join(line.replace(MARKS[0], " ").replace(MARKS[1], " ").split()) for line in page.splitlines()]
        pages.append(" ".join(line for line in lines if not handbooks(line, handbook_words)))
    return pages


def handbooks(line: str, handbook_words: list[str]) -> bool:
    """Whether a line of PDF text is the handbook's: once whole handbook strings are taken out of it,
    what is left is part of one (a wrapped title, maybe beside the next cell's short instrument label)."""
    for words in handbook_words:
        if words in line:
            line = line.replace(words, " ")
    rest = " ".join(line.split())
    return not rest or any(rest in words for words in handbook_words)


def docx_text(path: Path) -> str:
    copy = docx.Document(str(path))
    cells = [cell.text for t in copy.tables for row in t.rows for cell in row.cells]
    return " ".join(" ".join([p.text for p in copy.paragraphs] + cells).split())


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bilingual handbook, a procedure of the safeguarding policy in both languages and a draft
    policy in English only, built in every output with a change log since January."""
    root = bilingual_handbook(tmp_path_factory.mktemp("welsh-outputs") / "book")
    write(root, "procedures/PRO-SAF-01.md", document(
        "PRO-SAF-01", "Reporting a concern", extra="policy: POL-SAF-01\naudience: [All staff]",
        body="## What to do\n\nTell the manager the same day.\n"))
    write(root, "procedures/PRO-SAF-01.cy.md", (
        "---\nid: PRO-SAF-01\ntitle: Rhoi gwybod am bryder\naudience: [Pob aelod o staff]\n"
        "translation:\n  state: draft\n---\n\n## Beth i'w wneud\n\nDywedwch wrth y rheolwr yr un diwrnod.\n"))
    write(root, "policies/POL-QA-01.md", document("POL-QA-01", "Quality assurance", status="draft",
                                                   body="## Purpose\n\nHow we check our work.\n"))
    policy = root / "policies/POL-SAF-01.md"
    policy.write_text(policy.read_text(encoding="utf-8").replace("owner:", "procedures: [PRO-SAF-01]\nowner:", 1),
                      encoding="utf-8")
    from polisi.edit.record_only import record_stated_approvals

    record_stated_approvals(root)
    commit(root, "Reporting procedure and a draft", "2026-02-10")
    done = polisi("translated", "PRO-SAF-01", str(root), "--by", "Translator", "--on", "2026-02-11", when="2026-02-11")
    assert done.returncode == 0, done.stdout + done.stderr
    for args in (("pdf",), ("docx",), ("bundle", "--language", "cy", "--since", "2026-01-01"), ("site",),
                 ("site", "--include-drafts")):
        done = polisi("build", args[0], str(root), *(["--as-of", AS_OF] if args[0] != "docx" else []), *args[1:])
        assert done.returncode == 0, done.stdout + done.stderr
    return root


def not_polisis(root: Path) -> list[str]:
    """The handbook's own words that outputs print as written, longest first."""
    handbook = load_handbook(root)
    words = {handbook.config.organisation, "Translator"}
    for doc in handbook.documents:
        words |= {doc.title, *(t.meta.title for t in doc.translations)}
    for clause in handbook.catalogue.clauses.values():
        words |= {clause.id, clause.title, clause.instrument.id, clause.instrument.label, clause.instrument.citation}
    for record in handbook.records.values():  # the approvers' own words, printed as written
        words |= {text for entry in record.entries for text in (entry.summary, entry.evidence) if text}
    log = git(root, "log", "--format=%s%n%an")
    words |= {line for line in log.splitlines() if line}
    return sorted((w for w in words if w), key=len, reverse=True)


def leaks(text: str, fragments: dict[str, str], handbook_words: list[str]) -> list[str]:
    for words in handbook_words:
        text = text.replace(words, " ")
    return [f"{words!r} (label {key})" for words, key in fragments.items()
            if re.search(rf"(?<![\w']){re.escape(words)}(?![\w'])", text, re.IGNORECASE)]


def test_no_english_label_in_any_welsh_output(book: Path) -> None:
    fragments, handbook_words = english_fragments(), not_polisis(book)
    assert {"Document control", "Next review", "Inspector bundle", "Review status and approval record",
            "Preview including drafts", "months", "Staff policies and procedures"} <= set(fragments)
    english_docref = labels("en")["docref"].split("{version}")[0].strip().replace("{id}", "SOP-01")
    outputs: dict[str, str] = {}
    for tree in ("site", "preview"):
        for page in sorted((book / "build" / tree / "cy").rglob("*.html")):
            outputs[page.relative_to(book / "build").as_posix()] = html_text(page)
    for pdf in [*sorted((book / "build/pdf/cy").glob("*.pdf")), book / "build/bundle/cy/inspector-bundle.pdf"]:
        for number, page in enumerate(pdf_pages(pdf, handbook_words), 1):
            if english_docref not in page:  # a page of SOP-01, printed in English as it has no Welsh version
                outputs[f"{pdf.relative_to(book / 'build').as_posix()} page {number}"] = page
    for copy in sorted((book / "build/docx/cy").glob("*.docx")):
        outputs[copy.relative_to(book / "build").as_posix()] = docx_text(copy)
    assert len([name for name in outputs if name.startswith("bundle/")]) >= 8
    assert {"site/cy/index.html", "preview/cy/index.html", "site/cy/legal-basis.html", "site/cy/review-schedule.html",
            "docx/cy/POL-SAF-01.docx", "pdf/cy/PRO-SAF-01.pdf page 1"} <= set(outputs)
    found = {name: hits for name, text in outputs.items() if (hits := leaks(text, fragments, handbook_words))}
    assert found == {}


def test_the_welsh_outputs_say_it_in_welsh(book: Path) -> None:
    home = html_text(book / "build/site/cy/index.html")
    for words in ("Polisïau a gweithdrefnau Test provider ar gyfer Canolfan brawf.", "Dod o hyd i'r hyn sydd ei angen",
                  "Fel yr oedd ar 1 Rhagfyr 2026", "Bwndel yr arolygydd"):
        assert words in home
    assert "Rhagolwg sy'n cynnwys drafftiau" in html_text(book / "build/preview/cy/index.html")
    assert "<title>Polisïau a gweithdrefnau staff</title>" in (book / "build/site/cy/index.html").read_text("utf-8")
    page = html_text(book / "build/site/cy/policies/POL-SAF-01.html")
    assert "Perchennog Rheolwr Cofrestredig" in page and "Cymeradwywyd gan Y Bwrdd" in page
    bundle = " ".join(pdf_pages(book / "build/bundle/cy/inspector-bundle.pdf"))
    for words in ("BWNDEL YR AROLYGYDD", "Darparwr cofrestredig Test provider", "Cynnwys",
                  "Statws adolygu a chofnod cymeradwyo", "Matrics y sail gyfreithiol", "Newidiadau ers 1 Ionawr 2026",
                  "Polisïau a gweithdrefnau mewn grym", "Tudalen 1 o", "LLOFNOD ARDDANGOS",
                  "POL-SAF-01 Diogelu", "yn ddyledus"):
        assert words in bundle
    assert "Cyfnod adolygu 12 mis" in docx_text(book / "build/docx/cy/POL-SAF-01.docx")
