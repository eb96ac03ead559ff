"""Regulation and section references in prose, resolved against the shipped catalogue."""

from __future__ import annotations

import pytest

from polisi.handbook.catalogue import load_catalogue
from polisi.word.legalrefs import find_mentions, proposed_citations

CATALOGUE, _ = load_catalogue()


@pytest.mark.parametrize(
    ("text", "proposed"),
    [
        ("Regulation 27 applies.", ["SPRI-2017:reg-27"]),
        ("See reg. 64 and reg 80.", ["SPRI-2017:reg-64", "SPRI-2017:reg-80"]),
        ("Under regulation 80(2) the RI reports.", ["SPRI-2017:reg-80"]),
        ("Regulations 27 and 28 of the 2017 Regulations.", ["SPRI-2017:reg-27", "SPRI-2017:reg-28"]),
        ("section 130 of the 2014 Act", ["SSWBA-2014:s-130"]),
        ("s.130 of the Social Services and Well-being (Wales) Act 2014", ["SSWBA-2014:s-130"]),
        ("section 2 of the 2016 Act", ["RISCA-2016:s-2"]),
        ("Staff must act under regulation 27 at once.", ["SPRI-2017:reg-27"]),
        ("See section 3 below; regular checks; 27 regulations.", []),
        ("The Health and Safety (First Aid) Regulations 1981 apply.", []),
        ("Under the Food Hygiene Regulations 2006 and regulation 64.", ["SPRI-2017:reg-64"]),
    ],
)
def test_mentions_become_citations_only_when_the_catalogue_holds_them(text: str, proposed: list[str]) -> None:
    assert proposed_citations(find_mentions(text, CATALOGUE)) == proposed


def test_unknown_clauses_and_acts_are_reported_with_their_line() -> None:
    mentions = find_mentions("Intro\nRegulation 11 and section 5 of the Children Act 1989.\n", CATALOGUE)
    assert [(m.text, m.line, m.clause_id, m.reason) for m in mentions] == [
        ("Regulation 11", 2, None, "REG-2017:reg-11 / SPRI-2017:reg-11 is not in the catalogue"),
        ("section 5 of the Children Act 1989", 2, None, "the Children Act 1989 is not in the catalogue"),
    ]
