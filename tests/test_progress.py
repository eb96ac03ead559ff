"""Long builds show their progress on standard error: a bar with counts on a terminal (a real
pseudo-terminal here), one plain line as each stage starts and ends anywhere else (a pipe), and
nothing extra on standard output, which keeps only the result lines (and JSON where asked for)."""

from __future__ import annotations

import fcntl
import json
import os
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import polisi as package

from .gitbook import commit, git_env, init, polisi, small_handbook

AS_OF = "2026-03-01"
PDFS = r"\S+/build/pdf: 3 PDFs \((\d) rendered, (\d) unchanged\), signed by Test provider \(DEMONSTRATION signing\)\n"


def handbook(tmp_path: Path) -> Path:
    root = small_handbook(init(tmp_path / "handbook"))
    (root / ".gitignore").write_text("build/\n", encoding="utf-8")
    commit(root, "Add handbook", "2026-01-12")
    return root


def test_through_a_pipe_each_stage_is_a_plain_line_as_it_starts_and_ends(tmp_path: Path) -> None:
    root = handbook(tmp_path)
    first = polisi("build", "pdf", str(root), "--as-of", AS_OF)
    assert first.returncode == 0, first.stderr
    assert first.stderr == "polisi: Signed PDFs: 0/3\npolisi: Signed PDFs: 3/3 done\n"
    assert re.fullmatch(PDFS, first.stdout).groups() == ("3", "0")  # type: ignore[union-attr]
    policy = root / "policies/POL-MIS-01.md"
    policy.write_text(policy.read_text(encoding="utf-8").replace("owner: Deputy Manager", "owner: Registered Manager"),
                      encoding="utf-8")
    commit(root, "Owner", "2026-01-13")
    again = polisi("build", "pdf", str(root), "--as-of", AS_OF)
    assert again.stderr == "polisi: Signed PDFs: 2/3\npolisi: Signed PDFs: 3/3 done\n"  # two unchanged, reused
    assert re.fullmatch(PDFS, again.stdout).groups() == ("1", "2")  # type: ignore[union-attr]
    bundle = polisi("build", "bundle", str(root), "--as-of", AS_OF)
    assert bundle.returncode == 0, bundle.stderr
    parts = re.fullmatch(r"polisi: Inspector bundle parts: 0/(\d+)\npolisi: Inspector bundle parts: (\d+)/\2 done\n",
                         bundle.stderr)
    assert parts and parts[1] == parts[2]
    assert bundle.stdout.count("\n") == 1 and ": inspector bundle (rendered; " in bundle.stdout


def test_on_a_terminal_bars_count_each_stage_and_stdout_keeps_the_results(tmp_path: Path) -> None:
    root = handbook(tmp_path)
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    env = git_env()
    env["PYTHONPATH"] = str(Path(package.__file__).resolve().parents[1])
    child = subprocess.Popen([sys.executable, "-m", "polisi", "build", "all", str(root), "--as-of", AS_OF],
                             stdout=subprocess.PIPE, stderr=follower, env=env)
    os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the child has exited
            break
        if not chunk:
            break
        drawn += chunk
    out = child.stdout.read().decode() if child.stdout else ""
    assert child.wait() == 0, drawn.decode(errors="replace")
    os.close(leader)
    screen = drawn.decode()
    for stage, total in (("Signed PDFs", 3), ("Word copies", 3), ("Staff site", 1)):
        assert re.search(rf"{stage}: [^\r\n]*\b0/{total} ", screen), stage
        assert re.search(rf"{stage}: [^\r\n]*\b{total}/{total} ", screen), stage
    parts = re.findall(r"Inspector bundle parts: [^\r\n]*\b(\d+)/(\d+) ", screen)
    assert parts[0][0] == "0" and parts[-1][0] == parts[-1][1] != "0"
    assert "\r" in screen and "polisi: Signed PDFs" not in screen  # redrawn in place, not a log line per update
    lines = out.splitlines()
    assert lines[0] == "3 documents checked: 0 errors, 0 warnings"
    assert re.fullmatch(PDFS.removesuffix("\\n"), lines[1])
    assert [line.split(": ", 1)[1].split(" ")[0] for line in lines[2:]] == ["Word", "inspector", "staff"]


def test_json_output_is_only_the_json(tmp_path: Path) -> None:
    root = handbook(tmp_path)
    done = polisi("check", str(root), "--as-of", AS_OF, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"] == {"documents": 3, "errors": 0, "warnings": 0}
    assert done.stderr == ""
