"""The built staff site in headless Chromium: what a member of staff sees and can do.

Debian's chromium, driven by Playwright, against the site served on 127.0.0.1.
Every request the browser makes is recorded; anything outside the site fails
the test. The reader's date is set with Playwright's clock, never taken from
today, so the review banner is tested on both sides of the review date.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from importlib import resources
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect, sync_playwright
from site_handbook import SEARCH_TERM, BuiltSite

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BEFORE_REVIEW = datetime(2026, 6, 1, 9, 0)
ON_REVIEW_DAY = datetime(2027, 3, 1, 9, 0)
AFTER_REVIEW = datetime(2027, 3, 2, 9, 0)
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = [
    "index.html",
    "statement_of_purpose/SOP-01.html",
    "policies/POL-SAF-01.html",
    "procedures/PRO-SAF-01.html",
    "policies/index.html",
    "areas.html",
    "legal-basis.html",
    "review-schedule.html",
    "whats-new.html",
    "unpublished/PRO-SAF-02.html",
    "404.html",
]
"""One page of every template the site has."""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One browser for this module only: Playwright's sync API keeps an asyncio loop marked as
    running on the main thread while it is open, which would break later tests that use asyncio."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


class Visit:
    """A browser context on the site that refuses, and remembers, requests outside it."""

    def __init__(self, browser: Browser, site_url: str) -> None:
        self.site_url = site_url
        self.outside: list[str] = []
        self.contexts: list[BrowserContext] = []
        self.browser = browser

    def open(
        self,
        path: str,
        *,
        when: datetime | None = BEFORE_REVIEW,
        viewport: dict[str, int] = DESKTOP,
    ) -> Page:
        """Open a page in a fresh context; ``when`` is the reader's date (``None``: real clock)."""
        context = self.browser.new_context(viewport=viewport)
        self.contexts.append(context)
        context.route("**/*", self._guard)
        page = context.new_page()
        if when is not None:
            page.clock.set_fixed_time(when)
        page.goto(self.site_url + path)
        page.wait_for_load_state("networkidle")
        return page

    def _guard(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(self.site_url) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def visit(browser: Browser, site_url: str) -> Iterator[Visit]:
    session = Visit(browser, site_url)
    yield session
    session.close()
    assert session.outside == [], "the browser tried to reach outside the site"


def test_policy_page_opens_with_what_staff_need(visit: Visit) -> None:
    page = visit.open("policies/POL-SAF-01.html", viewport=PHONE)
    expect(page.locator("h1")).to_contain_text("Safeguarding children and adults at risk")
    panel = page.locator(".polisi-panel")
    expect(panel.locator(".polisi-badges")).to_have_text("POL-SAF-01 Approved In date")

    def fact(name: str) -> str:
        return panel.locator(f"div:has(> dt:text-is('{name}')) > dd").inner_text().strip()

    assert fact("Owner") == "Registered Manager"
    assert fact("Version") == "2.0"
    assert fact("Next review") == "1 March 2027"
    assert fact("Procedures") == "PRO-SAF-01 Responding to a safeguarding concern"
    expect(panel.get_by_role("link", name="POL-SAF-01.pdf (signed PDF)")).to_be_visible()
    purpose = page.get_by_role("heading", name="Purpose").bounding_box()
    assert purpose is not None and purpose["y"] + purpose["height"] < PHONE["height"], (
        "the text does not start on the phone's first screen"
    )
    basis = panel.locator("details.polisi-basis")
    expect(basis.locator("summary")).to_have_text(
        "Legal basis: 2 legislation, 1 statutory guidance, 1 code of professional practice, "
        "1 guidance"
    )
    link = panel.get_by_role("link", name="SI 2017/1264 reg 27")
    expect(link).to_be_hidden()
    basis.locator("summary").click()
    expect(link).to_be_visible()
    assert (link.get_attribute("href") or "").startswith("https://www.legislation.gov.uk/")
    expect(page.locator(".polisi-overdue")).to_be_hidden()
    expect(page.get_by_role("heading", name="Revision history")).to_be_attached()


def test_printed_page_carries_the_whole_legal_basis(visit: Visit) -> None:
    page = visit.open("policies/POL-SAF-01.html")
    link = page.get_by_role("link", name="SI 2017/1264 reg 27")
    expect(link).to_be_hidden()
    page.emulate_media(media="print")
    expect(link).to_be_visible()
    page.emulate_media(media="screen")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details.polisi-basis").get_attribute("open") is not None


def test_following_a_procedure_link(visit: Visit, site_url: str) -> None:
    page = visit.open("policies/POL-SAF-01.html")
    page.get_by_role("link", name="reporting a concern").click()
    page.wait_for_load_state("networkidle")
    assert page.url == site_url + "procedures/PRO-SAF-01.html#reporting-a-concern"
    expect(page.get_by_role("heading", name="Reporting a concern")).to_be_in_viewport()
    page.locator(".polisi-panel").get_by_role("link", name="POL-SAF-01").click()
    assert page.url == site_url + "policies/POL-SAF-01.html"


def test_search_finds_a_procedure(visit: Visit, site_url: str) -> None:
    page = visit.open("index.html", when=None)  # a fixed clock stalls the results' animation
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially(SEARCH_TERM, delay=30)
    expect(page.locator(".md-search-result__meta")).to_have_text(
        "1 matching document", timeout=10_000
    )
    result = page.locator(".md-search-result__item a", has_text="Reporting a concern").first
    expect(result).to_contain_text(SEARCH_TERM)
    result.click()
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(site_url + "procedures/PRO-SAF-01.html")
    expect(page.locator("mark", has_text=SEARCH_TERM).first).to_be_visible()


def test_overdue_banner_appears_once_the_reader_is_past_the_review_date(visit: Visit) -> None:
    on_the_day = visit.open("policies/POL-SAF-01.html", when=ON_REVIEW_DAY)
    expect(on_the_day.locator(".polisi-overdue")).to_be_hidden()
    expect(on_the_day.locator(".polisi-badges .polisi-state")).to_have_text("Due soon")
    page = visit.open("policies/POL-SAF-01.html", when=AFTER_REVIEW)
    banner = page.locator(".polisi-overdue")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Overdue for review")
    expect(banner).to_contain_text("due for review on 1 March 2027")
    expect(page.locator(".polisi-badges .polisi-state")).to_have_text("Overdue")


def _group(page: Page, group_id: str) -> list[str]:
    """The document ids listed under one heading of the review schedule, or ["None."]."""
    section = page.locator(f"[data-review-group='{group_id}']")
    if section.locator(".polisi-empty").is_visible():
        return [section.locator(".polisi-empty").inner_text()]
    return section.locator("tbody tr .polisi-id").all_inner_texts()


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (
            BEFORE_REVIEW,
            {"overdue": [], "due": [], "in_date": ["PRO-SAF-01", "POL-SAF-01", "SOP-01"]},
        ),
        (
            datetime(2026, 8, 1, 9, 0),
            {"overdue": [], "due": ["PRO-SAF-01"], "in_date": ["POL-SAF-01", "SOP-01"]},
        ),
        (
            datetime(2027, 1, 15, 9, 0),
            {"overdue": ["PRO-SAF-01"], "due": ["POL-SAF-01", "SOP-01"], "in_date": []},
        ),
        (
            datetime(2027, 6, 1, 9, 0),
            {"overdue": ["PRO-SAF-01", "POL-SAF-01", "SOP-01"], "due": [], "in_date": []},
        ),
    ],
    ids=["as-built", "one-due", "overdue-and-due", "all-overdue"],
)
def test_review_state_is_the_readers_everywhere(
    visit: Visit, when: datetime, expected: dict[str, list[str]]
) -> None:
    """Badges, the schedule's groups and the home page's counts, all on the reader's date."""
    schedule = visit.open("review-schedule.html", when=when)
    for group, ids in expected.items():
        assert _group(schedule, group) == (ids or ["None."]), group
        for doc_id in ids:
            badge = schedule.locator(f"tr:has(.polisi-id:text-is('{doc_id}')) .polisi-state")
            expect(badge).to_have_text(
                {"overdue": "Overdue", "due": "Due soon", "in_date": "In date"}[group]
            )
    home = visit.open("index.html", when=when)
    counts = home.locator(".polisi-counts li").all_inner_texts()
    assert counts == [
        f"{len(expected['overdue'])} overdue",
        f"{len(expected['due'])} due soon",
        f"{len(expected['in_date'])} in date",
    ]
    expect(home.locator("time.polisi-today")).to_have_text(f"{when.day} {when:%B %Y}")
    listing = visit.open("procedures/index.html", when=when)
    state = (
        "overdue"
        if "PRO-SAF-01" in expected["overdue"]
        else "due"
        if "PRO-SAF-01" in expected["due"]
        else "in_date"
    )
    expect(listing.locator("tr:has-text('PRO-SAF-01') .polisi-state")).to_have_text(
        {"overdue": "Overdue", "due": "Due soon", "in_date": "In date"}[state]
    )


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (BEFORE_REVIEW, [("POL-SAF-01", "2.0"), ("PRO-SAF-01", "1.1"), ("SOP-01", "1.0"), ("POL-SAF-01", "1.0")]),
        (datetime(2026, 6, 6, 9, 0), [("POL-SAF-01", "2.0"), ("PRO-SAF-01", "1.1"), ("SOP-01", "1.0")]),
        (datetime(2026, 6, 20, 9, 0), []),
    ],
    ids=["as-built", "review-left-the-window", "nothing-left"],
)
def test_whats_new_window_ends_on_the_readers_date(
    visit: Visit, when: datetime, expected: list[tuple[str, str]]
) -> None:
    """110 days back from the reader's date: on 6 June the review of 15 February is 111 days old, on
    20 June the approvals of 1 March are too; the sentence above the table names the reader's date."""
    page = visit.open("whats-new.html", when=when)
    expect(page.locator("time.polisi-today")).to_have_text(f"{when.day} {when:%B %Y}")
    rows = page.locator("tr[data-decided]:visible")
    assert [(row.locator(".polisi-id").inner_text(), row.locator("td").nth(2).inner_text())
            for row in rows.all()] == expected
    empty = page.locator(".polisi-empty")
    if expected:
        expect(empty).to_be_hidden()
    else:
        expect(empty).to_have_text("No document was approved or reviewed in the last 110 days.")
        expect(page.locator("[data-whats-new-days] table")).to_be_hidden()
    link = visit.open("index.html", when=when).get_by_role("link", name="What's new").first
    link.click()
    expect(link.page).to_have_url(visit.site_url + "whats-new.html")


