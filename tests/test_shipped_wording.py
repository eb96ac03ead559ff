"""The shipped handbook tells staff the rule, not the research behind it, and its guidance links are right.

Provenance (what was seen where, and how firmly) belongs in the catalogue and the legal-basis register;
staff-facing text that talks about "our verified catalogue" or "a secondary source" reads as doubt
about the rule itself. Statutory-guidance and code links must open the document they name: a link
to a consultation page or a publisher's index is a wrong link, however close.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from polisi.handbook.catalogue import InstrumentKind, load_catalogue
from polisi.handbook.model import load_handbook

REPO = Path(__file__).resolve().parent.parent
RESEARCH_LANGUAGE = re.compile(
    r"\bunverified\b|\bcatalogue\b|\bas far as we (have|can)\b|\bwe have (not )?(been able to )?verif"
    r"|\b(has|have) (not )?been verified\b|\bnot verified\b|\b(primary|secondary) source|\bnot cited here\b"
    r"|\bwe do not cite\b|\bregulation number\b|\bfacts file\b",
    re.IGNORECASE,
)
_HANDBOOK = load_handbook(REPO)


@pytest.mark.parametrize("doc", _HANDBOOK.documents, ids=lambda d: d.id)
def test_staff_text_is_free_of_research_language(doc) -> None:
    lines = [(0, doc.meta.title), (0, doc.meta.summary or ""), *enumerate(doc.body.splitlines(), 1)]
    found = [(n, m.group(0), line.strip()[:80]) for n, line in lines if (m := RESEARCH_LANGUAGE.search(line))]
    assert found == []


def test_the_pattern_catches_what_the_review_found() -> None:
    for line in ("the regulation number is not in our verified catalogue, so we do not cite it here",
                 "The regulations do not, as far as we have verified, prescribe two references",
                 "verified only from a secondary source"):
        assert RESEARCH_LANGUAGE.search(line), line
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
