"""Alembic migrations of the ledger, run in code by `bot.ledger.db.migrate` (no alembic.ini needed)."""
