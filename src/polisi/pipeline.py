"""The stage order of a build, in one place: load -> check -> history -> render -> sign.

Every command that publishes goes through :func:`~polisi.check.gate.load_checked`, so nothing is
ever published from a handbook that fails its checks. Each ``publish_*``
function runs one output stage and returns the line that says what it did;
:func:`build_all` runs them all in order. Engines are imported inside the
functions so that ``import polisi`` stays light.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from polisi.check.gate import Checked, load_checked
from polisi.output import format_report
from polisi.publish import build_lock, new_generation, public_path
from polisi.render.progress import Progress, silent

SITE_STAGE = "Staff site"
"""Counted as one step: MkDocs builds it in one go."""

if TYPE_CHECKING:
    from polisi.history.git import History
    from polisi.signing.signer import Signer


def build_all(root: Path, as_of: date, say: Callable[[str], None], progress: Progress = silent) -> Checked:
    """Check, then publish every output: signed PDFs, the Word copies, the inspector bundle (whose
    signed manifest lists both), and the site (which links the PDFs and bundle). ``say`` receives
    one line per stage, ``progress`` the counts as each stage goes."""
    from polisi.history.git import load_history
    from polisi.signing.signer import signer_for

    history = load_history(root)
    checked = load_checked(root, as_of, history=history)  # refuses text changed since its approval
    say(format_report(checked.report, "text"))
    signer = signer_for(checked.handbook)
    with publishing(checked) as staged:
        say(publish_pdfs(staged, history, signer, progress=progress))
        say(publish_word(staged, progress=progress))
        say(publish_bundle(staged, history, signer, as_of, progress=progress))
        progress(SITE_STAGE, 0, 1)
        say(publish_site(staged, history, as_of))
        progress(SITE_STAGE, 1, 1)
    return checked


@contextmanager
def publishing(checked: Checked) -> Iterator[Checked]:
    """Lock the build folder and yield ``checked`` writing into a new generation of it, which
    becomes the published set, all outputs at once, when the block ends without an error
    (:func:`polisi.publish.new_generation`)."""
    build = checked.handbook.build_dir
    with build_lock(build), new_generation(build) as generation:
        config = checked.handbook.config.model_copy(update={"build_dir": str(generation)})
        yield dataclasses.replace(checked, handbook=dataclasses.replace(checked.handbook, config=config))


def publish_pdfs(checked: Checked, history: History, signer: Signer, ids: Sequence[str] = (), *,
                 progress: Progress = silent) -> str:
    from polisi.render.pdf_build import build_pdfs

    result = build_pdfs(checked.handbook, history, ids, signer=signer, progress=progress)
    total = len(result.rendered) + len(result.reused)
    return (f"{shown(result.folder)}: {total} PDFs ({len(result.rendered)} rendered, "
            f"{len(result.reused)} unchanged), {signer.description}")


def publish_bundle(checked: Checked, history: History, signer: Signer, as_of: date, since: date | None = None,
                   language: str | None = None, *, progress: Progress = silent) -> str:
    from polisi.render.bundle import build_bundle
    from polisi.render.bundle_languages import bundle_languages

    languages = bundle_languages(checked.handbook, language)
    result = build_bundle(checked.handbook, history, as_of, since, signer=signer, languages=languages,
                          progress=progress)
    laid_out = len(result.parts_rendered)
    state = f"rendered; {laid_out} part{'' if laid_out == 1 else 's'} laid out" if result.rendered else "unchanged"
    return f"{shown(result.path)}: inspector bundle ({state}), {signer.description}; manifest {shown(result.manifest)}"


def publish_site(checked: Checked, history: History, as_of: date, *, include_drafts: bool = False) -> str:
    from polisi.render.site import render_site

    built = render_site(checked, history, as_of, include_drafts=include_drafts)
    drafts = " (including drafts)" if built.include_drafts else ""
    return f"{shown(built.path)}: staff site, {built.documents} documents{drafts}"


def publish_word(checked: Checked, ids: Sequence[str] = (), *, progress: Progress = silent) -> str:
    from polisi.render.docx import OUTPUT_FOLDER, build_docx

    written = build_docx(checked, tuple(ids), progress)
    folder = checked.handbook.build_dir / OUTPUT_FOLDER
    return f"{shown(folder)}: Word copies of {len(written)} document{'s' * (len(written) != 1)}"


def stale_bundle_note(checked: Checked) -> str | None:
    """After a single-output build: a note when the inspector bundle's signed manifest no longer
    matches the PDFs and Word copies beside it (``polisi verify`` would fail the bundle)."""
    from polisi.signing.manifest import BUNDLE_FILE, check_manifest, embedded_manifest

    build = checked.handbook.build_dir
    bundle = build / "bundle" / BUNDLE_FILE
    signed = embedded_manifest(bundle) if bundle.is_file() else None
    if signed is None or not check_manifest(signed, build):
        return None
    return (f"polisi: note: {shown(bundle)} no longer matches the files beside it (its signed manifest is "
            "out of date); run 'polisi build bundle' or 'polisi build all' before handing it to an inspector")


def shown(path: Path) -> str:
    """A path as the user would type it, where it is published: relative to the current folder when inside it."""
    path = public_path(path.absolute())
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)
