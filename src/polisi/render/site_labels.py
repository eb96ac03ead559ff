"""Every word of polisi's own that the staff site shows, in one place.

Templates and ``review.js`` never hold a label of their own: they read this
table (the script through a small JSON block on each page), so the site can be
built in another language by passing another table, and a wording change is
one edit. Document text, titles and catalogue titles are the handbook's and are
never translated here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

ENGLISH: Mapping[str, str] = MappingProxyType(
    {
        # Navigation and page titles
        "home": "Home",
        "statement": "Statement of Purpose",
        "all_policies": "All policies",
        "all_procedures": "All procedures",
        "by_area": "By area",
        "register": "Legal basis register",
        "schedule": "Review schedule",
        "whats_new": "What's new",
        "guide": "Guide",
        "not_found_title": "Page not found",
        # Review states (also read by review.js)
        "overdue": "Overdue",
        "due": "Due soon",
        "in_date": "In date",
        "drafts": "Drafts",
        "withdrawn_group": "Withdrawn",
        "none": "None.",
        "not_set": "Not set",
        # Statuses
        "status_approved": "Approved",
        "status_draft": "Draft",
        "status_withdrawn": "Withdrawn",
        # Document page
        "reference": "Reference",
        "version": "Version",
        "owner": "Owner",
        "next_review": "Next review",
        "signed_copy": "Signed copy",
        "signed_pdf": "signed PDF",
        "procedures": "Procedures",
        "policy": "Policy",
        "area": "Area",
        "legal_basis": "Legal basis",
        "legal_basis_none": "No legal basis recorded",
        "about": "About this document",
        "approved_by": "Approved by",
        "approved_on": "Approved on",
        "not_yet_approved": "Not yet approved",
        "effective_from": "In effect from",
        "last_reviewed": "Last reviewed",
        "revision_history": "Revision history",
        "uncommitted": "This copy includes changes not yet committed to git.",
        "no_approval": "No approval recorded",
        "date": "Date",
        "change": "Change",
        "decision": "Decision",
        "evidence": "Evidence",
        "revision_approved": "Approved by {by}",
        "revision_reviewed": "Reviewed by {by}; no change",
        "not_recorded": "Not recorded",
        "draft_title": "Draft: not approved",
        "draft_text": "This is a draft shown for the policy lead's review. It is not in force: do not follow it.",
        "withdrawn_title": "Withdrawn: no longer in force",
        "withdrawn_text": "This document has been withdrawn. Do not follow it.",
        "overdue_title": "Overdue for review",
        "overdue_text": (
            "This document was due for review on {date}. It may no longer be current: "
            "check with the {owner} before relying on it."
        ),
        # Index pages
        "document": "Document",
        "no_policies": "No policies are published yet.",
        "no_procedures": "No procedures are published yet.",
        "undeclared_area": "Area {code} (not named in polisi.yml)",
        # Search and offline reading
        "offline_search": (
            "Search needs the intranet server: this copy was opened from a file, so search is "
            "switched off. Use the menu, or open the site from the intranet."
        ),
        # The 404 page
        "not_found_text": (
            "There is no page at this address on the staff site. It may have been moved, "
            "or the link may be mistyped."
        ),
        "not_found_home": "Go to the home page",
        "not_found_search": "or search for what you need with the search box at the top of the page.",
        # Languages: the switcher on every page, translations and untranslated pages
        "language_name": "English",
        "other_language": "This page in English",
        "name_en": "English",
        "name_cy": "Welsh",
        "register_intro": (
            "Every clause of legislation, statutory guidance, codes of practice and guidance in the catalogue. "
            "Clauses that published documents cite are listed first, each once, with the documents that cite "
            "it. Clauses no document cites are listed after them, apart, so gaps in the handbook's coverage are "
            "easy to see; clauses that cannot apply to this service are listed last, with the reason, as they "
            "are not gaps. Links go to the official text."
        ),
        "clause": "Clause",
        "subject": "Subject",
        "cited_by": "Cited by",
        "cited_as_whole": "Cited as a whole",
        "uncited_heading": "Clauses no document cites",
        "not_applicable_heading": "Not applicable to this service",
        "schedule_intro": (
            "Documents are grouped by their review state on today's date, as your computer gives it: a "
            "document moves to \"{overdue}\" the day after its review date, even if the site has not been "
            "rebuilt since {date}."
        ),
        "whats_new_intro": "Documents approved or reviewed in the {days} days up to {date}, newest first.",
        "whats_new_none": "No document was approved or reviewed in the last {days} days.",
        "whats_new_home": "documents approved or reviewed in the last {days} days, with what changed.",
        "untranslated_title": "Not yet in English",
        "untranslated_text": "This document has no English version yet. The {language} version is here:",
        "translation_draft_title": "Draft translation, awaiting review",
        "translation_draft_text": (
            "This is a draft translation of version {version}. It has not yet been reviewed by a fluent "
            "speaker of English. The approved text is the {language} version:"
        ),
        "translation_reviewed_text": (
            "Translation of version {version}, reviewed by {by} on {on}. The approved text is the {language} version:"
        ),
    }
)
"""polisi's labels in English, the language every handbook gets unless another table is given."""

