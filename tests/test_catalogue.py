"""The shipped clause catalogue, and a handbook's own ``references/`` on top of it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pytest
import yaml

from polisi.handbook.catalogue import (
    InstrumentKind,
    Provenance,
    load_catalogue,
    shipped_catalogue_files,
)

# Every id the content writers were told exists (content-spec.md, "Citations").
SPEC_IDS = [
    *(f"SPRI-2017:reg-{n}" for n in (
        4, 6, 7, 8, 9, 12, 15, 16, 17, 19, 20, 22, 26, 27, 28, 29, 30, 31, 34, 35, 36, 37, 38,
        44, 56, 59, 60, 64, 65, 67, 73, 76, 77, 80, 82, 83, 84,
    )),
    "SPRI-2017:sch-1-pt-1",
    "SPRI-2017:sch-2-pt-1",
    "SPRI-2017:sch-2-pt-2",
    "SPRI-2017:sch-2-para-8",
    "SPRI-2017:sch-3-pt-1",
    "SPRI-2017:sch-3-para-1",
    "SPRI-2017:sch-3-para-8",
    "SPRI-2017:sch-3-para-9",
    "SPRI-2017:sch-4",
    *(f"RISCA-2016:s-{n}" for n in (2, 5, 6, 21, 27, 28, 29, 112)),
    "RISCA-2016:sch-1",
    *(f"SSWBA-2014:s-{n}" for n in (126, 127, 128, 130, 134, 162, 164, 197)),
    "SG-SPRI-2019",
    *(f"SG-SPRI-2019:reg-{n}" for n in (
        6, 7, 8, 12, 15, 16, 17, 19, 20, 22, 26, 27, 28, 29, 31, 34, 35, 36, 37, 38, 44, 56, 59,
        60, 64, 65, 73, 76, 77, 80, 82, 83, 84,
    )),
    "CoPP-W-2026",
    "CoPP-E-2026",
    "WSP",
    "WSP:chi-s2",
    "CIW-RI-VISITS",
    "CIW-COP-INSP-2023",
]

EXPECTED_FILES = {
    "SPRI-2017", "RISCA-2016", "SSWBA-2014", "SG-SPRI-2019", "CoPP-2017", "CoPP-W-2026",
    "CoPP-E-2026", "WSP", "CIW-RI-VISITS", "CIW-COP-INSP-2023", "DPA-2018",
    "REG-2017", "SOP-GUIDE-2019", "WTSP",
}

LEGISLATION_LOCATOR = re.compile(r"^(reg-\d+|s-\d+|sch-\d+(-pt-\d+|-para-\d+[A-Z]?)?)$")


@pytest.fixture(scope="module")
def shipped():
    catalogue, findings = load_catalogue()
    return catalogue, findings


def test_shipped_catalogue_loads_without_findings(shipped):
    _, findings = shipped
    assert [f.format() for f in findings] == []


def test_every_entry_is_verified_primary_or_secondary(shipped):
    catalogue, _ = shipped
    for clause in catalogue.clauses.values():
        assert clause.provenance in (Provenance.PRIMARY, Provenance.SECONDARY), clause.id
        assert clause.source.strip(), clause.id
        assert clause.title.strip(), clause.id


OFFICIAL_HOSTS = {"www.legislation.gov.uk", "www.gov.wales", "socialcare.wales", "safeguarding.wales",
                  "www.safeguarding.wales", "diogelu.cymru", "www.careinspectorate.wales"}


def test_every_url_is_an_https_address_at_the_official_publisher(shipped):
    """A url sends staff and inspectors to read the text, so it is the publisher's own; where only a
    third-party copy was seen (the statutory guidance), there is no url rather than the copy's address."""
    catalogue, _ = shipped
    linked = [(inst.id, inst.url) for inst in catalogue.instruments.values()]
    linked += [(clause.id, clause.url) for clause in catalogue.clauses.values()]
    for entry_id, url in linked:
        if url is not None:
            assert url.startswith("https://"), entry_id
            assert urlsplit(url).hostname in OFFICIAL_HOSTS, entry_id
    unlinked = {entry_id.partition(":")[0] for entry_id, url in linked if url is None}
    assert unlinked == {"SG-SPRI-2019", "SOP-GUIDE-2019", "WTSP"}
    assert catalogue.instruments["SG-SPRI-2019"].source.startswith("https://pdfslide.tips/")


