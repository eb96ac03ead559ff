"""``polisi build docx``: exported Word copies re-opened with python-docx and read back."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import docx
import pytest

from polisi.check.gate import Checked
from polisi.findings import Report
from polisi.handbook.model import load_handbook
from polisi.render.docx import WordFailed, build_docx

from .word_fixtures import make_handbook, png

SRC = Path(__file__).resolve().parents[1] / "src"
AS_OF = "2026-04-01"

PROCEDURE = """\
---
id: PRO-SAF-01
title: Responding to a safeguarding concern
version: "1.4"
status: approved
owner: Designated Safeguarding Person
approved_by: Registered Manager
approved_on: 2026-02-10
last_reviewed: 2026-02-10
review_interval: 6 months
summary: What to do, step by step, when you are worried about a child or adult.
audience: [All staff]
legislation: [SPRI-2017:reg-27, SSWBA-2014:s-130]
policy: POL-SAF-01
---

## When you are worried

Follow the [safeguarding policy](../policies/POL-SAF-01.md) at all times.

!!! warning "Act the same day"
    Never wait until the next shift to report a concern.

| Step | Who |
|------|-----|
| Record the concern | The worker |
| Refer to the local authority | The designated lead |

![Flow chart of the steps](media/PRO-SAF-01/flow.png)

A referral is confirmed in writing within 24 hours.[^1]

[^1]: Wales Safeguarding Procedures.
"""

DRAFT = """\
---
id: POL-MED-01
title: Medicines
version: "0.1"
status: draft
owner: Registered Manager
---

## Purpose

