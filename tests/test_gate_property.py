"""The gate's promise as a property: any document ``check`` passes builds in every format, and
every word of it reaches the PDF, the site and the Word copy.

Documents are generated from the pieces policies are made of, including the ones Python-Markdown
reads otherwise than their authors (a step straight after a paragraph, 2-space nesting, a grid
table, a kept backslash); each is either refused by ``check`` or comes out whole. Few, small,
fixed examples keep the cost to one build per example.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polisi.check.fidelity import body_spots
from polisi.edit.record_only import record_stated_approvals

from .outputs import missing, pdf_text, site_text, source_words, word_text
from .pdf_handbook import BASE, commit_and_build

WORDS = st.sampled_from([
    "staff", "record", "concern", "child", "parent", "referral", "Bridgend", "within", "hours", "ŵyr",
    "Ysbyty", "duty", "team", "safeguarding", "log", "2026", "shift", "leader", "risk", "plan",
])
TEXT = st.lists(WORDS, min_size=2, max_size=8).map(" ".join)
FIDELITY_CODES = {"LIST_ITEM_MERGED", "LIST_INDENT", "GRID_TABLE", "FENCED_DIV", "PRINTED_ESCAPE", "HEADING_SYNTAX"}


def _list(marker: str) -> st.SearchStrategy[str]:
    return st.lists(TEXT, min_size=1, max_size=4).map(lambda items: "\n".join(f"{marker} {t}" for t in items))


BLOCKS = st.one_of(
    TEXT.map(lambda t: t.capitalize() + "."),
    TEXT.map(lambda t: f"## {t.capitalize()}"),
    TEXT.map(lambda t: f"### {t.capitalize()}"),
    _list("-"),
    st.tuples(st.integers(1, 12), st.lists(TEXT, min_size=1, max_size=4)).map(
        lambda p: "\n".join(f"{p[0] + i}. {t}" for i, t in enumerate(p[1]))),
    st.lists(TEXT, min_size=1, max_size=3).map(
        lambda items: "\n".join(f"{chr(97 + i)}) {t}" for i, t in enumerate(items))),
    st.tuples(TEXT, TEXT).map(lambda p: f"- {p[0]}\n    - {p[1]}"),
    st.integers(2, 9).flatmap(lambda n: st.lists(st.lists(WORDS, min_size=n, max_size=n), min_size=2, max_size=3)
                              .map(lambda rows: "\n".join(
                                  ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
                                  + ["| " + " | ".join(r) + " |" for r in rows[1:]]))),
)
HAZARDS = st.one_of(
    st.tuples(TEXT, TEXT).map(lambda p: f"{p[0]}:\n- {p[1]}"),
    st.tuples(TEXT, TEXT, TEXT).map(lambda p: f"1. {p[0]}\n\n    {p[1]}\n2. {p[2]}"),
    st.tuples(TEXT, TEXT).map(lambda p: f"- {p[0]}\n  - {p[1]}"),
    TEXT.map(lambda t: f"+---+\n| {t} |\n+---+"),
    TEXT.map(lambda t: f"::: note\n{t}\n:::"),
    TEXT.map(lambda t: f"The provider\\'s {t}."),
    TEXT.map(lambda t: f"#{t}"),
)
"""What Python-Markdown reads otherwise than its author: check must refuse every one."""


def document(blocks: list[str]) -> str:
    return "\n\n".join(blocks) + "\n"


def handbook_with(tmp: str, body: str) -> Path:
    root = Path(tmp) / "handbook"
    shutil.copytree(BASE, root)
    procedure = root / "procedures" / "PRO-SAF-01.md"
    procedure.write_text(procedure.read_text(encoding="utf-8") + "\n" + body, encoding="utf-8")
    record_stated_approvals(root)  # the generated text is the approved one: only what renders is judged
    return root


@settings(max_examples=3, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(blocks=st.lists(BLOCKS, min_size=3, max_size=7))
def test_what_check_passes_builds_in_every_format_with_every_word(blocks: list[str]) -> None:
    assert_builds_whole(document(blocks))


def assert_builds_whole(body: str) -> None:
    """``body`` added to the base handbook's procedure passes check, builds, and every word of the
    procedure is in its PDF, its site page and its Word copy."""
    with tempfile.TemporaryDirectory(prefix="polisi-gate-") as tmp:
        root = handbook_with(tmp, body)
        commit_and_build(root, "Generated")
        build = root / "build"
        written = (root / "procedures" / "PRO-SAF-01.md").read_text(encoding="utf-8")
        expected = source_words(written.split("---\n", 2)[2])
        assert missing(expected, pdf_text(build / "pdf" / "PRO-SAF-01.pdf")) == {}
        assert missing(expected, site_text(build / "site" / "procedures" / "PRO-SAF-01.html")) == {}
        assert missing(expected, word_text(build / "docx" / "PRO-SAF-01.docx")) == {}


@settings(max_examples=40, derandomize=True, deadline=None, database=None)
@given(before=st.lists(BLOCKS, max_size=3), hazard=HAZARDS, after=st.lists(BLOCKS, max_size=3))
def test_what_renders_otherwise_than_it_reads_never_passes_check(
        before: list[str], hazard: str, after: list[str]) -> None:
    spots = list(body_spots(document([*before, hazard, *after])))
    assert {spot.code for spot in spots} & FIDELITY_CODES


REPO = Path(__file__).resolve().parents[1]
REAL = sorted([*REPO.glob("policies/*-[0-9][0-9].md"), *REPO.glob("procedures/*-[0-9][0-9].md"),
               *REPO.glob("statement_of_purpose/*-[0-9][0-9].md"), *(REPO / "tests" / "corpus").glob("*/*.md")])
"""Real documents: the shipped handbook's and the corpus' originals (Markdown nobody shaped for this test)."""
WIDE_HTML = st.integers(17, 20).map(lambda n: "<table>\n<tr>" + "<td>a</td>" * n + "</tr>\n</table>")
REAL_HAZARDS = st.one_of(
    HAZARDS,
    WIDE_HTML,
    st.sampled_from(["Responsibilitiesandaccountabilities", "Safeguardingarrangementsforfamilies"]).map(
        lambda w: "<table>\n<tr>" + f"<th>{w}</th>" * 5 + "</tr>\n</table>"),
    st.sampled_from(["2000px", "30cm", "900pt"]).map(lambda w: f'<div style="width: {w}">Wide</div>'),
)
"""What a renderer would show otherwise or cut off, put into real documents."""


def real_body(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("---\n", 2)[2] if text.startswith("---\n") else text


@settings(max_examples=40, derandomize=True, deadline=None, database=None)
@given(source=st.sampled_from(REAL), hazard=REAL_HAZARDS, where=st.integers(0, 20))
def test_a_hazard_in_a_real_document_is_reported_where_it_is(source: Path, hazard: str, where: int) -> None:
    """Put before one of the document's own headings, the hazard is reported on its own lines,
    whatever the real text around it."""
    lines = real_body(source).split("\n")
    headings = [i for i, line in enumerate(lines) if line.startswith("## ")] or [len(lines)]
    at = headings[where % len(headings)]
    body = "\n".join([*lines[:at], "", hazard, "", *lines[at:]])
    first, last = at + 2, at + 2 + hazard.count("\n")
    assert [s for s in body_spots(body) if first <= s.line <= last], (source.name, hazard)


_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\((?!#)[^)]*\)")
ALLOWED = st.sampled_from([
    "<table>\n<tr><th>Role</th>" + "".join(f"<th>Course {n}</th>" for n in range(11))
    + "</tr>\n<tr><td>Shift leader</td>" + "<td>Yearly</td>" * 11 + "</tr>\n</table>",
    "> Advice from the duty team:\n>\n> - write it down the same day",
    "A claim[^n].\n\n[^n]: The note that backs the claim.",
    "Key worker\n:   The member of staff who leads a family's plan.",
    '??? note "Out of hours"\n    Phone the on-call manager first.',
    "a) First lettered step.\nb) Second lettered step.",
])
"""What renders whole in every output, though the renderers treat it specially."""


@settings(max_examples=2, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(source=st.sampled_from([p for p in REAL if "corpus" not in p.parts]), extra=ALLOWED, where=st.integers(0, 20))
def test_a_real_document_that_passes_check_builds_whole(source: Path, extra: str, where: int) -> None:
    """A shipped document (its links to other documents made plain text, as they would be in a
    handbook without them) with one more construct, inside the small base handbook."""
    lines = _LINK.sub(r"\1", real_body(source)).split("\n")
    headings = [i for i, line in enumerate(lines) if line.startswith("## ")] or [len(lines)]
    at = headings[where % len(headings)]
    assert_builds_whole("\n".join(["## From " + source.stem, "", *lines[:at], "", extra, "", *lines[at:]]))
