"""The inspector bundle, its manifest and ``polisi verify``: real signed PDFs checked independently."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from polisi.history import load_history
from polisi.model import load_handbook
from polisi.render.bundle import bundle_plan, render_bundle
from polisi.render.pdf import render_pdf

from .pdf_handbook import AS_OF, pdftotext, run, squash

SECTIONS = {"contents": "Contents", "statement": "Statement of Purpose", "legal-basis": "Legal-basis matrix",
            "review-status": "Review status and approval record", "documents": "Policies and procedures in force",
            "changes": "Changes since", "uncovered": "Clauses no document covers"}


def bundle(root: Path) -> Path:
    return root / "build" / "bundle" / "inspector-bundle.pdf"


@pytest.fixture(scope="session")
def since_bundle(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("since") / "handbook"
    shutil.copytree(built, root)
    assert run("build", "bundle", str(root), "--as-of", AS_OF, "--since", "2026-03-15") == 0
    return root


def test_cover_and_contents(built: Path) -> None:
    text = pdftotext(bundle(built), last=2)
    head = load_history(built).head
    for expected in ("INSPECTOR BUNDLE", "Example Care Ltd", "Example residential family centre",
                     "Responsible individual", "1 June 2026", head, "Contents", "Statement of Purpose",
                     "Legal-basis matrix", "POL-SAF-01 Safeguarding children and adults at risk",
                     "PRO-SAF-01 Responding to a safeguarding concern"):
        assert expected in text, expected
    assert "PRO-SAF-02" not in text  # drafts are not in force, so not printed


def test_contents_page_numbers_are_the_pages_documents_start_on(built: Path) -> None:
    pages = pdftotext(bundle(built)).split("\f")
    contents = pages[1]
    for doc_id, version in (("POL-SAF-01", "2.0"), ("PRO-SAF-01", "1.2")):
        line = next(line for line in contents.splitlines() if doc_id in line)
        page = int(line.split()[-1])
        assert f"{doc_id} version {version}" in pages[page - 1]


def test_outline_has_every_section_and_document(built: Path) -> None:
    reader = PdfReader(bundle(built))
    titles: list[str] = []

    def walk(items: list) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    for title in ("Contents", "Statement of Purpose", "Legal-basis matrix", "Review status and approval record",
                  "Policies and procedures in force", "Safeguarding children and adults at risk",
                  "Responding to a safeguarding concern"):
        assert title in titles, title


def test_every_internal_link_lands_on_the_page_of_its_target(built: Path) -> None:
    path = bundle(built)
    pages = [squash(p) for p in pdftotext(path).split("\f")]
    titles = {d.id: d.title for d in load_handbook(built).documents}
    checked = set()
    with pikepdf.open(path) as pdf:
        dests = {str(k): v for k, v in pikepdf.NameTree(pdf.Root.Names.Dests).items()}
        page_index = {page.objgen: n for n, page in enumerate(pdf.pages)}
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                if annot.get("/Subtype") != "/Link" or "/Dest" not in annot:
                    continue
                name = str(annot.Dest)
                target = page_index[dests[name][0].objgen]
                doc_id, _, slug = name.partition("--")
                if slug:
                    expected = squash(slug)
                elif doc_id in titles:
                    expected = squash(f"{doc_id} version")
                else:
                    expected = squash(SECTIONS[name])
                assert expected in pages[target], (name, target)
                checked.add(name)
    assert {"POL-SAF-01", "PRO-SAF-01", "PRO-SAF-01--reporting-to-the-local-authority",
            "POL-SAF-01--when-to-report", "legal-basis"} <= checked


def test_legal_basis_matrix_and_uncovered_clauses(built: Path) -> None:
    text = pdftotext(bundle(built))
    matrix = text[text.index("Legal-basis matrix\n"):text.index("Clauses no document covers")]
    row = next(line for line in matrix.splitlines() if "SPRI-2017:reg-27 " in line)
    assert "Safeguarding policies and procedures" in row and re.search(r"POL-SAF-01,\s+PRO-SAF-01", matrix)
    uncovered = text[text.index("Clauses no document covers"):text.index("Review status and approval record\n")]
    assert "SPRI-2017:reg-64" in uncovered and "SPRI-2017:reg-27 " not in uncovered


def test_review_status_lists_every_document_with_its_approval(built: Path) -> None:
    text = pdftotext(bundle(built))
    section = text[text.index("Review status and approval record\n"):]
    for expected in ("SOP-01", "POL-SAF-01", "PRO-SAF-01", "PRO-SAF-02", "draft", "in date"):
        assert expected in section, expected


def test_change_log_since_a_date(since_bundle: Path) -> None:
    text = pdftotext(bundle(since_bundle))
    log = text[text.index("Changes since 15 March 2026"):]
    assert "Draft allegations procedure" in log and "PRO-SAF-02" in log
    assert "Version 2.0 approved by Responsible Individual" in log
    assert "First approved handbook" not in log.split("Policies and procedures in force")[0]


def test_bundle_is_byte_identical_before_signing(built: Path) -> None:
    handbook, history = load_handbook(built), load_history(built)
    from datetime import date

    plan = bundle_plan(handbook, history, date.fromisoformat(AS_OF))
    fresh = render_bundle(plan, lambda parts: [render_pdf(p.job) for p in parts])  # every part laid out afresh
    assert bundle(built).read_bytes().startswith(fresh)


def test_manifest_lists_every_output_with_its_sha256_and_commit(built: Path) -> None:
    manifest = json.loads((built / "build" / "bundle" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["commit"] == load_history(built).head
    names = [f["path"] for f in manifest["files"]]
    assert names == ["bundle/inspector-bundle.pdf", "pdf/POL-SAF-01.pdf", "pdf/PRO-SAF-01.pdf",
                     "pdf/PRO-SAF-02.pdf", "pdf/SOP-01.pdf"]


def test_verify_accepts_every_signed_output(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [bundle(built), *sorted((built / "build" / "pdf").glob("*.pdf"))]
    capsys.readouterr()
    assert run("verify", "--handbook", str(built), *map(str, files)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(files)
    assert all(": OK signed by Example Care Ltd (DEMONSTRATION signing)" in line for line in lines)
    assert "every file matches" in lines[0]


def test_pdfsig_independently_validates_the_signatures(built: Path) -> None:
    if shutil.which("pdfsig") is None:
        pytest.skip("poppler's pdfsig is not installed")
    ca = built / "build" / "signing" / "ca.pem"
    for path in (bundle(built), built / "build" / "pdf" / "POL-SAF-01.pdf"):
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
        assert "Signature Validation: Signature is Valid." in out
        assert "Total document signed" in out
        assert "DEMONSTRATION" in out
    assert ca.is_file()


def test_tampered_copies_fail(built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "build"
    shutil.copytree(built / "build", copy)
    ca = str(copy / "signing" / "ca.pem")
    policy = copy / "pdf" / "POL-SAF-01.pdf"
    data = bytearray(policy.read_bytes())
    index = data.index(b"/Type /Catalog") if b"/Type /Catalog" in data else len(data) // 3
    data[index + 1] ^= 0x01
    policy.write_bytes(bytes(data))
    capsys.readouterr()
    assert run("verify", "--trust-root", ca, str(policy)) == 1
    assert capsys.readouterr().out.startswith(f"{policy}: FAILED")
    # the bundle itself is intact, but its manifest no longer matches the edited policy PDF
    assert run("verify", "--trust-root", ca, str(copy / "bundle" / "inspector-bundle.pdf")) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "pdf/POL-SAF-01.pdf does not match its SHA-256" in out
