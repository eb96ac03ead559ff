"""The small pieces of HTML that page templates repeat: document links, ids, badges, review dates.

They are built here in Python rather than as Jinja macros because a macro call
costs more than the link it writes, and the register and the lists write one
for every citation and document (tens of thousands at a thousand documents).
Each is bound to one page, so its links are relative to that page.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from polisi.handbook.model import Document
from polisi.render.labels import long_date
from polisi.render.site_plan import SitePlan


class PageHtml:
    """The repeated pieces of one page's HTML."""

    def __init__(self, plan: SitePlan, page: str) -> None:
        self.plan = plan
        self.page = page
        self.labels = plan.labels

    def doc_id(self, doc: Document) -> Markup:
        """The id, which never breaks across lines (``PRO-`` / ``RAA-02``)."""
        return Markup(f'<span class="polisi-id">{escape(doc.id)}</span>')

    def status_badge(self, doc: Document) -> Markup:
        label = escape(self.labels["status_" + doc.status])
        return Markup(f'<span class="polisi-badge polisi-badge--{escape(doc.status)}">{label}</span>')

    def doc_link(self, doc: Document) -> Markup:
        """``<a>ID Title</a>``, with a status badge when the document is not approved."""
        href = escape(self.plan.url(self.plan.page(doc), self.page))
        link = f'<a href="{href}">{self.doc_id(doc)} {escape(doc.title)}</a>'
        return Markup(link if doc.approved else f"{link} {self.status_badge(doc)}")

    def review_badge(self, doc: Document) -> Markup:
        """The review state as built, with what ``review.js`` needs to work it out again."""
        due = doc.next_review
        state = self.plan.review_state(doc)
        if not (due and doc.approved and state):
            return Markup("")
        return Markup(
            f'<span class="polisi-state polisi-state--{state}" data-review-due="{due.isoformat()}" '
            f'data-warning-days="{self.plan.warning_days}">{escape(self.labels[state])}</span>'
        )

    def today(self) -> Markup:
        """The build date, in the element ``review.js`` sets to the reader's date when the page opens
        (with this tree's month names, so a Welsh page says "5 Mawrth 2026" either way)."""
        plan = self.plan
        return Markup(
            f'<time class="polisi-today" datetime="{plan.as_of.isoformat()}">'
            f"{escape(long_date(plan.as_of, plan.lang))}</time>"
        )

    def review_cell(self, doc: Document) -> Markup:
        due = doc.next_review
        if not due:
            return escape(self.labels["not_set"])
        shown = escape(long_date(due, self.plan.lang))
        return Markup(f'<time datetime="{due.isoformat()}">{shown}</time> {self.review_badge(doc)}')
