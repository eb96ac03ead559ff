"""The only module that runs pandoc: Word import and Word export both go through here.

pandoc comes inside the ``pypandoc-binary`` wheel, so there is nothing to
install from the system and nothing is ever downloaded (``download_pandoc`` is
never called). pandoc is run as a subprocess with an explicit argument list so
its own error message can be handed back to the user as one line.

pandoc always runs with ``--sandbox``: it reads only the files named on its
command line and fetches nothing, so an image path or URL inside a document
(``/etc/passwd``, ``http://...``) never reaches a Word file. Its memory is capped
through the Haskell runtime (``+RTS -M``) and its time by :data:`TIMEOUT_SECONDS`,
so a hostile Word file cannot exhaust the machine. It dies with polisi (:mod:`polisi.processes`).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from polisi.errors import BuildError
from polisi.processes import run

TIMEOUT_SECONDS = 300
"""A Word document that takes pandoc longer than this is treated as broken."""
MEMORY_LIMIT = "1500m"
"""pandoc's heap limit; a policy of hundreds of pages converts in a small fraction of it."""


_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def literal_metadata(text: str) -> str:
    """``text`` as a pandoc metadata value that stays exactly this text, on one line.

    pandoc reads every string of a ``--metadata-file`` as Markdown, so a title such as
    ``[x](https://...)`` would become a link in Word's title and ``*`` would vanish from the
    document properties. pandoc's Markdown lets a backslash escape any ASCII punctuation mark.
    """
    return _PUNCTUATION.sub(r"\\\1", " ".join(text.split()))


class PandocError(BuildError):
    """pandoc is missing or refused the input; the message is pandoc's own first line."""


@cache
def pandoc_path() -> str:
    """The pandoc executable shipped by pypandoc-binary."""
    try:
        import pypandoc
    except ImportError:  # pragma: no cover - pypandoc-binary is a declared dependency
        raise PandocError("pandoc is not available: install the pypandoc-binary package") from None
    try:
        return str(pypandoc.get_pandoc_path())
    except OSError as exc:
        raise PandocError(f"pandoc is not available: {exc}") from None


def run_pandoc(args: Sequence[str | Path], *, cwd: Path | None = None, stdin: bytes | None = None) -> str:
    """Run pandoc with ``args`` and return what it wrote to standard output (UTF-8)."""
    command = [pandoc_path(), "+RTS", f"-M{MEMORY_LIMIT}", "-RTS", "--sandbox", *map(str, args)]
    try:
        done = run(
            command, cwd=cwd, input=stdin, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise PandocError(f"pandoc took longer than {TIMEOUT_SECONDS} s and was stopped") from None
    except OSError as exc:
        raise PandocError(f"cannot run pandoc: {exc.strerror}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if "Heap exhausted" in " ".join(message) or done.returncode == 251:
            raise PandocError(f"pandoc needed more than {MEMORY_LIMIT}B of memory and was stopped")
        raise PandocError(f"pandoc failed: {message[0] if message else f'exit status {done.returncode}'}")
    return done.stdout.decode("utf-8")
