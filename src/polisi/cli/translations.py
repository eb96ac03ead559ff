"""Commands for translations: ``polisi translated`` records a translation as in step with its source."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from polisi.cli.options import DATE, path_argument
from polisi.cli.options import today as _today
from polisi.errors import UsageError


@click.command("translated")
@click.argument("doc_id", metavar="ID")
@path_argument
@click.option("--by", "by", required=True, help="The role that translated (or, with --reviewed, reviewed) it.")
@click.option("--language", default=None, help="The translation's language code (default: the only one).")
@click.option("--reviewed", is_flag=True, help="A fluent speaker reviewed it against the source: state reviewed.")
@click.option("--on", "on", type=DATE, default=None, help="Date of the translation or review (default: today).")
def translated_command(doc_id: str, path: Path, by: str, language: str | None, reviewed: bool,
                       on: date | None) -> None:
    """Record that the translation of ID translates the source's current content, and commit it.

    Writes the source's version and content SHA-256 into the translation's 'translation' block,
    with state draft (translated_by) or, with --reviewed, reviewed (reviewed_by, reviewed_on).
    Refuses when the source has uncommitted changes or the pair fails polisi check.
    """
    from polisi.edit.translated import record_translation

    if not path.is_dir():
        raise UsageError(f"{path}: no such handbook folder")
    done = record_translation(path, doc_id, language, by, _today(on), reviewed=reviewed)
    if done.already:
        click.echo(f"{done.path} already records the {done.language} translation of {done.doc_id} "
                   f"v{done.version} ({done.state}, source SHA-256 {done.sha256[:12]}) in commit "
                   f"{done.commit[:7]}: nothing to do")
        return
    click.echo(f"recorded {done.path} ({done.state}) as the {done.language} translation of {done.doc_id} "
               f"v{done.version} (source SHA-256 {done.sha256[:12]}): commit {done.commit[:7]}")


COMMANDS: tuple[click.Command, ...] = (translated_command,)
