"""The ``polisi`` command: parse arguments, call the library, format the result.

The only module that prints or exits. Every error reaches the user as one line;
tracebacks appear only with ``--debug``.
"""

from __future__ import annotations

import sys
import traceback
from datetime import date
from pathlib import Path

import click

from polisi import __version__
from polisi.cli.history import COMMANDS as GIT_RECORD_COMMANDS
from polisi.cli.lead import COMMANDS as LEAD_COMMANDS
from polisi.cli.options import DATE, as_of_option, path_argument
from polisi.cli.options import today as _today
from polisi.cli.portal import COMMAND as PORTAL_COMMAND
from polisi.cli.translations import COMMANDS as TRANSLATION_COMMANDS
from polisi.errors import INTERNAL_ERROR, PolisiError, UsageError, one_line
from polisi.output import FORMATS, format_report


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="polisi")
@click.option("--debug", is_flag=True, help="Show a traceback when polisi itself fails.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Check, publish and sign a policy handbook kept as Markdown in git."""
    ctx.obj = {"debug": debug}


for _command in (*GIT_RECORD_COMMANDS, *LEAD_COMMANDS, *TRANSLATION_COMMANDS):
    cli.add_command(_command)
cli.add_command(PORTAL_COMMAND)


@cli.command("check")
@path_argument
@as_of_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--warning-days", type=click.IntRange(0, 365), default=None,
              help="Warn about reviews due within this many days (default: from polisi.yml, else 60).")
def check_command(path: Path, as_of: date | None, fmt: str, strict: bool, warning_days: int | None) -> None:
    """Check every document of the handbook at PATH and report every problem found.

    Exit status: 0 no errors, 1 errors found, 2 the check could not run.
    """
    from polisi.check.rules import check
    from polisi.handbook.model import load_handbook
    from polisi.history.git import load_history

    if not path.is_dir():
        raise UsageError(f"{path}: no such handbook folder")
    history = load_history(path)
    if history.note and history.is_repository:
        click.echo(f"polisi: note: {history.note}; CHANGED_SINCE_APPROVAL cannot always name the commit that "
                   "changed a text", err=True)
    report = check(load_handbook(path), _today(as_of), warning_days, history)
    if strict:
        report = report.strict()
    click.echo(format_report(report, fmt))
    sys.exit(0 if report.ok else 1)


@cli.group("build")
def build_group() -> None:
    """Publish the handbook (only when it passes its checks)."""


@build_group.command("all")
@path_argument
@as_of_option
def build_all(path: Path, as_of: date | None) -> None:
    """Check the handbook and build every output into the build folder.

    In order: signed PDFs, Word copies, the inspector bundle (whose signed
    manifest lists both) and the staff site (which links them). Nothing is
    built when the check finds errors, including text changed since its approval.
    """
    from polisi.cli.progress import progress_display
    from polisi.pipeline import build_all as build_everything

    with progress_display() as progress:
        build_everything(path, _today(as_of), click.echo, progress)


@build_group.command("docx")
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@click.argument("ids", nargs=-1)
@as_of_option
def build_docx_command(path: Path, ids: tuple[str, ...], as_of: date | None) -> None:
    """Export approved documents (all, or the IDs given) as editable Word files into build/docx/.

    PATH may be left out: 'polisi build docx POL-SAF-01' exports from the current folder.
    """
    from polisi.check.gate import load_checked
    from polisi.pipeline import publish_word, publishing, stale_bundle_note

    if not path.is_dir() and not path.exists():
        path, ids = Path("."), (str(path), *ids)
    checked = load_checked(path, _today(as_of))
    with publishing(checked) as staged:
        click.echo(publish_word(staged, ids))
    _note(stale_bundle_note(checked))


@cli.command("import")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-C", "--handbook", "root", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="The handbook to import into.")
@click.option("--kind", type=click.Choice(["policy", "procedure"]), default=None,
              help="What the document is (default: procedure when its title says so, else policy).")
