"""What a second `bot schedule` must respect: a ledger made by the first version (planned, scheduled and
copied for a dry-run without an error, and upgraded by `bot schedule`), an original the same sync brings back
(its reposts come back in the same run), and a thread the desk moved (its parts stay together); and the
rehearsal ledger is refused however the real ledger's URL is spelled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.ledger.db import SCHEMA_HEAD, alembic_config, current_revision, make_engine
from tests.cli_support import run_cli as run

SAMPLE = Path("schedules") / "tgd5-part3-2.toml"


def _first_version_ledger(project_dir: Path) -> str:
    """var/bot.sqlite3 as the first version left it: migrated to revision 0001 only."""
    from alembic import command

    url = f"sqlite:///{project_dir / 'var' / 'bot.sqlite3'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
    engine.dispose()
    return url


def test_a_ledger_of_the_first_version_is_planned_rehearsed_and_upgraded(project_dir: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    url = _first_version_ledger(project_dir)
    code, out, err = run(capsys, "plan", "--json")
    assert code == 0, err
    assert len(json.loads(out)["posts"]) == 13
    code, _, err = run(capsys, "run", "--until-idle")  # the dry-run copies the old ledger without migrating it
    assert code == 0, err
    engine = make_engine(url)
    with engine.connect() as connection:
        assert current_revision(connection) == "0001"  # a dry-run changes nothing, not even the schema
    code, out, err = run(capsys, "schedule", "--json")
    assert code == 0 and json.loads(out)["created"] == 13, err
    with engine.connect() as connection:
        assert current_revision(connection) == SCHEMA_HEAD
    engine.dispose()


def test_an_original_brought_back_by_the_sync_brings_its_reposts_back_in_the_same_run(
        project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = SAMPLE.read_text(encoding="utf-8")
    assert run(capsys, "schedule")[0] == 0
    SAMPLE.write_text(original.replace("count = 3 ", "count = 2 "), encoding="utf-8")
    code, out, _ = run(capsys, "schedule", "--json")
    assert code == 0 and json.loads(out)["cancelled"] > 0  # highlight #3 and its reposts
    SAMPLE.write_text(original, encoding="utf-8")
    code, out, _ = run(capsys, "schedule", "--json")
    result = json.loads(out)
    assert code == 0 and not [w for w in result["warnings"] if "not planned" in w], result["warnings"]
    code, out, _ = run(capsys, "schedule", "--json")
    assert json.loads(out)["created"] == 0 and json.loads(out)["unchanged"] == 13  # nothing left for a 2nd run


def test_a_thread_moved_in_the_desk_stays_together_after_bot_schedule(project_dir: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    import datetime as dt

    from bot.ledger.edits import reschedule, version_of
    from bot.ledger.store import open_store
    from bot.settings import load_settings
    from tests.cli_support import TEST_NOW

    SAMPLE.write_text(SAMPLE.read_text(encoding="utf-8").replace("thread = false", "thread = true"),
                      encoding="utf-8")
    assert run(capsys, "schedule")[0] == 0
    store = open_store(load_settings())
    head = next(p for p in store.list_posts() if p.key.endswith(":jiia-x:announcement:0:0"))
    earlier = head.due_at - dt.timedelta(hours=3)
    reschedule(store, head.id, earlier, version=version_of(head), editor="erin", now=TEST_NOW)
    assert run(capsys, "schedule")[0] == 0
    thread = [p for p in store.list_posts() if p.key.startswith(head.key.rsplit(":", 1)[0] + ":")]
    assert len(thread) > 1 and {p.due_at for p in thread} == {earlier}


@pytest.mark.parametrize("rehearsal", [
    "postgresql+psycopg://bot:pw@db.example.org/ledger",          # default port
    "postgresql://bot:pw@db.example.org:5432/ledger",              # another driver
    "postgresql+psycopg://other@DB.example.org:5432/ledger?sslmode=require",  # user, case, options
])
def test_a_rehearsal_ledger_naming_the_real_one_however_spelled_is_refused(project_dir: Path,
                                                                           monkeypatch: pytest.MonkeyPatch,
                                                                           rehearsal: str) -> None:
    from bot.rehearse.ledger import checked_url
    from bot.settings import load_settings

    monkeypatch.setenv("BOT_DATABASE_URL", "postgresql+psycopg://bot:pw@db.example.org:5432/ledger")
    monkeypatch.setenv("BOT_REHEARSAL_DATABASE_URL", rehearsal)
    with pytest.raises(ConfigError, match="names the real ledger"):
        checked_url(load_settings())


def test_a_rehearsal_ledger_on_another_database_is_accepted(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.rehearse.ledger import checked_url
    from bot.settings import load_settings

    monkeypatch.setenv("BOT_DATABASE_URL", "postgresql+psycopg://bot@db.example.org:5432/ledger")
    monkeypatch.setenv("BOT_REHEARSAL_DATABASE_URL", "postgresql+psycopg://bot@db.example.org:5432/rehearsal")
    assert checked_url(load_settings()).endswith("/rehearsal")
