"""The rehearsal ledger: the separate database every dry-run works on, so a dry-run never writes the real one.

Design (why a copy rather than a mode column on the real rows): the real ledger stays exactly what went out,
with no row or attempt a dry-run could leave behind for a later `bot run --live` to trip over; and the
runner, claims and sync need no "mode" condition in any query, so the dry-run exercises the very code the
live run uses.

- Where: `BOT_REHEARSAL_DATABASE_URL`, default `sqlite:///<var_dir>/rehearsal.sqlite3`. It may never be the
  real ledger's URL (refused, exit 2): a fresh rehearsal starts by emptying it.
- Fresh: each dry-run `bot run` (and each `bot rehearse`) empties it, creates the schema through the same
  migrations as the real ledger, and copies every row of the real ledger (SQLite or PostgreSQL, read through
  SQLAlchemy; the real ledger is only read). `bot run --resume` continues the last rehearsal instead.
- What it was: `rehearsal.json` beside it says which command made it, when, and from which ledger; `bot
  history --rehearsal` / `bot queue --rehearsal` read it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.engine import make_url

from bot.errors import ConfigError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from bot.settings import Settings

REHEARSAL_ENV = "BOT_REHEARSAL_DATABASE_URL"
INFO_FILE = "rehearsal.json"


@dataclass(frozen=True)
class RehearsalInfo:
    """What the current rehearsal ledger is a rehearsal of."""

    made_by: str  # "bot run" | "bot rehearse"
    taken_at: str  # ISO, UTC: when the real ledger was copied
    source: str  # the real ledger's URL, password hidden
    copied: int  # posts copied from the real ledger
    ledger: str  # the rehearsal ledger's URL

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def rehearsal_url(settings: Settings) -> str:
    return os.environ.get(REHEARSAL_ENV) or f"sqlite:///{Path(settings.bot.var_dir) / 'rehearsal.sqlite3'}"


_LOCAL_HOSTS = ("", "localhost", "127.0.0.1", "::1")
_DEFAULT_PORTS = {"postgresql": 5432}


def _same_database(a: str, b: str) -> bool:
    """Whether two URLs may name one database — spelled differently (driver, default port, query options, a
    local host's several names) still counts as the same: a fresh rehearsal empties its ledger."""
    left, right = make_url(a), make_url(b)
    if left.get_backend_name() != right.get_backend_name():
        return False
    if left.get_backend_name() == "sqlite":
        return Path(left.database or "").resolve() == Path(right.database or "").resolve()

    def where(url: Any) -> tuple[str, int | None, str]:
        host = (url.host or "").lower()
        host = "localhost" if host in _LOCAL_HOSTS else host
        return host, url.port or _DEFAULT_PORTS.get(url.get_backend_name()), url.database or ""

    return where(left) == where(right)


def checked_url(settings: Settings) -> str:
    """The rehearsal ledger's URL, refused when it names the real ledger (a fresh rehearsal empties it)."""
    url = rehearsal_url(settings)
    if _same_database(url, settings.database_url):
        raise ConfigError(f"{REHEARSAL_ENV} names the real ledger (BOT_DATABASE_URL): a dry-run would overwrite "
                          "it; point it at a database of its own", source=REHEARSAL_ENV)
    return url


def start_rehearsal(settings: Settings, *, made_by: str, now: dt.datetime) -> sessionmaker[Session]:
    """A fresh rehearsal ledger: emptied, migrated, holding a copy of every row of the real ledger."""
    from bot.ledger.db import open_ledger

    url = checked_url(settings)
    _remove_sqlite_file(url)
    factory = open_ledger(url)
    _empty(factory)
    copied = copy_real_rows(settings, factory)
    info = RehearsalInfo(made_by, now.astimezone(dt.UTC).isoformat(timespec="seconds"),
                         make_url(settings.database_url).render_as_string(hide_password=True), copied,
                         make_url(url).render_as_string(hide_password=True))
    info_path(settings).parent.mkdir(parents=True, exist_ok=True)
    info_path(settings).write_text(json.dumps(info.to_dict(), indent=2) + "\n", encoding="utf-8")
    return factory


def open_for_dry_run(settings: Settings, *, resume: bool, made_by: str,
                     now: dt.datetime) -> tuple[sessionmaker[Session], str]:
    """(session factory, URL) of the ledger a dry-run works on: a fresh rehearsal, or with `resume` the last
    one as it was left (a fresh one if there is none)."""
    from bot.ledger.db import open_ledger

    url = checked_url(settings)
    if resume and rehearsal_exists(url):
        return open_ledger(url), url
    return start_rehearsal(settings, made_by=made_by, now=now), url


def open_last_rehearsal(settings: Settings) -> sessionmaker[Session] | None:
    """The last rehearsal's ledger for reading, or None when no dry-run has made one yet."""
    from bot.ledger.db import open_ledger

    url = checked_url(settings)
    return open_ledger(url) if rehearsal_exists(url) else None


def read_info(settings: Settings) -> RehearsalInfo | None:
    try:
        return RehearsalInfo(**json.loads(info_path(settings).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def info_path(settings: Settings) -> Path:
    """Beside the rehearsal ledger's file (`rehearsal.sqlite3` → `rehearsal.json`), else under var/."""
    parsed = make_url(rehearsal_url(settings))
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database or "").with_suffix(".json")
    return Path(settings.bot.var_dir) / INFO_FILE


def rehearsal_exists(url: str) -> bool:
    from bot.ledger.db import current_revision, make_engine

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        return False
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return current_revision(connection) is not None
    finally:
        engine.dispose()


def _remove_sqlite_file(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)


def _empty(factory: sessionmaker[Session]) -> None:
    """Every ledger table emptied (a PostgreSQL rehearsal ledger is not a file that can be removed)."""
    from bot.ledger.claims import write_transaction
    from bot.ledger.models import Base

    with write_transaction(factory) as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))


def copy_real_rows(settings: Settings, target: sessionmaker[Session]) -> int:
    """Copy every row of the real ledger (ids kept, so `bot history --rehearsal` ids match) into `target`.
    The real ledger is only read, and never created when it does not exist. Returns the posts copied."""
    from sqlalchemy import inspect

    from bot.ledger.claims import write_transaction
    from bot.ledger.models import Base, Post
    from bot.ledger.store import open_existing_store

    source = open_existing_store(settings)
    if source is None:
        return 0
    try:
        with source.session_factory() as reading, write_transaction(target) as writing:
            if writing.get_bind().dialect.name == "sqlite":
                writing.execute(text("PRAGMA defer_foreign_keys = ON"))  # thread parts may precede their head
            # A real ledger of an older version (not migrated: a dry-run changes nothing) lacks the newer tables.
            present = set(inspect(reading.connection()).get_table_names())
            for table in Base.metadata.sorted_tables:
                if table.name not in present:
                    continue
                rows = [dict(row) for row in reading.execute(select(table).order_by(*table.primary_key)).mappings()]
                if rows:
                    writing.execute(table.insert(), rows)
            _advance_sequences(writing)
            return int(writing.scalar(select(func.count()).select_from(Post)) or 0)
    finally:
        source.session_factory.kw["bind"].dispose()


def _advance_sequences(session: Session) -> None:
    """PostgreSQL: ids were inserted explicitly, so move each serial sequence past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    from sqlalchemy import Integer

    from bot.ledger.models import Base

    for table in Base.metadata.sorted_tables:
        if "id" in table.c and isinstance(table.c.id.type, Integer) and table.c.id.primary_key:
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                 f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
