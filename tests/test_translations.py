"""The translation rules and ``polisi translated`` on a small bilingual handbook in real git."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from polisi.check.gate import Checked
from polisi.findings import Report
from polisi.handbook.approvals import content_digest
from polisi.handbook.model import load_handbook
from polisi.history.git import load_history
from polisi.render.labels import interval_text, labels, long_date, table
from polisi.render.site import SiteFailed, render_site

from .bilingual import SAF_BODY_CY, bilingual_handbook, welsh
from .gitbook import commit, git, polisi, write
from .word_fixtures import png

AS_OF = "2026-03-01"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return bilingual_handbook(tmp_path / "book")


def check_lines(root: Path) -> list[str]:
    done = polisi("check", str(root), "--as-of", AS_OF, "--format", "json")
    return [f"{f['path']}:{f['line']}:{f['column']}: {f['code']} {f['message']}"
            for f in json.loads(done.stdout)["findings"]]


def translation_lines(root: Path) -> list[str]:
    """The translation findings only (editing approved English is also CHANGED_SINCE_APPROVAL)."""
    return [line for line in check_lines(root) if ".cy.md:" in line]


def test_recorded_translations_pass_and_record_the_source_hash(book: Path) -> None:
    assert check_lines(book) == []
    saf = load_handbook(book).get("POL-SAF-01")
    assert saf is not None
    record = saf.translation("cy").record
    assert record.source_sha256 == content_digest(saf.path, saf.source.text)
    assert (record.state, record.source_version, record.translated_by) == ("draft", "1.0", "Translator")
    assert git(book, "log", "-1", "--format=%s", "--", "policies/POL-SAF-01.cy.md") == (
        "Translation of POL-SAF-01 into cy (draft) matches v1.0")
    welsh_view = saf.in_language("cy")
    assert (welsh_view.title, welsh_view.meta.version, welsh_view.meta.legislation, welsh_view.language) == (
        "Diogelu", "1.0", ["SPRI-2017:reg-27"], "cy")


def test_editing_the_english_after_the_welsh_was_synchronised_is_stale(book: Path) -> None:
    source = book / "policies/POL-SAF-01.md"
    source.write_text(source.read_text().replace("keep children safe", "keep every child safe"))
    assert translation_lines(book) == [
        "policies/POL-SAF-01.cy.md:7:18: TRANSLATION_STALE uncommitted changes to policies/POL-SAF-01.md "
        "altered the source after version 1.0; update the translation, then record it "
        "(polisi translated POL-SAF-01 --language cy --by ROLE)"
    ]
    short = commit(book, "Reword the purpose", "2026-02-10", author="Editor")
    assert translation_lines(book) == [
        f'policies/POL-SAF-01.cy.md:7:18: TRANSLATION_STALE commit {short} (2026-02-10, Editor: "Reword the '
        'purpose") changed the source after version 1.0; update the translation, then record it '
        "(polisi translated POL-SAF-01 --language cy --by ROLE)"
    ]
    done = polisi("translated", "POL-SAF-01", str(book), "--by", "Translator", "--on", "2026-02-11",
                  when="2026-02-11")
    assert done.returncode == 0, done.stderr
    assert translation_lines(book) == []


def test_a_bookkeeping_change_to_the_source_is_not_stale(book: Path) -> None:
    source = book / "policies/POL-SAF-01.md"
    source.write_text(source.read_text().replace("owner: Registered Manager", "owner: Deputy Manager"))
    commit(book, "New owner", "2026-02-10")
    assert check_lines(book) == []


def test_missing_translation_of_a_required_document_is_an_error_and_of_an_optional_one_nothing(
    book: Path,
) -> None:
    (book / "policies/POL-MIS-01.cy.md").unlink()
    (book / "policies/POL-SAF-01.cy.md").write_text(
        (book / "policies/POL-SAF-01.cy.md").read_text().replace("POL-MIS-01.cy.md", "POL-MIS-01.md"))
    commit(book, "Drop the Welsh missing persons policy", "2026-02-10")
    assert check_lines(book) == []
    (book / "policies/POL-SAF-01.cy.md").unlink()
    assert check_lines(book) == [
        "policies/POL-SAF-01.md:2:5: TRANSLATION_MISSING POL-SAF-01 must be published in cy (bilingual in "
        "polisi.yml) but policies/POL-SAF-01.cy.md does not exist"
    ]


def test_shared_front_matter_must_match(book: Path) -> None:
    file = book / "policies/POL-SAF-01.cy.md"
    file.write_text(file.read_text().replace("title: Diogelu\n", 'title: Diogelu\nversion: "2.0"\nowner: Board\n'))
    assert check_lines(book) == [
        "policies/POL-SAF-01.cy.md:4:10: TRANSLATION_MISMATCH version is '2.0' here but '1.0' in "
        "policies/POL-SAF-01.md; shared front matter must match (or leave the key out: the translation "
        "takes the source's)",
        "policies/POL-SAF-01.cy.md:5:8: TRANSLATION_MISMATCH owner is 'Board' here but 'Registered Manager' "
        "in policies/POL-SAF-01.md; shared front matter must match (or leave the key out: the translation "
        "takes the source's)",
    ]


@pytest.mark.parametrize(
    ("change", "difference"),
    [
        (("## Diben", "### Diben"), "heading 1 is level 3 where the source's is level 2"),
        (("- Ysgrifennu'r hyn a welsoch.\n", ""), None),
        (("\n| Pwy | Pryd |\n| --- | --- |\n| Rheolwr | Yr un diwrnod |\n", ""),
         "0 tables where the source has 1"),
        (("[pobl ar goll](POL-MIS-01.cy.md)", "pobl ar goll"),
         "links to other documents differ (missing policies/POL-MIS-01.md)"),
        (("rheoliad 27", "rheoliad 28"), "legal references in the text differ (missing reg 27; not in the "
                                         "source reg 28)"),
        (("- Rhoi gwybod yr un diwrnod.\n- Ysgrifennu'r hyn a welsoch.\n", "Rhoi gwybod.\n"),
         "0 lists where the source has 1"),
    ],
)
def test_structure_must_match(book: Path, change: tuple[str, str], difference: str | None) -> None:
    file = book / "policies/POL-SAF-01.cy.md"
    file.write_text(file.read_text().replace(*change))
    found = check_lines(book)
    if difference is None:  # one list item fewer keeps the outline: items are the translator's to word
        assert found == []
        return
    assert found == [
        "policies/POL-SAF-01.cy.md:10:1: TRANSLATION_MISMATCH its text is not built like "
        f"policies/POL-SAF-01.md's: {difference}"
    ]


def test_welsh_references_read_with_their_mutations(book: Path) -> None:
    file = book / "policies/POL-SAF-01.cy.md"
    file.write_text(file.read_text().replace("fel y mae rheoliad 27 yn ei ofyn", "yn unol â'r gofynion o reoliad 27"))
    assert check_lines(book) == []


def test_welsh_pages_link_to_welsh_targets(book: Path) -> None:
    file = book / "policies/POL-SAF-01.cy.md"
    file.write_text(file.read_text().replace("(POL-MIS-01.cy.md)", "(POL-MIS-01.md)"))
    assert check_lines(book) == [
        "policies/POL-SAF-01.cy.md:22:23: TRANSLATION_LINK links to policies/POL-MIS-01.md, which has a cy "
        "translation: link to POL-MIS-01.cy.md instead"
    ]
    file.write_text(file.read_text().replace("(POL-MIS-01.md)", "(POL-XXX-01.cy.md)").replace("#diben", "#nope"))
    assert check_lines(book) == [
        "policies/POL-SAF-01.cy.md:10:1: TRANSLATION_MISMATCH its text is not built like policies/POL-SAF-01.md's: "
        "links to other documents differ (missing policies/POL-MIS-01.md; not in the source "
        "policies/POL-XXX-01.cy.md)",
        "policies/POL-SAF-01.cy.md:22:23: BROKEN_LINK POL-XXX-01.cy.md does not exist",
        "policies/POL-SAF-01.cy.md:22:56: BROKEN_ANCHOR #nope is not a heading in this translation",
    ]


def test_orphans_and_unknown_languages(book: Path) -> None:
    write(book, "policies/POL-GOV-01.cy.md", welsh("POL-GOV-01", "Llywodraethu", "Testun.\n"))
    write(book, "policies/POL-MIS-01.fr.md", welsh("POL-MIS-01", "Personnes disparues", "Texte.\n"))
    assert check_lines(book) == [
        "policies/POL-GOV-01.cy.md:2:5: TRANSLATION_ORPHAN no source document policies/POL-GOV-01.md beside "
        "this translation",
        "policies/POL-MIS-01.fr.md:2:5: TRANSLATION_ORPHAN 'fr' is not a translation language of this handbook "
        "(languages in polisi.yml: cy)",
    ]


def test_a_reviewed_translation_names_its_reviewer(book: Path) -> None:
    file = book / "policies/POL-SAF-01.cy.md"
    file.write_text(file.read_text().replace("state: draft", "state: reviewed"))
    assert check_lines(book) == [
        "policies/POL-SAF-01.cy.md:5:10: MISSING_KEY a reviewed translation needs translation.reviewed_by and "
        "translation.reviewed_on",
    ]
    git(book, "checkout", "--", "policies/POL-SAF-01.cy.md")
    done = polisi("translated", "POL-SAF-01", str(book), "--by", "Welsh Language Officer", "--reviewed",
                  "--on", "2026-02-20", when="2026-02-20")
    assert done.returncode == 0, done.stderr
    record = load_handbook(book).get("POL-SAF-01").translation("cy").record  # type: ignore[union-attr]
    assert (record.state, record.reviewed_by, str(record.reviewed_on)) == (
        "reviewed", "Welsh Language Officer", "2026-02-20")
    assert check_lines(book) == []


def test_recording_a_translation_again_with_nothing_new_says_so_and_commits_nothing(book: Path) -> None:
    head = git(book, "rev-parse", "HEAD")
    last = git(book, "log", "-1", "--format=%h", "--", "policies/POL-SAF-01.cy.md")
    done = polisi("translated", "POL-SAF-01", str(book), "--by", "Translator", "--on", "2026-02-01")
    assert (done.returncode, done.stderr) == (0, "")
    sha = content_digest("policies/POL-SAF-01.md", (book / "policies/POL-SAF-01.md").read_text())
    assert done.stdout == (
        f"policies/POL-SAF-01.cy.md already records the cy translation of POL-SAF-01 v1.0 (draft, source "
        f"SHA-256 {sha[:12]}) in commit {last}: nothing to do\n")
    assert git(book, "rev-parse", "HEAD") == head
    assert git(book, "status", "--porcelain") == ""


def test_translated_refuses_an_uncommitted_source_and_a_mismatched_pair(book: Path) -> None:
    source = book / "policies/POL-SAF-01.md"
    source.write_text(source.read_text().replace("keep children safe", "keep every child safe"))
    done = polisi("translated", "POL-SAF-01", str(book), "--by", "Translator")
    assert done.returncode == 1
    assert done.stderr == (
        "polisi: error: policies/POL-SAF-01.md has uncommitted changes: commit the source first, so the "
        "translation records content that is in the git record\n")
    git(book, "checkout", "--", "policies/POL-SAF-01.md")
    file = book / "policies/POL-SAF-01.cy.md"
    before = SAF_BODY_CY.replace("## Diben", "### Diben")
    file.write_text(file.read_text().replace(SAF_BODY_CY, before))
    done = polisi("translated", "POL-SAF-01", str(book), "--by", "Translator")
    assert done.returncode == 1
    assert "TRANSLATION_MISMATCH its text is not built like" in done.stderr
    assert done.stderr.endswith("polisi: error: policies/POL-SAF-01.cy.md not recorded: it fails polisi check "
                                "(see above)\n")
    assert before in file.read_text()


def test_parity_report_lists_every_document_in_each_language(book: Path) -> None:
    source = book / "policies/POL-MIS-01.md"
    source.write_text(source.read_text().replace("What staff do.", "What every member of staff does."))
    short = commit(book, "Reword missing persons", "2026-02-10")
    done = polisi("review", str(book), "--translations")
    assert done.returncode == 1  # a stale translation
    assert done.stdout.splitlines() == [
        "Translations: en, cy (source en)",
        "",
        "DOCUMENT    REQUIRED  EN      CY                      TITLE",
        "SOP-01      no        source  not translated          Statement of purpose",
        "POL-MIS-01  no        source  stale                   Missing persons",
        "POL-SAF-01  yes       source  draft, awaiting review  Safeguarding",
        "",
        "Stale translations",
        f'policies/POL-MIS-01.cy.md: commit {short} (2026-02-10, Policy Lead: "Reword missing persons") '
        "changed the source after version 1.0",
        "",
        "cy: 2 of 3 documents translated (0 reviewed, 1 draft awaiting review by a fluent speaker, 1 stale); "
        "0 required translations missing",
    ]
    data = json.loads(polisi("review", str(book), "--translations", "--format", "json").stdout)
    assert data["summary"]["cy"] == {"source": 0, "reviewed": 0, "draft": 1, "stale": 1, "missing": 0,
                                     "not translated": 1}
    saf = next(d for d in data["documents"] if d["id"] == "POL-SAF-01")
    assert saf["required"] is True
    assert saf["languages"] == {
        "en": {"state": "source", "path": "policies/POL-SAF-01.md", "source_version": None, "reviewed_by": None,
               "reviewed_on": None, "reason": None},
        "cy": {"state": "draft", "path": "policies/POL-SAF-01.cy.md", "source_version": "1.0",
               "reviewed_by": None, "reviewed_on": None, "reason": None},
    }
    (book / "policies/POL-SAF-01.cy.md").unlink()
    data = json.loads(polisi("review", str(book), "--translations", "--format", "json").stdout)
    saf = next(d for d in data["documents"] if d["id"] == "POL-SAF-01")
    assert saf["languages"]["cy"]["state"] == "missing"
    assert polisi("review", str(book), "--translations", "--format", "markdown").stderr == (
        "polisi: error: --translations writes text or json\n")


def test_parity_report_lists_the_names_welsh_outputs_would_print_in_english(book: Path) -> None:
    assert json.loads(polisi("review", str(book), "--translations", "--format", "json").stdout)[
        "untranslated_names"] == {"cy": []}
    config = book / "polisi.yml"
    config.write_text(config.read_text().replace("    Board: Y Bwrdd\n", "") + "areas:\n  SAF: Safeguarding\n")
    done = polisi("review", str(book), "--translations")
    assert done.stdout.splitlines()[-1] == (
        "cy: 2 names printed untranslated (give them in polisi.yml terms.cy): Board; Safeguarding")
    data = json.loads(polisi("review", str(book), "--translations", "--format", "json").stdout)
    assert data["untranslated_names"] == {"cy": ["Board", "Safeguarding"]}


def test_the_shipped_handbook_is_in_welsh_as_drafts_awaiting_a_fluent_reviewer() -> None:
    shipped = load_handbook(Path(__file__).resolve().parents[1])
    config = shipped.config
    assert (config.languages, config.source_lang) == (["en", "cy"], "en")
    welsh = {doc.id: doc.translation("cy") for doc in shipped if doc.translation("cy") is not None}
    assert sorted(welsh) == ["POL-SAF-01", "PRO-SAF-01", "PRO-SAF-02", "SOP-01"]
    for doc_id, found in welsh.items():
        assert found is not None
        record = found.record
        assert (record.state, record.reviewed_by, record.reviewed_on) == ("draft", None, None), doc_id
        assert record.translated_by == "Draft translator (not a fluent Welsh speaker)"
        doc = shipped.get(doc_id)
        assert doc is not None and record.source_sha256 == content_digest(doc.path, doc.source.text)
        assert config.bilingual.covers(doc_id, doc.kind.value, doc.meta.audience)


def test_every_label_exists_in_english_and_welsh_with_the_same_placeholders() -> None:
    entries = table()
    assert len(entries) > 150 and "site_name" in entries and "document_control" in entries
    for key, texts in entries.items():
        assert set(texts) == {"en", "cy"}, key
        assert texts["en"].strip() and texts["cy"].strip(), key
        assert set(re.findall(r"{(\w+)}", texts["en"])) == set(re.findall(r"{(\w+)}", texts["cy"])), key
    assert labels("cy-GB")["document_control"] == "Rheoli'r ddogfen" and labels("fr") is labels("en")
    assert [long_date(date(2026, m, 1), "cy").split()[1] for m in range(1, 13)] == [
        "Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref",
        "Tachwedd", "Rhagfyr"]
    assert [interval_text(i, "cy") for i in ("12 months", "2 months", "1 year", "2 years", "3 years", "6 weeks")] == [
        "12 mis", "2 fis", "1 flwyddyn", "2 flynedd", "3 blynedd", "6 wythnos"]
    assert interval_text("1 month", "en-GB") == "1 month" and interval_text("3 years", "en") == "3 years"


def test_a_label_missing_a_language_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from polisi.render import labels as module

    node = {"docref": {"en": "{id} version {version}"}}
    with pytest.raises(module.LabelTableError, match=r"\[docref\]: needs exactly en, cy"):
        module._flatten(node, "", {})
    assert long_date(date(2026, 5, 14), "en-GB") == "14 May 2026"


FAULTY_WELSH = "\n".join([
    "",
    "+-----+------+",
    "| Pwy | Pryd |",
    "+=====+======+",
    "",
    "::: nodyn",
    "Testun y nodyn.",
    ":::",
    "",
    "Mae\\'r staff yn ysgrifennu.",
    "",
    "#diogelu",
    "",
    "1. Cam un.",
    "",
    "    Parhad y cam.",
    "2. Cam dau.",
    "",
    "- Eitem",
    "  - is-eitem",
    "",
    "| " + " | ".join(f"Colofn{n}" for n in range(17)) + " |",
    "|" + "---|" * 17,
    "| " + " | ".join("x" for _ in range(17)) + " |",
    "",
    "![](media/llun.png)",
    "",
    '<img src="media/llun.png" alt="Llun">',
    "",
    "![Cynllun](media/drwg.png)",
    "",
])
"""Everything the renderers would print otherwise than the source reads, or not at all, written in a
Welsh translation: each line that ``check`` must point at, by code."""
FAULTS = [
    ("+-----+------+", 1, "GRID_TABLE"), ("::: nodyn", 1, "FENCED_DIV"), (":::", 1, "FENCED_DIV"),
    ("Mae\\'r staff yn ysgrifennu.", 4, "PRINTED_ESCAPE"), ("#diogelu", 1, "HEADING_SYNTAX"),
    ("2. Cam dau.", 1, "LIST_ITEM_MERGED"), ("  - is-eitem", 3, "LIST_INDENT"),
    ("|" + "---|" * 17, 1, "TABLE_TOO_WIDE"),
    ("![](media/llun.png)", 5, "IMAGE_NO_ALT"), ('<img src="media/llun.png" alt="Llun">', 1, "HTML_IMAGE"),
    ("![Cynllun](media/drwg.png)", 12, "IMAGE_UNREADABLE"),
]
"""Each line of :data:`FAULTY_WELSH` that ``check`` must point at: its text, column and code."""


def test_every_body_rule_reads_translations_at_their_own_lines(book: Path) -> None:
    """A Welsh translation with a grid table, a pandoc block, a printed escape and the rest is refused
    at each place in the Welsh file, as the English would be, before any output prints it."""
    (book / "policies" / "media").mkdir()
    (book / "policies" / "media" / "llun.png").write_bytes(png())
    (book / "policies" / "media" / "drwg.png").write_bytes(b"this is not a picture")
    file = book / "policies/POL-MIS-01.cy.md"
    file.write_text(file.read_text(encoding="utf-8") + FAULTY_WELSH, encoding="utf-8")
    lines = file.read_text(encoding="utf-8").split("\n")
    codes = {code for _, _, code in FAULTS}
    found = [line for line in check_lines(book) if line.split(" ", 2)[1] in codes]
    expected = [f"policies/POL-MIS-01.cy.md:{len(lines) - lines[::-1].index(text)}:{column}: {code}"
                for text, column, code in FAULTS]  # the last line of the text: the Welsh added at the end
    assert sorted(" ".join(line.split(" ", 2)[:2]) for line in found) == sorted(expected)
    assert all(len(line) < 300 for line in found)
    assert polisi("build", "pdf", str(book), "--as-of", AS_OF).returncode == 1  # the gate refuses it


def test_a_welsh_page_mkdocs_refuses_is_named_in_the_welsh_file_and_the_site_stays(book: Path) -> None:
    """A broken link in a translation (``check`` refuses it), built past the gate through the stage the
    CLI runs after it: MkDocs refuses the Welsh tree, and the one line names the Welsh file at the link."""
    assert polisi("build", "site", str(book), "--as-of", AS_OF).returncode == 0
    site = book / "build" / "site"
    before = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    file = book / "policies/POL-SAF-01.cy.md"
    file.write_text(file.read_text(encoding="utf-8") + "\nGweler [y cynllun](POL-DIM-01.md).\n", encoding="utf-8")
    lines = file.read_text(encoding="utf-8").split("\n")
    at = (len(lines) - 1, lines[-2].index("POL-DIM-01.md") + 1)
    assert "policies/POL-SAF-01.cy.md:{}:{}: BROKEN_LINK POL-DIM-01.md does not exist".format(*at) in check_lines(book)
    with pytest.raises(SiteFailed) as failed:
        render_site(Checked(load_handbook(book), Report()), load_history(book), date.fromisoformat(AS_OF))
    assert [finding.format() for finding in failed.value.report] == [
        "policies/POL-SAF-01.cy.md:{}:{}: error: SITE_BUILD MkDocs: Doc file 'policies/POL-SAF-01.md' contains a "
        "link 'POL-DIM-01.md', but the target 'policies/POL-DIM-01.md' is not found among documentation "
        "files.".format(*at)]
    assert {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
