"""What ``polisi import`` tells the policy lead: each guess, each thing to look at, and a summary table."""

from __future__ import annotations

from pathlib import Path

from polisi.errors import PolisiError
from polisi.word.importer import REVIEW_KEYS, Imported

Result = Imported | tuple[Path, PolisiError]

BEFORE_APPROVAL = (
    f"before approval: fill in {', '.join(REVIEW_KEYS[:-1])} and {REVIEW_KEYS[-1]}, "
    "then set status: approved and run polisi check"
)


def describe(imported: Imported) -> str:
    """Several lines about one imported document: where it went, what was guessed, what to look at."""
    pictures = f" ({len(imported.media)} picture{'s' * (len(imported.media) != 1)} in " \
               f"{Path(imported.media[0]).parent.as_posix()}/)" if imported.media else ""
    lines = [f"imported {imported.source.name} -> {imported.path}{pictures}"]
    if imported.guesses:
        lines.append("  guessed (check these):")
        lines.extend(f"    {g.key}: {g.value} ({g.why})" for g in imported.guesses)
    if imported.attention:
        lines.append("  needs attention:")
        lines.extend(f"    {note}" for note in imported.attention)
    return "\n".join(lines)


def summary_table(results: list[Result]) -> str:
    """One row per file: the file, its new id (or "-") and what needs attention."""
    rows = [("file", "new id", "needs attention")]
    for result in results:
        if isinstance(result, Imported):
            notes = [f"{len(result.attention)} note{'s' * (len(result.attention) != 1)}"] if result.attention else []
            guessed = sorted({g.key for g in result.guesses if g.key != "legislation"})
            if guessed:
                notes.append("check " + ", ".join(guessed))
            rows.append((result.source.name, result.doc_id, "; ".join(notes) or "-"))
        else:
            source, error = result
            rows.append((source.name, "-", f"not imported: {_reason(source, error)}"))
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    return "\n".join(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]}".rstrip() for r in rows)


def _reason(source: Path, error: PolisiError) -> str:
    """The error without the file name the table already shows."""
    return str(error).removeprefix(f"{source}: ")
