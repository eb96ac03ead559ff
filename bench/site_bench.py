"""Time the staff site against plain MkDocs + Material on the same Markdown, in one run.

For each size, a synthetic handbook (``bench/synth.py``: policies with two
procedures each, citations, links to headings) in a fresh git repository:

- ``polisi build site`` cold (no build folder), then again after appending a
  paragraph to one procedure (uncommitted), each as its own process, as a user
  runs it;
- plain ``mkdocs build`` with Material and its search plugin on the same
  Markdown bodies (front matter replaced by the title as a heading, MkDocs'
  own navigation of every page), also as its own process;
- with ``--serve``, ``polisi serve`` on the largest size: the seconds from
  saving an edit to one document until the served page shows it;
- the bytes each build wrote, per document page.

Prints one table row per size and the ratios the targets are stated in.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from synth import generate

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-12-01"
MARKDOWN_EXTENSIONS = (REPO / "mkdocs.yml").read_text(encoding="utf-8").split("markdown_extensions:", 1)[1]
PLAIN_CONFIG = f"""site_name: Plain
docs_dir: docs
site_dir: site
theme:
  name: material
  font: false
plugins:
  - search
markdown_extensions:{MARKDOWN_EXTENSIONS}"""
FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO / "src"), "NO_MKDOCS_2_WARNING": "1"}


def _commit(root: Path) -> None:
    (root / ".gitignore").write_text("build/\n", encoding="utf-8")
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=Bench", "-c", "user.email=b@example.org",
                                                  "commit", "-qm", "bench"]):
        subprocess.run(["git", *args], cwd=root, check=True)


def _timed(args: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, env=_env(), capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return seconds


def _bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _document_pages(site: Path) -> list[Path]:
    return [p for folder in ("policies", "procedures") for p in (site / folder).glob("P*.html")]


def plain_tree(handbook: Path, target: Path) -> None:
    """The handbook's Markdown bodies as a plain MkDocs project: title as heading, same paths."""
    docs = target / "docs"
    for source in handbook.rglob("*.md"):
        if ".git" in source.parts or "build" in source.parts:
            continue
        text = source.read_text(encoding="utf-8")
        front = FRONT.match(text)
        title = re.search(r"^title: (.*)$", front.group(1), re.M) if front else None
        body = text[front.end():] if front else text
        out = docs / source.relative_to(handbook)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(f"# {title.group(1) if title else source.stem}\n\n{body}", encoding="utf-8")
    (docs / "index.md").write_text("# Home\n\nThe handbook.\n", encoding="utf-8")
    (target / "mkdocs.yml").write_text(PLAIN_CONFIG, encoding="utf-8")


def _edit(handbook: Path) -> Path:
    procedure = sorted((handbook / "procedures").glob("*.md"))[0]
    with procedure.open("a", encoding="utf-8") as out:
        out.write("\nA paragraph added for the benchmark: Heronsbill.\n")
    return procedure


def measure(count: int, work: Path) -> dict[str, float]:
    handbook = work / f"handbook-{count}"
    generate(handbook, count)
    _commit(handbook)
    polisi = [sys.executable, "-m", "polisi", "build", "site", str(handbook), "--as-of", AS_OF]
    cold = _timed(polisi)
    site = handbook / "build" / "site"
    pages = _document_pages(site)
    polisi_bytes = _bytes(site)
    page_bytes = sum(p.stat().st_size for p in pages) / len(pages)
    _edit(handbook)
    edit = _timed(polisi)
    if "Heronsbill" not in (site / "procedures" / sorted(p.name for p in pages if "PRO-" in p.name)[0]).read_text():
        raise SystemExit("the edit is not on the site after the rebuild")
    plain = work / f"plain-{count}"
    plain_tree(handbook, plain)
    mkdocs = _timed([sys.executable, "-m", "mkdocs", "build", "--quiet", "--config-file", str(plain / "mkdocs.yml")])
    return {
        "documents": len(pages) + 1,
        "cold": cold,
        "edit": edit,
        "mkdocs": mkdocs,
        "bytes": polisi_bytes,
        "plain_bytes": _bytes(plain / "site"),
        "page_bytes": page_bytes,
    }


def serve_latency(count: int, work: Path) -> float:
    """Seconds from saving an edit to one document until ``polisi serve`` shows it."""
    handbook = work / f"handbook-{count}"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "polisi", "serve", str(handbook), "--as-of", AS_OF, "--port", str(port)],
        env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    procedure = sorted((handbook / "procedures").glob("*.md"))[1]
    url = f"http://127.0.0.1:{port}/procedures/{procedure.stem}.html"
    try:
        _wait_for(url, procedure.stem, server, 300)
        marker = f"Kestrelwing{time.time_ns()}"
        with procedure.open("a", encoding="utf-8") as out:
            out.write(f"\nServed edit: {marker}.\n")
        start = time.perf_counter()
        _wait_for(url, marker, server, 60)
        return time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(url: str, text: str, server: subprocess.Popen[bytes], limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("polisi serve stopped")
        try:
            if text in urllib.request.urlopen(url, timeout=5).read().decode("utf-8"):
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{text!r} never appeared at {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--serve", action="store_true", help="also time polisi serve on the largest size")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="polisi-site-bench-"))
    try:
        rows = [measure(count, work) for count in args.sizes]
        print("| documents | polisi cold (s) | after one edit (s) | plain mkdocs-material (s) | cold / plain "
              "| edit / cold | site MB (polisi / plain) | KB per document page |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in rows:
            print(f"| {r['documents']:,} | {r['cold']:.1f} | {r['edit']:.1f} | {r['mkdocs']:.1f} "
                  f"| {r['cold'] / r['mkdocs']:.2f} | {r['edit'] / r['cold']:.2f} "
                  f"| {r['bytes'] / 1e6:.1f} / {r['plain_bytes'] / 1e6:.1f} | {r['page_bytes'] / 1e3:.1f} |")
        if len(rows) > 1:
            print(f"bytes per document page, largest / smallest: {rows[-1]['page_bytes'] / rows[0]['page_bytes']:.2f}")
        if args.serve:
            print(f"polisi serve shows an edit to one of {rows[-1]['documents']:,} documents in "
                  f"{serve_latency(args.sizes[-1], work):.1f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
