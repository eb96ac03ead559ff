"""Time `polisi check` on synthetic handbooks of 100, 1,000 and 5,000 documents.

Wall time of the whole command, interpreter start-up included, as a user sees it,
first on a plain folder and then on the same folder committed to git (where the
check also reads the history for CHANGED_SINCE_APPROVAL). Target: 1,000
documents in under 1.5 s on the 2-core reference machine, growing linearly.
Prints a Markdown table to paste into bench/README.md.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synth import generate  # noqa: E402

SIZES = (100, 1000, 5000)
RUNS = 5
POLISI = [sys.executable, "-m", "polisi", "check", "--as-of", "2026-11-22"]


def time_check(root: Path) -> float:
    subprocess.run([*POLISI, str(root)], check=True, capture_output=True)  # warm the file cache
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([*POLISI, str(root)], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def commit_all(root: Path) -> None:
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    for args in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-qm", "Synthetic handbook"]):
        subprocess.run(["git", *args], cwd=root, check=True)


def main() -> None:
    print("| documents | plain folder (s) | git repository (s) | ms per document in git |")
    print("| ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            root = Path(tmp) / f"h{size}"
            generate(root, size)
            count = sum(1 for _ in root.rglob("*.md"))
            plain = time_check(root)
            commit_all(root)
            in_git = time_check(root)
            print(f"| {count} | {plain:.2f} | {in_git:.2f} | {in_git / count * 1000:.2f} |")


if __name__ == "__main__":
    main()
