"""Alembic from the first version: migrate creates the schema, is a no-op when current, and the models and
the migration scripts agree (so a model change without a migration fails here)."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from bot.ledger.db import MIGRATIONS_DIR, SCHEMA_HEAD, current_revision, head_revision, make_engine, migrate
from bot.ledger.models import Attempt, Base, Post

ROOT = Path(__file__).resolve().parent.parent


def test_migrate_on_an_empty_database_creates_the_tables_at_head(ledger_url: str) -> None:
    engine = make_engine(ledger_url)
    migrate(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"posts", "attempts", "alembic_version"} <= tables
    with engine.connect() as connection:
        assert current_revision(connection) == head_revision() == SCHEMA_HEAD
    engine.dispose()


def _add_post(engine: Engine) -> None:
    now = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
    with Session(engine) as session:
        session.add(Post(key="k", report="r", account="a", platform="x", kind="highlight", payload={"text": "t"},
                         content_hash="h", due_at=now, status="posted", part_index=0, requires_approval=False,
                         attempts=1, created_at=now, updated_at=now))
        session.commit()


def _keys(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(Post.key)))


def test_migrating_twice_is_a_no_op_and_keeps_the_data(ledger_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import alembic.command

    engine = make_engine(ledger_url)
    migrate(engine)
    _add_post(engine)

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("upgrade must not run on a current database")

    monkeypatch.setattr(alembic.command, "upgrade", refuse)
    migrate(engine)  # current: returns before touching alembic.command
    with engine.connect() as connection:
        assert current_revision(connection) == SCHEMA_HEAD
    assert _keys(engine) == ["k"]
    engine.dispose()


def test_the_models_and_the_migrations_agree(ledger_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = make_engine(ledger_url)
    migrate(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_a_database_made_before_alembic_is_stamped_not_recreated(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    # what db.migrate did before Alembic: the two tables of the first version, no version stamp
    Base.metadata.create_all(engine, tables=[Post.__table__, Attempt.__table__])  # type: ignore[list-item]
    _add_post(engine)
    migrate(engine)
    with engine.connect() as connection:
        assert current_revision(connection) == SCHEMA_HEAD  # stamped 0001, then upgraded by the later scripts
    assert _keys(engine) == ["k"]
    engine.dispose()


def test_the_migration_scripts_ship_inside_the_package() -> None:
    from setuptools import find_packages

    packages = find_packages(str(ROOT), include=["bot*"])
    assert {"bot.ledger.migrations", "bot.ledger.migrations.versions"} <= set(packages)
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "**/*.mako" in config["tool"]["setuptools"]["package-data"]["bot"]
    assert (MIGRATIONS_DIR / "env.py").is_file() and (MIGRATIONS_DIR / "script.py.mako").is_file()