@click.option("--id", "doc_id", default=None, help="The new document's id (default: the next free one in its area).")
@click.option("--area", default=None, help="Area code for the new id, e.g. SAF (default: guessed from the title).")
@click.option("--owner", default=None, help="Owning role (default: from the document, else Registered Manager).")
@click.option("--policy", default=None, help="Procedures: the policy the procedure belongs to.")
@click.option("--language", default=None,
              help="The file is a translation (e.g. cy) of the existing document --id: write ID.<language>.md.")
def import_command(source: Path, root: Path, kind: str | None, doc_id: str | None, area: str | None,
                   owner: str | None, policy: str | None, language: str | None) -> None:
    """Import a Word document (.docx), or every .docx in a folder, as draft handbook documents.

    Every value polisi had to guess is listed; nothing existing is overwritten.
    Exit status: 0 all imported, 1 a file could not be imported.
    """
    from polisi.handbook.model import Kind
    from polisi.word.importer import Imported, ImportOptions, import_folder, import_word
    from polisi.word.report import BEFORE_APPROVAL, describe, summary_table

    if language is not None:
        from polisi.word.translation_import import import_translation

        if source.is_dir():
            raise UsageError("--language imports one Word file, the translation of the document --id")
        click.echo(describe(import_translation(root, source, doc_id, language)))
        return

    options = ImportOptions(Kind(kind) if kind else None, doc_id, area, owner, policy)
    if not source.is_dir():
        imported = import_word(root, source, options)
        click.echo(describe(imported))
        _what_check_says(root, [imported.path])
        click.echo(BEFORE_APPROVAL)
        return
    results = import_folder(root, source, options)
    for result in results:
        if isinstance(result, Imported):
            click.echo(describe(result))
    _what_check_says(root, [r.path for r in results if isinstance(r, Imported)])
    click.echo(summary_table(results))
    failed = sum(not isinstance(r, Imported) for r in results)
    click.echo(f"{len(results) - failed} of {len(results)} Word files imported. {BEFORE_APPROVAL}")
    sys.exit(1 if failed else 0)


def _what_check_says(root: Path, paths: list[str]) -> None:
    """Every finding ``polisi check`` raises on the new documents, so none comes as a surprise."""
    from polisi.check.rules import check
    from polisi.handbook.model import load_handbook

    findings = [f for f in check(load_handbook(root), _today(None)) if f.path in paths]
    click.echo(f"polisi check on the imported documents: {len(findings) or 'no'} finding{'s' * (len(findings) != 1)}")
    for finding in findings:
        click.echo(f"  {finding.format()}")


include_drafts_option = click.option(
    "--include-drafts", is_flag=True,
    help="Also publish drafts and withdrawn documents, marked as such (the policy lead's preview).",
)


@build_group.command("site")
@path_argument
@as_of_option
@include_drafts_option
def build_site(path: Path, as_of: date | None, include_drafts: bool) -> None:
    """Build the staff intranet site into build/site/ (only when the handbook passes its checks)."""
    from polisi.check.gate import load_checked
    from polisi.history.git import load_history
    from polisi.pipeline import publish_site, publishing

    checked = load_checked(path, _today(as_of))
    click.echo(format_report(checked.report, "text"))
    with publishing(checked) as staged:
        click.echo(publish_site(staged, load_history(checked.handbook.root), _today(as_of),
                                include_drafts=include_drafts))


@cli.command("serve")
@path_argument
@as_of_option
@include_drafts_option
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
def serve_command(path: Path, as_of: date | None, include_drafts: bool, port: int) -> None:
    """Preview the site at http://127.0.0.1:PORT/, rebuilding whenever a source file changes."""
    from polisi.render.site_serve import serve

    def say(line: str) -> None:
        click.echo(line, err=True)

    serve(path, as_of, include_drafts=include_drafts, port=port, say=say)


