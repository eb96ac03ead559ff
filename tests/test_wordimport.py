"""``polisi import``: Word documents made by the tests, converted and checked line by line."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from polisi.check.rules import check
from polisi.handbook.markdown import render_markdown
from polisi.handbook.model import load_handbook

from .word_fixtures import (
    CONTROL_BLOCK_POLICY,
    corrupt_docx,
    encrypted_lookalike,
    make_handbook,
    medicines_docx,
    native_docx,
    structure,
    template_docx,
    zip_not_word,
)

SRC = Path(__file__).resolve().parents[1] / "src"


def polisi(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, "-m", "polisi", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, check=False)


@pytest.fixture
def handbook(tmp_path: Path) -> Path:
    return make_handbook(tmp_path / "handbook", policy_procedures=("PRO-MED-01",))


@pytest.fixture
def word_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "word"
    folder.mkdir()
    return folder


EXPECTED_MEDICINES = """\
---
id: PRO-MED-01
title: Medicines administration procedure
version: "1.0"
status: draft
owner: Registered Manager
legislation: [SPRI-2017:reg-27, SPRI-2017:reg-64, SPRI-2017:reg-80, SSWBA-2014:s-130]
policy: POL-SAF-01
# For the policy lead to fill in before approval:
# approved_by:
# approved_on:
# last_reviewed:
# review_interval:
---

## Purpose

This procedure meets Regulation 27, reg. 64 and regulation 80(2), and section 130 of the 2014 Act. \
Regulation 11 also applies.

## Steps

1.  Check the chart
    1.  Check the **name**
    2.  Check the *dose*[^1]
        -   at the right time
2.  Give the dose

<!-- -->

-   Record it
    -   in the MAR chart

| Who     | Does what          |
|---------|--------------------|
| Staff   | Gives the **dose** |
| Manager | Audits the chart   |

![Red warning box](media/PRO-MED-01/{image})

