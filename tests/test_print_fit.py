"""What check passes prints whole, and what would not print is found before any build.

A real wide HTML table (a training matrix of the kind care services keep, twelve columns), a
long run-together word and a picture wider than the page are built into a real PDF and read back
with pdftotext: every cell's words are there. Tables a little wider, fixed widths no page can
hold and pictures WeasyPrint cannot read are ``check`` findings at their line. And when several
documents cannot be rendered all the same (the renderer handed them past the gate), the PDF build
names every one at ``path:line:col`` and leaves the previous PDFs as they were.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest

from polisi.check.rules import check
from polisi.edit.record_only import record_stated_approvals
from polisi.handbook.model import load_handbook
from polisi.history.git import load_history
from polisi.render.pdf_build import PdfFailed, build_pdfs
from polisi.signing.signer import signer_for

from .outputs import html_text, missing, pdf_text, words
from .pdf_handbook import AS_OF, BASE, git, run
from .word_fixtures import png

COURSES = ("Safeguarding", "Fire safety", "First aid", "Moving and handling", "Medicines", "Food hygiene",
           "Infection control", "Data protection", "Equality", "Mental capacity", "Record keeping")
ROLES = ("Registered Manager", "Deputy Manager", "Shift leader", "Family Support Worker", "Night worker")
MATRIX = "\n".join([
    "<table>",
    "<tr><th>Role</th>" + "".join(f"<th>{course}</th>" for course in COURSES) + "</tr>",
    *("<tr><td>" + role + "</td>" + "".join(f"<td>{'Yearly' if i % 3 else 'Every three years'}</td>"
                                             for i in range(len(COURSES))) + "</tr>" for role in ROLES),
    "</table>",
])
"""Twelve columns: printed on a landscape page in the smaller face, every word kept."""
NEAR_EDGE = "<table>\n<tr>" + "".join(f"<td>Accountabilities{n}</td>" for n in range(5)) + "</tr>\n</table>"
LONG_WORD = "The folder is Safeguardingrecordsandreferralsandsafetyplansandstrategymeetingsandreviews2026."


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fit") / "handbook"
    shutil.copytree(BASE, root)
    (root / ".gitignore").write_text("build/\n", encoding="utf-8")
    (root / "procedures" / "media").mkdir()
    (root / "procedures" / "media" / "wide.png").write_bytes(png(3000, 40))
    procedure = root / "procedures" / "PRO-SAF-01.md"
    extra = f"\n## Training\n\n{MATRIX}\n\n{NEAR_EDGE}\n\n{LONG_WORD}\n\n![A wide banner](media/wide.png)\n"
    procedure.write_text(procedure.read_text(encoding="utf-8") + extra, encoding="utf-8")
    record_stated_approvals(root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Training matrix")
    assert run("check", str(root), "--as-of", AS_OF) == 0
    assert run("build", "pdf", str(root), "--as-of", AS_OF) == 0
    return root


def test_every_cell_of_a_wide_html_table_is_in_the_pdf(built: Path) -> None:
    text = pdf_text(built / "build" / "pdf" / "PRO-SAF-01.pdf")
    assert missing(words(html_text(MATRIX)), text) == {}
    assert all(f"Accountabilities{n}" in text for n in range(5))


def test_a_word_longer_than_the_line_wraps_instead_of_running_off_the_page(built: Path) -> None:
    text = "".join(pdf_text(built / "build" / "pdf" / "PRO-SAF-01.pdf").split())
    assert "".join(LONG_WORD.split()) in text


def findings(root: Path) -> list[tuple[str, int, int, str]]:
    report = check(load_handbook(root), date.fromisoformat(AS_OF))
    return [(f.path, f.line, f.column, f.code) for f in report if f.severity.value == "error"]


def test_what_would_not_print_is_a_check_error_at_its_line(tmp_path: Path) -> None:
    root = tmp_path / "handbook"
    shutil.copytree(BASE, root)
    media = root / "procedures" / "media"
    media.mkdir()
    (media / "cut.png").write_bytes(png(20, 20)[:60])
    (media / "notes.png").write_text("not a picture", encoding="utf-8")
    (media / "plan.svg").write_text("<svg><g></svg>", encoding="utf-8")
    (media / "fine.png").write_bytes(png(20, 20))
    procedure = root / "procedures" / "PRO-SAF-01.md"
    lines = procedure.read_text(encoding="utf-8").count("\n")
    procedure.write_text(procedure.read_text(encoding="utf-8") + "\n".join([
        "",
        "![Cut short](media/cut.png) ![Notes](media/notes.png)",
        "",
        '<img src="media/fine.png" alt="Fire exits">',
        "",
        "![Plan](media/plan.svg) ![Fine](media/fine.png) ![Bad](data:image/png;base64,AAAA)",
        "",
        NEAR_EDGE.replace("ities", "itiesandresponsibilities"),
        "",
        '<div style="width: 30cm">Wide</div>',
        "",
    ]), encoding="utf-8")
    record_stated_approvals(root)
    path = "procedures/PRO-SAF-01.md"
    assert findings(root) == [
        (path, lines + 2, 14, "IMAGE_UNREADABLE"), (path, lines + 2, 38, "IMAGE_UNREADABLE"),
        (path, lines + 4, 1, "HTML_IMAGE"),
        (path, lines + 6, 9, "IMAGE_UNREADABLE"), (path, lines + 6, 56, "IMAGE_UNREADABLE"),
        (path, lines + 8, 1, "TABLE_TOO_WIDE"),
        (path, lines + 12, 13, "FIXED_WIDTH"),
    ]
    messages = [f.message for f in check(load_handbook(root), date.fromisoformat(AS_OF)) if f.line > lines]
    assert "write it as ![Fire exits](media/fine.png)" in messages[2]
    assert "media/cut.png is not a picture the PDF can show (image file is truncated)" in messages[0]
    assert all(len(message) < 300 and "\n" not in message for message in messages)


def test_every_document_that_cannot_render_is_named_and_the_previous_pdfs_stay(tmp_path: Path) -> None:
    root = tmp_path / "handbook"
    shutil.copytree(BASE, root)
    (root / ".gitignore").write_text("build/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Handbook")
    handbook = load_handbook(root)
    build_pdfs(handbook, load_history(root), signer=signer_for(handbook))
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (root / "build" / "pdf").glob("*.pdf")}
    for name in ("policies/POL-SAF-01.md", "procedures/PRO-SAF-01.md"):
        path = root / name
        path.write_text(path.read_text(encoding="utf-8") + '\nSee the plan.\n\n<img src="media/none.png" alt="Plan">\n',
                        encoding="utf-8")
    git(root, "commit", "-qam", "Pictures as HTML")
    handbook = load_handbook(root)
    with pytest.raises(PdfFailed) as failed:
        build_pdfs(handbook, load_history(root), signer=signer_for(handbook))
    lines = [f.format() for f in failed.value.report]
    assert len(lines) == 2, lines
    for line, name in zip(lines, ("policies/POL-SAF-01.md", "procedures/PRO-SAF-01.md"), strict=True):
        at = (root / name).read_text(encoding="utf-8").split("\n").index('<img src="media/none.png" alt="Plan">') + 1
        assert line.startswith(f"{name}:{at}:11: error: PDF_RENDER "), line  # at the picture it could not load
        assert "media/none.png" in line and "\n" not in line
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (root / "build" / "pdf").glob("*.pdf")}
    assert after == before
