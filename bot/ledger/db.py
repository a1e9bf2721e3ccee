"""Opening the ledger database: the embedded SQLite file by default, PostgreSQL via BOT_DATABASE_URL.

`open_ledger(url)` returns a session factory on a migrated schema. SQLite gets WAL mode and a busy timeout
so a second process waits for the lock instead of failing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30}
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    kwargs["pool_pre_ping"] = True
    return create_engine(url, **kwargs)


def migrate(engine: Engine) -> None:
    """Bring the schema up to date (Alembic migrations in bot/ledger/migrations)."""
    from bot.ledger.models import Base

    Base.metadata.create_all(engine)  # replaced by Alembic `upgrade head`


def open_ledger(url: str) -> sessionmaker[Session]:
    engine = make_engine(url)
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)