@build_group.command("pdf")
@click.argument("targets", nargs=-1, metavar="[PATH] [ID]...")
@as_of_option
def build_pdf(targets: tuple[str, ...], as_of: date | None) -> None:
    """Build a signed PDF of each document (or only the IDs given) into build/pdf.

    PATH is the handbook folder (default: the current folder); any other
    argument is a document id. Unchanged documents are not rendered again.
    """
    from polisi.check.gate import load_checked
    from polisi.cli.progress import progress_display
    from polisi.history.git import load_history
    from polisi.pipeline import publish_pdfs, publishing, stale_bundle_note
    from polisi.signing.signer import signer_for

    path, ids = (Path(targets[0]), targets[1:]) if targets and Path(targets[0]).is_dir() else (Path("."), targets)
    checked = load_checked(path, _today(as_of))
    signer = signer_for(checked.handbook)
    with publishing(checked) as staged, progress_display() as progress:
        click.echo(publish_pdfs(staged, load_history(checked.handbook.root), signer, ids, progress=progress))
    _note(stale_bundle_note(checked))


def _note(line: str | None) -> None:
    if line:
        click.echo(line, err=True)


@build_group.command("bundle")
@path_argument
@as_of_option
@click.option("--since", type=DATE, default=None,
              help="Add a change log of documents approved or revised since this day.")
@click.option("--language", default=None,
              help="A language code (e.g. cy) or 'both': the bundle in that language, in build/bundle/<code>/.")
def build_bundle_command(path: Path, as_of: date | None, since: date | None, language: str | None) -> None:
    """Build the signed inspector bundle and its manifest.json into build/bundle."""
    from polisi.check.gate import load_checked
    from polisi.cli.progress import progress_display
    from polisi.history.git import load_history
    from polisi.pipeline import publish_bundle, publishing
    from polisi.signing.signer import signer_for

    checked = load_checked(path, _today(as_of))
    history = load_history(checked.handbook.root)
    signer = signer_for(checked.handbook)
    with publishing(checked) as staged, progress_display() as progress:
        click.echo(publish_bundle(staged, history, signer, _today(as_of), since, language, progress=progress))


@cli.command("verify")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--handbook", "root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True,
              help="Handbook whose polisi.yml names the trust roots or fingerprints (else the demonstration CA).")
@click.option("--trust-root", "trust_root", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Trust this CA certificate (PEM or DER) instead of the handbook's; repeatable.")
def verify_command(files: tuple[Path, ...], root: Path, trust_root: tuple[Path, ...]) -> None:
    """Check that each signed PDF is intact, validly signed, wholly covered and trusted.

    A bundle is also checked against the manifest.json beside it. One line per
    file; exit status 0 only when every file verifies.
    """
    from polisi.handbook.config import load_config
    from polisi.signing.identity import trust_roots_for
    from polisi.signing.verify import verify_files

    pins: list[str] = []
    if trust_root:
        roots = list(trust_root)
    else:
        config = load_config(root)
        roots = trust_roots_for(root, config.signing, root / config.build_dir, config.organisation)
        pins = list(config.signing.fingerprints)
    if not roots and not pins:
        raise UsageError("no trust root: configure signing.trust_roots or signing.fingerprints in polisi.yml, "
                         "build once for the demonstration CA, or pass --trust-root")
    checks = verify_files(list(files), roots, pins)
    for check in checks:
        click.echo(check.line)
    sys.exit(0 if all(c.ok for c in checks) else 1)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning every failure into one line and an exit status."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="polisi", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("polisi: interrupted", err=True)
        sys.exit(1)
    except click.UsageError as exc:
        click.echo(f"polisi: error: {exc.format_message()} (see 'polisi --help')", err=True)
        sys.exit(2)
    except PolisiError as exc:
        report = getattr(exc, "report", None)
        if report is not None:  # a refused check ends with its count; a renderer's failures need none
            from polisi.render.failures import OutputFailed

            rendered = isinstance(exc, OutputFailed)
            click.echo("\n".join(f.format() for f in report) if rendered else format_report(report, "text"), err=True)
        click.echo(f"polisi: error: {exc}", err=True)
        sys.exit(exc.exit_status)
    except Exception as exc:  # noqa: BLE001 - the promise is: never a traceback without --debug
        if debug:
            traceback.print_exc()
        click.echo(f"polisi: internal error: {one_line(exc)} (run with --debug for details)", err=True)
        sys.exit(INTERNAL_ERROR)

