"""Time ``polisi import`` of the corpus' Word files against pandoc alone converting them.

pandoc's own ``-f docx -t gfm`` is what a provider would otherwise run; ``polisi import`` adds
the marks for list continuations and admonitions, the tidying, the control block and title
guesses, the citation search and the ``check`` of the new document that its report ends with.
Each Word file is imported on its own into a fresh copy of the golden-case base handbook, as its
own process, as a user runs it; median of 3 runs after one warm-up. Prints a Markdown table to
paste into bench/README.md.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
BASE = ROOT / "tests" / "cases" / "_base"
RUNS = 3


def pandoc() -> str:
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def timed(command: list[str], prepare: object = None) -> float:
    times = []
    for run in range(RUNS + 1):
        if callable(prepare):
            prepare()
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        if run:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    print("| Word file | KB | polisi import (s) | pandoc alone (s) | import / pandoc |")
    print("| --- | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        handbook = Path(tmp) / "handbook"

        def fresh() -> None:
            shutil.rmtree(handbook, ignore_errors=True)
            shutil.copytree(BASE, handbook)

        for source in sorted(CORPUS.glob("*/*.docx")):
            polisi = timed([sys.executable, "-m", "polisi", "import", str(source), "-C", str(handbook)], fresh)
            alone = timed([pandoc(), "-f", "docx", "-t", "gfm", "--wrap=none", str(source)])
            name = f"{source.parent.name}/{source.name}"
            print(f"| {name} | {source.stat().st_size // 1024} | {polisi:.2f} | {alone:.2f} | {polisi / alone:.1f} |")


if __name__ == "__main__":
    main()
