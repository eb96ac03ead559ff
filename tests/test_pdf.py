"""Per-document PDFs: real WeasyPrint output read back with poppler, pypdf and pikepdf."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pytest

from polisi.handbook.model import load_handbook
from polisi.history.git import load_history
from polisi.render.pdf import render_pdf
from polisi.render.pdf_build import document_job

from .pdf_handbook import AS_OF, git, pdf_table, pdftotext, run
from .word_fixtures import png


def pdf(root: Path, doc_id: str) -> Path:
    return root / "build" / "pdf" / f"{doc_id}.pdf"


def test_front_block_shows_the_approval_record_and_legal_basis(built: Path) -> None:
    text = pdftotext(pdf(built, "POL-SAF-01"))
    for expected in ("Example Care Ltd", "Example residential family centre",
                     "Safeguarding children and adults at risk",
                     "POL-SAF-01 version 2.0", "approved", "Registered Manager", "Responsible Individual",
                     "1 April 2026", "Next review", "1 April 2027", "SPRI-2017:reg-27", "SSWBA-2014:s-130",
                     "SG-SPRI-2019:reg-27", "CoPP-W-2026", "WSP:chi-s2", "PRO-SAF-01 Responding to a safeguarding",
                     "PRO-SAF-02 Allegations against staff"):
        assert expected in text, expected
    procedure = pdftotext(pdf(built, "PRO-SAF-01"))
    assert "The policy this procedure carries out" in procedure
    assert "POL-SAF-01 Safeguarding children and adults at risk" in procedure


def test_every_page_has_the_running_header_and_footer(built: Path) -> None:
    text = pdftotext(pdf(built, "POL-SAF-01"))
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 1
    for number, page in enumerate(pages, start=1):
        assert page.lstrip().startswith("Example Care Ltd"), page[:200]
        assert "POL-SAF-01 version 2.0" in page.splitlines()[0]
        assert "Uncontrolled when printed; check the intranet for the current version" in page
        assert f"Page {number} of {len(pages)}" in page


def test_revision_history_comes_from_the_approval_record(built: Path) -> None:
    assert pdf_table(pdf(built, "POL-SAF-01"), ["Version", "Date", "Decision", "Change", "Evidence"]) == [
        ["2.0", "1 April 2026", "Approved by Responsible Individual", "Report to the local authority the same day",
         "Board minutes 2026-04-01, item 4"],
        ["1.0", "1 October 2025", "Reviewed by Registered Manager; no change",
         "Checked after the local authority changed its referral line; no change needed", "Not recorded"],
        ["1.0", "1 April 2025", "Approved by Board", "First safeguarding policy of the centre", "Not recorded"],
    ]
    text = pdftotext(pdf(built, "POL-SAF-01"))
    for commit in ("Draft allegations procedure", "First approved handbook", "Policy Lead"):
        assert commit not in text  # commit messages and their authors are the policy lead's, not inspectors'
    draft = pdftotext(pdf(built, "PRO-SAF-02"))
    assert "No approval recorded." in draft[draft.index("Revision history"):]


def test_draft_carries_a_watermark_and_approved_does_not(built: Path) -> None:
    draft = pdftotext(pdf(built, "PRO-SAF-02"))
    assert "DRAFT" in draft and "Not approved; not in force" in draft
    assert "DRAFT" not in pdftotext(pdf(built, "PRO-SAF-01"))


def test_pdf_is_tagged_pdf_a_with_embedded_fonts_language_and_source(built: Path) -> None:
    path = pdf(built, "POL-SAF-01")
    with pikepdf.open(path) as doc:
        xmp = doc.open_metadata()
        assert xmp["pdfaid:part"] == "3" and xmp["pdfaid:conformance"] == "A"
        assert xmp["dc:title"] == "POL-SAF-01 Safeguarding children and adults at risk"
        assert bool(doc.Root.MarkInfo.Marked) is True
        assert "/StructTreeRoot" in doc.Root
        assert str(doc.Root.Lang) == "en-GB"
        fonts = [font for page in doc.pages for font in page.Resources.Font.values()]
        assert fonts
        for font in fonts:
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont
            # only the shipped fonts, never a system fallback
            assert re.search(r"\+Polisi-(Sans|Mono)(-[A-Za-z]+)?$", str(font.BaseFont)), font.BaseFont
        attached = doc.attachments["POL-SAF-01.md"]
        source = (built / "policies" / "POL-SAF-01.md").read_bytes()
        assert attached.get_file().read_bytes() == source
        assert str(attached.obj.AFRelationship) == "/Source"


def test_same_commit_gives_byte_identical_pdfs_before_signing(built: Path) -> None:
    """The signed file's first revision is the unsigned PDF: a fresh render must equal it byte for byte."""
    handbook, history = load_handbook(built), load_history(built)
    for doc_id in ("POL-SAF-01", "PRO-SAF-02"):
        fresh = render_pdf(document_job(handbook, handbook.get(doc_id), history, demonstration=True))
        assert fresh == render_pdf(document_job(handbook, handbook.get(doc_id), history, demonstration=True))
        assert pdf(built, doc_id).read_bytes().startswith(fresh)


