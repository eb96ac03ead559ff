"""The policy lead's everyday commands that write to the handbook: new, approve, reviewed.

Thin layers over ``polisi.edit``: they ask for what is missing when a person is at
the terminal (the change summary, a confirmation) and refuse with one line when not.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from polisi.cli.options import DATE, handbook_dir, path_argument
from polisi.cli.options import today as _today
from polisi.errors import UsageError

by_option = click.option("--by", "by", default=None,
                         help="The approving role or body, one of polisi.yml's approvers, e.g. 'Board'.")
on_option = click.option("--on", "on", type=DATE, default=None, help="Date of the decision (default: today).")


def _interactive() -> bool:
    return sys.stdin.isatty()


def _summary(summary: str | None) -> str:
    """The change summary: as given, else asked for at a terminal, else refused."""
    if summary is not None:
        return summary
    if not _interactive():
        raise UsageError("--summary is required: say what changed in this version, for the revision history")
    return str(click.prompt("What changed in this version (for the revision history staff read)?"))


@click.command("approve")
@click.argument("doc_id", metavar="ID")
@path_argument
@by_option
@on_option
@click.option("--minor", "bump", flag_value="minor", default=None, help="Bump the minor version (2.0 -> 2.1).")
@click.option("--major", "bump", flag_value="major", help="Bump the major version (2.1 -> 3.0).")
@click.option("--summary", default=None, help="What changed in this version, in at least a few words.")
@click.option("--evidence", default=None,
              help="Where the decision is minuted, e.g. 'Board minutes 2026-05-14, item 4'.")
@click.option("--existing", is_flag=True,
              help="Record an approval that already happened: the current text, at the version it states.")
@click.option("--yes", is_flag=True, help="With --existing: do not ask for confirmation after showing the text.")
def approve_command(doc_id: str, path: Path, by: str | None, on: date | None, bump: str | None,
                    summary: str | None, evidence: str | None, existing: bool, yes: bool) -> None:
    """Approve document ID: set its approval keys, record it in approvals/ID.yml, commit (and tag ID/vX.Y).

    Without --minor/--major the version is kept if it was never approved, else its minor part is bumped.
    Refuses, leaving the repository as it was, on uncommitted changes, an unknown id or approver, a
    document that fails polisi check, or when git refuses the commit (a hook, no identity, a tag).
    """
    root = handbook_dir(path)
    if existing:
        _approve_existing(root, doc_id, by, on, summary, evidence, yes)
        return
    from polisi.edit.approve import approve

    if by is None:
        raise UsageError("--by is required: the role or body that approved it, as named in polisi.yml")
    done = approve(root, doc_id, by, _today(on), bump, summary=_summary(summary), evidence=evidence)  # type: ignore[arg-type]
    click.echo(
        f"approved {done.doc_id} v{done.version} (was v{done.previous_version}): "
        f"commit {done.commit[:7]}, recorded in approvals/{done.doc_id}.yml; push it with: git push --follow-tags"
    )


def _approve_existing(root: Path, doc_id: str, by: str | None, on: date | None, summary: str | None,
                      evidence: str | None, yes: bool) -> None:
    from polisi.edit.record_only import record_existing
    from polisi.handbook.model import Document

    if not yes and not _interactive():
        raise UsageError("--existing shows the text and asks before recording it; without a terminal, add --yes")

    def confirm(doc: Document) -> bool:
        if yes:
            return True
        click.echo(doc.source.text)
        return click.confirm(
            f"Record this text as {doc.id} v{doc.meta.version}, approved by {doc.meta.approved_by} on "
            f"{doc.meta.approved_on}?", default=False,
        )

    done = record_existing(root, doc_id, by, on, summary=summary, evidence=evidence, confirm=confirm)
    if done is None:
        click.echo("nothing recorded", err=True)
        sys.exit(1)
    click.echo(f"recorded the approval of {done.doc_id} v{done.version} in approvals/{done.doc_id}.yml: "
               f"commit {done.commit[:7]}")


@click.command("reviewed")
@click.argument("doc_id", metavar="ID")
@path_argument
@by_option
@on_option
@click.option("--summary", default=None, help="What the review found (default: 'Reviewed; no change needed').")
def reviewed_command(doc_id: str, path: Path, by: str | None, on: date | None, summary: str | None) -> None:
    """Record a review of approved document ID that changed nothing: new last_reviewed, no new version.

    Refused for drafts, or when the text changed since its approval (approve it instead).
    """
    from polisi.edit.record_only import reviewed

    if by is None:
        raise UsageError("--by is required: the role that reviewed it, as named in polisi.yml")
    done = reviewed(handbook_dir(path), doc_id, by, _today(on), summary)
    click.echo(f"recorded a review of {done.doc_id} v{done.version} with no change: commit {done.commit[:7]}")


@click.command("new")
@click.argument("kind", type=click.Choice(["policy", "procedure"]))
@click.argument("area")
@click.argument("title")
@click.option("-C", "--handbook", "root", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="The handbook to add it to.")
@click.option("--policy", default=None, help="Procedures: the policy it carries out (linked both ways).")
def new_command(kind: str, area: str, title: str, root: Path, policy: str | None) -> None:
    """Create a draft policy or procedure in AREA with the next free id, ready to write and check."""
    from polisi.edit.new import new_document
    from polisi.handbook.model import Kind

    done = new_document(handbook_dir(root), Kind(kind), area, title, policy)
    click.echo(f"created {done.path} ({done.doc_id}, draft)" + (f"; listed in {done.linked}" if done.linked else ""))


COMMANDS: tuple[click.Command, ...] = (new_command, approve_command, reviewed_command)