def test_whats_new_without_script_is_the_window_up_to_the_build_date(browser: Browser, site_url: str) -> None:
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "whats-new.html")
        expect(page.locator("time.polisi-today")).to_have_text("1 June 2026")
        assert page.locator("tr[data-decided]:visible").count() == 4
    finally:
        context.close()


def test_opened_from_disk_says_search_needs_the_server(
    browser: Browser, built_site: BuiltSite
) -> None:
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        home = (built_site.staff / "index.html").as_uri()
        page.goto(home)
        notice = page.locator(".polisi-offline")
        expect(notice).to_have_text(
            "Search needs the intranet server: this copy was opened from a file, so search is "
            "switched off. Use the menu, or open the site from the intranet."
        )
        expect(page.locator(".polisi-search-tip")).to_be_hidden()
        for key in ("n", "p", ".", ",", "s", "/"):
            page.keyboard.press(key)
            page.wait_for_timeout(150)
            assert page.url == home, f"pressing {key!r} left the page"
        page.goto((built_site.staff / "policies/POL-SAF-01.html").as_uri())
        expect(page.locator(".polisi-offline")).to_be_visible()
    finally:
        context.close()


def test_page_jump_keys_do_nothing_on_the_server(visit: Visit, site_url: str) -> None:
    page = visit.open("policies/POL-SAF-01.html")
    for key in ("n", "p", ".", ","):
        page.keyboard.press(key)
        page.wait_for_timeout(150)
        assert page.url == site_url + "policies/POL-SAF-01.html", key
    expect(page.locator(".polisi-offline")).to_have_count(0)


