"""Welsh PDFs: build/pdf/cy/ID.pdf in Welsh, with /Lang, every Welsh letter in the embedded fonts,
no English hyphenation, and links to the Welsh PDFs of their targets."""

from __future__ import annotations

import re
import subprocess
from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from .bilingual import bilingual_handbook
from .gitbook import commit, polisi
from .pdf_handbook import pdf_table

WELSH_ALPHABET = "a b c ch d dd e f ff g ng h i j l ll m n o p ph r rh s t th u w y"
WELSH_ACCENTED = "â ê î ô û ŵ ŷ á é í ó ú ẃ ý à è ì ò ù ẁ ỳ ä ë ï ö ü ẅ ÿ"
LETTERS = {c for c in (WELSH_ALPHABET + WELSH_ACCENTED).replace(" ", "")}
LETTERS |= {c.upper() for c in LETTERS}
LONG_WORDS = " ".join(["cyfrifoldebau", "gwasanaethau", "Llanfairpwllgwyngyll", "trefniadau",
                       "amddiffynadwyedd", "cydweithrediad"] * 12)
EXTRA = (f"\n**Yr wyddor:** {WELSH_ALPHABET}; {WELSH_ACCENTED}; {WELSH_ALPHABET.upper()}; "
         f"{WELSH_ACCENTED.upper()}. *Gogwydd: ŵ ŷ Ŵ Ŷ.* **_Trwm ac ar ogwydd: ŵ ŷ Ŵ Ŷ._**\n\n{LONG_WORDS}\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = bilingual_handbook(tmp_path_factory.mktemp("welsh") / "book")
    file = root / "policies/POL-SAF-01.cy.md"
    file.write_text(file.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    commit(root, "Welsh alphabet paragraph", "2026-02-02")
    done = polisi("build", "pdf", str(root), "--as-of", "2026-03-01")
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_a_pdf_per_language(built: Path) -> None:
    folder = built / "build/pdf"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.pdf")) == [
        "POL-MIS-01.pdf", "POL-SAF-01.pdf", "SOP-01.pdf", "cy/POL-MIS-01.pdf", "cy/POL-SAF-01.pdf"]
    with pikepdf.open(folder / "cy/POL-SAF-01.pdf") as pdf:
        assert str(pdf.Root.Lang) == "cy"
        assert str(pdf.open_metadata().get("dc:title")) == "POL-SAF-01 Diogelu"
        assert [str(f) for f in pdf.attachments] == ["POL-SAF-01.cy.md"]
    with pikepdf.open(folder / "POL-SAF-01.pdf") as pdf:
        assert str(pdf.Root.Lang) == "en-GB"


def test_the_welsh_pdf_speaks_welsh_and_says_it_awaits_review(built: Path) -> None:
    words = " ".join(text(built / "build/pdf/cy/POL-SAF-01.pdf").split())
    for expected in (
        "POLISI Diogelu POL-SAF-01 fersiwn 1.0",
        "Cyfieithiad drafft o fersiwn 1.0, yn aros am adolygiad gan siaradwr Cymraeg rhugl. Y fersiwn Saesneg "
        "yw'r testun a gymeradwywyd.",
        "Rheoli'r ddogfen Dogfen POL-SAF-01 Fersiwn 1.0 Statws wedi'i chymeradwyo Perchennog Rheolwr Cofrestredig",
        "Sail gyfreithiol Cymal Teitl Offeryn Math SPRI-2017:reg-27 Safeguarding policies and procedures "
        "SI 2017/1264 Deddfwriaeth",
        "Diben Rydym yn cadw plant yn ddiogel, fel y mae rheoliad 27 yn ei ofyn.",
        "Heb ei rheoli pan gaiff ei hargraffu; gwiriwch y fewnrwyd am y fersiwn gyfredol",
        "Tudalen 1 o 2",
        "Tudalen 2 o 2",
    ):
        assert expected in words
    for english in ("Document control", "Legal basis", "Uncontrolled", "Page 1", "Revision history", "Approved by"):
        assert english not in words
    assert pdf_table(built / "build/pdf/cy/POL-SAF-01.pdf",
                     ["Fersiwn", "Dyddiad", "Penderfyniad", "Newid", "Tystiolaeth"]) == [
        ["1.0", "10 Ionawr 2026", "Cymeradwywyd gan Y Bwrdd",
         "Approval recorded from the approved text; no change summary was kept at the time", "Heb ei gofnodi"]]
    english = " ".join(text(built / "build/pdf/POL-SAF-01.pdf").split())
    assert "Document control" in english and "Cyfieithiad" not in english


def test_every_letter_of_the_welsh_alphabet_is_in_the_embedded_fonts(built: Path) -> None:
    covered: set[str] = set()
    with pikepdf.open(built / "build/pdf/cy/POL-SAF-01.pdf") as pdf:
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                for descendant in font.get("/DescendantFonts", [font]):
                    program = descendant.FontDescriptor.get("/FontFile2")
                    assert program is not None, f"{descendant.BaseFont} is not embedded"
                    cmap = TTFont(BytesIO(program.read_bytes())).getBestCmap() or {}
                    glyphs = {chr(code) for code in cmap}
                    if "/ToUnicode" in font:  # subset fonts keep their cmap only through ToUnicode
                        glyphs |= _to_unicode(font.ToUnicode.read_bytes().decode("latin-1"))
                    covered |= glyphs
    assert sorted(LETTERS - covered) == []
    words = " ".join(text(built / "build/pdf/cy/POL-SAF-01.pdf").split())
    assert f"{WELSH_ACCENTED}; {WELSH_ALPHABET.upper()}; {WELSH_ACCENTED.upper()}" in words


def _to_unicode(cmap: str) -> set[str]:
    import re

    found = set()
    for hex_value in re.findall(r"<([0-9A-Fa-f]{4,})>\s*$", cmap, re.MULTILINE):
        found.add(bytes.fromhex(hex_value).decode("utf-16-be", errors="ignore"))
    for match in re.finditer(r"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>", cmap):
        found.add(bytes.fromhex(match.group(1)).decode("utf-16-be", errors="ignore"))
    return {c for s in found for c in s}


def test_welsh_is_never_hyphenated_with_english_rules(built: Path) -> None:
    lines = [line.rstrip() for line in text(built / "build/pdf/cy/POL-SAF-01.pdf").splitlines()]
    broken = [line for line in lines if line.endswith("-") and line[-2:-1].isalpha()]
    assert broken == []
    wrapped = [line for line in lines if "cyfrifoldebau" in line]
    assert len(wrapped) >= 3  # the long paragraph did wrap, at spaces only


def test_welsh_pdfs_link_to_the_welsh_pdfs_of_their_targets(built: Path) -> None:
    with pikepdf.open(built / "build/pdf/cy/POL-SAF-01.pdf") as pdf:
        uris = [str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", [])
                if "/A" in a and "/URI" in a.A]
    assert uris == ["POL-MIS-01.pdf", "../SOP-01.pdf"]


def test_the_bundle_in_welsh_or_in_both_languages_says_which(built: Path) -> None:
    for language in ("both", "cy"):
        done = polisi("build", "bundle", str(built), "--as-of", "2026-03-01", "--language", language)
        assert done.returncode == 0, done.stderr
    both = " ".join(text(built / "build/bundle/en+cy/inspector-bundle.pdf").split())
    assert ("Languages English and Welsh: each document in every language it is published in, the source first"
            in both)
    # The page numbers depend on how long the catalogue's legal-basis registers are; the order and the languages
    # do not.
    contents = re.search(r"Statement of Purpose \(English; no Welsh translation\) 3 Legal-basis matrix 4 Review status "
                         r"and approval record (\d+) Policies and procedures in force (\d+) POL-MIS-01 Missing persons "
                         r"\(English\) (\d+) POL-MIS-01 Pobl ar goll \(Welsh\) (\d+) POL-SAF-01 Safeguarding "
                         r"\(English\) (\d+) POL-SAF-01 Diogelu \(Welsh\) (\d+)", both)
    assert contents, both[:2000]
    status, in_force, mis_en, mis_cy, saf_en, saf_cy = map(int, contents.groups())
    assert 4 < status < in_force == mis_en < mis_cy < saf_en < saf_cy
    welsh = " ".join(text(built / "build/bundle/cy/inspector-bundle.pdf").split())
    assert ("Ieithoedd Cymraeg; lle nad oes cyfieithiad o ddogfen, mae'r testun Saesneg wedi'i gynnwys. Y fersiwn "
            "Saesneg yw'r testun a gymeradwywyd") in welsh
    welsh_contents = re.search(r"POL-MIS-01 Pobl ar goll (\d+) POL-SAF-01 Diogelu (\d+)", welsh)
    assert welsh_contents and int(welsh_contents[2]) == int(welsh_contents[1]) + 1
    assert "Cyfieithiad drafft o fersiwn 1.0" in welsh and "POL-SAF-01 Safeguarding" not in welsh
    verified = polisi("verify", str(built / "build/bundle/cy/inspector-bundle.pdf"),
                      str(built / "build/bundle/en+cy/inspector-bundle.pdf"), "--handbook", str(built))
    assert verified.returncode == 0, verified.stdout
    assert verified.stdout.count("manifest manifest.json: every file matches") == 2
    wrong = polisi("build", "bundle", str(built), "--as-of", "2026-03-01", "--language", "fr")
    assert wrong.stderr.endswith("polisi: error: --language fr: this handbook is published in en, cy (or both)\n")
