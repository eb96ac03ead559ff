"""Time ``build pdf`` and ``build bundle``: cold, after editing one document, and WeasyPrint alone.

For the shipped handbook and a synthetic one (``bench/synth.py``), each copied
into a fresh git repository: a cold build (empty build folder), then a build
after appending a paragraph to one approved procedure, against the time
WeasyPrint itself takes to lay out the same HTML pages one after another in
this process (no signing, no caching, one core).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from synth import generate

from polisi.history.git import load_history
from polisi.pipeline import load_checked
from polisi.render.bundle import Part, build_bundle, bundle_plan, render_bundle
from polisi.render.pdf import render_pdf
from polisi.render.pdf_build import build_pdfs, document_job
from polisi.signing.signer import signer_for

REPO = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 12, 1)


def _commit(root: Path) -> None:
    (root / ".gitignore").write_text("build/\n", encoding="utf-8")
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=Bench", "-c", "user.email=b@example.org",
                                                  "commit", "-qm", "bench"]):
        subprocess.run(["git", *args], cwd=root, check=True)


def shipped(root: Path) -> Path:
    for name in ("statement_of_purpose", "policies", "procedures", "references"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "polisi.yml", root / "polisi.yml")
    _commit(root)
    return root


def synthetic(root: Path, count: int) -> Path:
    generate(root, count)
    _commit(root)
    return root


def build(root: Path) -> tuple[float, float, int, int, str]:
    """(seconds for all PDFs, seconds for the bundle, PDFs rendered, bundle pages, bundle parts laid out)."""
    checked = load_checked(root, AS_OF)
    history = load_history(root)
    signer = signer_for(checked.handbook)
    start = time.perf_counter()
    result = build_pdfs(checked.handbook, history, signer=signer)
    middle = time.perf_counter()
    bundle = build_bundle(checked.handbook, history, AS_OF, signer=signer)
    end = time.perf_counter()
    parts = len(list((root / "build/cache/bundle-parts").glob("*.pdf")))
    return (middle - start, end - middle, len(result.rendered), _pages(root / "build/bundle/inspector-bundle.pdf"),
            f"{len(bundle.parts_rendered)} of {parts} parts")


def _pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def weasyprint_only(root: Path) -> tuple[float, float]:
    """WeasyPrint's own time for the same HTML: every document page, then every part of the bundle (not the merge)."""
    checked = load_checked(root, AS_OF)
    history = load_history(root)
    handbook = checked.handbook
    jobs = [document_job(handbook, doc, history) for doc in handbook.documents]
    start = time.perf_counter()
    for job in jobs:
        render_pdf(job)
    documents = time.perf_counter() - start
    layout = 0.0

    def render(parts: Sequence[Part]) -> list[bytes]:
        nonlocal layout
        begin = time.perf_counter()
        pdfs = [render_pdf(part.job) for part in parts]
        layout += time.perf_counter() - begin
        return pdfs

    render_bundle(bundle_plan(handbook, history, AS_OF), render)
    return documents, layout


def edit_one(root: Path) -> None:
    procedure = sorted((root / "procedures").glob("*.md"))[0]
    procedure.write_text(procedure.read_text(encoding="utf-8") + "\nOne more sentence for the benchmark.\n",
                         encoding="utf-8")


def run(label: str, root: Path) -> str:
    docs = len(load_checked(root, AS_OF).handbook.documents)
    cold_pdf, cold_bundle, rendered, pages, _ = build(root)
    edit_one(root)
    warm_pdf, warm_bundle, rerendered, _, parts = build(root)
    wp_docs, wp_bundle = weasyprint_only(root)
    cold, warm = cold_pdf + cold_bundle, warm_pdf + warm_bundle
    return (f"| {label} | {docs} | {pages} | {cold_pdf:.1f} | {cold_bundle:.1f} | {cold:.1f} | "
            f"{warm_pdf:.1f} ({rerendered} of {rendered}) | {warm_bundle:.1f} ({parts}) | {warm:.1f} | "
            f"{100 * warm_pdf / cold_pdf:.0f}% | {100 * warm / cold:.0f}% | {wp_docs:.1f} | {wp_bundle:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200, help="documents in the synthetic handbook")
    args = parser.parse_args()
    print("| handbook | documents | bundle pages | cold PDFs (s) | cold bundle (s) | cold total (s) | "
          "after one edit: PDFs (s) | bundle (s) | total (s) | PDFs edit/cold | total edit/cold | "
          "WeasyPrint alone, documents (s) | WeasyPrint alone, bundle (s) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory(prefix="polisi-pdf-bench-") as tmp:
        print(run("shipped", shipped(Path(tmp) / "shipped")), flush=True)
        print(run(f"synthetic {args.count}", synthetic(Path(tmp) / "synthetic", args.count)), flush=True)


if __name__ == "__main__":
    main()
