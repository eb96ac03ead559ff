"""Opening the ledger: which database a handbook uses, connecting to it, and migrating it.

SQLite (the default, one file) is opened in WAL mode with a generous busy timeout and foreign
keys on, so several portal processes on one machine can write without losing anything; a
PostgreSQL URL serves several machines behind one load balancer. The schema is always brought to
the newest Alembic revision by :func:`migrate`, never created any other way.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from polisi.errors import PolisiError
from polisi.handbook.config import CONFIG_FILE, PortalSettings
from polisi.handbook.model import Handbook

DATABASE_ENV = "POLISI_PORTAL_DATABASE"
SQLITE_BUSY_SECONDS = 30


class LedgerError(PolisiError):
    """The portal database cannot be used: not reachable, not initialised, or too new."""


def settings_of(handbook: Handbook) -> PortalSettings:
    """The handbook's portal settings (the defaults when ``polisi.yml`` has no ``portal`` section)."""
    return handbook.config.portal or PortalSettings()


def database_url(handbook: Handbook) -> str:
    """The SQLAlchemy URL of the handbook's ledger: the environment, else ``portal.database``."""
    configured = os.environ.get(DATABASE_ENV) or settings_of(handbook).database
    if "://" in configured:
        return configured
    path = Path(configured)
    if not path.is_absolute():
        path = handbook.root / path
    if path.resolve().is_relative_to(handbook.build_dir.resolve()):
        raise LedgerError(
            f"{CONFIG_FILE}:1:1: error: CONFIG portal.database: {configured} is inside the build folder, "
            "which every build replaces; keep it outside"
        )
    return f"sqlite:///{path}"


def is_configured(handbook: Handbook) -> bool:
    """Whether this handbook uses the portal and its ledger has been created (by ``portal init``)."""
    if handbook.config.portal is None and DATABASE_ENV not in os.environ:
        return False
    url = database_url(handbook)
    return not url.startswith("sqlite:///") or Path(url.removeprefix("sqlite:///")).is_file()


def open_engine(url: str) -> Engine:
    """An engine for ``url``; :class:`LedgerError` (one line) when the URL is not one SQLAlchemy knows."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise LedgerError(f"portal database: '{url}' is not a database URL") from None
    options: dict[str, Any] = {"pool_pre_ping": True}
    if parsed.get_backend_name() == "sqlite":
        options["connect_args"] = {"timeout": SQLITE_BUSY_SECONDS}
    elif parsed.get_backend_name() == "postgresql":
        options.update(pool_size=10, max_overflow=10)
    try:
        engine = create_engine(parsed, **options)
    except (ArgumentError, ImportError) as exc:
        raise LedgerError(f"portal database: cannot use '{parsed.render_as_string()}': {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: Any, record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("polisi.ledger") / "migrations"))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Bring the ledger to the newest revision (creating it when empty)."""
    from alembic import command

    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "head")
    except SQLAlchemyError as exc:
        raise LedgerError(f"portal database: cannot migrate: {_first_line(exc)}") from None


def require_current(engine: Engine) -> None:
    """Refuse to work on a ledger that ``portal init`` has not created or that a newer polisi migrated."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                raise LedgerError("portal database: not initialised; run 'polisi portal init' first")
            current = MigrationContext.configure(connection).get_current_revision()
            head = ScriptDirectory.from_config(_alembic_config(connection)).get_current_head()
    except SQLAlchemyError as exc:
        raise LedgerError(f"portal database: {_first_line(exc)}") from None
    if current != head:
        raise LedgerError(f"portal database: at revision {current}, this polisi needs {head}; "
                          "run 'polisi portal init' to migrate")


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def open_ledger(handbook: Handbook, *, create: bool = False) -> Engine:
    """The handbook's ledger, migrated when ``create`` (``portal init``), else checked to be current."""
    url = database_url(handbook)
    if url.startswith("sqlite:///"):
        file = Path(url.removeprefix("sqlite:///"))
        if not create and not file.is_file():
            raise LedgerError(f"portal database: {file} does not exist; run 'polisi portal init' first")
        file.parent.mkdir(parents=True, exist_ok=True)
    engine = open_engine(url)
    if create:
        migrate(engine)
    else:
        require_current(engine)
    return engine
