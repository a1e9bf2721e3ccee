"""A dry-run `bot run` works on a rehearsal ledger (a fresh copy of the real one): the real ledger keeps its
posts pending, `bot history` shows none as published, and `--rehearsal` shows what the dry-run would have done."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.ledger.db import open_ledger
from bot.ledger.models import Attempt, Post
from bot.schedule.clock import FakeClock
from tests.cli_support import TEST_NOW
from tests.cli_support import run_cli as run
from tests.ledger_fixtures import ledger_rows

ANNOUNCE_NOW = """\
[campaign]
name = "now"
report = "tgd5-part3-2-future-of-international-security"
accounts = ["jiia-x", "jiia-facebook"]

[announcement]
at = "now"
"""


@pytest.fixture
def scheduled(project_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    """The real ledger with two posts due now (the announcement on X and on Facebook)."""
    for old in (project_dir / "schedules").glob("*.toml"):
        old.unlink()
    (project_dir / "schedules" / "now.toml").write_text(ANNOUNCE_NOW, encoding="utf-8")
    url = f"sqlite:///{project_dir / 'var' / 'bot.sqlite3'}"
    monkeypatch.setenv("BOT_DATABASE_URL", url)
    assert run(capsys, "schedule")[0] == 0
    return url


def test_dry_run_leaves_the_real_ledger_byte_for_byte_and_history_empty(
        scheduled: str, project_dir: Path, capsys: pytest.CaptureFixture[str], cli_clock: FakeClock) -> None:
    before = ledger_rows(scheduled)
    assert {row[Post.__table__.columns.keys().index("status")] for row in before} == {"pending"}
    cli_clock.advance(60)
    code, out, _ = run(capsys, "run", "--until-idle")
    assert code == 0 and "would have): posted 2" in out and "the real ledger was not changed" in out
    changes = [line for line in out.splitlines() if "→" in line]
    assert len(changes) == 2 and all(line.startswith("rehearsal: post ") for line in changes)
    assert ledger_rows(scheduled) == before
    code, out, _ = run(capsys, "history", "--json")
    assert code == 0 and json.loads(out) == []
    queue = json.loads(run(capsys, "queue", "--json")[1])
    assert [(p["status"], p["mode"]) for p in queue] == [("pending", "live"), ("pending", "live")]


def test_history_rehearsal_shows_the_dry_run_posts_labelled_as_rehearsal(
        scheduled: str, capsys: pytest.CaptureFixture[str], cli_clock: FakeClock) -> None:
    cli_clock.advance(60)
    run(capsys, "run", "--until-idle")
    code, out, _ = run(capsys, "history", "--rehearsal")
    assert code == 0 and "rehearsal by `bot run`" in out and "nothing here was published" in out
    assert "2 posts the rehearsal would have published" in out
    data = json.loads(run(capsys, "history", "--rehearsal", "--json")[1])
    assert {p["mode"] for p in data} == {"rehearsal"} and {p["status"] for p in data} == {"posted"}


def test_each_dry_run_starts_from_a_fresh_copy_so_nothing_is_consumed(
        scheduled: str, capsys: pytest.CaptureFixture[str], cli_clock: FakeClock) -> None:
    cli_clock.advance(60)
    first = json.loads(run(capsys, "run", "--until-idle", "--json")[1])
    second = json.loads(run(capsys, "run", "--until-idle", "--json")[1])
    assert first["this_run"]["posted"] == second["this_run"]["posted"] == 2
    assert first["ledger_mode"] == "rehearsal" and second["ledger"] == {"posted": 2}
    resumed = json.loads(run(capsys, "run", "--until-idle", "--json", "--resume")[1])
    assert resumed["this_run"]["posted"] == 0  # --resume continues the rehearsal: already "sent" there


def test_the_real_ledger_is_never_created_by_a_dry_run(project_dir: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{project_dir / 'var' / 'real.sqlite3'}")
    code, out, _ = run(capsys, "run", "--until-idle")
    assert code == 0 and "nothing due; nothing scheduled" in out
    assert not (project_dir / "var" / "real.sqlite3").exists()


def test_nothing_due_says_when_the_next_post_is(scheduled: str, capsys: pytest.CaptureFixture[str],
                                                cli_clock: FakeClock) -> None:
    cli_clock.set(TEST_NOW - dt.timedelta(hours=1))  # before the posts' time
    code, out, _ = run(capsys, "run", "--until-idle")
    assert code == 0 and "nothing due; next post due " in out and "jiia-" in out and "announcement" in out
    assert "this run" not in out  # no table of zeros


def test_a_rehearsal_ledger_naming_the_real_one_is_refused(scheduled: str, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_REHEARSAL_DATABASE_URL", scheduled)
    before = ledger_rows(scheduled)
    code, _, err = run(capsys, "run", "--until-idle")
    assert code == 2 and "BOT_REHEARSAL_DATABASE_URL" in err and "real ledger" in err
    assert ledger_rows(scheduled) == before


def test_history_rehearsal_without_a_rehearsal_is_a_usage_error(scheduled: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "history", "--rehearsal")
    assert code == 2 and "no rehearsal yet" in err


def test_the_rehearsal_copies_every_row_of_a_sqlite_or_postgres_ledger(
        ledger_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows, ids, thread links and attempts arrive as they are; the real ledger is only read; a second fresh
    rehearsal replaces the first (and new rows get ids after the copied ones)."""
    from bot.rehearse.ledger import start_rehearsal
    from tests.runner_support import add_post, add_thread, make_settings

    monkeypatch.setenv("BOT_DATABASE_URL", ledger_url)
    monkeypatch.setenv("BOT_REHEARSAL_DATABASE_URL", f"sqlite:///{tmp_path / 'rehearsal.sqlite3'}")
    settings = make_settings(bot={"var_dir": str(tmp_path / "var")})
    real = open_ledger(ledger_url)
    add_thread(real, ["head", "reply"], due=TEST_NOW)
    posted = add_post(real, "went out", status="posted", due=TEST_NOW)
    with real() as session:
        session.add(Attempt(post_id=posted, started_at=TEST_NOW, finished_at=TEST_NOW, outcome="posted"))
        session.commit()
    before = ledger_rows(ledger_url)
    for _ in range(2):
        copy = start_rehearsal(settings, made_by="test", now=TEST_NOW)
        assert ledger_rows(str(copy.kw["bind"].url)) == before
        add_post(copy, "only in the rehearsal", due=TEST_NOW)
        with copy() as session:
            assert max(session.scalars(select(Post.id))) == posted + 1
        copy.kw["bind"].dispose()
    assert ledger_rows(ledger_url) == before
    real.kw["bind"].dispose()


def test_a_rehearsal_ledger_on_postgres_is_emptied_and_refilled(
        ledger_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.rehearse.ledger import start_rehearsal
    from tests.runner_support import add_post, make_settings

    real_url = f"sqlite:///{tmp_path / 'real.sqlite3'}"
    monkeypatch.setenv("BOT_DATABASE_URL", real_url)
    monkeypatch.setenv("BOT_REHEARSAL_DATABASE_URL", ledger_url)
    settings = make_settings(bot={"var_dir": str(tmp_path / "var")})
    real = open_ledger(real_url)
    first = add_post(real, "one", due=TEST_NOW)
    for _ in range(2):
        copy = start_rehearsal(settings, made_by="test", now=TEST_NOW)
        assert ledger_rows(ledger_url) == ledger_rows(real_url)
        assert add_post(copy, "made in the rehearsal", due=TEST_NOW) == first + 1
        copy.kw["bind"].dispose()
    real.kw["bind"].dispose()
