"""polisi's own words on every output, in each language it publishes: one place for all of them.

The documents' text is the author's; everything polisi adds around it (the
document control table, the legal-basis headings, notices, dates) comes from
here, so a Welsh page or PDF never mixes in English labels, and a new label
cannot be added in one language only (a test compares the key sets). The Welsh
is polisi's own and needs reading by a fluent speaker like any draft translation.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType

EN: dict[str, str] = {
    "kind.statement_of_purpose": "Statement of Purpose",
    "kind.policy": "Policy",
    "kind.procedure": "Procedure",
    "status.draft": "draft",
    "status.approved": "approved",
    "status.withdrawn": "withdrawn",
    "citation.legislation": "Legislation",
    "citation.statutory_guidance": "Statutory guidance",
    "citation.code_of_practice": "Code of Professional Practice",
    "citation.guidance": "Guidance",
    "docref": "{id} version {version}",
    "document_control": "Document control",
    "document": "Document",
    "version": "Version",
    "status": "Status",
    "owner": "Owner",
    "approved_by": "Approved by",
    "approved_on": "Approved on",
    "next_review": "Next review",
    "takes_effect": "Takes effect",
    "who_must_read": "Who must read it",
    "not_yet_approved": "not yet approved",
    "not_set": "not set",
    "legal_basis": "Legal basis",
    "clause": "Clause",
    "title": "Title",
    "instrument": "Instrument",
    "citation_kind": "Kind",
    "not_in_catalogue": "(not in the catalogue)",
    "missing": "(missing)",
    "linked_documents": "Linked documents",
    "procedures_of_policy": "Procedures that carry out this policy",
    "policy_of_procedure": "The policy this procedure carries out",
    "revision_history": "Revision history",
    "date": "Date",
    "decision": "Decision",
    "change": "Change",
    "evidence": "Evidence",
    "revision.approved": "Approved by {by}",
    "revision.reviewed": "Reviewed by {by}; no change",
    "not_recorded": "not recorded",
    "no_approval": "No approval recorded",
    "draft_mark": "DRAFT",
    "draft_not_approved": "Status: {status}. Not approved; not in force.",
    "draft_uncommitted": "Built from uncommitted changes; not the approved text.",
    "uncontrolled": "Uncontrolled when printed; check the intranet for the current version",
    "page_of": "Page {page} of {pages}",
    "translation.draft": "Draft translation of version {version}, awaiting review by a fluent {language} speaker. "
                         "The approved text is the {source} version.",
    "translation.reviewed": "Translation of version {version}, reviewed by {by} on {on}. "
                            "The approved text is the {source} version.",
    "language.en": "English",
    "language.cy": "Welsh",
    "organisation": "Organisation",
    "effective_from": "Effective from",
    "last_reviewed": "Last reviewed",
    "review_interval": "Review interval",
    "audience": "Audience",
    "policy": "Policy",
    "procedures": "Procedures",
    "summary": "Summary",
    "subject": "Subject",
    "translation": "Translation",
}

CY: dict[str, str] = {
    "kind.statement_of_purpose": "Datganiad o Ddiben",
    "kind.policy": "Polisi",
    "kind.procedure": "Gweithdrefn",
    "status.draft": "drafft",
    "status.approved": "wedi'i gymeradwyo",
    "status.withdrawn": "wedi'i dynnu'n ôl",
    "citation.legislation": "Deddfwriaeth",
    "citation.statutory_guidance": "Canllawiau statudol",
    "citation.code_of_practice": "Cod Ymarfer Proffesiynol",
    "citation.guidance": "Canllawiau",
    "docref": "{id} fersiwn {version}",
    "document_control": "Rheoli'r ddogfen",
    "document": "Dogfen",
    "version": "Fersiwn",
    "status": "Statws",
    "owner": "Perchennog",
    "approved_by": "Cymeradwywyd gan",
    "approved_on": "Dyddiad cymeradwyo",
    "next_review": "Adolygiad nesaf",
    "takes_effect": "Yn dod i rym",
    "who_must_read": "Pwy sy'n gorfod ei darllen",
    "not_yet_approved": "heb ei chymeradwyo eto",
    "not_set": "heb ei osod",
    "legal_basis": "Sail gyfreithiol",
    "clause": "Cymal",
    "title": "Teitl",
    "instrument": "Offeryn",
    "citation_kind": "Math",
    "not_in_catalogue": "(nid yw yn y catalog)",
    "missing": "(ar goll)",
    "linked_documents": "Dogfennau cysylltiedig",
    "procedures_of_policy": "Y gweithdrefnau sy'n rhoi'r polisi hwn ar waith",
    "policy_of_procedure": "Y polisi y mae'r weithdrefn hon yn ei roi ar waith",
    "revision_history": "Hanes diwygio",
    "date": "Dyddiad",
    "decision": "Penderfyniad",
    "change": "Newid",
    "evidence": "Tystiolaeth",
    "revision.approved": "Cymeradwywyd gan {by}",
    "revision.reviewed": "Adolygwyd gan {by}; dim newid",
    "not_recorded": "heb ei gofnodi",
    "no_approval": "Dim cymeradwyaeth wedi'i chofnodi",
    "draft_mark": "DRAFFT",
    "draft_not_approved": "Statws: {status}. Heb ei chymeradwyo; nid yw mewn grym.",
    "draft_uncommitted": "Wedi'i hadeiladu o newidiadau heb eu hymrwymo; nid hwn yw'r testun a gymeradwywyd.",
    "uncontrolled": "Heb ei rheoli pan gaiff ei hargraffu; gwiriwch y fewnrwyd am y fersiwn gyfredol",
    "page_of": "Tudalen {page} o {pages}",
    "translation.draft": "Cyfieithiad drafft o fersiwn {version}, yn aros am adolygiad gan siaradwr {language} "
                         "rhugl. Y fersiwn {source} yw'r testun a gymeradwywyd.",
    "translation.reviewed": "Cyfieithiad o fersiwn {version}, wedi'i adolygu gan {by} ar {on}. "
                            "Y fersiwn {source} yw'r testun a gymeradwywyd.",
    "language.en": "Saesneg",
    "language.cy": "Cymraeg",
    "organisation": "Sefydliad",
    "effective_from": "Mewn grym o",
    "last_reviewed": "Adolygwyd ddiwethaf",
    "review_interval": "Cyfnod adolygu",
    "audience": "Cynulleidfa",
    "policy": "Polisi",
    "procedures": "Gweithdrefnau",
    "summary": "Crynodeb",
    "subject": "Pwnc",
    "translation": "Cyfieithiad",
}

LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType({"en": EN, "cy": CY})
"""Every label by language code; a language polisi has no labels for uses English."""

_MONTHS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "cy": ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi",
           "Hydref", "Tachwedd", "Rhagfyr"),
})


def labels(language: str | None) -> Mapping[str, str]:
    """polisi's labels in ``language`` (a code such as ``cy``, or a tag such as ``en-GB``)."""
    return LABELS.get((language or "en").split("-")[0].lower(), EN)


def month_names(language: str | None = None) -> list[str]:
    """The twelve month names :func:`long_date` writes in ``language``, for the site's script to write
    the reader's date the same way (browsers' own Welsh dates cannot be relied on)."""
    months = _MONTHS.get((language or "en").split("-")[0].lower())
    return list(months) if months else [f"{date(2000, month, 1):%B}" for month in range(1, 13)]


def long_date(value: date | datetime | None, language: str | None = None) -> str:
    """``1 April 2026`` / ``1 Ebrill 2026``: the form people in Wales read without ambiguity."""
    if value is None:
        return ""
    months = _MONTHS.get((language or "en").split("-")[0].lower())
    month = months[value.month - 1] if months else f"{value:%B}"
    return f"{value.day} {month} {value.year}"
