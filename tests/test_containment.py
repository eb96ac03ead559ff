"""Attacks by someone who can edit one document: nothing outside the handbook reaches an output.

Canary files sit outside the handbook; the hostile documents point at them in
every way an author could (``file:`` URLs, attachments, absolute paths, ``../``,
symbolic links to files and folders) and at a counting HTTP server on
127.0.0.1 (pictures, frames, scripts, styles). ``polisi check`` must name every
one at its ``path:line:col``; and the renderers themselves, handed the hostile
handbook past the gate, must still read nothing outside it and fetch nothing:
the canary appears in no PDF (text, streams, attachments), no site file and no
part of any Word file, the server counts zero requests during the builds and
while headless Chromium views the site, and no injected script runs.
"""

from __future__ import annotations

import base64
import http.server
import os
import re
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

import pikepdf
import pytest

from polisi.check.gate import Checked
from polisi.errors import BuildError
from polisi.findings import Report
from polisi.handbook.model import load_handbook
from polisi.handbook.sanitise import removals, sanitise_html
from polisi.history.git import load_history
from polisi.render.bundle import build_bundle
from polisi.render.docx import build_docx
from polisi.render.pdf import PdfJob, RenderFailed, render_pdf
from polisi.render.pdf_build import build_pdfs
from polisi.render.site import render_site
from polisi.signing.signer import signer_for

from .pdf_handbook import AS_OF, make_handbook, run
from .word_fixtures import png

CANARY = b"CANARY-7f3c91-outside-the-handbook"
DAY = date.fromisoformat(AS_OF)


class Counter(http.server.BaseHTTPRequestHandler):
    """Counts every request; answers each with a tiny stylesheet-or-picture-shaped body."""

    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's API
        Counter.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"body{}")

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("outside")
    (folder / "canary.txt").write_bytes(CANARY + b"\n")
    (folder / "canary.png").write_bytes(png(7, 5) + CANARY)
    return folder


def raw_html_attacks(outside: Path, server: str) -> str:
    """Raw HTML that the sanitiser must defuse: each paragraph is one attack."""
    return "\n\n".join([
        f'<a rel="attachment" href="file://{outside}/canary.txt">attached</a>',
        f'<img src="file://{outside}/canary.png" alt="file picture">',
        f'<object data="file://{outside}/canary.txt"></object>',
        f'<svg><image href="file://{outside}/canary.png"/></svg>',
        f'<p style="background: url(file://{outside}/canary.png)">styled</p>',
        f'<img src="http://{server}/picture.png" onerror="window.pwned = 1">',
        f'<script>window.pwned = 1; fetch("http://{server}/beacon");</script>',
        f'<iframe src="http://{server}/frame"></iframe>',
        f'<link rel="stylesheet" href="http://{server}/style.css">',
        '<a href="javascript:window.pwned = 1">run</a> <a href="data:text/html,hi">data</a>',
        f"![web picture](http://{server}/markdown.png)",
        "Kept: ![a picture of the handbook](media/ok.png)",
    ]) + "\n"


def path_attacks(outside: Path) -> str:
    """Markdown references that reach outside the handbook by path."""
    return "\n\n".join([
        "![linked file](media/passwd.png)",
        "![through a linked folder](media/out/canary.png)",
        f"![absolute]({outside}/canary.png)",
        f"[absolute link]({outside}/canary.txt)",
        "![climbing](../../../../../../../../.." + f"{outside}/canary.png)",
        "[attachment through a link](media/passwd.png)",
    ]) + "\n"


def hostile_handbook(root: Path, outside: Path, server: str, *, paths: bool) -> Path:
    make_handbook(root)
    media = root / "policies" / "media"
    media.mkdir()
    (media / "ok.png").write_bytes(png(9, 9))
    os.symlink(outside / "canary.png", media / "passwd.png")
    os.symlink(outside, media / "out")
    policy = root / "policies" / "POL-SAF-01.md"
    attacks = path_attacks(outside) if paths else raw_html_attacks(outside, server)
    policy.write_text(policy.read_text(encoding="utf-8") + "\n" + attacks, encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, capture_output=True)
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "hostile"],
                   cwd=root, check=True, capture_output=True)
    return root


def past_the_gate(root: Path) -> Checked:
    """The hostile handbook as if it had passed its checks: what the renderers alone must withstand."""
    handbook = load_handbook(root)
    return Checked(handbook, Report.of([], len(handbook.documents)))


def build_everything(checked: Checked) -> None:
    handbook = checked.handbook
    history = load_history(handbook.root)
    signer = signer_for(handbook)
    build_pdfs(handbook, history, signer=signer)
    build_bundle(handbook, history, DAY, signer=signer)
    render_site(checked, history, DAY)
    build_docx(checked)


def leaked(data: bytes, outside: Path) -> bool:
    picture = (outside / "canary.png").read_bytes()
    return CANARY in data or base64.b64encode(picture)[:40] in data or picture[:40] in data


