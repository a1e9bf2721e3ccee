"""Opening the ledger database: the embedded SQLite file by default, PostgreSQL via BOT_DATABASE_URL.

`open_ledger(url)` returns a session factory on a migrated schema. SQLite gets WAL mode and a busy timeout
so a second process waits for the lock instead of failing.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config


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


MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The newest revision in migrations/versions. Kept here so an up-to-date database is recognised without
# loading Alembic; tests/test_ledger_migrations.py checks it against the scripts.
SCHEMA_HEAD = "0001"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config built in code (no alembic.ini): the scripts ship inside the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


@functools.cache
def head_revision() -> str | None:
    """The head according to the migration scripts themselves (loads Alembic)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    """The revision stamped in `alembic_version`, read without importing Alembic (it costs ~90 ms)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema up to date with Alembic `upgrade head` (scripts in bot/ledger/migrations).

    Cheap when already current (one SELECT), so every `open_ledger` calls it. Concurrent first starts are
    serialised: SQLite by BEGIN IMMEDIATE here, PostgreSQL by an advisory lock in the migration env. A
    database made by the pre-Alembic `create_all` (tables but no version) is stamped as the initial revision.
    """
    with engine.connect() as connection:
        if current_revision(connection) == SCHEMA_HEAD:
            return
    from alembic import command

    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        config = alembic_config(connection)
        if current_revision(connection) is None and inspect(connection).has_table("posts"):
            command.stamp(config, "0001")
        command.upgrade(config, "head")
        connection.commit()


def open_ledger(url: str) -> sessionmaker[Session]:
    engine = make_engine(url)
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)
