"""Alembic environment: runs on the connection `bot.ledger.db.migrate` hands over in `config.attributes`.

Only the online mode is supported: the bot always migrates a live database, never writes SQL scripts.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from bot.ledger.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)

with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        # Two processes starting on a fresh database would both try to create the tables: serialise them.
        connection.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
    context.run_migrations()
