"""Word per language: build/docx/cy/ID.docx in Welsh, and ``polisi import --language cy``."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from .bilingual import bilingual_handbook
from .gitbook import commit, polisi


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = bilingual_handbook(tmp_path_factory.mktemp("word") / "book")
    done = polisi("build", "docx", str(root), "--as-of", "2026-03-01")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("Word copies of 5 documents")
    return root


def hyperlinks(document: docx.document.Document) -> list[str]:
    return sorted(rel.target_ref for rel in document.part.rels.values() if rel.is_external)


def test_word_copies_per_language(book: Path) -> None:
    folder = book / "build/docx"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.docx")) == [
        "POL-MIS-01.docx", "POL-SAF-01.docx", "SOP-01.docx", "cy/POL-MIS-01.docx", "cy/POL-SAF-01.docx"]
    welsh = docx.Document(str(folder / "cy/POL-SAF-01.docx"))
    assert (welsh.core_properties.title, welsh.core_properties.language) == ("Diogelu", "cy")
    assert [[c.text for c in row.cells] for row in welsh.tables[0].rows] == [
        ["Sefydliad", "Test provider, Canolfan brawf"],
        ["Dogfen", "POL-SAF-01 (polisi)"],
        ["Fersiwn", "1.0"],
        ["Statws", "wedi'i chymeradwyo"],
        ["Perchennog", "Rheolwr Cofrestredig"],
        ["Cymeradwywyd gan", "Y Bwrdd"],
        ["Dyddiad cymeradwyo", "2026-01-10"],
        ["Adolygwyd ddiwethaf", "2026-01-10"],
        ["Cyfnod adolygu", "12 mis"],
        ["Adolygiad nesaf", "2027-01-10"],
        ["Cyfieithiad", "Cyfieithiad drafft o fersiwn 1.0, yn aros am adolygiad gan siaradwr Cymraeg rhugl. "
                        "Y fersiwn Saesneg yw'r testun a gymeradwywyd."],
    ]
    assert [[c.text for c in row.cells] for row in welsh.tables[1].rows] == [
        ["Math", "Cymal", "Pwnc", "Offeryn"],
        ["Deddfwriaeth", "SPRI-2017:reg-27", "Safeguarding policies and procedures", "SI 2017/1264"],
    ]
    assert [p.text for p in welsh.paragraphs if p.style.name.startswith("Heading")] == ["Sail gyfreithiol", "Diben"]
    assert "Rydym yn cadw plant yn ddiogel, fel y mae rheoliad 27 yn ei ofyn." in [p.text for p in welsh.paragraphs]
    assert hyperlinks(welsh) == ["../SOP-01.docx", "POL-MIS-01.docx"]
    english = docx.Document(str(folder / "POL-SAF-01.docx"))
    assert english.tables[0].rows[0].cells[0].text == "Organisation"
    assert hyperlinks(english) == ["POL-MIS-01.docx", "SOP-01.docx"]


def test_import_a_welsh_word_file_as_the_translation_of_a_document(book: Path, tmp_path: Path) -> None:
    (book / "policies/POL-MIS-01.cy.md").unlink()
    saf = book / "policies/POL-SAF-01.cy.md"
    saf.write_text(saf.read_text(encoding="utf-8").replace("POL-MIS-01.cy.md", "POL-MIS-01.md"), encoding="utf-8")
    commit(book, "The Welsh missing persons policy is redone in Word", "2026-02-05")
    word = docx.Document()
    word.core_properties.title = "Pobl ar goll"
    word.add_heading("Pobl ar goll", 1)
    word.add_heading("Ar goll", 2)
    word.add_paragraph("Beth mae staff yn ei wneud.")
    source = tmp_path / "Pobl ar goll.docx"
    word.save(str(source))

    done = polisi("import", str(source), "-C", str(book), "--language", "cy", "--id", "POL-MIS-01")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "imported Pobl ar goll.docx -> policies/POL-MIS-01.cy.md",
        "  guessed (check these):",
        "    title: Pobl ar goll (from the Word document)",
        "  needs attention:",
        "    policies/POL-MIS-01.cy.md records no source content yet: compare it with policies/POL-MIS-01.md "
        "(version 1.0), then run polisi translated POL-MIS-01 --language cy --by ROLE",
    ]
    assert (book / "policies/POL-MIS-01.cy.md").read_text(encoding="utf-8") == (
        "---\nid: POL-MIS-01\ntitle: Pobl ar goll\ntranslation:\n  state: draft\n"
        "  # compare with policies/POL-MIS-01.md, then record it: polisi translated POL-MIS-01 --language cy "
        "--by ROLE\n---\n\n## Ar goll\n\nBeth mae staff yn ei wneud.\n"
    )
    findings = json.loads(polisi("check", str(book), "--as-of", "2026-03-01", "--format", "json").stdout)
    assert [(f["path"], f["code"], f["message"]) for f in findings["findings"]] == [
        ("policies/POL-MIS-01.cy.md", "TRANSLATION_STALE",
         "it does not record which source content it translates; update the translation, then record it "
         "(polisi translated POL-MIS-01 --language cy --by ROLE)"),
        ("policies/POL-SAF-01.cy.md", "TRANSLATION_LINK",
         "links to policies/POL-MIS-01.md, which has a cy translation: link to POL-MIS-01.cy.md instead"),
    ]
    again = polisi("import", str(source), "-C", str(book), "--language", "cy", "--id", "POL-MIS-01")
    assert (again.returncode, again.stderr) == (
        2, "polisi: error: policies/POL-MIS-01.cy.md already exists; polisi import never overwrites\n")
    wrong = polisi("import", str(source), "-C", str(book), "--language", "fr", "--id", "POL-MIS-01")
    assert wrong.stderr == "polisi: error: --language fr is not a translation language of this handbook (cy)\n"
