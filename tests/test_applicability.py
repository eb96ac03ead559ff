"""Provisions that cannot apply to a kind of service are told apart from gaps, and never cited."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from polisi.check.rules import check
from polisi.handbook.catalogue import ServiceType, load_catalogue
from polisi.handbook.model import load_handbook
from polisi.render.bundle_registers import uncovered

AS_OF = date(2026, 6, 1)
PART_11 = ("Applies only to domiciliary support services. It is in Part 11, headed “Requirements on service "
           "providers in respect of domiciliary support services”.")


def _configure(root: Path, extra: str) -> None:
    config = root / "polisi.yml"
    config.write_text(config.read_text(encoding="utf-8") + extra, encoding="utf-8")


def test_the_catalogue_limits_domiciliary_and_care_home_provisions_to_those_services() -> None:
    catalogue, _ = load_catalogue()
    reasons = catalogue.not_applicable(ServiceType.RESIDENTIAL_FAMILY_CENTRE, {})
    assert list(reasons) == [
        "SG-SPRI-2019:reg-40", "SG-SPRI-2019:reg-41", "SG-SPRI-2019:reg-42", "SG-SPRI-2019:reg-45",
        "SG-SPRI-2019:reg-62",
        "SPRI-2017:reg-2", "SPRI-2017:reg-3", "SPRI-2017:reg-40", "SPRI-2017:reg-41", "SPRI-2017:reg-42",
        "SPRI-2017:reg-45", "SPRI-2017:reg-62", "SPRI-2017:sch-3-pt-4",
    ]
    assert reasons["SPRI-2017:reg-41"] == PART_11
    assert reasons["SPRI-2017:sch-3-pt-4"] == (
        "Applies only to care home services. Headed “Notifications to the local authority in whose area the "
        "home is situated where a care home service is provided to children”.")
    # a residential family centre is one of the services the accommodation-based provisions name
    for clause_id in ("SPRI-2017:reg-44", "SPRI-2017:reg-73", "SPRI-2017:sch-2-pt-2"):
        assert catalogue.get(clause_id).applies(ServiceType.RESIDENTIAL_FAMILY_CENTRE), clause_id
        assert not catalogue.get(clause_id).applies(ServiceType.DOMICILIARY_SUPPORT), clause_id
    # a domiciliary support service sees the reverse
    home_care = catalogue.not_applicable(ServiceType.DOMICILIARY_SUPPORT, {})
    assert "SPRI-2017:reg-41" not in home_care and "SPRI-2017:reg-73" in home_care
    # without a service type nothing is ruled out by kind
    assert catalogue.not_applicable(None, {}) == {}


def test_declared_provisions_are_not_gaps_and_citing_one_is_a_warning(base_handbook: Path) -> None:
    _configure(base_handbook, "service_type: residential_family_centre\n"
                              "not_applicable:\n"
                              "  SPRI-2017:reg-10: We are an organisation, not an individual provider.\n")
    policy = base_handbook / "policies" / "POL-SAF-01.md"
    policy.write_text(policy.read_text(encoding="utf-8").replace(
        "legislation: [SPRI-2017:reg-27, SSWBA-2014:s-130]",
        "legislation: [SPRI-2017:reg-27, SSWBA-2014:s-130, SPRI-2017:reg-41]"), encoding="utf-8")
    handbook = load_handbook(base_handbook)
    assert handbook.not_applicable["SPRI-2017:reg-10"] == "We are an organisation, not an individual provider."
    found = [f.format() for f in check(handbook, AS_OF) if f.code == "CITES_NOT_APPLICABLE"]
    assert found == [f"policies/POL-SAF-01.md:11:51: warning: CITES_NOT_APPLICABLE SPRI-2017:reg-41 does not "
                     f"apply to this service. {PART_11}"]
    gaps = {c.id for c in uncovered(handbook, handbook.documents, AS_OF)}
    assert "SPRI-2017:reg-28" in gaps
    assert not gaps & {"SPRI-2017:reg-10", "SPRI-2017:reg-40", "SPRI-2017:reg-42", "SPRI-2017:sch-3-pt-4"}


def test_declaring_a_clause_the_catalogue_lacks_is_an_error_at_its_line(base_handbook: Path) -> None:
    _configure(base_handbook, "not_applicable:\n  SPRI-2017:reg-100: never mind\n")
    handbook = load_handbook(base_handbook)
    found = [f.format() for f in check(handbook, AS_OF) if f.code == "UNKNOWN_CLAUSE"]
    assert found == ["polisi.yml:6:3: error: UNKNOWN_CLAUSE not_applicable names SPRI-2017:reg-100, which is "
                     "not in the catalogue (did you mean SPRI-2017:reg-10?)"]


def test_a_limited_provision_must_say_why(tmp_path: Path) -> None:
    (tmp_path / "references").mkdir()
    (tmp_path / "references" / "local.yaml").write_text(
        "instrument:\n  id: SPRI-2017\nclauses:\n  - locator: reg-46\n    title: Shared rooms\n"
        "    provenance: primary\n    source: https://example.org/\n    applies_to: [care_home]\n",
        encoding="utf-8")
    _, findings = load_catalogue(tmp_path)
    assert [f.format() for f in findings] == [
        "references/local.yaml:4:5: error: CATALOGUE_INVALID clauses.0: Value error, applies_to and "
        "applies_because go together: the services and the words that limit it"]
