"""Alembic's entry point for the ledger: migrations always run on the connection polisi passes in."""

from __future__ import annotations

from alembic import context

from polisi.ledger.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