def test_unchanged_documents_are_not_rendered_again(built: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "handbook"
    shutil.copytree(built, root)
    capsys.readouterr()
    assert run("build", "pdf", str(root), "--as-of", AS_OF) == 0
    assert "(0 rendered, 4 unchanged)" in capsys.readouterr().out
    procedure = root / "procedures" / "PRO-SAF-01.md"
    procedure.write_text(procedure.read_text(encoding="utf-8") + "\nKeep the notes.\n", encoding="utf-8")
    assert run("build", "pdf", str(root), "--as-of", AS_OF) == 0
    assert "(1 rendered, 3 unchanged)" in capsys.readouterr().out
    # built from uncommitted changes: marked as a draft
    assert "Built from uncommitted changes" in pdftotext(pdf(root, "PRO-SAF-01"))
    git(root, "commit", "-qam", "Keep the notes", date="2026-05-01T10:00:00+01:00")
    assert run("build", "pdf", str(root), "PRO-SAF-01", "--as-of", AS_OF) == 0
    assert "(1 rendered, 0 unchanged)" in capsys.readouterr().out
    assert "DRAFT" not in pdftotext(pdf(root, "PRO-SAF-01"))
    assert sorted(p.name for p in (root / "build" / "pdf").iterdir()) == [
        "POL-SAF-01.pdf", "PRO-SAF-01.pdf", "PRO-SAF-02.pdf", "SOP-01.pdf"]


def test_network_resource_is_refused_by_the_check_before_rendering(built: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "handbook"
    shutil.copytree(built, root)
    before = pdf(root, "SOP-01").read_bytes()
    sop = root / "statement_of_purpose" / "SOP-01.md"
    lines_before = len(sop.read_text(encoding="utf-8").splitlines())
    sop.write_text(sop.read_text(encoding="utf-8") + "\n![logo](https://example.org/logo.png)\n", encoding="utf-8")
    capsys.readouterr()
    assert run("build", "pdf", str(root), "--as-of", AS_OF) == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "WEB_RESOURCE" in line]
    assert lines == [f"statement_of_purpose/SOP-01.md:{lines_before + 2}:9: error: WEB_RESOURCE "
                     "https://example.org/logo.png would be loaded from the web when the document is built or "
                     "viewed; save it in the handbook and refer to it relatively"]
    assert "Traceback" not in err
    assert pdf(root, "SOP-01").read_bytes() == before  # the previous output is left in place


def test_unknown_id_is_a_usage_error(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("build", "pdf", str(built), "POL-XYZ-99", "--as-of", AS_OF) == 2
    assert "no document with id POL-XYZ-99" in capsys.readouterr().err


def test_pictures_beside_a_document_are_embedded_in_its_pdf(built: Path, tmp_path: Path) -> None:
    root = tmp_path / "handbook"
    shutil.copytree(built, root)
    media = root / "procedures" / "media" / "PRO-SAF-01"
    media.mkdir(parents=True)
    media.joinpath("flow.png").write_bytes(png(8, 8))  # as Word import extracts pictures beside the document
    procedure = root / "procedures" / "PRO-SAF-01.md"
    procedure.write_text(procedure.read_text(encoding="utf-8") + "\n![Flow chart](media/PRO-SAF-01/flow.png)\n",
                         encoding="utf-8")
    assert run("build", "pdf", str(root), "PRO-SAF-01", "--as-of", AS_OF) == 0
    with pikepdf.open(pdf(root, "PRO-SAF-01")) as document:
        images = [name for page in document.pages for name in page.get_images()]
    assert images, "the picture is not in the PDF"
