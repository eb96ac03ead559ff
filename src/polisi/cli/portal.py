"""``polisi portal``: the staff portal and its acknowledgement ledger.

``init`` creates (or migrates) the ledger, ``serve`` runs the portal, ``staff`` manages who works
here, ``record`` enters an acknowledgement made on paper or in supervision, and ``report`` prints
coverage for people, spreadsheets and CI. ``cli.main`` registers :data:`COMMAND`.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click

from polisi.cli.options import DATE, as_of_option
from polisi.cli.options import today as _today
from polisi.errors import UsageError

handbook_option = click.option(
    "--handbook", "root", default=".", show_default=True,
    type=click.Path(file_okay=False, path_type=Path), help="The handbook folder.")
by_option = click.option(
    "--by", default=None, help="Who is making this change, for the audit trail (default: $USER on the command line).")


def _ledger(root: Path, *, create: bool = False):  # type: ignore[no-untyped-def]
    from polisi.handbook.model import load_handbook
    from polisi.ledger.database import open_ledger

    if not root.is_dir():
        raise UsageError(f"{root}: no such handbook folder")
    handbook = load_handbook(root)
    return handbook, open_ledger(handbook, create=create)


def _actor(by: str | None) -> str:
    from polisi.ledger.store import COMMAND_LINE

    return by or f"{COMMAND_LINE} ({os.environ.get('USER', 'unknown user')})"


@click.group("portal")
def portal_group() -> None:
    """The staff portal: who has read and understood which version."""


@portal_group.command("init")
@handbook_option
def init_command(root: Path) -> None:
    """Create the portal database (or bring it up to date) as portal.database in polisi.yml says."""
    from polisi.ledger.database import database_url
    from polisi.ledger.store import secret_key

    handbook, engine = _ledger(root, create=True)
    secret_key(engine)
    click.echo(f"portal database ready: {engine.url.render_as_string(hide_password=True)}"
               if "://" in database_url(handbook) and not database_url(handbook).startswith("sqlite")
               else f"portal database ready: {database_url(handbook).removeprefix('sqlite:///')}")


@portal_group.command("serve")
@handbook_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve_command(root: Path, host: str, port: int) -> None:
    """Serve the built staff site behind sign-in, with acknowledgements, until interrupted."""
    from polisi.portal.serve import serve

    if not root.is_dir():
        raise UsageError(f"{root}: no such handbook folder")
    click.echo(f"polisi: portal for {root} at http://{host}:{port}/ (Ctrl+C to stop)")
    serve(root, host, port)


@portal_group.group("staff")
def staff_group() -> None:
    """Import staff, invite them, mark leavers."""


@staff_group.command("import")
@click.argument("csv_file", metavar="STAFF.CSV", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@handbook_option
@by_option
def import_command(csv_file: Path, root: Path, by: str | None) -> None:
    """Add or update staff from a CSV file with the columns name,email,roles,start_date (roles split by ;)."""
    from polisi.ledger.store import import_staff, read_staff_csv

    rows = read_staff_csv(csv_file.read_text(encoding="utf-8-sig"), str(csv_file))
    _, engine = _ledger(root)
    added, updated = import_staff(engine, rows, _actor(by))
    click.echo(f"{csv_file}: {len(rows)} staff ({added} added, {updated} updated, "
               f"{len(rows) - added - updated} unchanged)")


@staff_group.command("invite")
@click.argument("email")
@handbook_option
@by_option
def invite_command(email: str, root: Path, by: str | None) -> None:
    """Print a one-time link (valid 7 days) with which EMAIL sets a password."""
    from polisi.ledger.database import settings_of
    from polisi.ledger.store import invite

    handbook, engine = _ledger(root)
    token = invite(engine, email, _actor(by))
    click.echo(f"{settings_of(handbook).url.rstrip('/')}/_portal/invitation/{token}")


@staff_group.command("leave")
@click.argument("email")
@handbook_option
@click.option("--on", "on", type=DATE, default=None, help="Last day in post (default: today).")
@by_option
def leave_command(email: str, root: Path, on: date | None, by: str | None) -> None:
    """Mark EMAIL as a leaver: kept with every acknowledgement, no longer asked or able to sign in."""
    from polisi.ledger.store import mark_leaver

    _, engine = _ledger(root)
    member = mark_leaver(engine, email, _today(on), _actor(by))
    click.echo(f"{member.email}: marked as left on {_today(on).isoformat()}")


@portal_group.command("record")
@click.argument("doc_id", metavar="ID")
@click.option("--staff", "email", required=True, help="Email of the member of staff.")
@click.option("--on", "on", type=DATE, required=True, help="The day they read and understood it.")
@click.option("--how", required=True, help="How it was done, e.g. 'signed paper form' or 'supervision'.")
@handbook_option
@by_option
def record_command(doc_id: str, email: str, on: date, how: str, root: Path, by: str | None) -> None:
    """Record on someone's behalf that they read and understood the published version of ID."""
    from polisi.history.git import load_history
    from polisi.ledger.database import settings_of
    from polisi.ledger.rules import must_read, requirements
    from polisi.ledger.store import StaffError, acknowledge, require_member

    handbook, engine = _ledger(root)
    requirement = next((r for r in requirements(handbook, load_history(root)) if r.document_id == doc_id), None)
    if requirement is None:
        raise UsageError(f"{doc_id}: no approved document with that id")
    if not how.strip():
        raise UsageError("--how must say how it was done")
    if on > date.today():
        raise UsageError(f"--on {on.isoformat()} is in the future")
    with engine.connect() as conn:
        member = require_member(conn, email)
    if member.left_on is not None:
        raise StaffError(f"{member.email}: left on {member.left_on.isoformat()}")
    if not must_read(requirement, member, settings_of(handbook)):
        raise StaffError(f"{doc_id} is not for {member.email} (audience: {', '.join(requirement.audience)})")
    new = acknowledge(engine, member, doc_id, requirement.version, on=on, recorded_by=_actor(by), how=how.strip())
    state = "recorded" if new else "already recorded"
    click.echo(f"{doc_id} version {requirement.version}: {state} for {member.email} on {on.isoformat()}")


@portal_group.command("report")
@handbook_option
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True)
def report_command(root: Path, as_of: date | None, fmt: str) -> None:
    """Acknowledgement coverage: per document N of M (P%), per person what is outstanding."""
    from polisi.history.git import load_history
    from polisi.ledger.coverage import coverage, format_report
    from polisi.ledger.database import settings_of
    from polisi.ledger.rules import requirements

    handbook, engine = _ledger(root)
    report = coverage(engine, requirements(handbook, load_history(root)), settings_of(handbook), _today(as_of))
    click.echo(format_report(report, fmt))


COMMAND = portal_group
