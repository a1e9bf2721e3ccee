"""Ledger fixtures shared by the ledger, sync and runner tests: registered once for the whole suite by
`pytest_plugins` in tests/conftest.py (do not import the fixtures into a test module as well).

`ledger_url` runs a test once on a fresh SQLite file and once on PostgreSQL (BOT_TEST_POSTGRES_URL, e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/test; skipped when unset). Each PostgreSQL test gets a schema
of its own, selected through `search_path` in the URL's connect options and dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.ledger.db import open_ledger
from bot.ledger.store import Ledger

POSTGRES_URL_VAR = "BOT_TEST_POSTGRES_URL"


def ledger_rows(url: str) -> list[tuple[object, ...]]:
    """Every column of every post and attempt of the ledger at `url`: what "untouched" is compared on."""
    from sqlalchemy import select

    from bot.ledger.models import Attempt, Post

    factory = open_ledger(url)
    with factory() as session:
        posts = [tuple(getattr(p, c.key) for c in Post.__table__.columns) for p in session.scalars(select(Post))]
        attempts = [tuple(getattr(a, c.key) for c in Attempt.__table__.columns)
                    for a in session.scalars(select(Attempt))]
    factory.kw["bind"].dispose()
    return posts + attempts


def postgres_schema_url(base_url: str) -> Iterator[str]:
    """A URL on a throw-away schema of `base_url`'s database (dropped with everything in it afterwards)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL with nothing in it yet: SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'var' / 'ledger.sqlite3'}"
        return
    base = os.environ.get(POSTGRES_URL_VAR)
    if not base:
        pytest.skip(f"{POSTGRES_URL_VAR} is not set")
    yield from postgres_schema_url(base)


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Ledger]:
    """A migrated, empty ledger on each backend."""
    factory = open_ledger(ledger_url)
    yield Ledger(factory)
    factory.kw["bind"].dispose()
