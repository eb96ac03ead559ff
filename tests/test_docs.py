"""The documentation keeps up with the product: every command and every finding code is described."""

from __future__ import annotations

import re
from pathlib import Path

from polisi.cli.main import cli

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
_CODE = re.compile(r"\b(?:Severity\.ERROR|Severity\.WARNING|ERROR|WARNING),\s*\"([A-Z][A-Z0-9_]{3,})\"")


def emitted_codes() -> set[str]:
    codes: set[str] = set()
    for path in (REPO / "src" / "polisi").rglob("*.py"):
        codes.update(_CODE.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_finding_code_is_in_the_readme() -> None:
    codes = emitted_codes()
    assert len(codes) > 30
    assert sorted(c for c in codes if f"`{c}`" not in README) == []


def test_every_command_is_in_the_readme() -> None:
    def names(group, prefix=""):  # type: ignore[no-untyped-def]
        for name, command in group.commands.items():
            yield f"{prefix}{name}"
            if hasattr(command, "commands"):
                yield from names(command, f"{prefix}{name} ")

    missing = [n for n in names(cli) if f"polisi {n}" not in README]
    assert missing == []
