"""The clause catalogue: every legal or guidance clause a document may cite.

The shipped catalogue (``data/catalogue/*.yaml``, one file per instrument) holds
only clauses whose number and subject were verified from a primary or
secondary source, and records which. A handbook can add or override entries in
its own ``references/`` folder, in the same format, and those files are checked
with the same ``path:line:col`` findings as documents.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator

from polisi.findings import Finding, Severity
from polisi.handbook.schema import parse_date
from polisi.handbook.yamlpos import parse_yaml


class Provenance(StrEnum):
    """How far a catalogue entry has been checked."""

    PRIMARY = "primary"
    """Seen in the official source (legislation.gov.uk, gov.wales, the publisher)."""
    SECONDARY = "secondary"
    """Seen only in a reputable secondary source or a mirror of the official text."""
    UNVERIFIED = "unverified"
    """Not checked; citing it is a warning. The shipped catalogue holds none."""


class ServiceType(StrEnum):
    """The kinds of regulated service named in RISCA 2016 s.2, for provisions that apply to some only."""

    CARE_HOME = "care_home"
    SECURE_ACCOMMODATION = "secure_accommodation"
    RESIDENTIAL_FAMILY_CENTRE = "residential_family_centre"
    ADOPTION = "adoption"
    FOSTERING = "fostering"
    ADULT_PLACEMENT = "adult_placement"
    ADVOCACY = "advocacy"
    DOMICILIARY_SUPPORT = "domiciliary_support"


class InstrumentKind(StrEnum):
    LEGISLATION = "legislation"
    STATUTORY_GUIDANCE = "statutory_guidance"
    CODE_OF_PRACTICE = "code_of_practice"
    GUIDANCE = "guidance"


_Date = Annotated[date, BeforeValidator(parse_date)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InstrumentEntry(_Strict):
    id: str
    kind: InstrumentKind | None = None
    title: str | None = None
    short_title: str | None = None
    citation: str | None = None
    publisher: str | None = None
    edition: str | None = None
    url: str | None = None
    provenance: Provenance | None = None
    source: str | None = None
    quote: str | None = None
    in_force_from: _Date | None = None
    superseded_on: _Date | None = None
    superseded_by: str | None = None
    note: str | None = None


class ClauseEntry(_Strict):
    locator: str
    title: str
    part: str | None = None
    url: str | None = None
    provenance: Provenance
    source: str
    quote: str | None = None
    heading_provenance: Provenance | None = None
    applies_to: tuple[ServiceType, ...] = ()
    applies_because: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _scope_has_a_reason(self) -> ClauseEntry:
        if bool(self.applies_to) != bool(self.applies_because):
            raise ValueError("applies_to and applies_because go together: the services and the words that limit it")
        return self


class CatalogueFile(_Strict):
    instrument: InstrumentEntry
    clauses: list[ClauseEntry] = []


@dataclass(frozen=True)
class Instrument:
    """An Act, statutory instrument, code or guidance document."""

    id: str
    kind: InstrumentKind
    title: str
    citation: str
    url: str | None
    """Where staff and inspectors read it: the official address only. None when no official address was
    found; the document is then cited without a link rather than sent to a third-party copy."""
    provenance: Provenance
    source: str
    quote: str | None = None
    short_title: str | None = None
    publisher: str | None = None
    edition: str | None = None
    in_force_from: date | None = None
    superseded_on: date | None = None
    superseded_by: str | None = None
    note: str | None = None

    @property
    def label(self) -> str:
        return self.short_title or self.title

    def superseded_at(self, as_of: date) -> bool:
        return self.superseded_on is not None and self.superseded_on <= as_of


@dataclass(frozen=True)
class Clause:
    """One citable clause; a citation of a whole instrument is a clause with an empty locator."""

    id: str
    instrument: Instrument
    locator: str
    title: str
    url: str | None
    provenance: Provenance
    source: str
    part: str | None = None
    note: str | None = None
    quote: str | None = None
    """The words seen at ``source`` that the entry relies on (a heading or a short extract)."""
    heading_provenance: Provenance | None = None
    """Set when the heading was seen only at a lower level than the entry (e.g. text primary, heading
    only in a secondary source), so the register can say the heading is secondary-only."""
    applies_to: tuple[ServiceType, ...] = ()
    """The only kinds of service the provision applies to; empty means every kind."""
    applies_because: str | None = None
    """Why it is limited to ``applies_to``: the words of the provision that say so."""

    @property
    def kind(self) -> InstrumentKind:
        return self.instrument.kind

    @property
    def heading_secondary_only(self) -> bool:
        return self.heading_provenance is Provenance.SECONDARY

    @property
    def seen_only_in_secondary(self) -> str | None:
        """What of the entry was seen only in a secondary source, for the registers to say so beside it:
        ``"entry"`` (heading and words), ``"heading"`` (the words are primary, the heading is not) or None."""
        if self.provenance is Provenance.SECONDARY:
            return "entry"
        return "heading" if self.heading_secondary_only else None

    def applies(self, service: ServiceType | None) -> bool:
        """Whether the provision can apply to a service of this kind (unknown kind: assume it does)."""
        return not self.applies_to or service is None or service in self.applies_to


@dataclass(frozen=True)
class Catalogue:
    instruments: dict[str, Instrument]
    clauses: dict[str, Clause]
    """Every citable id, including each instrument's own id (citing it as a whole)."""

    def get(self, clause_id: str) -> Clause | None:
        return self.clauses.get(clause_id)

    def __contains__(self, clause_id: object) -> bool:
        return clause_id in self.clauses

    def not_applicable(self, service: ServiceType | None, declared: Mapping[str, str]) -> dict[str, str]:
        """Clause id -> why it cannot apply to this service: limited by the catalogue to other kinds of
        service, or declared not applicable by the handbook (``polisi.yml``, which wins)."""
        reasons = {
            c.id: f"Applies only to {_services(c.applies_to)} services. {c.applies_because}"
            for c in self.clauses.values() if not c.applies(service)
        }
        reasons.update((clause_id, reason) for clause_id, reason in declared.items() if clause_id in self.clauses)
        return reasons

    def nearest(self, clause_id: str) -> str | None:
        """The catalogue id most like ``clause_id``, for "did you mean" hints."""
        instrument, _, locator = clause_id.partition(":")
        same = [c for c in self.clauses if c.startswith(instrument + ":")] if locator else []
        matches = difflib.get_close_matches(clause_id, same or list(self.clauses), n=1, cutoff=0.6)
        return matches[0] if matches else None


