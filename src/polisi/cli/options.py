"""Argument and option types shared by every command module."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from polisi.errors import UsageError


class DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a date written YYYY-MM-DD", param, ctx)


DATE = DateType()

path_argument = click.argument(
    "path", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
as_of_option = click.option(
    "--as-of", type=DATE, default=None, help="Judge review dates as on this day (default: today)."
)


def today(as_of: date | None) -> date:
    """The as-of day a command works with: the one given, else today."""
    return as_of or date.today()


def handbook_dir(path: Path) -> Path:
    """``path`` if it is a folder; a one-line usage error otherwise."""
    if not path.is_dir():
        raise UsageError(f"{path}: no such handbook folder")
    return path
