"""Commands that read the record: review, history, show, diff.

Kept apart from ``cli`` so each command stays a thin layer over ``schedule``
and ``record``; ``cli`` registers :data:`COMMANDS`. The commands that write
(approve, reviewed, new) are in ``cli.lead``.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from polisi.cli.options import DATE, as_of_option, handbook_dir, path_argument
from polisi.cli.options import today as _today
from polisi.errors import UsageError


@click.command("review")
@path_argument
@as_of_option
@click.option(
    "--within",
    type=click.IntRange(0, 3650),
    default=None,
    help="Reviews falling due within this many days are 'due' (default: review.warning_days, else 60).",
)
@click.option("--owner", default=None, help="Only documents owned by this role.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "github"]),
    default="text",
    show_default=True,
    help="markdown is ready to post as a tracker issue, grouped by owner.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["overdue", "due", "never"]),
    default="overdue",
    show_default=True,
    help="Exit 1 when anything is overdue (or due, or never).",
)
@click.option("--translations", is_flag=True,
              help="Instead: the parity report, every document's state in each language (text or json).")
@click.option("--min-coverage", type=click.FloatRange(0, 100), default=None, metavar="PERCENT",
              help="Also exit 1 when a document is acknowledged by less than PERCENT of its readers (portal).")
def review_command(
    path: Path, as_of: date | None, within: int | None, owner: str | None, fmt: str, fail_on: str,
    translations: bool, min_coverage: float | None,
) -> None:
    """The review schedule: overdue first, then by date; drafts awaiting approval listed separately."""
    from polisi.handbook.model import load_handbook
    from polisi.history.git import load_history
    from polisi.review.output import format_schedule
    from polisi.review.schedule import FailOn, review_schedule

    root = handbook_dir(path)
    if translations:
        from polisi.review.translations import format_parity, parity

        if fmt not in ("text", "json"):
            raise UsageError("--translations writes text or json")
        report = parity(load_handbook(root), load_history(root))
        click.echo(format_parity(report, fmt))
        sys.exit(1 if report.failing and fail_on != "never" else 0)
    schedule = review_schedule(
        load_handbook(root), load_history(root), _today(as_of), within, owner
    )
    click.echo(format_schedule(schedule, fmt))
    low: list[str] = []
    if min_coverage is not None:
        from polisi.review.coverage import below_coverage

        low = below_coverage(load_handbook(root), load_history(root), _today(as_of), min_coverage)
        for line in low:
            click.echo(f"polisi: coverage: {line}", err=True)
    sys.exit(1 if schedule.fails(FailOn(fail_on)) or low else 0)


@click.command("history")
@click.argument("doc_id", metavar="ID")
@path_argument
@click.option("--commits", is_flag=True,
              help="Every git commit of the file, with authors and commit messages (the policy lead's view).")
def history_command(doc_id: str, path: Path, commits: bool) -> None:
    """The revision history of document ID: each approved version and review, newest first.

    From the approval record: version, date, approver, change summary and evidence, as staff and
    inspectors see it. With --commits, every commit of the file from git instead.
    """
    from polisi.history.record import format_log, format_revisions, log, open_record

    record = open_record(handbook_dir(path), doc_id)
    click.echo(format_log(record, log(record)) if commits else format_revisions(record))


@click.command("show")
@click.argument("doc_id", metavar="ID")
@path_argument
@click.option("--as-at", type=DATE, default=None, help="The day to look at (default: today).")
def show_command(doc_id: str, path: Path, as_at: date | None) -> None:
    """Print document ID as it was in force on a day: the latest approved version in force by then.

    The document goes to standard output exactly as approved; which version it is goes to standard error.
    """
    from polisi.history.record import describe, open_record, version_in_force

    record = open_record(handbook_dir(path), doc_id)
    version = version_in_force(record, _today(as_at))
    click.echo(describe(record, version), err=True)
    click.echo(version.text, nl=False)


@click.command("diff")
@click.argument("doc_id", metavar="ID")
@click.argument("version_a")
@click.argument("version_b")
@path_argument
def diff_command(doc_id: str, version_a: str, version_b: str, path: Path) -> None:
    """The text changes between two approved versions of document ID (from their tags or commits)."""
    from polisi.history.record import open_record, versions_diff

    record = open_record(handbook_dir(path), doc_id)
    same = f"{doc_id} v{version_a.removeprefix('v')} and v{version_b.removeprefix('v')} have the same text\n"
    click.echo(versions_diff(record, version_a, version_b) or same, nl=False)


COMMANDS: tuple[click.Command, ...] = (review_command, history_command, show_command, diff_command)