def _services(kinds: tuple[ServiceType, ...]) -> str:
    names = [k.value.replace("_", " ") for k in kinds]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def shipped_catalogue_files() -> list[tuple[str, str]]:
    """(name, text) of each catalogue file shipped inside the package."""
    folder = resources.files("polisi") / "data" / "catalogue"
    return sorted(
        (f"polisi/data/catalogue/{f.name}", f.read_text(encoding="utf-8"))
        for f in folder.iterdir()
        if f.name.endswith((".yaml", ".yml"))
    )


def load_catalogue(root: Path | None = None, references: str = "references") -> tuple[Catalogue, list[Finding]]:
    """The shipped catalogue, with the handbook's ``references/`` files applied on top."""
    files = shipped_catalogue_files()
    if root is not None and (root / references).is_dir():
        for path in sorted((root / references).glob("*.y*ml")):
            files.append((path.relative_to(root).as_posix(), path.read_text(encoding="utf-8")))
    instruments: dict[str, Instrument] = {}
    clause_entries: dict[str, tuple[str, ClauseEntry]] = {}
    findings: list[Finding] = []
    for name, text in files:
        parsed = parse_yaml(text, name)
        findings.extend(parsed.findings)
        if parsed.findings:
            continue
        try:
            data = CatalogueFile.model_validate(parsed.value or {})
        except ValidationError as exc:
            for err in exc.errors():
                line, col = parsed.position(tuple(err["loc"]))
                where = ".".join(str(p) for p in err["loc"])
                findings.append(Finding(name, line, col, Severity.ERROR, "CATALOGUE_INVALID", f"{where}: {err['msg']}"))
            continue
        entry = data.instrument
        merged = _merge_instrument(instruments.get(entry.id), entry)
        if merged is None:
            line, col = parsed.position(("instrument",))
            findings.append(
                Finding(name, line, col, Severity.ERROR, "CATALOGUE_INVALID",
                        f"instrument {entry.id} is new, so it needs kind, title, citation, provenance and source")
            )
            continue
        instruments[entry.id] = merged
        for clause in data.clauses:
            clause_entries[f"{entry.id}:{clause.locator}"] = (entry.id, clause)
    clauses: dict[str, Clause] = {
        inst.id: Clause(inst.id, inst, "", inst.title, inst.url, inst.provenance, inst.source, quote=inst.quote)
        for inst in instruments.values()
    }
    for clause_id, (inst_id, c) in clause_entries.items():
        inst = instruments[inst_id]
        clauses[clause_id] = Clause(
            clause_id, inst, c.locator, c.title, c.url or inst.url, c.provenance, c.source, c.part, c.note,
            c.quote, c.heading_provenance, c.applies_to, c.applies_because,
        )
    return Catalogue(instruments, clauses), findings


_REQUIRED = ("kind", "title", "citation", "provenance", "source")


def _merge_instrument(old: Instrument | None, entry: InstrumentEntry) -> Instrument | None:
    given = entry.model_dump(exclude_unset=True, exclude={"id"})
    if old is None:
        if any(given.get(k) is None for k in _REQUIRED):
            return None
        return Instrument(id=entry.id, **{"url": None, **given})
    fields = {**old.__dict__, **given}
    return Instrument(**fields)
