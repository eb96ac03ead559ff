"""Regulation and section references written in prose, matched to catalogue clauses.

Imported Word policies name their legal basis in the text ("Regulation 27",
"reg. 64", "section 130 of the 2014 Act"). Each mention is resolved against the
catalogue the handbook actually uses, and proposed as a citation only when the
catalogue holds exactly one clause it can mean; everything else is reported
for the policy lead to look at, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from polisi.handbook.catalogue import Catalogue, Instrument, InstrumentKind

_NUMBER = r"\d+[A-Z]?(?:\s*\(\w{1,4}\))*"
_NUMBERS = rf"{_NUMBER}(?:\s*(?:,|and|or|&)\s*{_NUMBER})*"
_QUALIFIER = r"(?:\s*,?\s+of\s+(?:the\s+)?(?P<qualifier>[^.;:\n]{0,160}?(?-i:Regulations|Act)(?:\s+\d{4})?))?"
_REGULATION = re.compile(
    rf"\b(?P<word>regulations?|regs?\.?)\s*(?P<numbers>{_NUMBERS}){_QUALIFIER}", re.IGNORECASE
)
_SECTION = re.compile(
    rf"\b(?P<word>sections?|ss?\.)\s*(?P<numbers>{_NUMBERS})\s*,?\s+of\s+(?:the\s+)?"
    r"(?P<qualifier>[^.;:\n]{0,160}?(?-i:Act)(?:\s+\d{4})?)",
    re.IGNORECASE,
)
_ONE_NUMBER = re.compile(r"\d+[A-Z]?")
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_WORDS = re.compile(r"[a-z0-9]+")
_GENERIC = {"the", "of", "act", "regulations", "wales", "and"}


@dataclass(frozen=True)
class Mention:
    """One legal reference found in the text."""

    text: str
    """The words as written, e.g. ``regulation 80(2)``."""
    line: int
    """Line of the Markdown body it is on (1-based)."""
    clause_id: str | None
    """The catalogue clause it means; ``None`` when none or more than one could be meant."""
    reason: str = ""
    """Why nothing was proposed, for the import report."""


def find_mentions(body: str, catalogue: Catalogue) -> list[Mention]:
    """Every regulation or section reference in ``body``, resolved against ``catalogue``."""
    found: list[Mention] = []
    for number, line in enumerate(body.splitlines(), start=1):
        sections = list(_SECTION.finditer(line))
        regulations = [
            m for m in _REGULATION.finditer(line)
            if not any(s.start() <= m.start() < s.end() for s in sections)
        ]
        for match in sorted(sections + regulations, key=lambda m: m.start()):
            prefix, noun = ("s", "Act") if match.re is _SECTION else ("reg", "Regulations")
            found.extend(_resolve(match, number, prefix, noun, catalogue))
    return found


def proposed_citations(mentions: list[Mention]) -> list[str]:
    """The clause ids to propose, each once, in the order first mentioned."""
    return list(dict.fromkeys(m.clause_id for m in mentions if m.clause_id))


def _resolve(match: re.Match[str], line: int, prefix: str, noun: str, catalogue: Catalogue) -> list[Mention]:
    qualifier = match.group("qualifier")
    candidates = _instruments(catalogue, noun, qualifier)
    word = match.group("word")
    mentions = []
    for written in re.finditer(_NUMBER, match.group("numbers")):
        number = _ONE_NUMBER.match(written.group(0)).group(0)  # type: ignore[union-attr]
        if _YEAR.fullmatch(number):
            continue  # "the Health and Safety (First Aid) Regulations 1981": a year, not regulation 1981
        text = f"{word} {written.group(0)}" + (f" of the {qualifier}" if qualifier else "")
        if not candidates:
            reason = f"the {qualifier} is not in the catalogue" if qualifier else f"the catalogue holds no {noun}"
            mentions.append(Mention(text, line, None, reason))
            continue
        holders = [f"{inst.id}:{prefix}-{number.lower()}" for inst in candidates]
        held = [clause for clause in holders if clause in catalogue]
        if len(held) == 1:
            mentions.append(Mention(text, line, held[0]))
        elif not held:
            mentions.append(Mention(text, line, None, f"{' / '.join(holders)} is not in the catalogue"))
        else:
            mentions.append(Mention(text, line, None, f"could be any of {', '.join(held)}; name the instrument"))
    return mentions


def _instruments(catalogue: Catalogue, noun: str, qualifier: str | None) -> list[Instrument]:
    """Legislation the mention can refer to: by kind of instrument, then by year and name if given."""
    found = [
        inst for inst in catalogue.instruments.values()
        if inst.kind is InstrumentKind.LEGISLATION and noun.lower() in inst.title.lower()
    ]
    if not qualifier:
        return found
    year = _YEAR.search(qualifier)
    if year:
        found = [inst for inst in found if year.group(0) in inst.title]
    words = set(_WORDS.findall(qualifier.lower())) - _GENERIC - ({year.group(0)} if year else set())
    if words:
        found = [inst for inst in found if words <= set(_WORDS.findall(inst.title.lower()))]
    return found
