"""The staff site as built files: pages, panel, drafts, registers, offline safety, failures."""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from importlib import resources
from pathlib import Path

import yaml
from site_handbook import AS_OF, BuiltSite, run_polisi, site_files, write_handbook

from polisi.handbook.catalogue import load_catalogue
from polisi.handbook.markdown import EXTENSIONS
from polisi.handbook.model import load_handbook
from polisi.render.site_plan import clause_label

REPO = Path(__file__).resolve().parents[2]
URL = re.compile(r"https?://[^\s\"'<>)\\`]+")
NAMESPACES = ("http://www.w3.org/", "http://www.sitemaps.org/schemas/sitemap/0.9")
"""XML namespace names: identifiers, never fetched."""


def _text(path: Path) -> str:
    return html.unescape(path.read_text(encoding="utf-8"))


def _extension_names(config_path: Path) -> list[str]:
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    return [next(iter(e)) if isinstance(e, dict) else e for e in config["markdown_extensions"]]


def test_mkdocs_yml_renders_markdown_like_the_pdf_and_word() -> None:
    packaged = Path(str(resources.files("polisi.render") / "templates" / "site" / "mkdocs.yml"))
    assert _extension_names(REPO / "mkdocs.yml") == list(EXTENSIONS)
    assert packaged.read_text(encoding="utf-8") == (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["theme"]["font"] is False and config["extra"]["generator"] is False
    assert config["plugins"] == ["search"]


def test_staff_build_publishes_approved_documents_only(built_site: BuiltSite) -> None:
    site = built_site.staff
    for page in (
        "index",
        "statement_of_purpose/SOP-01",
        "policies/POL-SAF-01",
        "procedures/PRO-SAF-01",
        "legal-basis",
        "review-schedule",
        "whats-new",
        "policies/index",
        "procedures/index",
    ):
        assert (site / f"{page}.html").is_file(), page
    assert not (site / "procedures/PRO-SAF-02.html").exists()
    assert not (site / "policies/POL-WB-01.html").exists()
    policy = _text(site / "policies/POL-SAF-01.html")
    # the link to the draft procedure goes to a page that says it is not published
    assert 'href="../unpublished/PRO-SAF-02.html"' in policy
    stub = _text(site / "unpublished/PRO-SAF-02.html")
    assert "a draft awaiting approval" in stub and "Allegations against staff" in stub
    assert "Allegations against staff" not in _text(site / "search/search_index.json")


def _words(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def _table(fragment: str) -> list[list[str]]:
    """The cells' words of the first table in ``fragment``, row by row (the header row first)."""
    table = fragment[fragment.index("<table") : fragment.index("</table>")]
    return [[_words(cell) for cell in re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", table, re.S)]


def test_document_page_opens_with_what_staff_need(built_site: BuiltSite) -> None:
    """Title, badges, owner, version and the signed PDF, then the text: the legal basis is one
    line of counts that expands, and the approval facts and history follow the text."""
    page = _text(built_site.staff / "policies/POL-SAF-01.html")
    panel = page[page.index('class="polisi-panel"') : page.index("</section>")]
    assert _words(panel[: panel.index("<details")]) == (
        'class="polisi-panel" aria-label="About this document" data-search-exclude=""> '
        "POL-SAF-01 Approved In date Owner Registered Manager Version 2.0 "
        "Next review 1 March 2027 Signed copy POL-SAF-01.pdf (signed PDF) "
        "Procedures PRO-SAF-01 Responding to a safeguarding concern"
    )
    assert 'data-review-due="2027-03-01" data-warning-days="60"' in panel
    assert '<a href="../pdf/POL-SAF-01.pdf" download="">' in panel
    assert (built_site.staff / "pdf/POL-SAF-01.pdf").read_bytes().startswith(b"%PDF")
    assert page.index("</section>") < page.index('id="purpose"')
    basis = panel[panel.index('<details class="polisi-basis">') :]
    assert _words(basis[: basis.index("</summary>")]) == (
        "Legal basis: 2 legislation, 1 statutory guidance, 1 code of professional practice, "
        "1 guidance"
    )
    catalogue, _ = load_catalogue()
    for label, clause_id in (
        ("Legislation", "SPRI-2017:reg-27"),
        ("Legislation", "SSWBA-2014:s-130"),
        ("Statutory guidance", "SG-SPRI-2019:reg-27"),
        ("Code of Professional Practice", "CoPP-W-2026"),
        ("Guidance", "WSP:chi-s2"),
    ):
        clause = catalogue.get(clause_id)
        assert clause is not None
        if clause.url is None:  # seen only in a third-party copy: named, never linked to the copy
            entry = html.escape(f"{clause_label(clause)}: {clause.title}", quote=False)
            assert entry in basis
            assert basis.index(f"<dt>{label}</dt>") < basis.index(entry)
            continue
        assert f'href="{clause.url}"' in basis
        assert basis.index(f"<dt>{label}</dt>") < basis.index(f'href="{clause.url}"')
        if clause.locator:
            assert clause.title in basis
    about = page[page.index('id="polisi-about"') : page.index('id="revision-history"')]
    assert _words(about[about.index("<dl") :]).startswith(
        "Reference POL-SAF-01 Area Safeguarding "
        "Approved by Responsible Individual Approved on 1 March 2026 "
        "Last reviewed 1 March 2026 Next review 1 March 2027 In date"
    )
    assert 'href="../areas.html#saf"' in about
    history = page[page.index('id="revision-history"') :]
    assert _table(history) == [
        ["Version", "Date", "Decision", "Change", "Evidence"],
        ["2.0", "1 March 2026", "Approved by Responsible Individual",
         "Names the procedure for allegations against staff", "Board minutes 2026-03-01, item 4"],
        ["1.0", "15 February 2026", "Reviewed by Registered Manager; no change",
         "Checked against the new regional procedures; nothing needed changing", "Not recorded"],
        ["1.0", "1 February 2026", "Approved by Responsible Individual", "First safeguarding policy of the centre",
         "Not recorded"],
    ]
    for commit_word in ("Safeguarding policy version 2.0 approved", "First handbook", "Policy Lead"):
        assert commit_word not in page  # commit messages and authors are the policy lead's, not staff's
    procedure = _text(built_site.staff / "procedures/PRO-SAF-01.html")
    assert re.search(r"<dt>Policy</dt><dd>.*?href=\"../policies/POL-SAF-01.html\"", procedure)
    assert 'href="../policies/POL-SAF-01.html">safeguarding policy</a>' in procedure


def test_search_snippets_are_the_documents_own_text(built_site: BuiltSite) -> None:
    index = json.loads((built_site.staff / "search/search_index.json").read_text("utf-8"))
    first = {d["location"]: d for d in index["docs"]}
    assert first["policies/POL-SAF-01.html"]["text"] == ""
    assert first["policies/POL-SAF-01.html#purpose"]["text"] == (
        "<p>Everyone at the centre keeps children and adults safe.</p>"
    )
    assert first["procedures/PRO-SAF-01.html"]["text"].startswith(
        "<p>This procedure carries out the safeguarding policy.</p>"
    )
    for doc in index["docs"]:
        assert "Registered Manager Version" not in doc["text"], doc["location"]
        assert "Legal basis:" not in doc["text"], doc["location"]
    policies = first["policies/index.html#saf"]["text"]
    assert "POL-SAF-01 Safeguarding children and adults at risk" in policies
    assert "PRO-SAF-01 Responding to a safeguarding concern" in policies


def test_index_pages_show_titles_and_ids_never_break(built_site: BuiltSite) -> None:
    policies = _text(built_site.staff / "policies/index.html")
    row = policies[policies.index('<span class="polisi-id">POL-SAF-01</span>') :]
    row = row[: row.index("</tr>")]
    assert _words(row).startswith(
        "POL-SAF-01 Safeguarding children and adults at risk How we keep children and adults at "
        "risk safe. PRO-SAF-01 Responding to a safeguarding concern 1 March 2027 In date"
    )
    procedures = _text(built_site.staff / "procedures/index.html")
    assert '<span class="polisi-id">PRO-SAF-01</span> Responding to a safeguarding concern' in (
        procedures
    )
    assert '<span class="polisi-id">POL-SAF-01</span> Safeguarding children' in procedures
    css = (built_site.staff / "assets/polisi/polisi.css").read_text("utf-8")
    assert re.search(r"\.polisi-id \{\s*white-space: nowrap;", css)


def test_preview_build_marks_drafts_and_withdrawn(built_site: BuiltSite) -> None:
    site = built_site.preview
    draft = _text(site / "procedures/PRO-SAF-02.html")
    assert "Draft: not approved" in draft and "polisi-badge--draft" in draft
    withdrawn = _text(site / "policies/POL-WB-01.html")
    assert "Withdrawn: no longer in force" in withdrawn
    assert "Preview including drafts" in _text(site / "index.html")
    assert 'href="../procedures/PRO-SAF-02.html"' in _text(site / "policies/POL-SAF-01.html")
    areas = _text(site / "areas.html")
    assert (
        'PRO-SAF-02</span> Allegations against staff</a> <span class="polisi-badge polisi-badge--draft">Draft'
        in areas
    )
    schedule = _text(site / "review-schedule.html")
    drafts = schedule[schedule.index('id="drafts"') : schedule.index('id="withdrawn"')]
    assert "PRO-SAF-02" in drafts and "PRO-SAF-01" not in drafts


def test_legal_basis_register_lists_each_clause_once(built_site: BuiltSite) -> None:
    page = _text(built_site.staff / "legal-basis.html")
    catalogue, _ = load_catalogue()
    uncited = page[page.index('id="clauses-no-document-cites"') :]
    cited = page[: page.index('id="clauses-no-document-cites"')]
    citing = {"SPRI-2017:reg-27", "SSWBA-2014:s-130", "SG-SPRI-2019:reg-27", "CoPP-W-2026",
              "WSP:chi-s2"}
    for clause_id in catalogue.clauses:
        assert page.count(f"<code>{clause_id}</code>") == 1, clause_id
        assert (f"<code>{clause_id}</code>" in cited) == (clause_id in citing), clause_id
    row = cited[cited.index("<code>SPRI-2017:reg-27</code>") :]
    row = row[: row.index("</tr>")]
    assert _words(row) == (
        "SPRI-2017:reg-27 Safeguarding policies and procedures SOP-01 Statement of purpose "
        "POL-SAF-01 Safeguarding children and adults at risk "
        "PRO-SAF-01 Responding to a safeguarding concern"
    )
    assert "Not cited" not in cited
    gaps = uncited[: uncited.index('id="not-applicable-to-this-service"')]
    not_applicable = uncited[uncited.index('id="not-applicable-to-this-service"') :]
    handbook = load_handbook(built_site.handbook)
    reasons = handbook.not_applicable
    assert "SPRI-2017:reg-10" in reasons and any("Applies only to" in r for r in reasons.values())
    for clause_id, reason in reasons.items():
        assert f"<code>{clause_id}</code>" in not_applicable, clause_id
        assert reason in not_applicable
    assert f"<code>SPRI-2017:reg-10</code><br><span class=\"polisi-summary\">{reasons['SPRI-2017:reg-10']}" in (
        not_applicable
    )
    gap_count = len(catalogue.clauses) - len(citing) - len(reasons)
    assert f"{gap_count} of {len(catalogue.clauses)} catalogue entries apply to this service" in gaps
    assert gaps.count("<code>") == gap_count
    reg64 = gaps[gaps.index("SI 2017/1264 reg 64</a>") :]
    assert _words(reg64[: reg64.index("</li>")]) == (
        "SI 2017/1264 reg 64 : Complaints policy and procedure SPRI-2017:reg-64"
    )
    seen = {"entry": "Seen only in a secondary source, not in the official text",
            "heading": "Heading seen only in a secondary source; the words are from the official text"}
    assert catalogue.get("SPRI-2017:reg-31").seen_only_in_secondary == "heading"
    assert {c.seen_only_in_secondary for c in catalogue.clauses.values()} == {None, "entry", "heading"}
    for clause_id, clause in catalogue.clauses.items():
        at = page.index(f"<code>{clause_id}</code>")
        entry = page[at:min(i for i in (page.find("</tr>", at), page.find("</li>", at)) if i != -1)]
        assert ('class="polisi-provenance"' in entry) == bool(clause.seen_only_in_secondary), clause_id
        if clause.seen_only_in_secondary:
            assert seen[clause.seen_only_in_secondary] in entry, clause_id


def test_review_schedule_and_home_summary(built_site: BuiltSite) -> None:
    schedule = _text(built_site.staff / "review-schedule.html")
    in_date = schedule[schedule.index('id="in-date"') :]
    assert "POL-SAF-01" in in_date and "PRO-SAF-01" in in_date
    due_soon = schedule[schedule.index('id="due-soon"') : schedule.index('id="in-date"')]
    assert "PRO-SAF-01" not in due_soon
    home = _text(built_site.staff / "index.html")
    assert "Example family centre" in home and "Example Care Ltd" in home
    assert re.search(r"<strong>3</strong>\s*in date", home)
    assert 'data-review-dates="2026-09-01 2027-03-01 2027-03-01"' in home
    assert 'href="areas.html">By area</a>' in home
    areas = _text(built_site.staff / "areas.html")
    saf = areas[areas.index('id="saf"') :]
    assert _words(saf[: saf.index("</ul>")]).endswith(
        "¶ POL-SAF-01 Safeguarding children and adults at risk (policy) "
        "PRO-SAF-01 Responding to a safeguarding concern"
    )


def test_whats_new_lists_the_windows_approvals_and_reviews_newest_first(built_site: BuiltSite) -> None:
    """As built (no script): the decisions of the 110 days up to the build date, each linked."""
    page = _text(built_site.staff / "whats-new.html")
    content = page[page.index("<h1") :]
    intro = content[content.index("<p>") : content.index("</p>")]
    assert re.sub(r"<[^>]+>", "", intro) == (
        "Documents approved or reviewed in the 110 days up to 1 June 2026, newest first.")
    assert '<time class="polisi-today" datetime="2026-06-01">1 June 2026</time>' in intro
    assert _table(content) == [
        ["Date", "Document", "Version", "Decision", "Change"],
        ["1 March 2026", "POL-SAF-01 Safeguarding children and adults at risk", "2.0",
         "Approved by Responsible Individual", "Names the procedure for allegations against staff"],
        ["1 March 2026", "PRO-SAF-01 Responding to a safeguarding concern", "1.1", "Approved by Registered Manager",
         "Tell the shift leader first, then write the record"],
        ["1 March 2026", "SOP-01 Statement of purpose", "1.0", "Approved by Board",
         "First statement of purpose of the centre"],
        ["15 February 2026", "POL-SAF-01 Safeguarding children and adults at risk", "1.0",
         "Reviewed by Registered Manager; no change",
         "Checked against the new regional procedures; nothing needed changing"],
    ]
    assert re.findall(r'<tr data-decided="([\d-]+)">\s*<td>.*?</td>\s*<td><a href="([^"]+)"', content, re.S) == [
        ("2026-03-01", "policies/POL-SAF-01.html"), ("2026-03-01", "procedures/PRO-SAF-01.html"),
        ("2026-03-01", "statement_of_purpose/SOP-01.html"), ("2026-02-15", "policies/POL-SAF-01.html")]
    assert 'data-whats-new-days="110"' in content
    assert "First safeguarding policy of the centre" not in content  # 1 February: before the window
    home = _text(built_site.staff / "index.html")
    assert re.search(r'<a href="whats-new.html" class="md-nav__link">\s*(<[^>]+>\s*)*What\'s new', home)  # navigation
    assert ('<li><strong><a href="whats-new.html">What\'s new</a></strong>: documents approved or reviewed in the '
            "last 110 days, with what changed.</li>") in home[home.index('class="md-content"') :]


def test_the_handbooks_guide_pages_are_published_under_guide(built_site: BuiltSite) -> None:
    guide = _text(built_site.staff / "guide/index.html")
    content = guide[guide.index('class="md-content"') :]
    assert _words(content[content.index("<h1") : content.index("</article>")]) == (
        "How to use this site ¶ Start with the safeguarding policy . Read who to ask when something is unclear."
    )
    assert 'href="../policies/POL-SAF-01.html">safeguarding policy</a>' in content
    assert 'href="who-to-ask.html">who to ask</a>' in content
    assert "<script>alert" not in guide  # cleaned like any document body
    assert _table(_text(built_site.staff / "guide/who-to-ask.html")) == [
        ["Question", "Ask"], ["A policy", "The shift leader"]]
    assert re.search(r'<a href="guide/index.html" class="md-nav__link">\s*(<[^>]+>\s*)*Guide', _text(
        built_site.staff / "index.html"))


def test_site_references_nothing_outside_itself(built_site: BuiltSite) -> None:
    """Every http(s) URL in every built file is a content link to the official text, or a
    namespace name; Material's own scripts and styles are shipped unchanged (the browser test
    proves they fetch nothing outside the site)."""
    catalogue, _ = load_catalogue()
    content = {c.url for c in catalogue.clauses.values()} | {
        i.url for i in catalogue.instruments.values()
    }
    material = Path(str(resources.files("material") / "templates"))
    for site in (built_site.staff, built_site.preview):
        scanned = 0
        for path in site.rglob("*"):
            if not path.is_file() or path.suffix == ".pdf":
                continue
            rel = path.relative_to(site).as_posix()
            vendor = material / rel
            if rel.startswith(("assets/javascripts/", "assets/stylesheets/", "assets/images/")):
                assert vendor.is_file() and vendor.read_bytes() == path.read_bytes(), rel
                continue
            data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
            text = html.unescape(data.decode("utf-8"))
            for url in URL.findall(text):
                assert url in content or url.startswith(NAMESPACES), f"{rel}: {url}"
            assert "fonts.googleapis" not in text and "fonts.gstatic" not in text
            assert "squidfunk" not in text and "Made with" not in text
            scanned += 1
        assert scanned > 10


def test_failed_build_leaves_previous_site_untouched(tmp_path: Path) -> None:
    root = write_handbook(tmp_path / "handbook")
    assert run_polisi("build", "site", str(root), "--as-of", AS_OF.isoformat()).returncode == 0
    site = root / "build" / "site"

    def fingerprint() -> dict[str, str]:
        return {
            p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in site.rglob("*")
            if p.is_file()
        }

    before = fingerprint()
    policy = root / "policies/POL-SAF-01.md"
    good = policy.read_text(encoding="utf-8")
    policy.write_text(good.replace("SPRI-2017:reg-27,", "SPRI-2017:reg-270,"), encoding="utf-8")
    result = run_polisi("build", "site", str(root), "--as-of", AS_OF.isoformat())
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith("polisi: error: not published: ")
    assert "UNKNOWN_CLAUSE" in result.stderr and "Traceback" not in result.stderr
    assert fingerprint() == before

    policy.write_text(good, encoding="utf-8")
    (root / "mkdocs.yml").write_text("theme:\n  name: no-such-theme\n", encoding="utf-8")
    result = run_polisi("build", "site", str(root), "--as-of", AS_OF.isoformat())
    assert result.returncode == 1
    at_theme, summary = result.stderr.splitlines()  # one positioned line, at the key MkDocs refused
    assert at_theme.startswith("mkdocs.yml:1:1: error: SITE_BUILD MkDocs: Config value 'theme': ")
    assert "no-such-theme" in at_theme and len(at_theme) < 300
    assert summary == "polisi: error: site not built: MkDocs refused it (the previous site is unchanged)"
    assert fingerprint() == before
    assert not [p for p in site.parent.iterdir() if p.name.startswith(".site-")]

    (root / "mkdocs.yml").write_text(
        "theme:\n  name: material\nplugins:\n  - offline\n", encoding="utf-8"
    )
    result = run_polisi("build", "site", str(root), "--as-of", AS_OF.isoformat())
    assert result.returncode == 1 and "'offline' plugin" in result.stderr
    assert fingerprint() == before


def test_rebuild_after_an_edit_rebuilds_one_page_and_matches_a_cold_build(tmp_path: Path) -> None:
    root = write_handbook(tmp_path / "handbook")
    build = ("build", "site", str(root), "--as-of", AS_OF.isoformat())
    assert run_polisi(*build).returncode == 0
    cached = root / "build/cache/site-site/site"
    untouched = (cached / "policies/POL-SAF-01.html").stat().st_mtime_ns
    procedure = root / "procedures/PRO-SAF-01.md"
    procedure.write_text(procedure.read_text("utf-8") + "\nAsk for the Heronsbill form.\n", "utf-8")
    result = run_polisi(*build)
    assert result.returncode == 0, result.stderr
    site = root / "build/site"
    assert "Ask for the Heronsbill form." in _text(site / "procedures/PRO-SAF-01.html")
    assert (cached / "policies/POL-SAF-01.html").stat().st_mtime_ns == untouched, "not incremental"
    index = json.loads((site / "search/search_index.json").read_text("utf-8"))
    assert [d["location"] for d in index["docs"]].count("policies/POL-SAF-01.html#purpose") == 1
    assert any("Heronsbill" in d["text"] for d in index["docs"])
    incremental = site_files(site)
    shutil.rmtree(root / "build/cache")
    assert run_polisi(*build).returncode == 0
    assert site_files(site) == incremental


def test_build_all_includes_the_site(tmp_path: Path) -> None:
    root = write_handbook(tmp_path / "handbook")
    result = run_polisi("build", "all", str(root), "--as-of", AS_OF.isoformat())
    assert result.returncode == 0, result.stderr
    assert (root / "build/site/policies/POL-SAF-01.html").is_file()
    assert "staff site, 3 documents" in result.stdout


def test_serve_rebuilds_once_per_real_change(tmp_path: Path) -> None:
    """A file read or saved unchanged rebuilds nothing (watchdog reports opened and
    closed_no_write events when the rebuild reads the sources); one edit rebuilds exactly once."""
    root = write_handbook(tmp_path / "handbook")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "polisi",
            "serve",
            str(root),
            "--as-of",
            AS_OF.isoformat(),
            "--include-drafts",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/procedures/PRO-SAF-01.html"

    def page_once_it_has(text: str) -> str:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                body = urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
                if text in body:
                    return body
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"{text!r} never appeared at {url}")

    try:
        page_once_it_has("Responding to a safeguarding concern")
        policy = root / "policies/POL-SAF-01.md"
        policy.write_text(policy.read_text(encoding="utf-8"), encoding="utf-8")
        for path in root.rglob("*.md"):
            path.read_bytes()
        time.sleep(2)
        source = root / "procedures/PRO-SAF-01.md"
        source.write_text(
            source.read_text(encoding="utf-8").replace(
                "title: Responding to a safeguarding concern",
                "title: Acting on a safeguarding worry",
            ),
            encoding="utf-8",
        )
        assert "Acting on a safeguarding worry" in page_once_it_has("Acting on a safeguarding worry")
        time.sleep(3)
    finally:
        server.send_signal(signal.SIGINT)
        _, said = server.communicate(timeout=20)
    assert server.returncode in (0, 1)
    assert said.count("polisi: source changed; preview rebuilt") == 1, said
    assert not (root / "build" / "site").exists() and not (root / "build" / "preview").exists()
