"""Exceptions for "polisi could not run", kept free of any CLI framework.

Problems *in* a handbook are never exceptions: they are findings in a report
(see ``findings``). These exceptions mean the command itself cannot proceed:
a missing folder, a broken configuration file, a tool that is not installed.
The CLI turns each into one line and its ``exit_status``: 2 when the command
could not run as asked (bad arguments, a broken configuration, no signing key,
another build running), 1 when it ran and found the handbook or a file wanting.
An internal error (a bug in polisi) is :data:`INTERNAL_ERROR`.
"""


from __future__ import annotations

INTERNAL_ERROR = 3
"""Exit status of ``polisi: internal error``, distinct so CI can tell a crash from a handbook with errors."""


class PolisiError(Exception):
    """The command could not run; the message is shown to the user as one line."""

    exit_status = 1


class UsageError(PolisiError):
    """The user asked for something that cannot be done as asked (exit status 2)."""

    exit_status = 2


class BuildError(PolisiError):
    """A publishing step failed; earlier output is left in place."""


def one_line(exc: BaseException) -> str:
    """An exception as one line for the user: its type and its message with line breaks folded.

    Library messages (YAML, WeasyPrint, cryptography) often span several lines;
    every polisi error must stay one line.
    """
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
