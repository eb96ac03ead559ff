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
        "no_revisions": "No revisions recorded",
        "date": "Date",
        "change": "Change",
        "author": "Author",
        "commit": "Commit",
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
    }
)
"""polisi's labels in English, the language every handbook gets unless another table is given."""

SCRIPT_KEYS = ("overdue", "due", "in_date", "none", "offline_search")
"""The labels ``review.js`` needs, written into each page that shows review state."""


TABLES: Mapping[str, Mapping[str, str]] = MappingProxyType({"en": ENGLISH})
"""Label tables by primary language subtag; a language without a table is shown in English."""


def site_labels(language: str) -> Mapping[str, str]:
    """The label table for a site language (a BCP 47 tag such as ``en-GB``)."""
    return TABLES.get(language.split("-")[0].lower(), ENGLISH)


def script_labels(labels: Mapping[str, str]) -> dict[str, str]:
    return {key: labels[key] for key in SCRIPT_KEYS}
