"""Review fixes for the runner: start-up reschedules keep their jobs, pacing never makes a post `missed`,
stranded thread parts fail (and come back) together, PID reuse does not keep a claim alive, queue counts."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.errors import BotError
from bot.ledger.db import open_ledger
from bot.ledger.models import Post
from bot.publish.errors import Transient
from bot.schedule.clock import FakeClock
from bot.schedule.runner import Runner
from bot.schedule.scheduler import RunnerService
from tests.runner_support import FakePublisher, add_post, add_thread, get, make_settings

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def ledger(tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    return url, open_ledger(url)


def _stored_job_ids_after_start(service: RunnerService) -> list[str]:
    """Run `serve()` up to the moment the scheduler has stored its jobs, note them, then stop."""
    seen: list[str] = []
    original = service._on_started

    def started(event):
        original(event)
        seen.extend(job.id for job in service.store.get_all_jobs())
        if service.scheduler.running:
            service.stop()

    service._on_started = started  # type: ignore[method-assign]
    service.serve()
    return seen


def test_a_post_rescheduled_during_start_up_keeps_its_job_and_the_sweep(ledger):
    url, factory = ledger
    post = add_post(factory, "flaky", due=NOW - dt.timedelta(seconds=5))
    publisher = FakePublisher({"flaky": [Transient("503")]})
    runner = Runner(make_settings(), factory, lambda account: publisher, FakeClock(NOW), name="rr1")
    service = RunnerService(runner, url, "rr1")
    ids = _stored_job_ids_after_start(service)
    assert get(factory, post).status == "pending" and get(factory, post).due_at > NOW  # retried later
    assert sorted(ids) == sorted(["ledger-sweep", f"post-{post}"])


def test_a_failed_job_flush_stops_the_service_with_an_error(ledger, monkeypatch):
    url, factory = ledger
    add_post(factory, "later", due=NOW + dt.timedelta(hours=1))
    runner = Runner(make_settings(), factory, lambda account: FakePublisher(), FakeClock(NOW), name="rr2")
    service = RunnerService(runner, url, "rr2")

    def broken_flush() -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(service.store, "flush", broken_flush)
    with pytest.raises(BotError, match="wake-up jobs could not be stored"):
        service.serve()
    assert not service.scheduler.running


def _paced_runner(factory, publisher, clock, **pacing):
    settings = make_settings(pacing={"min_gap_seconds": 300, **pacing},
                             runner={"grace_seconds": 60, "max_attempts": 5})
    return Runner(settings, factory, lambda account: publisher, clock)


def test_posts_held_back_by_pacing_are_never_missed_and_until_idle_waits_for_them(ledger):
    _, factory = ledger
    ids = [add_post(factory, f"burst {i}", due=NOW) for i in range(4)]
    clock = FakeClock(NOW)
    publisher = FakePublisher()
    _paced_runner(factory, publisher, clock).run_until_idle()
    assert [get(factory, i).status for i in ids] == ["posted"] * 4
    assert [p.text for p in publisher.sent] == [f"burst {i}" for i in range(4)]
    assert clock.now() >= NOW + dt.timedelta(seconds=900)  # waited for the gaps on the injected clock


def test_a_runner_sweep_after_a_paced_wait_does_not_mark_its_own_delay_missed(ledger):
    _, factory = ledger
    first, second = add_post(factory, "one", due=NOW), add_post(factory, "two", due=NOW)
    clock = FakeClock(NOW)
    runner = _paced_runner(factory, FakePublisher(), clock)
    runner.start_up()
    runner.process_due_posts()
    assert get(factory, first).status == "posted" and get(factory, second).due_at == NOW + dt.timedelta(seconds=300)
    clock.advance(290)
    runner.sweep()  # 290 s after its first due time, beyond the 60 s grace: still not missed
    assert get(factory, second).status == "pending"
    clock.advance(10)
    runner.process_due_posts()
    assert get(factory, second).status == "posted"


def test_until_idle_leaves_posts_behind_a_rate_limit_pending_with_the_reason(ledger, caplog):
    from bot.publish.errors import RateLimited

    _, factory = ledger
    retry_at = NOW + dt.timedelta(minutes=30)
    limited = add_post(factory, "limited", due=NOW - dt.timedelta(seconds=2))
    waiting = add_post(factory, "waiting", due=NOW - dt.timedelta(seconds=1))
    publisher = FakePublisher({"limited": [RateLimited("429", retry_at=retry_at)]})
    clock = FakeClock(NOW)
    with caplog.at_level("INFO", logger="bot.runner"):
        _paced_runner(factory, publisher, clock).run_until_idle()
    assert clock.now() == NOW  # a rate-limit pause is not waited for
    for post_id in (limited, waiting):
        row = get(factory, post_id)
        assert row.status == "pending" and row.due_at == retry_at and row.last_error
    assert "rate-limited until" in get(factory, waiting).last_error
    assert any("deferred by rate-limit pause" in r.getMessage() for r in caplog.records)


def test_a_dead_head_fails_every_later_part_in_one_sweep_and_retry_brings_them_back(ledger):
    from bot.ledger import claims
    from bot.ledger.store import Ledger

    _, factory = ledger
    head, *parts = add_thread(factory, ["h", "p1", "p2", "p3"], due=NOW)
    other = add_thread(factory, ["o", "o1"], due=NOW)
    with factory() as session:
        session.get(Post, head).status = "missed"
        session.get(Post, other[1]).status = "failed"  # failed on its own: not stranded
        session.get(Post, other[1]).last_error = "403 forbidden"
        session.commit()
    failed = claims.fail_stranded_parts(factory, now=NOW)
    assert sorted(i for i, _ in failed) == parts
    assert all(get(factory, i).last_error.startswith(claims.STRANDED) for i in parts)
    Ledger(factory).retry(head, NOW)
    assert [get(factory, i).status for i in [head, *parts]] == ["pending"] * 4
    assert get(factory, other[1]).status == "failed"  # another thread's own failure is left alone
    publisher = FakePublisher()
    Runner(make_settings(), factory, lambda account: publisher, FakeClock(NOW)).run_until_idle()
    assert [p.text for p in publisher.sent] == ["h", "p1", "p2", "p3", "o"]  # "o1" stays failed


def _claim_as(factory, post_id, claimed_by):
    from sqlalchemy import update

    with factory() as session:
        session.execute(update(Post).where(Post.id == post_id).values(
            status="sending", claimed_by=claimed_by, claimed_at=NOW))
        session.commit()


def test_a_claim_left_by_an_earlier_process_with_our_pid_is_reconciled(ledger):
    import os

    from bot.schedule.reconcile import HOST, PROCESS_NONCE, runner_identity

    _, factory = ledger
    crashed = add_post(factory, "left sending by the previous container", due=NOW)
    sibling = add_post(factory, "in flight in another runner of this process", due=NOW)
    other_nonce = "0" * 12 if PROCESS_NONCE != "0" * 12 else "1" * 12
    _claim_as(factory, crashed, f"{HOST}:{os.getpid()}:{other_nonce}:default")  # PID reuse, other nonce
    _claim_as(factory, sibling, runner_identity("other-runner"))
    publisher = FakePublisher()
    runner = Runner(make_settings(), factory, lambda account: publisher, FakeClock(NOW))
    runner.run_until_idle()
    assert get(factory, crashed).status == "posted" and runner.summary["reconciled"] == 1
    assert get(factory, sibling).status == "sending"  # this process, same nonce: alive, left alone
    assert [p.text for p in publisher.sent] == ["left sending by the previous container"]


@pytest.mark.parametrize(("claimed_by", "abandoned"), [
    ("{host}:{ppid}:{other}:default", False),  # a live pid that is not us: a live runner
    ("{host}:{ppid}:default", False),  # older form, live pid
    ("{host}:999999999:{other}:default", True),  # dead pid
    ("{host}:{pid}:{other}:default", True),  # our pid, another process's nonce
    ("{host}:{pid}:{nonce}:default", False),  # ourselves
])
def test_is_abandoned_on_this_host(claimed_by, abandoned):
    import os

    from bot.ledger.claims import ClaimedPost
    from bot.schedule.reconcile import HOST, PROCESS_NONCE, is_abandoned

    other = "0" * 12 if PROCESS_NONCE != "0" * 12 else "1" * 12
    who = claimed_by.format(host=HOST, pid=os.getpid(), ppid=os.getppid(), nonce=PROCESS_NONCE, other=other)
    post = ClaimedPost(1, "k", "acct-x", "x", "highlight", {"text": "t"}, NOW, 0, None, 0, who, NOW)
    assert is_abandoned(post, now=NOW, stale_after=dt.timedelta(minutes=10)) is abandoned


def test_queue_counts_missed_and_expired_posts_as_needing_attention(project_dir, tmp_path, monkeypatch, capsys):
    from bot.cli import main

    url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    monkeypatch.setenv("BOT_DATABASE_URL", url)
    factory = open_ledger(url)
    for status in ("missed", "expired", "failed", "unconfirmed", "pending"):
        add_post(factory, f"a {status} post", status=status, due=NOW)
    main(["queue"])
    assert "4 need attention" in capsys.readouterr().out
