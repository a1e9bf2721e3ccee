"""`bot run` end to end in-process: the CLI summary, until-idle, and the long-running APScheduler service
(per-runner job table rebuilt from the ledger, explicit misfire policy, SIGTERM stops cleanly)."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal

import pytest
from sqlalchemy import inspect

from bot.cli import main
from bot.ledger.db import make_engine, open_ledger
from bot.schedule import jobs
from bot.schedule import run as run_module
from bot.schedule.clock import FakeClock, SystemClock
from bot.schedule.runner import Runner
from bot.schedule.scheduler import RunnerLock, RunnerService, job_table
from tests.cli_support import TEST_NOW
from tests.runner_support import FakePublisher, add_post, add_thread, get, make_settings

NOW = TEST_NOW  # the pinned clock of in-process commands (tests/conftest.py)


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    monkeypatch.setenv("BOT_DATABASE_URL", url)
    return url, open_ledger(url)


@pytest.fixture
def fake_publisher(monkeypatch):
    publisher = FakePublisher()
    monkeypatch.setattr(run_module, "publisher_factory", lambda settings, live, journal: lambda account: publisher)
    return publisher


def test_cli_run_until_idle_prints_a_json_summary(project_dir, ledger, fake_publisher, capsys):
    _, factory = ledger
    add_post(factory, "due now", due=NOW - dt.timedelta(minutes=1), account="jiia-x")
    add_thread(factory, ["t1", "t2"], due=NOW - dt.timedelta(minutes=1), account="jiia-x")
    add_post(factory, "much later", due=NOW + dt.timedelta(days=2), account="jiia-x")
    main(["run", "--until-idle", "--json"])  # returns (exit 0) instead of raising
    report = json.loads(capsys.readouterr().out)
    assert report["this_run"]["posted"] == 3 and report["ledger"] == {"posted": 3, "pending": 1}
    assert report["mode"] == "dry-run" and report["journal"].endswith("dryrun-journal.jsonl")
    assert [p.text for p in fake_publisher.sent] == ["due now", "t1", "t2"]


def test_cli_run_text_summary(project_dir, ledger, fake_publisher, capsys):
    main(["run", "--until-idle"])
    out = capsys.readouterr().out
    assert "nothing due; nothing scheduled" in out and "rehearsal ledger" in out and ": empty" in out


def _service(factory, url, publisher, name="alpha"):
    runner = Runner(make_settings(), factory, lambda account: publisher, SystemClock(), name=name)
    return RunnerService(runner, url, name)


def test_jobs_are_rebuilt_from_the_ledger_with_explicit_ids_and_misfire_policy(ledger):
    url, factory = ledger
    future = add_post(factory, "future", due=NOW + dt.timedelta(hours=1))
    posted = add_post(factory, "done", status="posted")
    service = _service(factory, url, FakePublisher())
    assert service.rebuild_jobs() == 1
    assert service.rebuild_jobs() == 1  # idempotent: same ids, replace_existing
    by_id = {job.id: job for job in service.scheduler.get_jobs()}
    assert set(by_id) == {"ledger-sweep", f"post-{future}"}
    job = by_id[f"post-{future}"]
    assert job.func_ref == jobs.WAKE and job.args == (future,)  # a module:function ref and a plain id
    assert job.misfire_grace_time == 3600 and f"post-{posted}" not in by_id


def test_serve_sends_due_posts_keeps_a_per_runner_table_and_stops_on_sigterm(ledger):
    from apscheduler.events import EVENT_SCHEDULER_STARTED

    url, factory = ledger
    now = SystemClock().now()  # the real APScheduler service runs on real time: due times relative to it
    due = add_post(factory, "overdue but within grace", due=now - dt.timedelta(minutes=30))
    future = add_post(factory, "tomorrow", due=now + dt.timedelta(days=1))
    publisher = FakePublisher()
    service = _service(factory, url, publisher)
    service.scheduler.add_listener(lambda event: os.kill(os.getpid(), signal.SIGTERM), EVENT_SCHEDULER_STARTED)
    service.serve()  # returns after SIGTERM, like `bot run` exiting 0
    assert get(factory, due).status == "posted" and get(factory, future).status == "pending"
    tables = inspect(make_engine(url)).get_table_names()
    assert job_table("alpha") in tables and "apscheduler_jobs" not in tables


def test_a_wake_up_publishes_what_is_due(ledger):
    url, factory = ledger
    post = add_post(factory, "wake me", due=NOW + dt.timedelta(hours=1))
    clock = FakeClock(NOW)
    publisher = FakePublisher()
    runner = Runner(make_settings(), factory, lambda account: publisher, clock)
    service = RunnerService(runner, url, "beta")
    jobs.install(service)
    try:
        jobs.wake_for_post(post)
        assert get(factory, post).status == "pending"  # not due yet: the ledger decides, not the job
        clock.advance(3600)
        jobs.wake_for_post(post)
        assert get(factory, post).status == "posted"
    finally:
        jobs.install(None)


def test_a_second_process_with_the_same_runner_name_is_refused(ledger):
    from bot.errors import BotError

    url, _ = ledger
    engine = make_engine(url)
    first, second = RunnerLock(url, "gamma"), RunnerLock(url, "gamma")
    first.acquire(engine)
    try:
        with pytest.raises(BotError, match="--runner-name"):
            second.acquire(engine)
        RunnerLock(url, "delta").acquire(engine)  # another name is fine
    finally:
        first.release()


def test_a_retried_post_gets_its_own_wake_up_and_held_back_work_an_alarm(ledger):
    from bot.publish.errors import Transient

    url, factory = ledger
    post = add_post(factory, "flaky", due=NOW - dt.timedelta(seconds=1))
    for i in range(3):
        add_post(factory, f"burst {i}", due=NOW - dt.timedelta(seconds=1))
    clock = FakeClock(NOW)
    publisher = FakePublisher({"flaky": [Transient("503")]})
    settings = make_settings(pacing={"x_posts_per_15min": 2})
    runner = Runner(settings, factory, lambda account: publisher, clock)
    service = RunnerService(runner, url, "epsilon")
    runner.on_rescheduled = service.schedule_wake
    service.on_wake(post)
    by_id = {job.id: job for job in service.scheduler.get_jobs()}
    retry = get(factory, post)
    assert retry.status == "pending" and by_id[f"post-{post}"].trigger.run_date == retry.due_at
    # two of the burst went out; the rest waits for the 15-minute budget, with an alarm set for it
    assert by_id["held-back"].trigger.run_date <= NOW + dt.timedelta(minutes=15)


def test_cli_run_exits_1_naming_an_account_it_had_to_pause(project_dir, ledger, monkeypatch, capsys):
    from bot.errors import MissingCredentials

    _, factory = ledger
    add_post(factory, "needs a token", due=NOW - dt.timedelta(minutes=1), account="jiia-x")

    def refuse(account):
        raise MissingCredentials("set BOT_JIIA_X_API_KEY")

    monkeypatch.setattr(run_module, "publisher_factory", lambda settings, live, journal: refuse)
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--until-idle", "--live", "--json"])
    out, err = capsys.readouterr()
    assert exit_.value.code == 1 and "jiia-x: set BOT_JIIA_X_API_KEY" in err
    assert json.loads(out)["ledger"] == {"pending": 1}
