"""Front matter and ``polisi.yml`` text reaches every output as the text it is, never as markup.

A title, owner or summary is shown outside the body an author wrote as Markdown: in the
site's headings, lists and search index, in the PDF's front block, outline and metadata, in
the bundle's contents and registers, and in Word's title and document properties. Written
with Markdown link syntax, raw HTML, an attribute list or a line break, it must print as
written everywhere: no link to the address in it, no tag, no attribute, no new block. The
handbook passes ``polisi check`` (such a title is odd, not wrong), so ``polisi build all``
builds it, and every output is read back.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import docx
import pikepdf
import pytest

from polisi.edit.record_only import record_stated_approvals

from .pdf_handbook import commit_and_build, make_handbook, pdftotext

EVIL = "evil.example"
TITLE = ('Safeguarding [click me](https://evil.example/t) *starred* <b onclick="steal()">bold</b> '
         '{: onclick="steal()" } & \\ `code` ![p](https://evil.example/p.png) </title><script>steal()</script>')
OWNER = "Manager <img src=x onerror=steal()> [home](javascript:steal())"
SUMMARY = "How we keep people safe.\n\n<script>steal()</script>\n!!! danger \"boo\""
SERVICE = "Centre <i>italic</i> [x](https://evil.example/s)"
SHOWN_SUMMARY = "How we keep people safe. <script>steal()</script> !!! danger \"boo\""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_handbook(tmp_path_factory.mktemp("front") / "handbook")
    config = root / "polisi.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "service: Example residential family centre", f"service: {json.dumps(SERVICE)}"), encoding="utf-8")
    policy = root / "policies" / "POL-SAF-01.md"
    text = policy.read_text(encoding="utf-8")
    text = text.replace("title: Safeguarding children and adults at risk", f"title: {json.dumps(TITLE)}")
    text = text.replace("owner: Registered Manager", f"owner: {json.dumps(OWNER)}\nsummary: {json.dumps(SUMMARY)}")
    policy.write_text(text, encoding="utf-8")
    record_stated_approvals(root)
    commit_and_build(root, "A hostile title", date="2026-04-02T10:00:00+01:00")
    return root


def flat(text: str) -> str:
    return " ".join(text.split())


def bare(text: str) -> str:
    """Without any whitespace: a PDF line may break inside an address."""
    return "".join(text.split())


def visible(html: str) -> str:
    """The text a reader sees of an HTML fragment: tags gone, entities read."""
    import html as html_module

    return flat(html_module.unescape(re.sub(r"<[^>]+>", " ", html)))


def no_markup_from_front_matter(html: str) -> None:
    """No element, attribute or link in ``html`` came from the hostile strings (their text may show)."""
    from lxml import etree
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html) if html.strip() else None
    for element in tree.iter() if tree is not None else ():
        if not isinstance(element.tag, str):
            continue
        assert element.tag not in ("b", "i"), etree.tostring(element)[:200]
        assert not (element.tag == "script" and "steal" in (element.text or ""))  # Material's own scripts stay
        for name, value in element.attrib.items():
            assert not name.startswith("on"), (element.tag, name)
            assert EVIL not in value and not value.startswith("javascript"), (element.tag, name, value)
        assert not (element.tag == "em" and "starred" in (element.text or ""))
        assert not (element.tag == "code" and element.text == "code")
    for title in re.findall(r"<title>(.*?)</title>", html, re.S):
        assert "<" not in title, title  # a "<" there could close the title and open a script


def test_site_pages_show_front_matter_as_written(hostile: Path) -> None:
    site = hostile / "build" / "site"
    page = (site / "policies" / "POL-SAF-01.html").read_text(encoding="utf-8")
    no_markup_from_front_matter(page)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert heading is not None
    assert visible(heading.group(1)).removesuffix(" ¶") == flat(TITLE)
    assert flat(OWNER) in visible(page)
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title is not None and flat(TITLE) in visible(title.group(1))
    listing = (site / "policies" / "index.html").read_text(encoding="utf-8")
    no_markup_from_front_matter(listing)
    assert flat(TITLE) in visible(listing) and SHOWN_SUMMARY in visible(listing)
    for name in ("index.html", "areas.html", "legal-basis.html", "review-schedule.html"):
        no_markup_from_front_matter((site / name).read_text(encoding="utf-8"))
    home = visible((site / "index.html").read_text(encoding="utf-8"))
    assert flat(SERVICE) in home


def test_search_index_holds_the_title_as_text(hostile: Path) -> None:
    index = json.loads((hostile / "build" / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = [d for d in index["docs"] if d["location"] == "policies/POL-SAF-01.html"]
    assert visible(entries[0]["title"]).endswith(flat(TITLE))
    for entry in index["docs"]:
        no_markup_from_front_matter(entry["title"] + entry["text"])


def link_targets(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [str(annot.A.URI) for page in pdf.pages for annot in page.get("/Annots", [])
                if "/A" in annot and "/URI" in annot.A]


def test_pdf_and_bundle_print_front_matter_as_written(hostile: Path) -> None:
    build = hostile / "build"
    for path in (build / "pdf" / "POL-SAF-01.pdf", build / "bundle" / "inspector-bundle.pdf"):
        assert bare(TITLE) in bare(pdftotext(path)), path.name
        assert EVIL not in " ".join(link_targets(path)), path.name
        assert not any(t.startswith("javascript") for t in link_targets(path))
    document = bare(pdftotext(build / "pdf" / "POL-SAF-01.pdf"))
    assert bare(OWNER) in document and bare(SHOWN_SUMMARY) in document
    with pikepdf.open(build / "pdf" / "POL-SAF-01.pdf") as pdf:
        assert str(pdf.open_metadata()["dc:title"]) == f"POL-SAF-01 {flat(TITLE)}"


def test_word_copy_keeps_front_matter_as_written(hostile: Path) -> None:
    path = hostile / "build" / "docx" / "POL-SAF-01.docx"
    word = docx.Document(str(path))
    assert word.core_properties.title == flat(TITLE)
    assert word.core_properties.comments == SHOWN_SUMMARY
    paragraphs = [flat(p.text) for p in word.paragraphs]
    assert flat(TITLE) in paragraphs
    with zipfile.ZipFile(path) as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode()
        custom = archive.read("docProps/custom.xml").decode()
    assert EVIL not in rels and "javascript" not in rels
    assert "Manager &lt;img src=x onerror=steal()&gt; [home](javascript:steal())" in custom
