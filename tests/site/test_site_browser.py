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
from site_handbook import SEARCH_TERM

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


def test_policy_page_shows_its_panel(visit: Visit) -> None:
    page = visit.open("policies/POL-SAF-01.html")
    expect(page.locator("h1")).to_contain_text("Safeguarding children and adults at risk")
    panel = page.locator(".polisi-panel")
    expect(panel).to_be_visible()

    def fact(name: str) -> str:
        return panel.locator(f"div:has(> dt:text-is('{name}')) > dd").inner_text().strip()

    assert fact("Reference") == "POL-SAF-01"
    assert fact("Version") == "2.0"
    assert fact("Status") == "Approved"
    assert fact("Owner") == "Registered Manager"
    assert fact("Approved by") == "Responsible Individual"
    assert fact("Approved on") == "1 March 2026"
    assert fact("Next review") == "1 March 2027 In date"
    assert fact("Procedures") == "PRO-SAF-01 Responding to a safeguarding concern"
    assert "SI 2017/1264 reg 27" in fact("Legislation")
    link = panel.get_by_role("link", name="SI 2017/1264 reg 27")
    assert (link.get_attribute("href") or "").startswith("https://www.legislation.gov.uk/")
    expect(panel.get_by_role("link", name="POL-SAF-01.pdf (signed PDF)")).to_be_visible()
    expect(page.locator(".polisi-overdue")).to_be_hidden()
    expect(page.get_by_role("heading", name="Revision history")).to_be_visible()


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
    page = visit.open("policies/POL-SAF-01.html", when=AFTER_REVIEW)
    banner = page.locator(".polisi-overdue")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Overdue for review")
    expect(banner).to_contain_text("due for review on 1 March 2027")
    expect(page.locator(".polisi-panel .polisi-state")).to_have_text("Overdue")
    schedule = visit.open("review-schedule.html", when=AFTER_REVIEW)
    expect(schedule.locator("tr", has_text="POL-SAF-01").locator(".polisi-state")).to_have_text(
        "Overdue"
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_screenshots_and_phone_width(
    visit: Visit, viewport: dict[str, int], tmp_path: Path
) -> None:
    for name in ("index", "policies/POL-SAF-01", "legal-basis"):
        page = visit.open(f"{name}.html", viewport=viewport)
        shot = tmp_path / f"{name.replace('/', '_')}-{viewport['width']}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {viewport['width']}px"
    page = visit.open("policies/POL-SAF-01.html", viewport=viewport)
    panel = page.locator(".polisi-panel").bounding_box()
    assert (
        panel is not None and panel["x"] >= 0 and panel["x"] + panel["width"] <= viewport["width"]
    )


@pytest.mark.parametrize(
    "path",
    ["index.html", "policies/POL-SAF-01.html", "procedures/PRO-SAF-01.html", "legal-basis.html"],
)
def test_accessibility_wcag_22_aa(visit: Visit, path: str) -> None:
    axe = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    page = visit.open(path)
    page.evaluate(axe)
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA
    )
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    assert results["passes"], "axe ran no checks"
