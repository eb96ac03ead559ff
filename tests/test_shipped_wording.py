"""The shipped handbook tells staff the rule, not the research behind it, and its guidance links are right.

Provenance (what was seen where, and how firmly) belongs in the catalogue and the legal-basis register;
staff-facing text that talks about "our verified catalogue" or "a secondary source" reads as doubt
about the rule itself. Statutory-guidance and code links must open the document they name: a link
to a consultation page or a publisher's index is a wrong link, however close.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from polisi.handbook.catalogue import InstrumentKind, load_catalogue
from polisi.handbook.model import load_handbook

REPO = Path(__file__).resolve().parent.parent
RESEARCH_LANGUAGE = re.compile(
    r"\bunverified\b|\bcatalogue\b|\bas far as we (have|can)\b|\bwe have (not )?(been able to )?verif"
    r"|\b(has|have) (not )?been verified\b|\bnot verified\b|\b(primary|secondary) source|\bnot cited here\b"
    r"|\bwe do not cite\b|\bregulation number\b|\bfacts file\b|\bresearch (pass|notes?)\b|\bthird-party cop"
    r"|\bverified (only )?(from|in|against|on) (a|the|our)\b|\bwords seen\b|\bas recorded by\b|\bprovenance\b",
    re.IGNORECASE,
)
WELSH_RESEARCH_LANGUAGE = re.compile(
    r"\bcatalog|\bheb ei (wirio|ddilysu)\b|\bffynhonnell (eilaidd|gynradd)\b|\bffynonellau eilaidd\b"
    r"|\bpas ymchwil\b|\btarddiad\b",
    re.IGNORECASE,
)
_HANDBOOK = load_handbook(REPO)
_TRANSLATIONS = [t for d in _HANDBOOK.documents for t in d.translations]


def _research_lines(title: str, summary: str, body: str, *patterns: re.Pattern[str]) -> list[tuple[int, str, str]]:
    lines = [(0, title), (0, summary), *enumerate(body.splitlines(), 1)]
    return [(n, m.group(0), line.strip()[:80]) for n, line in lines for pattern in patterns
            if (m := pattern.search(line))]


@pytest.mark.parametrize("doc", _HANDBOOK.documents, ids=lambda d: d.id)
def test_staff_text_is_free_of_research_language(doc) -> None:
    assert _research_lines(doc.meta.title, doc.meta.summary or "", doc.body, RESEARCH_LANGUAGE) == []


@pytest.mark.parametrize("translation", _TRANSLATIONS, ids=lambda t: t.path)
def test_welsh_staff_text_is_free_of_research_language(translation) -> None:
    meta = translation.meta
    assert _research_lines(str(meta.title), str(meta.summary or ""), translation.body,
                           WELSH_RESEARCH_LANGUAGE, RESEARCH_LANGUAGE) == []


def test_the_shipped_handbook_has_welsh_translations_to_check() -> None:
    assert {t.path for t in _TRANSLATIONS} >= {
        "statement_of_purpose/SOP-01.cy.md", "policies/POL-SAF-01.cy.md",
        "procedures/PRO-SAF-01.cy.md", "procedures/PRO-SAF-02.cy.md"}


def test_the_pattern_catches_what_the_review_found() -> None:
    for line in ("the regulation number is not in our verified catalogue, so we do not cite it here",
                 "The regulations do not, as far as we have verified, prescribe two references",
                 "verified only from a secondary source",
                 "as recorded by the research pass from SI 2017/961",
                 "the heading was verified from a third-party copy of the guidance",
                 "The words seen on the page say so."):
        assert RESEARCH_LANGUAGE.search(line), line
    for line in ("nid yw yn ein catalog wedi'i wirio", "mae'r pennawd heb ei wirio",
                 "o ffynhonnell eilaidd yn unig"):
        assert WELSH_RESEARCH_LANGUAGE.search(line), line
    for line in ("Mae'r Swyddog Adnoddau Dynol yn gwirio pob geirda", "ymchwiliad disgyblu",
                 "heb ei gadarnhau (dim digon o dystiolaeth)"):
        assert not WELSH_RESEARCH_LANGUAGE.search(line), line
    for line in ("References are verified.", "a verified organisational email address",
                 "The HR Officer verifies each reference"):
        assert not RESEARCH_LANGUAGE.search(line), line


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.casefold())


@pytest.mark.parametrize("kind", [InstrumentKind.STATUTORY_GUIDANCE, InstrumentKind.CODE_OF_PRACTICE])
def test_guidance_and_code_links_open_the_document_they_name(kind: InstrumentKind) -> None:
    catalogue, _ = load_catalogue()
    instruments = [i for i in catalogue.instruments.values() if i.kind is kind]
    assert instruments
    for inst in instruments:
        # what was seen carries the document's own title; the link, if any, is the very page seen
        title, seen = " ".join(_words(inst.title)), " ".join(_words(inst.quote or ""))
        assert title in seen, inst.id
        assert inst.url in (None, inst.source), inst.id
        assert "node/54489" not in (inst.url or ""), inst.id  # a Welsh Government consultation page
    for clause in catalogue.clauses.values():
        if clause.kind is kind and clause.locator and clause.url != clause.instrument.url:
            assert clause.url and clause.instrument.url, clause.id
            assert clause.url.startswith(clause.instrument.url.split("/documents/")[0]), clause.id


def test_the_statutory_guidance_is_never_linked_to_a_third_party_copy() -> None:
    catalogue, _ = load_catalogue()
    guidance = catalogue.instruments["SG-SPRI-2019"]
    assert guidance.url is None
    assert all(c.url is None for c in catalogue.clauses.values() if c.instrument is guidance)
    assert "must confirm" in (guidance.note or "")


def test_the_statutory_guidance_link_is_the_version_the_handbook_follows() -> None:
    catalogue, _ = load_catalogue()
    guidance = catalogue.instruments["SG-SPRI-2019"]
    assert "Version 2 – April 2019" in (guidance.quote or "")
    assert "Residential family centre services" in (guidance.quote or "")


def test_code_links_open_the_social_care_wales_page_of_the_code_they_name() -> None:
    catalogue, _ = load_catalogue()
    codes = [i for i in catalogue.instruments.values() if i.kind is InstrumentKind.CODE_OF_PRACTICE]
    for code in codes:
        assert urlsplit(code.url).hostname == "socialcare.wales", code.id
    for code_id in ("CoPP-W-2026", "CoPP-E-2026"):
        code = catalogue.instruments[code_id]
        slug = "-".join(_words(code.title))
        assert urlsplit(code.url).path.rstrip("/").endswith("/" + slug), code_id
        assert "July 2026" in code.citation, code_id


def test_the_2026_codes_are_cited_whole_until_their_sections_are_seen() -> None:
    catalogue, _ = load_catalogue()
    for code_id in ("CoPP-W-2026", "CoPP-E-2026"):
        assert not [c for c in catalogue.clauses.values() if c.id.startswith(code_id + ":")], code_id
        assert "provider confirms" in (catalogue.instruments[code_id].note or ""), code_id
    for doc in _HANDBOOK.documents:
        assert not [c for c in doc.meta.code_of_practice if c.startswith("CoPP-W-2026:")], doc.id


@pytest.mark.parametrize(("guidance_id", "instrument"), [
    ("SG-SPRI-2019", "The Regulated Services (Service Providers and Responsible Individuals) (Wales) Regulations 2017"),
    ("WTSP", "Social Services and Well-being (Wales) Act 2014"),
])
def test_statutory_guidance_names_the_instrument_it_accompanies(guidance_id: str, instrument: str) -> None:
    catalogue, _ = load_catalogue()
    guidance = catalogue.instruments[guidance_id]
    assert guidance.kind is InstrumentKind.STATUTORY_GUIDANCE
    assert instrument in (guidance.quote or ""), guidance_id
    # no official page was found for either, so neither links anywhere and the provider is told to add it
    assert guidance.url is None and "must confirm" in (guidance.note or ""), guidance_id


def test_every_statutory_guidance_instrument_is_one_the_tests_hold_to_its_instrument() -> None:
    catalogue, _ = load_catalogue()
    assert {i.id for i in catalogue.instruments.values() if i.kind is InstrumentKind.STATUTORY_GUIDANCE} == {
        "SG-SPRI-2019", "WTSP"}


@pytest.mark.parametrize("instrument_id", sorted(load_catalogue()[0].instruments))
def test_catalogue_quotations_are_the_words_seen_not_research_notes(instrument_id: str) -> None:
    catalogue, _ = load_catalogue()
    inst = catalogue.instruments[instrument_id]
    quotes = [(inst.id, inst.quote or "")]
    quotes += [(c.id, c.quote or "") for c in catalogue.clauses.values() if c.instrument is inst]
    notes = re.compile(r"research pass|as recorded by|\bheading as\b|\brendering of\b", re.IGNORECASE)
    assert [entry for entry, quote in quotes if notes.search(quote)] == []
