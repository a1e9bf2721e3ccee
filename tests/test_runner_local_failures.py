"""A failure of this machine is not a platform's refusal: the journal on a full disk, or the ledger file
deleted under a running `bot run`, stops the run (exit 1, one line) and leaves the posts queued — never
`failed`. And one text is never sent twice to one account: the second post is refused before sending."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from bot.errors import LocalFailure
from bot.ledger.db import open_ledger
from bot.publish.journal import Journal
from bot.schedule.clock import FakeClock
from bot.schedule.runner import Runner
from tests.publish_support import dry_publisher
from tests.runner_support import T0, FakePublisher, add_post, factory, get, make_settings  # noqa: F401


class FullDiskJournal(Journal):
    """A journal whose every write fails as on a full disk."""

    def record(self, entry):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device", "var/journal.jsonl")


def test_journal_on_a_full_disk_stops_the_run_and_leaves_every_post_pending(factory):  # noqa: F811
    ids = [add_post(factory, f"post {i}") for i in range(3)]
    publisher = dry_publisher("acct-x", journal=FullDiskJournal())
    runner = Runner(make_settings(), factory, lambda account: publisher, FakeClock(T0))
    runner.run_until_idle()
    assert isinstance(runner.fatal, LocalFailure)
    assert "No space left on device" in str(runner.fatal) and "var/journal.jsonl" in str(runner.fatal)
    assert [get(factory, i).status for i in ids] == ["pending"] * 3
    assert all(get(factory, i).attempts == 0 for i in ids)  # not counted against the post
    assert runner.summary["failed"] == 0


def test_ledger_file_deleted_under_a_running_runner_stops_it(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    made = open_ledger(url)
    add_post(made, "first")
    runner = Runner(make_settings(), made, lambda account: FakePublisher(), FakeClock(T0))
    (tmp_path / "ledger.sqlite3").unlink()
    runner.process_due_posts()
    assert runner.fatal is not None and "was deleted while `bot run` was running" in str(runner.fatal)
    assert runner.stopping
    made.kw["bind"].dispose()


def test_same_text_and_link_to_one_account_is_refused_before_sending(factory):  # noqa: F811
    link = "https://example.org/r"
    first = add_post(factory, "One finding, said once.", link=link)
    again = add_post(factory, "One finding,  said once.", link=link)  # two campaigns for one report
    other_link = add_post(factory, "One finding, said once.", link="https://example.org/other")
    other_account = add_post(factory, "One finding, said once.", link=link, account="acct-fb")
    publisher = FakePublisher()
    runner = Runner(make_settings(), factory, lambda account: publisher, FakeClock(T0))
    runner.run_until_idle()
    assert get(factory, first).status == "posted"
    refused = get(factory, again)
    assert refused.status == "duplicate" and refused.remote_id is None
    assert f"refused before sending: post {first} already carries this text" in refused.last_error
    assert get(factory, other_link).status == "posted" and get(factory, other_account).status == "posted"
    assert len(publisher.sent) == 3


def test_a_text_whose_post_failed_may_be_sent_by_another_post(factory):  # noqa: F811
    from bot.publish.errors import Rejected

    failed = add_post(factory, "Tried once")
    publisher = FakePublisher({"Tried once": [Rejected("policy")]})
    Runner(make_settings(), factory, lambda account: publisher, FakeClock(T0)).run_until_idle()
    assert get(factory, failed).status == "failed"
    later = add_post(factory, "Tried once")
    Runner(make_settings(), factory, lambda account: publisher, FakeClock(T0)).run_until_idle()
    assert get(factory, later).status == "posted"


def _due_in_project(text: str) -> int:
    """A post due now (the CLI's pinned clock) in the project's real ledger."""
    from bot.settings import load_settings
    from tests.cli_support import TEST_NOW

    made = open_ledger(load_settings().database_url)
    post_id = add_post(made, text, due=TEST_NOW, account="jiia-x")
    made.kw["bind"].dispose()
    return post_id


def test_bot_run_exits_1_when_a_post_failed(project_dir: Path, capsys: pytest.CaptureFixture[str]):
    from tests.cli_support import run_cli

    _due_in_project("x" * 400)  # over X's limit: refused before sending, `failed`
    code, _, err = run_cli(capsys, "run", "--until-idle")
    assert code == 1 and "1 post failed in this run" in err and len(err.strip().splitlines()) == 1


def test_bot_run_with_the_journal_on_a_full_disk_exits_1_with_one_line(project_dir: Path,
                                                                        capsys: pytest.CaptureFixture[str]):
    from tests.cli_support import run_cli

    _due_in_project("A post that cannot be journaled")
    code, out, err = run_cli(capsys, "run", "--until-idle", "--journal", "/dev/full")
    assert code == 1, (out, err)
    assert err.strip() == "error: local I/O error (/dev/full): No space left on device"


def test_sqlite_full_disk_while_claiming_stops_the_run_with_one_line(factory, monkeypatch):  # noqa: F811
    import sqlite3

    from sqlalchemy.exc import OperationalError

    post = add_post(factory, "waiting")

    def disk_full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("UPDATE posts ...", {}, sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr("bot.schedule.runner.claims.claim_due_posts", disk_full)
    runner = Runner(make_settings(), factory, lambda account: FakePublisher(), FakeClock(T0))
    runner.run_until_idle()
    assert str(runner.fatal) == "BOT_DATABASE_URL: ledger database error: database or disk is full"
    assert get(factory, post).status == "pending" and runner.stopping