@pytest.mark.parametrize("clause_id", SPEC_IDS)
def test_spec_id_is_present(shipped, clause_id):
    catalogue, _ = shipped
    assert clause_id in catalogue


def test_copp_2017_is_superseded_by_the_workers_code(shipped):
    catalogue, _ = shipped
    copp = catalogue.instruments["CoPP-2017"]
    assert copp.superseded_on == date(2026, 7, 1)
    assert copp.superseded_by == "CoPP-W-2026"
    assert copp.superseded_by in catalogue.instruments
    assert not copp.superseded_at(date(2026, 6, 30))
    assert copp.superseded_at(date(2026, 7, 1))
    assert [c for c in catalogue.clauses if c.startswith("CoPP-2017:")] == [
        f"CoPP-2017:{n}" for n in ("1", "2", "3", "4", "5", "6", "managers")
    ]


def test_no_other_instrument_is_superseded(shipped):
    catalogue, _ = shipped
    assert {i.id for i in catalogue.instruments.values() if i.superseded_on} == {"CoPP-2017"}


def test_each_file_is_named_after_its_instrument():
    files = shipped_catalogue_files()
    stems = set()
    for name, text in files:
        stem = PurePosixPath(name).stem
        assert PurePosixPath(name).suffix == ".yaml", name
        assert yaml.safe_load(text)["instrument"]["id"] == stem, name
        stems.add(stem)
    assert stems == EXPECTED_FILES


def test_document_level_instruments_have_no_clauses(shipped):
    catalogue, _ = shipped
    for inst_id in ("CoPP-W-2026", "CoPP-E-2026", "CIW-RI-VISITS", "CIW-COP-INSP-2023", "DPA-2018"):
        assert [c for c in catalogue.clauses if c.startswith(inst_id + ":")] == [], inst_id


def test_kinds(shipped):
    catalogue, _ = shipped
    kinds = {i.id: i.kind for i in catalogue.instruments.values()}
    assert kinds["SPRI-2017"] is InstrumentKind.LEGISLATION
    assert kinds["RISCA-2016"] is InstrumentKind.LEGISLATION
    assert kinds["SSWBA-2014"] is InstrumentKind.LEGISLATION
    assert kinds["SG-SPRI-2019"] is InstrumentKind.STATUTORY_GUIDANCE
    assert kinds["CoPP-2017"] is InstrumentKind.CODE_OF_PRACTICE
    assert kinds["CoPP-W-2026"] is InstrumentKind.CODE_OF_PRACTICE
    assert kinds["CoPP-E-2026"] is InstrumentKind.CODE_OF_PRACTICE
    assert kinds["WSP"] is InstrumentKind.GUIDANCE
    assert kinds["CIW-RI-VISITS"] is InstrumentKind.GUIDANCE
    assert kinds["CIW-COP-INSP-2023"] is InstrumentKind.GUIDANCE


def test_legislation_locators_follow_the_conventions(shipped):
    catalogue, _ = shipped
    for clause in catalogue.clauses.values():
        if clause.locator and clause.kind is InstrumentKind.LEGISLATION:
            assert LEGISLATION_LOCATOR.match(clause.locator), clause.id


def test_statutory_guidance_only_accompanies_catalogued_regulations(shipped):
    catalogue, _ = shipped
    guidance = [c for c in catalogue.clauses.values() if c.id.startswith("SG-SPRI-2019:")]
    assert guidance
    for clause in guidance:
        assert re.fullmatch(r"reg-\d+", clause.locator), clause.id
        assert 6 <= int(clause.locator[4:]) <= 84, clause.id  # Parts 3 to 20
        assert f"SPRI-2017:{clause.locator}" in catalogue, clause.id
        assert clause.provenance is Provenance.SECONDARY
        assert "unverified" in (clause.note or "")


def test_unverified_regulations_are_absent(shipped):
    catalogue, _ = shipped
    # Headings and subjects still unverified (e.g. provider duty of candour, medicines, the RI "policies up to
    # date" duty) must not be citable. Regs 21 and 39 were read in Welsh on 2026-12-01 and are catalogued.
    for n in (11, 13, 14, 18, 23, 24, 25, 33, 50, 55, 57, 58, 63, 66, 78, 79, 81, 85):
        assert f"SPRI-2017:reg-{n}" not in catalogue


def test_nearest_suggests_a_close_id(shipped):
    catalogue, _ = shipped
    assert catalogue.nearest("SPRI-2017:sch-3-para1") == "SPRI-2017:sch-3-para-1"