WELSH: Mapping[str, str] = MappingProxyType(
    {
        "home": "Hafan",
        "statement": "Datganiad o Ddiben",
        "all_policies": "Pob polisi",
        "all_procedures": "Pob gweithdrefn",
        "by_area": "Yn ôl maes",
        "register": "Cofrestr y sail gyfreithiol",
        "schedule": "Amserlen adolygu",
        "whats_new": "Beth sy'n newydd",
        "guide": "Canllaw",
        "not_found_title": "Heb ddod o hyd i'r dudalen",
        "overdue": "Yn hwyr",
        "due": "Yn ddyledus cyn bo hir",
        "in_date": "Mewn pryd",
        "drafts": "Drafftiau",
        "withdrawn_group": "Wedi'u tynnu'n ôl",
        "none": "Dim.",
        "not_set": "Heb ei osod",
        "status_approved": "Cymeradwywyd",
        "status_draft": "Drafft",
        "status_withdrawn": "Wedi'i thynnu'n ôl",
        "reference": "Cyfeirnod",
        "version": "Fersiwn",
        "owner": "Perchennog",
        "next_review": "Adolygiad nesaf",
        "signed_copy": "Copi wedi'i lofnodi",
        "signed_pdf": "PDF wedi'i lofnodi",
        "procedures": "Gweithdrefnau",
        "policy": "Polisi",
        "area": "Maes",
        "legal_basis": "Sail gyfreithiol",
        "legal_basis_none": "Dim sail gyfreithiol wedi'i chofnodi",
        "about": "Ynglŷn â'r ddogfen hon",
        "approved_by": "Cymeradwywyd gan",
        "approved_on": "Dyddiad cymeradwyo",
        "not_yet_approved": "Heb ei chymeradwyo eto",
        "effective_from": "Mewn grym o",
        "last_reviewed": "Adolygwyd ddiwethaf",
        "revision_history": "Hanes diwygio",
        "uncommitted": "Mae'r copi hwn yn cynnwys newidiadau nad ydynt wedi'u hymrwymo i git eto.",
        "no_approval": "Dim cymeradwyaeth wedi'i chofnodi",
        "date": "Dyddiad",
        "change": "Newid",
        "decision": "Penderfyniad",
        "evidence": "Tystiolaeth",
        "revision_approved": "Cymeradwywyd gan {by}",
        "revision_reviewed": "Adolygwyd gan {by}; dim newid",
        "not_recorded": "Heb ei gofnodi",
        "draft_title": "Drafft: heb ei chymeradwyo",
        "draft_text": (
            "Drafft yw hwn a ddangosir i'r arweinydd polisi ei adolygu. Nid yw mewn grym: peidiwch â'i ddilyn."
        ),
        "withdrawn_title": "Wedi'i thynnu'n ôl: nid yw mewn grym mwyach",
        "withdrawn_text": "Mae'r ddogfen hon wedi'i thynnu'n ôl. Peidiwch â'i dilyn.",
        "overdue_title": "Yn hwyr ar gyfer adolygiad",
        "overdue_text": (
            "Roedd y ddogfen hon i fod i gael ei hadolygu ar {date}. Efallai nad yw'n gyfredol mwyach: "
            "holwch y {owner} cyn dibynnu arni."
        ),
        "document": "Dogfen",
        "no_policies": "Nid oes polisïau wedi'u cyhoeddi eto.",
        "no_procedures": "Nid oes gweithdrefnau wedi'u cyhoeddi eto.",
        "undeclared_area": "Maes {code} (heb ei enwi yn polisi.yml)",
        "offline_search": (
            "Mae angen gweinydd y fewnrwyd i chwilio: agorwyd y copi hwn o ffeil, felly mae chwilio wedi'i "
            "ddiffodd. Defnyddiwch y ddewislen, neu agorwch y wefan o'r fewnrwyd."
        ),
        "not_found_text": (
            "Nid oes tudalen yn y cyfeiriad hwn ar wefan y staff. Efallai ei bod wedi'i symud, neu fod y "
            "ddolen wedi'i theipio'n anghywir."
        ),
        "not_found_home": "Ewch i'r hafan",
        "not_found_search": "neu chwiliwch am yr hyn sydd ei angen arnoch gyda'r blwch chwilio ar frig y dudalen.",
        "language_name": "Cymraeg",
        "other_language": "Y dudalen hon yn Gymraeg",
        "name_en": "Saesneg",
        "name_cy": "Cymraeg",
        "register_intro": (
            "Pob cymal o ddeddfwriaeth, canllawiau statudol, codau ymarfer a chanllawiau yn y catalog. "
            "Rhestrir y cymalau y mae dogfennau cyhoeddedig yn eu dyfynnu yn gyntaf, pob un unwaith, gyda'r "
            "dogfennau sy'n eu dyfynnu. Rhestrir y cymalau nad oes dogfen yn eu dyfynnu ar eu hôl, ar wahân, "
            "fel ei bod yn hawdd gweld bylchau; rhestrir y cymalau na allant fod yn berthnasol i'r gwasanaeth "
            "hwn yn olaf, gyda'r rheswm, gan nad ydynt yn fylchau. Mae'r dolenni'n mynd i'r testun swyddogol."
        ),
        "clause": "Cymal",
        "subject": "Pwnc",
        "cited_by": "Wedi'i ddyfynnu gan",
        "cited_as_whole": "Wedi'i ddyfynnu yn ei gyfanrwydd",
        "uncited_heading": "Cymalau nad oes dogfen yn eu dyfynnu",
        "not_applicable_heading": "Ddim yn berthnasol i'r gwasanaeth hwn",
        "schedule_intro": (
            "Caiff dogfennau eu grwpio yn ôl cyflwr eu hadolygiad ar ddyddiad heddiw, fel y mae eich "
            "cyfrifiadur yn ei roi: mae dogfen yn symud i \"{overdue}\" y diwrnod ar ôl ei dyddiad adolygu, "
            "hyd yn oed os nad yw'r wefan wedi'i hailadeiladu ers {date}."
        ),
        "whats_new_intro": "Dogfennau a gymeradwywyd neu a adolygwyd yn y {days} diwrnod hyd at {date}, y diweddaraf "
                           "yn gyntaf.",
        "whats_new_none": "Ni chafodd yr un ddogfen ei chymeradwyo na'i hadolygu yn y {days} diwrnod diwethaf.",
        "whats_new_home": "dogfennau a gymeradwywyd neu a adolygwyd yn y {days} diwrnod diwethaf, a beth newidiodd.",
        "untranslated_title": "Dim fersiwn Gymraeg eto",
        "untranslated_text": "Nid oes fersiwn Gymraeg o'r ddogfen hon eto. Mae'r fersiwn {language} yma:",
        "translation_draft_title": "Cyfieithiad drafft, yn aros am adolygiad",
        "translation_draft_text": (
            "Cyfieithiad drafft o fersiwn {version} yw hwn. Nid yw siaradwr Cymraeg rhugl wedi'i adolygu eto. "
            "Y fersiwn {language} yw'r testun a gymeradwywyd:"
        ),
        "translation_reviewed_text": (
            "Cyfieithiad o fersiwn {version}, wedi'i adolygu gan {by} ar {on}. Y fersiwn {language} yw'r testun "
            "a gymeradwywyd:"
        ),
    }
)
"""polisi's labels in Welsh: our own translation, awaiting review by a fluent Welsh speaker like any draft."""

SCRIPT_KEYS = ("overdue", "due", "in_date", "none", "offline_search")
"""The labels ``review.js`` needs, written into each page that shows review state."""


TABLES: Mapping[str, Mapping[str, str]] = MappingProxyType({"en": ENGLISH, "cy": WELSH})
"""Label tables by primary language subtag; a language without a table is shown in English."""


def site_labels(language: str) -> Mapping[str, str]:
    """The label table for a site language (a BCP 47 tag such as ``en-GB``)."""
    return TABLES.get(language.split("-")[0].lower(), ENGLISH)


def script_labels(labels: Mapping[str, str]) -> dict[str, str]:
    return {key: labels[key] for key in SCRIPT_KEYS}