def pdf_leaks(path: Path, outside: Path) -> list[str]:
    """Every place in a PDF the canary could hide: raw bytes, each decoded stream, attachments, images."""
    found = []
    if leaked(path.read_bytes(), outside):
        found.append(f"{path.name}: bytes")
    with pikepdf.open(path) as pdf:
        for name in pdf.attachments:
            if not name.endswith(".md") and name != "manifest.json":
                found.append(f"{path.name}: attachment {name}")
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    data = obj.read_bytes()
                except pikepdf.PdfError:
                    continue
                if leaked(data, outside):
                    found.append(f"{path.name}: stream {obj.objgen}")
    return found


def output_leaks(build: Path, outside: Path) -> list[str]:
    found = []
    for path in sorted(p for p in build.rglob("*") if p.is_file() and "cache" not in p.parts):
        if path.suffix == ".pdf":
            found += pdf_leaks(path, outside)
        elif path.suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                found += [f"{path.name}: {n}" for n in archive.namelist() if leaked(archive.read(n), outside)]
        elif leaked(path.read_bytes(), outside):
            found.append(str(path.relative_to(build)))
    return found


@pytest.fixture(scope="module")
def raw_html_build(tmp_path_factory: pytest.TempPathFactory, outside: Path, server: str) -> Path:
    root = hostile_handbook(tmp_path_factory.mktemp("raw") / "handbook", outside, server, paths=False)
    Counter.hits.clear()
    build_everything(past_the_gate(root))
    return root