# --- a handbook's own references/ folder -------------------------------------------------------

def _write(root: Path, name: str, text: str) -> None:
    folder = root / "references"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_references_can_add_and_override_clauses(tmp_path):
    _write(tmp_path, "local.yaml", """\
instrument:
  id: SPRI-2017
clauses:
  - locator: reg-58
    title: Medicines
    provenance: unverified
    source: "our own reading, to be checked"
  - locator: reg-27
    title: "Safeguarding: our short title"
    provenance: primary
    source: "https://www.legislation.gov.uk/wsi/2017/1264/regulation/27"
""")
    catalogue, findings = load_catalogue(tmp_path)
    assert findings == []
    added = catalogue.get("SPRI-2017:reg-58")
    assert added is not None
    assert added.provenance is Provenance.UNVERIFIED
    # with no url of its own, the clause links to the instrument
    assert added.url == "https://www.legislation.gov.uk/wsi/2017/1264/contents"
    assert catalogue.get("SPRI-2017:reg-27").title == "Safeguarding: our short title"
    # the rest of the shipped catalogue is untouched
    assert catalogue.get("SPRI-2017:reg-26").title == "Safeguarding \u2013 overarching requirement"


def test_references_can_add_an_instrument(tmp_path):
    _write(tmp_path, "LOCAL-2026.yaml", """\
instrument:
  id: LOCAL-2026
  kind: guidance
  title: Regional safeguarding board protocol
  citation: Regional safeguarding board protocol (2026)
  url: https://example.org/protocol
  provenance: secondary
  source: the board's newsletter
clauses:
  - locator: s-1
    title: Escalation
    provenance: secondary
    source: the board's newsletter
""")
    catalogue, findings = load_catalogue(tmp_path)
    assert findings == []
    assert "LOCAL-2026" in catalogue
    assert catalogue.get("LOCAL-2026:s-1").url == "https://example.org/protocol"


def test_invalid_references_file_is_reported_at_the_right_line(tmp_path):
    _write(tmp_path, "broken.yaml", """\
instrument:
  id: SPRI-2017
clauses:
  - locator: reg-58
    title: Medicines
    provenance: probably
    source: our own reading
  - locator: reg-79
    titel: Policies up to date
    provenance: primary
""")
    catalogue, findings = load_catalogue(tmp_path)
    got = {(f.path, f.line, f.code) for f in findings}
    assert ("references/broken.yaml", 6, "CATALOGUE_INVALID") in got  # bad provenance value
    assert ("references/broken.yaml", 9, "CATALOGUE_INVALID") in got  # misspelt key
    assert all(f.code == "CATALOGUE_INVALID" for f in findings)
    assert all(f.path == "references/broken.yaml" for f in findings)
    # a broken file adds nothing, and the shipped catalogue still loads
    assert "SPRI-2017:reg-58" not in catalogue
    assert "SPRI-2017:reg-27" in catalogue


def test_new_instrument_without_required_fields_is_reported(tmp_path):
    _write(tmp_path, "new.yaml", """\
clauses: []
instrument:
  id: NEW-2026
  title: Something new
""")
    _, findings = load_catalogue(tmp_path)
    got = [(f.path, f.line, f.code) for f in findings]
    assert got == [("references/new.yaml", 3, "CATALOGUE_INVALID")]


def test_yaml_syntax_error_in_references_is_reported_at_the_right_line(tmp_path):
    _write(tmp_path, "syntax.yaml", """\
instrument:
  id: SPRI-2017
clauses:
  - locator: reg-58
   title: Medicines
    provenance: primary
""")
    catalogue, findings = load_catalogue(tmp_path)
    assert [(f.path, f.line, f.column, f.code) for f in findings] == [
        ("references/syntax.yaml", 5, 4, "YAML_SYNTAX")  # the mis-indented key
    ]
    assert "SPRI-2017:reg-58" not in catalogue


def test_duplicate_key_in_references_is_reported(tmp_path):
    _write(tmp_path, "dup.yaml", """\
instrument:
  id: SPRI-2017
clauses:
  - locator: reg-58
    title: Medicines
    title: Medicines again
    provenance: primary
    source: x
""")
    _, findings = load_catalogue(tmp_path)
    got = [(f.path, f.line, f.code) for f in findings]
    assert got == [("references/dup.yaml", 6, "DUPLICATE_KEY")]