Read the [CIW guidance](https://www.careinspectorate.wales) first.

Doses are checked by two members of staff.

[^1]: As prescribed by the GP.
"""


def test_import_writes_clean_markdown_line_by_line(handbook: Path, word_folder: Path) -> None:
    source = medicines_docx(word_folder)
    result = polisi("import", source, "-C", handbook, "--policy", "POL-SAF-01")
    assert result.returncode == 0, result.stderr
    pictures = sorted((handbook / "procedures" / "media" / "PRO-MED-01").iterdir())
    assert len(pictures) == 1 and pictures[0].read_bytes().startswith(b"\x89PNG")
    written = (handbook / "procedures" / "PRO-MED-01.md").read_text(encoding="utf-8").splitlines()
    expected = EXPECTED_MEDICINES.replace("{image}", pictures[0].name).splitlines()
    for number, (got, want) in enumerate(zip(written, expected, strict=True), start=1):
        assert got == want, f"line {number}"


def test_import_lists_every_guess_and_what_needs_attention(handbook: Path, word_folder: Path) -> None:
    result = polisi("import", medicines_docx(word_folder), "-C", handbook, "--policy", "POL-SAF-01")
    out = result.stdout.splitlines()
    assert out[0] == ("imported Medicines procedure.docx -> procedures/PRO-MED-01.md "
                      "(1 picture in procedures/media/PRO-MED-01/)")
    assert out[1:11] == [
        "  guessed (check these):",
        "    title: Medicines administration procedure (from the Word document's title)",
        "    kind: procedure (the title or file name says procedure)",
        "    id: PRO-MED-01 (area MED (Medicines management) matches the title; the first number not yet used)",
        "    owner: Registered Manager (no --owner given and none in the document)",
        "    version: 1.0 (none found in the document)",
        '    legislation: SPRI-2017:reg-27 (procedures/PRO-MED-01.md:18 says "Regulation 27")',
        '    legislation: SPRI-2017:reg-64 (procedures/PRO-MED-01.md:18 says "reg. 64")',
        '    legislation: SPRI-2017:reg-80 (procedures/PRO-MED-01.md:18 says "regulation 80(2)")',
        '    legislation: SSWBA-2014:s-130 (procedures/PRO-MED-01.md:18 says "section 130 of the 2014 Act")',
    ]
    assert out[11:14] == [
        "  needs attention:",
        '    procedures/PRO-MED-01.md:18: "Regulation 11" not proposed: '
        "REG-2017:reg-11 / SPRI-2017:reg-11 is not in the catalogue",
        "    list it in the procedures of POL-SAF-01",
    ]
    assert out[14] == "polisi check on the imported documents: no findings"
    assert out[15].startswith("before approval: fill in approved_by, approved_on, last_reviewed and review_interval")
    lines = (handbook / "procedures" / "PRO-MED-01.md").read_text(encoding="utf-8").splitlines()
    assert "Regulation 11" in lines[18 - 1], "the reported line number points at the mention"


def test_imported_markdown_renders_nested_lists_table_footnote_and_picture(handbook: Path, word_folder: Path) -> None:
    polisi("import", medicines_docx(word_folder), "-C", handbook, "--policy", "POL-SAF-01")
    doc = load_handbook(handbook).get("PRO-MED-01")
    assert doc is not None
    html = render_markdown(doc.body)
    assert '<ol type="1">\n<li>Check the chart<ol type="1">\n<li>Check the <strong>name</strong></li>' in html
    assert "<li>Check the <em>dose</em>" in html and "<ul>\n<li>at the right time</li>" in html
    assert "</ol>\n\n\n<ul>\n<li>Record it<ul>\n<li>in the MAR chart</li>" in html  # two lists, not one
    assert "<td>Gives the <strong>dose</strong></td>" in html
    assert 'class="footnote"' in html and "As prescribed by the GP." in html
    assert '<img alt="Red warning box" src="media/PRO-MED-01/' in html
    assert "one member of staff" not in html, "a tracked deletion is accepted, not kept"


def test_import_then_filling_the_review_fields_passes_check(handbook: Path, word_folder: Path) -> None:
    polisi("import", medicines_docx(word_folder), "-C", handbook, "--policy", "POL-SAF-01")
    as_of = date(2026, 4, 1)
    assert check(load_handbook(handbook), as_of).ok, "a draft import already passes"
    path = handbook / "procedures" / "PRO-MED-01.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("status: draft", "status: approved")
    text = text.replace("# approved_by:", "approved_by: Responsible Individual")
    text = text.replace("# approved_on:", "approved_on: 2026-03-20")
    text = text.replace("# last_reviewed:", "last_reviewed: 2026-03-20")
    text = text.replace("# review_interval:", "review_interval: 12 months")
    path.write_text(text, encoding="utf-8")
    report = check(load_handbook(handbook), as_of)
    assert [(f.path, f.code) for f in report] == [("procedures/PRO-MED-01.md", "APPROVAL_NOT_RECORDED")]
    result = polisi("check", handbook, "--as-of", "2026-04-01")
    assert result.returncode == 0 and result.stdout.strip().endswith("0 errors, 1 warning")


def test_approving_without_the_review_fields_fails_check(handbook: Path, word_folder: Path) -> None:
    polisi("import", medicines_docx(word_folder), "-C", handbook, "--policy", "POL-SAF-01")
    path = handbook / "procedures" / "PRO-MED-01.md"
    path.write_text(path.read_text(encoding="utf-8").replace("status: draft", "status: approved"), encoding="utf-8")
    report = check(load_handbook(handbook), date(2026, 4, 1))
    assert not report.ok
    assert {f.code for f in report} <= {"MISSING_APPROVAL", "MISSING_REVIEW", "APPROVAL_NOT_RECORDED"}
    assert all(f.path == "procedures/PRO-MED-01.md" for f in report)


def test_title_owner_and_version_from_the_document_itself(handbook: Path, word_folder: Path) -> None:
    result = polisi("import", native_docx(word_folder / "native.docx"), "-C", handbook)
    assert result.returncode == 0, result.stderr
    assert "    title: Safeguarding adults at risk (from the document's only Heading 1)" in result.stdout
    assert "    owner: Deputy Manager (from the document's own control table)" in result.stdout
    assert "    id: POL-SAF-02 (area SAF (Safeguarding) matches the title; the first number not yet used)" \
        in result.stdout
    assert "    1 picture(s) without alt text; describe each for screen readers" in result.stdout
    text = (handbook / "policies" / "POL-SAF-02.md").read_text(encoding="utf-8")
    assert text.startswith("---\nid: POL-SAF-02\ntitle: Safeguarding adults at risk\nversion: \"3.2\"\n"
                           "status: draft\nowner: Deputy Manager\nlegislation: [SSWBA-2014:s-130]\n")
    assert "\n## Purpose\n" in text and "# Safeguarding adults at risk" not in text
    assert "![](media/POL-SAF-02/image1.png)" in text
    assert "Policy owner" not in text and "3.2" not in text.split("---\n", 2)[2]
    assert "    took the document control table out of the body (its owner and version are in the front matter)" \
        in result.stdout


def test_given_id_and_owner_are_used_and_nothing_is_overwritten(handbook: Path, word_folder: Path) -> None:
    source = native_docx(word_folder / "native.docx")
    first = polisi("import", source, "-C", handbook, "--id", "POL-SAF-07", "--owner", "Responsible Individual")
    assert first.returncode == 0, first.stderr
    assert "id:" not in first.stdout and "owner:" not in first.stdout.split("needs attention")[0]
    assert "owner: Responsible Individual\n" in (handbook / "policies" / "POL-SAF-07.md").read_text(encoding="utf-8")
    before = (handbook / "policies" / "POL-SAF-07.md").read_bytes()
    again = polisi("import", source, "-C", handbook, "--id", "POL-SAF-07")
    assert again.returncode == 2
    assert again.stderr == "polisi: error: policies/POL-SAF-07.md already exists; polisi import never overwrites\n"
    assert (handbook / "policies" / "POL-SAF-07.md").read_bytes() == before
    existing = polisi("import", source, "-C", handbook, "--id", "POL-SAF-01")
    assert existing.returncode == 2 and "policies/POL-SAF-01.md already exists" in existing.stderr


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("missing.docx", None, "no such file"),
        ("broken.docx", "corrupt", "is corrupt ("),
        ("locked.docx", "encrypted", "is password-protected; open it in Word, remove the password"),
        ("scan.pdf", "pdf", "is not a Word document (.docx)"),
        ("sheet.docx", "zip", "is a zip archive but not a Word document (no word/document.xml)"),
    ],
)
def test_bad_files_get_one_line_errors(handbook: Path, word_folder: Path, name: str, make: str | None,
                                       message: str) -> None:
    path = word_folder / name
    if make == "corrupt":
        corrupt_docx(path, medicines_docx(word_folder))
    elif make == "encrypted":
        encrypted_lookalike(path)
    elif make == "pdf":
        path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    elif make == "zip":
        zip_not_word(path)
    result = polisi("import", path, "-C", handbook)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"polisi: error: {path}: ") and message in result.stderr
    assert sorted(p.name for p in (handbook / "procedures").iterdir()) == []


def test_folder_import_continues_past_bad_files_and_prints_a_summary(handbook: Path, word_folder: Path) -> None:
    medicines_docx(word_folder)
    native_docx(word_folder / "native.docx")
    encrypted_lookalike(word_folder / "locked.docx")
    corrupt_docx(word_folder / "broken.docx", word_folder / "native.docx")
    (word_folder / "~$native.docx").write_bytes(b"Word's lock file")
    (word_folder / "notes.txt").write_text("not a Word file")
    result = polisi("import", word_folder, "-C", handbook)
    assert result.returncode == 1
    table_start = result.stdout.splitlines().index(next(
        line for line in result.stdout.splitlines() if line.startswith("file ")))
    table = result.stdout.splitlines()[table_start:]
    assert table[0].split() == ["file", "new", "id", "needs", "attention"]
    rows = {line.split("  ")[0]: line for line in table[1:5]}
    assert set(rows) == {"Medicines procedure.docx", "broken.docx", "locked.docx", "native.docx"}
    assert "PRO-MED-01" in rows["Medicines procedure.docx"] and "2 notes" in rows["Medicines procedure.docx"]
    assert "not imported: is corrupt (" in rows["broken.docx"]
    assert "not imported: is password-protected" in rows["locked.docx"]
    assert "POL-SAF-02  2 notes; check id, kind, owner, title, version" in rows["native.docx"]
    assert table[5].startswith("2 of 4 Word files imported.")
    assert (handbook / "procedures" / "PRO-MED-01.md").is_file()
    assert (handbook / "policies" / "POL-SAF-02.md").is_file()


def test_two_imports_in_one_area_get_different_ids(tmp_path: Path, word_folder: Path) -> None:
    handbook = make_handbook(tmp_path / "policies-only")
    one, two = word_folder / "a", word_folder / "b"
    one.mkdir()
    two.mkdir()
    polisi("import", native_docx(one / "safeguarding.docx"), "-C", handbook)
    result = polisi("import", native_docx(two / "safeguarding.docx"), "-C", handbook)
    assert "    id: POL-SAF-03 (" in result.stdout
    report = check(load_handbook(handbook), date(2026, 4, 1))
    assert {(f.path, f.code) for f in report} == {
        ("policies/POL-SAF-02.md", "IMAGE_NO_ALT"), ("policies/POL-SAF-03.md", "IMAGE_NO_ALT")}


def test_a_template_policy_imports_whole_and_passes_check(handbook: Path, word_folder: Path) -> None:
    source = template_docx(word_folder / "Infection control.docx", stale_title="Care Policy Template 2019",
                           numbered_headings=True)
    result = polisi("import", source, "-C", handbook)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert ("    title: Infection prevention and control (from the document's only Heading 1 "
            "(Word's title property says \"Care Policy Template 2019\"))") in out
    assert "    owner: Deputy Manager (from the document's own control table)" in out
    assert "    version: 2.3 (from the document's own control table)" in out
    assert "    took the Document control table out of the body" in out
    assert "Word numbers 3 heading(s) automatically" in out
    assert "reg-1981" not in out and "legislation: SPRI-2017:reg-27 (" in out
    # The only finding: the test handbook's polisi.yml has no INF area (a warning, listed so it is no surprise).
    assert "polisi check on the imported documents: 1 finding" in out and " warning: UNDECLARED_AREA " in out
    doc_id = next(line.split()[1] for line in out.splitlines() if line.startswith("    id: "))
    text = (handbook / "policies" / f"{doc_id}.md").read_text(encoding="utf-8")
    body = text.split("---\n", 2)[2]
    assert "Document control" not in body and "Policy owner" not in body and "# Infection" not in body
    assert "of the words used are in this paragraph; see [the definitions](#Definitions)" in body
    assert "{: #Definitions }" in body
    assert "](#after-an-exposure-to-blood-or-body-fluids-at-work-including-needlestick-injuries)" in body
    assert "a.  the shift leader checks the cleaning rota;\nb.  the Deputy Manager" in body
    html = render_markdown(body)
    assert '<ol type="a">' in html and 'id="Definitions"' in html


def test_a_shift_enter_control_block_is_read_and_taken_out(handbook: Path, word_folder: Path) -> None:
    source = template_docx(word_folder / "lone.docx", CONTROL_BLOCK_POLICY)
    result = polisi("import", source, "-C", handbook)
    assert "    owner: Registered Manager (from the document's own control table)" in result.stdout
    assert "    version: 4.0 (from the document's own control table)" in result.stdout
    assert "took a document control block out of the body" in result.stdout
    doc_id = next(line.split()[1] for line in result.stdout.splitlines() if line.startswith("    id: "))
    body = (handbook / "policies" / f"{doc_id}.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    assert "Policy owner" not in body and "Review date" not in body
    assert body.lstrip("\n").startswith("## Purpose\n\nStaff who work alone carry a phone.")


def test_the_import_report_lists_what_check_will_say(handbook: Path, word_folder: Path) -> None:
    result = polisi("import", native_docx(word_folder / "native.docx"), "-C", handbook)
    lines = result.stdout.splitlines()
    at = lines.index("polisi check on the imported documents: 1 finding")
    assert lines[at + 1].startswith("  policies/POL-SAF-02.md:") and " error: IMAGE_NO_ALT " in lines[at + 1]


CONTINUED_ITEMS = """\
## Steps

1. First step.

    The first step's own second paragraph.

2. Second step:

    - a point;
    - another point.

        The other point's own second paragraph.

    Back in the second step.

3. Third step.

## Bullets

- A bullet.

    Its second paragraph.

- Another bullet.
"""


def test_paragraphs_continuing_list_items_stay_in_their_items(handbook: Path, word_folder: Path) -> None:
    """pandoc and Word number a list item's later paragraphs with an invisible bullet; they come back
    inside their item, at every depth, and the list they part stays one list."""
    source = template_docx(word_folder / "steps.docx", "# Lone working\n\n" + CONTINUED_ITEMS.replace("'", ""))
    result = polisi("import", source, "-C", handbook)
    assert result.returncode == 0, result.stderr
    doc_id = next(line.split()[1] for line in result.stdout.splitlines() if line.startswith("    id: "))
    body = (handbook / "policies" / f"{doc_id}.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    assert structure(body) == structure(CONTINUED_ITEMS.replace("'", ""))
    assert "\ue000" not in body
