"""The portal in headless Chromium (Debian's, driven by Playwright), as staff and a manager use it.

An invitation, setting a password, signing in, reading a page, answering its question and
acknowledging, a new major version asking again, and the manager's report. Every request the
browser makes is checked to stay on the portal; screenshots are kept for people to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright
from portal_handbook import git, run_polisi, write_document

from polisi.handbook.model import load_handbook
from polisi.ledger.database import open_ledger
from polisi.ledger.store import invite

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SHOTS = Path(os.environ.get("POLISI_SCREENSHOTS", "")) if os.environ.get("POLISI_SCREENSHOTS") else None
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visitor:
    """One person's browser context; it refuses and remembers any request outside the portal."""

    def __init__(self, browser: Browser, base: str, shots: Path) -> None:
        self.base = base
        self.outside: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._guard)
        self.page = self.context.new_page()
        self.shots = shots

    def _guard(self, route: Route) -> None:
        if route.request.url.startswith(self.base) or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def go(self, path: str) -> Page:
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def shot(self, name: str) -> None:
        for folder in filter(None, (self.shots, SHOTS)):
            folder.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _invitation(root: Path, email: str) -> str:
    engine = open_ledger(load_handbook(root))
    token = invite(engine, email)
    engine.dispose()
    return f"/_portal/invitation/{token}"


def _join(visitor: Visitor, root: Path, email: str, name: str) -> None:
    page = visitor.go(_invitation(root, email))
    expect(page.get_by_role("heading", name=f"Welcome, {name}")).to_be_visible()
    page.get_by_label("New password").fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()
    page.wait_for_url("**/_portal/sign-in**")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/_portal/reading")


@pytest.mark.parametrize("ledger_url", ["sqlite"], indirect=True)
def test_staff_and_a_manager_in_the_browser(browser, portal, handbook, tmp_path) -> None:  # type: ignore[no-untyped-def]
    owen = Visitor(browser, portal.url, tmp_path / "shots")
    page = owen.go("/policies/POL-SAF-01.html")
    page.wait_for_url("**/_portal/sign-in?next=**")
    expect(page.get_by_role("heading", name="Sign in to the Example family centre handbook")).to_be_visible()
    owen.shot("sign-in")

    _join(owen, handbook, "owen@example.org", "Owen Worker")
    expect(page.get_by_role("heading", name="To read and acknowledge (3)")).to_be_visible()
    expect(page.get_by_role("link", name="Acknowledgements")).to_have_count(0)
    owen.shot("my-reading")

    page.get_by_role("link", name="POL-SAF-01 Safeguarding children and adults at risk").click()
    page.wait_for_url("**/policies/POL-SAF-01.html")
    panel = page.get_by_role("region", name="Acknowledgement")
    expect(panel.get_by_role("group", name="Who do you tell first about a worry?")).to_be_visible()
    expect(page.get_by_text("Everyone at the centre keeps children and adults safe.")).to_be_visible()
    owen.shot("document-before")
    panel.get_by_label("The shift leader").check()
    panel.get_by_role("button", name="I have read and understood version 2.0").click()
    page.wait_for_url("**/policies/POL-SAF-01.html")
    expect(page.get_by_role("region", name="Acknowledgement")).to_contain_text(
        "You have read and understood version 2.0")
    owen.shot("document-acknowledged")

    rhian = Visitor(browser, portal.url, tmp_path / "shots")
    _join(rhian, handbook, "rhian@example.org", "Rhian Manager")
    manage = rhian.go("/_portal/manage")
    row = manage.get_by_role("row", name="POL-SAF-01 Safeguarding children and adults at risk")
    expect(row).to_contain_text("acknowledged by 1 of 3 (33%)")
    expect(manage.get_by_role("row", name="Owen Worker")).to_contain_text("2")
    rhian.shot("manager-report")

    write_document(handbook, "policies/POL-SAF-01.md", version="3.0",
                   extra="audience: [All staff]\nprocedures: [PRO-SAF-01]\n",
                   body="Everyone keeps children and adults safe. Tell the designated safeguarding lead at once.")
    git(handbook, "commit", "-q", "-am", "POL-SAF-01 3.0")
    assert run_polisi("build", "site", str(handbook), "--as-of", "2026-06-01").returncode == 0
    page = owen.go("/policies/POL-SAF-01.html")
    panel = page.get_by_role("region", name="Acknowledgement")
    expect(panel).to_contain_text("You acknowledged version 2.0. Version 3.0 changed enough that we ask again.")
    expect(panel.get_by_role("button", name="I have read and understood version 3.0")).to_be_visible()
    owen.shot("document-new-major")
    again = rhian.go("/_portal/manage").get_by_role("row", name="POL-SAF-01 Safeguarding children and adults at risk")
    expect(again).to_contain_text("3.0")
    expect(again).to_contain_text("acknowledged by 0 of 3 (0%)")

    forbidden = owen.context.request.get(portal.url + "/_portal/manage")
    assert forbidden.status == 403
    assert owen.outside == [] and rhian.outside == []