def test_not_found_page_in_the_house_style(visit: Visit, site_url: str) -> None:
    page = visit.open("404.html")
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.locator(".md-header")).to_be_visible()
    home = page.get_by_role("link", name="Go to the home page")
    assert home.get_attribute("href") == "/index.html"
    home.click()
    page.wait_for_load_state("networkidle")
    assert page.url == site_url + "index.html"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_template_at_both_widths(
    visit: Visit, path: str, viewport: dict[str, int], tmp_path: Path
) -> None:
    """Each page renders, never scrolls sideways, and axe-core with the WCAG 2.2 AA tags finds
    no serious or critical violation; on the phone also with the navigation drawer open."""
    page = visit.open(path, viewport=viewport)
    shot = tmp_path / f"{path.replace('/', '_')}-{viewport['width']}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} scrolls sideways at {viewport['width']}px"
    panel = page.locator(".polisi-panel")
    if panel.count():
        box = panel.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    axe = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    page.evaluate(axe)
    states = ["page"]
    if viewport is PHONE:
        states.append("drawer")
    for state in states:
        if state == "drawer":
            page.locator("label.md-header__button[for='__drawer']").click()
            expect(page.locator(".md-sidebar--primary")).to_be_in_viewport()
        results = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA
        )
        serious = [
            f"{state}: {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == []
        assert results["passes"], "axe ran no checks"