def test_every_entry_records_where_it_was_seen_and_the_words_relied_on(shipped):
    catalogue, _ = shipped
    for clause in catalogue.clauses.values():
        assert re.match(r"https?://", clause.source), clause.id
        assert " " not in clause.source and ";" not in clause.source, clause.id  # one address, not prose
        assert clause.quote and len(clause.quote) >= 4, clause.id


def test_schedule_3_part_1_quotes_are_the_words_of_the_regulations(shipped):
    catalogue, _ = shipped
    english = "https://legislation.gov.uk/wsi/2017/1264/schedule/3/data.htm"
    for para, words in {"2": "Service provider (individual or organisation) changes their name.",
                        "3A": "the persons who are concerned in the management and control of the body.",
                        "5": "the appointment of a receiver, manager, liquidator or provisional liquidator",
                        "7": "Where the service provider is a partnership, any change in the partners."}.items():
        clause = catalogue.get(f"SPRI-2017:sch-3-para-{para}")
        assert clause.provenance is Provenance.PRIMARY and clause.source == english, para
        assert words in clause.quote and clause.quote.startswith(f"{para}. "), para


def test_schedule_4_and_regulation_39_are_the_welsh_words_seen(shipped):
    catalogue, _ = shipped
    welsh = "https://legislation.gov.uk/wsi/2017/1264/schedule/4/2022-11-01/welsh?view=plain"
    assert catalogue.get("SPRI-2017:sch-4").quote == "Rheoliad 84 ATODLEN 4 Hysbysiadau gan yr unigolyn cyfrifol"
    for para in range(1, 9):
        clause = catalogue.get(f"SPRI-2017:sch-4-para-{para}")
        assert clause.provenance is Provenance.PRIMARY and clause.source == welsh, para
        assert clause.quote.startswith(f"{para}. ") and "translation" in clause.note, para
    expected_absence = catalogue.get("SPRI-2017:sch-4-para-2").quote
    assert "y rheolwr a benodir am 28 o ddiwrnodau neu ragor, 7 niwrnod" in expected_absence
    discipline = catalogue.get("SPRI-2017:reg-39")
    assert discipline.quote.startswith("Gweithdrefnau disgyblu 39 (1) Rhaid i’r darparwr gwasanaeth")
    assert "methiant ar ran cyflogai i adrodd am achos o gamdriniaeth" in discipline.quote


def test_headings_seen_only_in_a_secondary_source_say_so(shipped):
    catalogue, _ = shipped
    reg31 = catalogue.get("SPRI-2017:reg-31")
    assert reg31.provenance is Provenance.PRIMARY and reg31.heading_secondary_only
    assert not catalogue.get("SPRI-2017:reg-28").heading_secondary_only


def test_provisions_without_a_source_naming_them_are_gone(shipped):
    catalogue, _ = shipped
    for clause_id in ("SPRI-2017:reg-46", "SPRI-2017:reg-47", "SPRI-2017:reg-48", "SG-SPRI-2019:reg-46",

                      "RISCA-2016:s-4", "RISCA-2016:s-10"):
        assert clause_id not in catalogue


def test_corrected_headings(shipped):
    catalogue, _ = shipped
    assert catalogue.get("RISCA-2016:s-6").title == "Application for registration as a service provider"
    assert catalogue.get("RISCA-2016:s-7").title == "Grant or refusal of registration as a service provider"
    assert catalogue.get("SPRI-2017:sch-3-para-8").title != catalogue.get("SPRI-2017:sch-3-para-9").title
    assert catalogue.get("SPRI-2017:reg-28").provenance is Provenance.PRIMARY


def test_provisions_read_again_quote_their_own_words(shipped):
    catalogue, _ = shipped
    sch1 = catalogue.get("REG-2017:sch-1")
    assert sch1.provenance is Provenance.PRIMARY
    assert sch1.title in sch1.quote and "Regulations 3, 6, 7 and 11" in sch1.quote
    assert "must confirm" in sch1.note  # the rest of Schedule 1 was not seen
    for section in (39, 45, 46):
        assert f"section {section}" in catalogue.get(f"RISCA-2016:s-{section}").quote.casefold(), section
    s134 = catalogue.get("SSWBA-2014:s-134")
    assert s134.quote.startswith(f"134 {s134.title} (1) Regulations must set out")
    reporting = catalogue.get("WSP:s5-p7")
    assert "Local Authority Designated Officer for Safeguarding" in reporting.quote
    assert "within no more than 24 hours" in reporting.quote
    assert catalogue.instruments["DPA-2018"].provenance is Provenance.PRIMARY
