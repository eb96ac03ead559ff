"""The documentation keeps up with the product: every command and every finding code is described in the
README or the user guide (``docs/``, which the staff site publishes under "Guide"), and the guide's pages
all link up, so the site build never meets a broken one."""

from __future__ import annotations

import re
from pathlib import Path

from polisi.cli.main import cli

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
GUIDE = {path.name: path.read_text(encoding="utf-8") for path in sorted((REPO / "docs").glob("*.md"))}
DOCUMENTED = "\n".join([README, *GUIDE.values()])
_CODE = re.compile(r"\b(?:Severity\.ERROR|Severity\.WARNING|ERROR|WARNING),\s*\"([A-Z][A-Z0-9_]{3,})\"")
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def emitted_codes() -> set[str]:
    codes: set[str] = set()
    for path in (REPO / "src" / "polisi").rglob("*.py"):
        codes.update(_CODE.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_finding_code_is_in_the_guide() -> None:
    codes = emitted_codes()
    assert len(codes) > 30
    assert sorted(c for c in codes if f"`{c}`" not in GUIDE["checking.md"]) == []


def test_every_command_is_documented() -> None:
    def names(group, prefix=""):  # type: ignore[no-untyped-def]
        for name, command in group.commands.items():
            yield f"{prefix}{name}"
            if hasattr(command, "commands"):
                yield from names(command, f"{prefix}{name} ")

    missing = [n for n in names(cli) if f"polisi {n}" not in DOCUMENTED]
    assert missing == []


def test_the_readme_starts_a_newcomer_and_points_at_every_guide_page() -> None:
    headings = re.findall(r"(?m)^#+ (.+)$", README)
    assert headings[:4] == ["polisi", "The two commands", "Put `polisi` on your PATH",
                            "A first policy, from draft to published"]
    assert headings[-1] == "The user guide"
    assert sorted(set(_LINK.findall(README[README.index("## The user guide"):]))) == sorted(
        f"docs/{name}" for name in GUIDE)
    assert len(README.splitlines()) < 80


def test_every_guide_page_is_linked_from_its_index_and_every_link_in_the_guide_resolves() -> None:
    assert len(GUIDE) >= 10
    assert set(_LINK.findall(GUIDE["index.md"])) >= set(GUIDE) - {"index.md"}
    for name, text in GUIDE.items():
        assert re.match(r"# \S", text), name  # each page opens with its title
        for target in _LINK.findall(text):
            if not re.match(r"[a-z]+:", target):
                assert target in GUIDE, f"docs/{name} links to {target}, which is not a page of the guide"