Not approved yet.
"""

CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}property"
VT = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}lpwstr"


def polisi(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, "-m", "polisi", *map(str, args)], capture_output=True, text=True,
                          env=env, check=False)


@pytest.fixture
def handbook(tmp_path: Path) -> Path:
    root = make_handbook(tmp_path / "handbook", policy_procedures=("PRO-SAF-01",))
    (root / "procedures" / "PRO-SAF-01.md").write_text(PROCEDURE, encoding="utf-8")
    (root / "procedures" / "media" / "PRO-SAF-01").mkdir(parents=True)
    (root / "procedures" / "media" / "PRO-SAF-01" / "flow.png").write_bytes(png(30, 20))
    (root / "policies" / "POL-MED-01.md").write_text(DRAFT, encoding="utf-8")
    return root


def custom_properties(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        root = ET.fromstring(archive.read("docProps/custom.xml"))
    return {p.get("name", ""): p.findtext(VT, "") for p in root.iter(CUSTOM)}


def test_approved_documents_are_exported_and_drafts_are_not(handbook: Path) -> None:
    result = polisi("build", "docx", handbook, "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{handbook / 'build' / 'docx'}: Word copies of 3 documents"
    assert sorted(p.name for p in (handbook / "build" / "docx").iterdir()) == [
        "POL-SAF-01.docx", "PRO-SAF-01.docx", "SOP-01.docx"]


def test_text_front_block_legal_basis_and_tables_read_back(handbook: Path) -> None:
    polisi("build", "docx", handbook, "--as-of", AS_OF)
    word = docx.Document(str(handbook / "build" / "docx" / "PRO-SAF-01.docx"))
    paragraphs = [(p.style.name, p.text) for p in word.paragraphs if p.text.strip()]
    assert paragraphs[0] == ("Title", "Responding to a safeguarding concern")
    assert ("Heading 1", "When you are worried") in paragraphs
    assert ("Admonition Title", "Act the same day") in paragraphs
    assert ("Admonition", "Never wait until the next shift to report a concern.") in paragraphs
    assert any(text == "Follow the safeguarding policy at all times." for _, text in paragraphs)
    assert any("confirmed in writing within 24 hours" in text for _, text in paragraphs)
    front, legal, steps = ([[c.text for c in row.cells] for row in table.rows] for table in word.tables)
    assert ["Document", "PRO-SAF-01 (procedure)"] in front
    assert ["Version", "1.4"] in front and ["Owner", "Designated Safeguarding Person"] in front
    assert ["Next review", "2026-08-10"] in front and ["Policy", "POL-SAF-01"] in front
    assert ["Organisation", "Test Provider Ltd, Test family centre"] in front
    assert legal[0] == ["Kind", "Clause", "Subject", "Instrument"]
    assert legal[1] == ["Legislation", "SPRI-2017:reg-27", "Safeguarding policies and procedures", "SI 2017/1264"]
    assert legal[2][:3] == ["Legislation", "SSWBA-2014:s-130", "Duty to report adults at risk"]
    assert steps == [["Step", "Who"], ["Record the concern", "The worker"],
                     ["Refer to the local authority", "The designated lead"]]


def test_core_and_custom_properties_are_set(handbook: Path) -> None:
    polisi("build", "docx", handbook, "--as-of", AS_OF)
    path = handbook / "build" / "docx" / "PRO-SAF-01.docx"
    core = docx.Document(str(path)).core_properties
    assert core.title == "Responding to a safeguarding concern"
    assert core.subject == "Procedure"
    assert core.author == "Test Provider Ltd"
    assert "PRO-SAF-01" in core.keywords and "Safeguarding" in core.keywords
    custom = custom_properties(path)
    assert custom["document-id"] == "PRO-SAF-01"
    assert custom["version"] == "1.4"
    assert custom["owner"] == "Designated Safeguarding Person"
    assert custom["next-review"] == "2026-08-10"
    assert custom["approved-by"] == "Registered Manager" and custom["approved-on"] == "2026-02-10"


def test_pictures_and_links_to_other_word_copies(handbook: Path) -> None:
    polisi("build", "docx", handbook, "--as-of", AS_OF)
    with zipfile.ZipFile(handbook / "build" / "docx" / "PRO-SAF-01.docx") as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
        rels = archive.read("word/_rels/document.xml.rels").decode()
    assert len(media) == 1
    assert 'Target="POL-SAF-01.docx"' in rels


def test_house_styles_come_from_the_handbooks_reference_document(handbook: Path) -> None:
    shipped = SRC / "polisi" / "render" / "templates" / "reference.docx"
    own = docx.Document(str(shipped))
    own.styles["Heading 1"].font.name = "Georgia"
    (handbook / "word").mkdir()
    own.save(str(handbook / "word" / "reference.docx"))
    polisi("build", "docx", handbook, "--as-of", AS_OF)
    exported = docx.Document(str(handbook / "build" / "docx" / "PRO-SAF-01.docx"))
    assert exported.styles["Heading 1"].font.name == "Georgia"
    default = docx.Document(str(shipped))
    assert default.styles["Heading 1"].font.name == "Arial"
    assert "Admonition" in [s.name for s in default.styles]


def test_named_documents_refresh_only_those_files(handbook: Path) -> None:
    polisi("build", "docx", handbook, "--as-of", AS_OF)
    out = handbook / "build" / "docx"
    before = (out / "SOP-01.docx").read_bytes()
    result = polisi("build", "docx", handbook, "PRO-SAF-01", "--as-of", AS_OF)
    assert result.returncode == 0
    assert result.stdout.strip() == f"{handbook / 'build' / 'docx'}: Word copies of 1 document"
    assert (out / "SOP-01.docx").read_bytes() == before
    draft = polisi("build", "docx", handbook, "POL-MED-01", "--as-of", AS_OF)
    assert draft.returncode == 2
    assert draft.stderr == "polisi: error: POL-MED-01 is draft; only approved documents are exported\n"
    unknown = polisi("build", "docx", handbook, "POL-XYZ-09", "--as-of", AS_OF)
    assert unknown.stderr == "polisi: error: POL-XYZ-09: no such document in the handbook\n"


def test_a_failing_handbook_publishes_nothing_and_keeps_the_old_copies(handbook: Path) -> None:
    polisi("build", "docx", handbook, "--as-of", AS_OF)
    out = handbook / "build" / "docx"
    before = sorted((p.name, p.read_bytes()) for p in out.iterdir())
    proc = handbook / "procedures" / "PRO-SAF-01.md"
    proc.write_text(proc.read_text(encoding="utf-8").replace("SPRI-2017:reg-27", "SPRI-2017:reg-270"),
                    encoding="utf-8")
    result = polisi("build", "docx", handbook, "--as-of", AS_OF)
    assert result.returncode == 1
    assert "UNKNOWN_CLAUSE SPRI-2017:reg-270 is not in the catalogue" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("polisi: error: not published:")
    assert sorted((p.name, p.read_bytes()) for p in out.iterdir()) == before


def test_build_all_makes_the_word_copies_before_the_bundle_that_signs_their_hashes(handbook: Path) -> None:
    result = polisi("build", "all", handbook, "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-3] == f"{handbook / 'build' / 'docx'}: Word copies of 3 documents"
    assert "inspector bundle" in lines[-2] and "staff site" in lines[-1]
    assert (handbook / "build" / "docx" / "SOP-01.docx").is_file()


def test_footnotes_are_word_footnotes(handbook: Path) -> None:
    polisi("build", "docx", handbook, "--as-of", AS_OF)
    path = handbook / "build" / "docx" / "PRO-SAF-01.docx"
    with zipfile.ZipFile(path) as package:
        notes = package.read("word/footnotes.xml").decode("utf-8")
        body = package.read("word/document.xml").decode("utf-8")
    assert "Wales Safeguarding Procedures." in notes
    assert "Wales Safeguarding Procedures" not in body and "w:footnoteReference" in body
    assert "\u21a9" not in notes + body


def test_house_styles_pandoc_cannot_read_are_refused_by_check_and_every_copy_is_named(handbook: Path) -> None:
    """A reference document cut short by a copy: ``check`` refuses it; built past the gate (the stage the
    CLI runs after it), pandoc refuses every document, each is named on one line, and the copies stay."""
    assert polisi("build", "docx", handbook, "--as-of", AS_OF).returncode == 0
    out = handbook / "build" / "docx"
    before = sorted((p.name, p.read_bytes()) for p in out.iterdir())
    shipped = (SRC / "polisi" / "render" / "templates" / "reference.docx").read_bytes()
    (handbook / "word").mkdir()
    (handbook / "word" / "reference.docx").write_bytes(shipped[: len(shipped) // 2])
    checked = polisi("check", handbook, "--as-of", AS_OF)
    assert checked.returncode == 1
    (refused,) = [line for line in checked.stdout.splitlines() if " error: " in line]
    assert refused.startswith("word/reference.docx:1:1: error: WORD_REFERENCE the house styles for Word copies "
                              "cannot be read as a Word file (")
    handbook_model = load_handbook(handbook)
    with pytest.raises(WordFailed) as failed:
        build_docx(Checked(handbook_model, Report()))
    lines = [finding.format() for finding in failed.value.report]
    assert [line.split(":", 1)[0] for line in lines] == [
        "policies/POL-SAF-01.md", "procedures/PRO-SAF-01.md", "statement_of_purpose/SOP-01.md"]
    for line in lines:
        assert re.match(r"^[\w/-]+\.md:1:1: error: WORD_EXPORT pandoc failed: .+ \(house styles "
                        r"word/reference\.docx\)$", line), line
        assert len(line) < 300
    assert sorted((p.name, p.read_bytes()) for p in out.iterdir()) == before
    assert str(failed.value) == "Word copies not published: 3 document(s) could not be converted"
