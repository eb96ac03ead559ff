"""The acknowledgement ledger: the portal's database, who must read which version, and coverage.

It holds the tables (and their Alembic migrations), the rule that decides which staff must
acknowledge which version of a document, and the coverage reports built from them, so the
inspector bundle and ``polisi review`` can read coverage without the web service. It may import
the history and handbook stages, findings and errors, never the review, check, render or portal
stages; only ``database.py`` opens connections.
"""