def test_check_names_every_raw_html_attack(tmp_path: Path, outside: Path, server: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    root = hostile_handbook(tmp_path / "handbook", outside, server, paths=False)
    assert run("check", str(root), "--as-of", AS_OF) == 1
    found = [line.split(": error: ")[1].split(" ", 1) for line in capsys.readouterr().out.splitlines()
             if ": error: " in line]
    codes = [code for code, _ in found]
    assert codes.count("FILE_URL") == 5  # attachment, picture, object, svg image, style
    assert codes.count("WEB_RESOURCE") == 4  # picture, frame, stylesheet, Markdown picture
    messages = [re.sub(r'^style="[^"]*"', "style=...", message) for code, message in found if code == "UNSAFE_HTML"]
    assert messages == [
        "the attribute rel on <a> is not allowed; outputs keep only text and its structure",
        "<object> is not allowed; it and its content would be removed; outputs keep only text and its structure",
        "<svg> is not allowed; it and its content would be removed; outputs keep only text and its structure",
        "style=... on <p> is not allowed; outputs keep only text and its structure",
        "the attribute onerror on <img> is not allowed; outputs keep only text and its structure",
        "<script> is not allowed; it and its content would be removed; outputs keep only text and its structure",
        "<iframe> is not allowed; it and its content would be removed; outputs keep only text and its structure",
        "<link> is not allowed; it would be removed; outputs keep only text and its structure",
        'href="javascript:window.pwned = 1" on <a> is not allowed; outputs keep only text and its structure',
        'href="data:text/html,hi" on <a> is not allowed; outputs keep only text and its structure',
    ]
    assert Counter.hits == []


def test_check_names_every_path_attack_at_its_position(tmp_path: Path, outside: Path, server: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    root = hostile_handbook(tmp_path / "handbook", outside, server, paths=True)
    start = len((root / "policies" / "POL-SAF-01.md").read_text(encoding="utf-8").splitlines()) - 10
    assert run("check", str(root), "--as-of", AS_OF) == 1
    lines = [line for line in capsys.readouterr().out.splitlines()
             if ": error: " in line and "CHANGED_SINCE_APPROVAL" not in line]  # the attack is a commit
    link = "goes through policies/media/passwd.png, a symbolic link leading outside the handbook"
    assert lines == [
        f"policies/POL-SAF-01.md:{start}:16: error: SYMLINK_OUTSIDE media/passwd.png {link}",
        f"policies/POL-SAF-01.md:{start + 2}:28: error: SYMLINK_OUTSIDE media/out/canary.png goes through "
        "policies/media/out, a symbolic link leading outside the handbook",
        f"policies/POL-SAF-01.md:{start + 4}:13: error: ABSOLUTE_PATH {outside}/canary.png is an absolute path; "
        "an output reads only files inside the handbook",
        f"policies/POL-SAF-01.md:{start + 6}:17: error: ABSOLUTE_PATH {outside}/canary.txt is an absolute path; "
        "an output reads only files inside the handbook",
        f"policies/POL-SAF-01.md:{start + 8}:13: error: OUTSIDE_HANDBOOK ../../../../../../../../..{outside}"
        "/canary.png points outside the handbook",
        f"policies/POL-SAF-01.md:{start + 10}:29: error: SYMLINK_OUTSIDE media/passwd.png {link}",
    ]


def test_build_all_refuses_a_hostile_handbook_before_rendering(tmp_path: Path, outside: Path, server: str) -> None:
    root = hostile_handbook(tmp_path / "handbook", outside, server, paths=True)
    assert run("build", "all", str(root), "--as-of", AS_OF) == 1
    assert not (root / "build" / "pdf").exists() and not (root / "build" / "site").exists()


def test_renderers_past_the_gate_read_no_canary_and_fetch_nothing(raw_html_build: Path, outside: Path) -> None:
    build = raw_html_build / "build"
    assert sorted(p.name for p in (build / "pdf").iterdir()) == [
        "POL-SAF-01.pdf", "PRO-SAF-01.pdf", "PRO-SAF-02.pdf", "SOP-01.pdf"]
    assert output_leaks(build, outside) == []
    assert Counter.hits == []
    with pikepdf.open(build / "pdf" / "POL-SAF-01.pdf") as pdf:
        assert list(pdf.attachments) == ["POL-SAF-01.md"]
    with zipfile.ZipFile(build / "docx" / "POL-SAF-01.docx") as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
    assert len(media) == 1 and archive_bytes(build / "docx" / "POL-SAF-01.docx", media[0]) == png(9, 9)
    page = (build / "site" / "policies" / "POL-SAF-01.html").read_text(encoding="utf-8")
    for gone in ("<script>window.pwned", "onerror", "<iframe", "javascript:", "rel=\"attachment\"", "<object",
                 "<svg><image", "file://", "style.css"):
        assert gone not in page, gone
    assert '<img alt="a picture of the handbook" src="media/ok.png">' in page
    assert (build / "site" / "policies" / "media" / "ok.png").read_bytes() == png(9, 9)


def archive_bytes(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def test_chromium_view_of_the_hostile_page_fetches_nothing_and_runs_nothing(raw_html_build: Path) -> None:
    from playwright.sync_api import sync_playwright

    site = raw_html_build / "build" / "site"
    handler = partial(QuietFiles, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    Counter.hits.clear()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/policies/POL-SAF-01.html")
            page.wait_for_load_state("networkidle")
            pwned = page.evaluate("window.pwned === undefined ? null : window.pwned")
            for link in page.locator("article a", has_text="run").all():
                link.click()
            clicked = page.evaluate("window.pwned === undefined ? null : window.pwned")
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert Counter.hits == []
    assert pwned is None and clicked is None


class QuietFiles(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        return None


def test_renderers_past_the_gate_refuse_paths_out_of_the_handbook(tmp_path: Path, outside: Path,
                                                                  server: str) -> None:
    root = hostile_handbook(tmp_path / "handbook", outside, server, paths=True)
    checked = past_the_gate(root)
    handbook, history = checked.handbook, load_history(root)
    build_pdfs(handbook, history, ["POL-SAF-01"], signer=signer_for(handbook))
    build_docx(checked, ["POL-SAF-01"])
    with pytest.raises(BuildError, match="site not built"):  # MkDocs finds the pictures polisi would not copy
        render_site(checked, history, DAY)
    assert output_leaks(root / "build", outside) == []
    with pikepdf.open(root / "build" / "pdf" / "POL-SAF-01.pdf") as pdf:
        images = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
    assert images == []


@pytest.mark.parametrize("html", [
    '<a rel="attachment" href="file:///etc/passwd">x</a>',
    '<img src="file:///etc/hostname">',
    '<p style="background: url(file:///etc/hostname)">x</p>',
    '<img src="http://127.0.0.1:9/picture.png">',
])
def test_weasyprint_reads_no_file_and_no_address_even_unsanitised(html: str) -> None:
    day = datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(RenderFailed, match="polisi reads no file or address from a document"):
        render_pdf(PdfJob(f'<html lang="en"><body>{html}</body></html>', day, day))


@pytest.mark.parametrize(("html", "clean", "removed"), [
    ('<p onclick="x()">hi</p>', "<p>hi</p>", 1),
    ("<script>alert(1)</script>safe", "safe", 1),
    ('<a href=" JaVa\tScript:alert(1)">x</a>', "<a>x</a>", 1),
    ('<a href="https://www.legislation.gov.uk/wsi/2017/1264">SI 2017/1264</a>',
     '<a href="https://www.legislation.gov.uk/wsi/2017/1264">SI 2017/1264</a>', 0),
    ('<img src="//example.org/x.png" alt="x">', '<img alt="x">', 1),
    ('<img src="media/x.png" alt="x">', '<img src="media/x.png" alt="x">', 0),
    ('<img src="data:image/png;base64,iVBORw0K" alt="x">', '<img src="data:image/png;base64,iVBORw0K" alt="x">', 0),
    ('<img src="data:text/html;base64,PHNjcmlwdD4=" alt="x">', '<img alt="x">', 1),
    ('<ol type="a" start="3"><li>x</li></ol>', '<ol type="a" start="3"><li>x</li></ol>', 0),
    ('<div style="text-align: center; position: fixed">x</div>', '<div style="text-align:center">x</div>', 1),
])
def test_sanitiser_keeps_text_and_structure_only(html: str, clean: str, removed: int) -> None:
    assert sanitise_html(html) == clean
    assert len(removals(html)) == removed
