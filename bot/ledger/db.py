"""Opening the ledger database: the embedded SQLite file by default, PostgreSQL via BOT_DATABASE_URL.

`open_ledger(url)` returns a session factory on a migrated schema. SQLite gets WAL mode and a busy timeout
so a second process waits for the lock instead of failing.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.orm import Session, sessionmaker

    from bot.errors import BotError


DATABASE_ENV = "BOT_DATABASE_URL"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
_URL_HELP = "expected sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DATABASE"


def parse_database_url(url: str) -> URL:
    """The ledger URL, checked: parseable, a supported database, its driver installed. The value itself is
    never echoed (it may hold a password). Raises ConfigError (exit 2) naming BOT_DATABASE_URL."""
    from bot.errors import ConfigError

    try:
        parsed = make_url(url)
        backend = parsed.get_backend_name()
        if backend != "sqlite":
            _ = parsed.port  # ":notaport" is only noticed when the port is read
    except (ArgumentError, ValueError, TypeError):
        raise ConfigError(f"not a database URL ({_URL_HELP})", source=DATABASE_ENV) from None
    if backend not in SUPPORTED_BACKENDS:
        raise ConfigError(f"unsupported database {backend!r} ({_URL_HELP})", source=DATABASE_ENV)
    try:
        parsed.get_dialect().import_dbapi()
    except ImportError:
        raise ConfigError(f"the database driver {parsed.get_driver_name()!r} is not installed ({_URL_HELP})",
                          source=DATABASE_ENV) from None
    return parsed


def unusable_database(error: BaseException) -> BotError:
    """A database that cannot be reached or used, as one line naming BOT_DATABASE_URL (exit 1)."""
    from bot.errors import LocalFailure

    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    detail = lines[0][:200] if lines else "no detail"
    return LocalFailure(f"{DATABASE_ENV}: cannot use the ledger database: {detail}")


def make_engine(url: str) -> Engine:
    parsed = parse_database_url(url)
    kwargs: dict[str, Any] = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            try:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise unusable_database(error) from None
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
SCHEMA_HEAD = "0006"


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
    from sqlalchemy.orm import sessionmaker  # here, not at the top: `bot plan` reads the ledger without the ORM

    engine = make_engine(url)
    try:
        migrate(engine)
    except (DBAPIError, OSError) as error:  # unreachable server, refused login, unwritable or full disk
        engine.dispose()
        raise unusable_database(error) from None
    return sessionmaker(engine, expire_on_commit=False)


@dataclass(frozen=True)
class LedgerFile:
    """The SQLite ledger file a runner opened, by device and inode: deleted or replaced under a running `bot
    run`, the open connections would go on writing to the unlinked file while new ones see an empty database
    ("no such table" forever). `check()` notices and stops the run. PostgreSQL and in-memory: no file, no check."""

    path: str | None
    identity: tuple[int, int] | None

    @classmethod
    def of(cls, factory: sessionmaker[Session]) -> LedgerFile:
        engine = factory.kw.get("bind")
        url = getattr(engine, "url", None)
        if url is None or url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return cls(None, None)
        try:
            status = os.stat(url.database)
        except OSError:
            return cls(url.database, None)
        return cls(url.database, (status.st_dev, status.st_ino))

    def check(self) -> None:
        if self.path is None or self.identity is None:
            return
        from bot.errors import LocalFailure

        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            raise LocalFailure(f"the ledger file {self.path} was deleted while `bot run` was running; "
                               "stopped (restore it or start again)") from None
        if (status.st_dev, status.st_ino) != self.identity:
            raise LocalFailure(f"the ledger file {self.path} was replaced while `bot run` was running; stopped")
