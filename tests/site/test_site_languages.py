"""The site in each language: build/site/ (English) and build/site/cy/ (Welsh), in headless Chromium.

A small bilingual handbook in real git: POL-SAF-01 and POL-MIS-01 have Welsh drafts, the statement
of purpose has none. Every page carries its language, every page links to its own pair, and a
document with no Welsh version says so in Welsh instead of silently showing the English.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from tests.bilingual import bilingual_handbook
from tests.gitbook import polisi

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
_HTML_LANG = re.compile(r'<html[^>]*\blang="([^"]+)"')


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = bilingual_handbook(tmp_path_factory.mktemp("bilingual") / "book")
    done = polisi("build", "site", str(root), "--as-of", "2026-03-01")
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "build" / "site"


@pytest.fixture(scope="module")
def page(site: Path) -> Iterator[tuple[Page, str]]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with sync_playwright() as playwright:
        browser: Browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser.new_page(viewport={"width": 1280, "height": 900}), f"http://127.0.0.1:{server.server_address[1]}/"
        browser.close()
    server.shutdown()
    server.server_close()


def test_every_page_of_each_tree_says_its_language(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    welsh = [p for p in pages if p.relative_to(site).parts[0] == "cy"]
    english = [p for p in pages if p not in welsh]
    assert len(welsh) >= 10 and len(english) >= 10
    assert {_HTML_LANG.search(p.read_text(encoding="utf-8")).group(1) for p in welsh} == {"cy"}  # type: ignore[union-attr]
    assert {_HTML_LANG.search(p.read_text(encoding="utf-8")).group(1) for p in english} == {"en"}  # type: ignore[union-attr]
    assert {p.relative_to(site / "cy") for p in welsh if p.name != "404.html"} == {
        p.relative_to(site) for p in english if p.name != "404.html"}


def test_the_switcher_links_each_page_to_its_own_pair(page: tuple[Page, str]) -> None:
    tab, url = page
    tab.goto(url + "policies/POL-SAF-01.html")
    assert tab.evaluate("document.documentElement.lang") == "en"
    switch = tab.locator(".polisi-language a")
    assert (switch.inner_text(), switch.get_attribute("hreflang")) == ("Y dudalen hon yn Gymraeg", "cy")
    switch.click()
    tab.wait_for_url(url + "cy/policies/POL-SAF-01.html")
    assert tab.evaluate("document.documentElement.lang") == "cy"
    assert tab.locator("h1").first.inner_text().rstrip("¶") == "Diogelu"
    notice = tab.locator(".polisi-notice--translation-draft")
    assert " ".join(notice.inner_text().split()) == (
        "Cyfieithiad drafft, yn aros am adolygiad Cyfieithiad drafft o fersiwn 1.0 yw hwn. Nid yw siaradwr "
        "Cymraeg rhugl wedi'i adolygu eto. Y fersiwn Saesneg yw'r testun a gymeradwywyd: POL-SAF-01 Safeguarding")
    assert tab.locator(".polisi-panel dt").all_inner_texts()[:3] == ["Perchennog", "Fersiwn", "Adolygiad nesaf"]
    tab.locator(".md-content a", has_text="pobl ar goll").click()
    tab.wait_for_url(url + "cy/policies/POL-MIS-01.html")
    assert tab.locator("h1").first.inner_text().rstrip("¶") == "Pobl ar goll"
    tab.locator(".polisi-language a").click()
    tab.wait_for_url(url + "policies/POL-MIS-01.html")
    menu = [(a.get_attribute("href"), a.get_attribute("hreflang")) for a in tab.locator(".md-select__link").all()]
    assert menu == [("../index.html", "en"), ("../cy/index.html", "cy")]


def test_a_document_without_a_welsh_version_says_so_in_welsh(page: tuple[Page, str]) -> None:
    tab, url = page
    tab.goto(url + "cy/statement_of_purpose/SOP-01.html")
    assert tab.evaluate("document.documentElement.lang") == "cy"
    notice = tab.locator(".polisi-notice--untranslated")
    assert " ".join(notice.inner_text().split()) == (
        "Dim fersiwn Gymraeg eto Nid oes fersiwn Gymraeg o'r ddogfen hon eto. Mae'r fersiwn Saesneg yma: "
        "SOP-01 Statement of purpose")
    assert tab.locator(".md-content .polisi-panel").count() == 0  # no English text passed off as Welsh
    notice.locator("a").click()
    tab.wait_for_url(url + "statement_of_purpose/SOP-01.html")
    assert tab.evaluate("document.documentElement.lang") == "en"
    tab.goto(url + "cy/index.html")
    assert tab.locator(".md-nav__link", has_text="Pob polisi").count() >= 1
    assert tab.locator(".md-search__input").get_attribute("placeholder") == "Chwilio"


def test_polisis_own_words_exist_in_both_languages(site: Path) -> None:
    from polisi.render.site_labels import ENGLISH, WELSH

    assert set(ENGLISH) == set(WELSH)
    register = (site / "cy" / "legal-basis.html").read_text(encoding="utf-8")
    for words in ("Cofrestr y sail gyfreithiol", "Cymalau nad oes dogfen yn eu dyfynnu", "Deddfwriaeth",
                  "Wedi'i ddyfynnu gan"):
        assert words in register.replace("&#39;", "'")
    schedule = (site / "cy" / "review-schedule.html").read_text(encoding="utf-8").replace("&#39;", "'")
    for words in ("Amserlen adolygu", "Caiff dogfennau eu grwpio", "Yn hwyr", "Mewn pryd", "Adolygiad nesaf"):
        assert words in schedule
    assert "Clauses no document cites" in (site / "legal-basis.html").read_text(encoding="utf-8")


def test_welsh_pages_give_the_readers_date_in_welsh(page: tuple[Page, str]) -> None:
    """The "as on" date review.js sets from the reader's clock is in the page's language."""
    tab, url = page
    browser = tab.context.browser
    assert browser is not None
    reader = browser.new_page()
    try:
        reader.clock.set_fixed_time(datetime(2026, 3, 5, 9, 0))
        for path in ("cy/whats-new.html", "cy/index.html"):
            reader.goto(url + path)
            expect(reader.locator("time.polisi-today")).to_have_text("5 Mawrth 2026")
        reader.goto(url + "whats-new.html")
        expect(reader.locator("time.polisi-today")).to_have_text("5 March 2026")
    finally:
        reader.close()


def test_the_welsh_revision_history_is_the_approval_record_in_welsh_words(site: Path) -> None:
    """Labels and decisions in Welsh; the record's summary, written in English, is marked as English."""
    page = (site / "cy" / "policies" / "POL-SAF-01.html").read_text(encoding="utf-8").replace("&#39;", "'")
    history = page[page.index('id="revision-history"'):]
    table = history[history.index("<table"):history.index("</table>")]
    cells = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip()
             for c in re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", table, re.S)]
    summary = "Approval recorded from the approved text; no change summary was kept at the time"
    assert cells == ["Fersiwn", "Dyddiad", "Penderfyniad", "Newid", "Tystiolaeth",
                     "1.0", "10 Ionawr 2026", "Cymeradwywyd gan Board", summary, "Heb ei gofnodi"]
    assert f'<td lang="en-GB">{summary}</td>' in table


@pytest.mark.parametrize("path", ["cy/policies/POL-SAF-01.html", "cy/statement_of_purpose/SOP-01.html"])
def test_welsh_pages_pass_axe_wcag_22_aa(page: tuple[Page, str], path: str) -> None:
    from importlib import resources

    tab, url = page
    tab.goto(url + path)
    tab.evaluate((resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8"))
    results = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    serious = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
               for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert results["passes"]
