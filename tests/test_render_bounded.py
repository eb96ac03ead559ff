"""What passes ``polisi check`` renders in bounded time; what would not is reported, fast.

Python-Markdown spends time growing with the square of some constructs (measured:
10,000 ``[`` take minutes, a megabyte hours). ``check`` adds up the scans they
would cost in one linear pass (:mod:`polisi.check.complexity`). Here a megabyte of
each hostile construct must be checked in under a second of processor time and be
reported at its place; for each construct, the largest document ``check`` still
passes must render in a few seconds; and the processor-time limit behind it stops a
rendering that runs long anyway. Times are processor time (``time.process_time``),
with generous margins, so a busy machine cannot make these flaky.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from polisi.check.complexity import BUDGET, allowance, markup_cost, renders_in_bounded_time
from polisi.check.rules import check
from polisi.handbook import markdown
from polisi.handbook.markdown import RenderTooLong, render_markdown
from polisi.handbook.model import load_handbook

MB = 1_000_000
HOSTILE: dict[str, tuple[str, str]] = {
    "open brackets": ("[" * MB, "MARKUP_TOO_COMPLEX the renderer would scan about"),
    "nested links": ("[" * (MB // 3) + "x" + "](" * (MB // 3), "MARKUP_TOO_COMPLEX the renderer would scan about"),
    "open pictures": ("![" * (MB // 2), "MARKUP_TOO_COMPLEX the renderer would scan about"),
    "open footnotes": ("[^" * (MB // 2), "MARKUP_TOO_COMPLEX the renderer would scan about"),
    "link text runs": ("[x][" * (MB // 4), "MARKUP_TOO_COMPLEX the renderer would scan about"),
    "open link targets": ("[a](<" * (MB // 5), "MARKUP_TOO_COMPLEX the renderer would scan about"),
    "open tags": ("<a " * (MB // 3), "MARKUP_TOO_COMPLEX the renderer would scan about"),
    "one footnote again and again": ("x[^1]" * (MB // 5), "MARKUP_TOO_COMPLEX footnote [^1] is referred to"),
    "quotes in quotes": ("> " * (MB // 2) + "x", "MARKUP_TOO_DEEP this line is nested 500000 levels deep (lists"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_megabyte_line_is_checked_in_under_a_second_and_reported(base_handbook: Path, name: str) -> None:
    line, message = HOSTILE[name]
    policy = base_handbook / "policies" / "POL-SAF-01.md"
    text = policy.read_text(encoding="utf-8") + "\n"
    policy.write_text(text + line + "\n", encoding="utf-8")
    number = text.count("\n") + 1
    started = time.process_time()
    report = check(load_handbook(base_handbook), date(2026, 6, 1))
    spent = time.process_time() - started
    assert spent < 1.0, f"{name}: {spent:.2f} s"
    found = [f.format() for f in report.findings if f.code.startswith("MARKUP_TOO_")]
    assert len(found) == 1, found
    assert found[0].startswith(f"policies/POL-SAF-01.md:{number}:"), found[0]
    assert message in found[0]


GROWING: dict[str, Callable[[int], str]] = {
    "open brackets": lambda n: "[" * n,
    "open brackets, one per line": lambda n: "[\n" * n,
    "nested links": lambda n: "[" * n + "x" + "](" * n,
    "open pictures": lambda n: "![" * n,
    "link text runs": lambda n: "[x][" * n,
    "open link targets": lambda n: "[a](<" * n,
    "open tags": lambda n: "<a " * n,
    "open tags over paragraphs": lambda n: "<a \n\n" * n,
    "one footnote again and again": lambda n: "x[^1] " * n + "\n\n[^1]: A note.\n",
    "nested lists": lambda n: "".join("    " * min(i, 40) + "- item\n" for i in range(n)),
    "abbreviations": lambda n: "".join(f"*[AB{i}]: thing {i}\n" for i in range(n)) + "\n" + "AB1 word " * 20_000,
}


def largest_passing(grow: Callable[[int], str]) -> str:
    """The largest ``grow(n)`` (n up to 100,000) that ``check``'s complexity rules pass."""
    low, high = 1, 100_000
    if renders_in_bounded_time(grow(high)):
        return grow(high)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if renders_in_bounded_time(grow(middle)) else (low, middle)
    return grow(low)


@pytest.mark.parametrize("name", GROWING)
def test_the_largest_document_check_passes_renders_in_seconds(name: str) -> None:
    body = largest_passing(GROWING[name])
    started = time.process_time()
    html = render_markdown(body)
    spent = time.process_time() - started
    assert spent < 8.0, f"{name}: {len(body)} characters took {spent:.1f} s"
    assert html.strip()


def test_budget_is_far_above_what_real_policies_cost() -> None:
    shipped = Path(__file__).resolve().parents[1]
    bodies = [p.read_text(encoding="utf-8") for folder in ("policies", "procedures", "statement_of_purpose")
              for p in sorted((shipped / folder).glob("*.md"))]
    assert bodies
    assert max(markup_cost(body).total for body in bodies) < BUDGET / 100
    many_links = ("See [the policy](../policies/POL-SAF-01.md#when-to-report) and [CIW](https://www.careinspectorate"
                  ".wales/). " * 10 + "\n\n") * 1_700  # a megabyte of ordinary linked prose
    assert markup_cost(many_links).total < allowance(many_links) / 2


def test_a_rendering_that_runs_long_anyway_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markdown, "CPU_SECONDS", 0.5)
    started = time.process_time()
    with pytest.raises(RenderTooLong, match=r"took more than 0.5 s of processor time and was stopped"):
        render_markdown("[" * 50_000)  # minutes, were it allowed to finish
    assert time.process_time() - started < 5
    assert render_markdown("Still *renders* after.") == "<p>Still <em>renders</em> after.</p>"
