"""The runner's failure policy, crash reconciliation, misfires and pacing, with a fake publisher and clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from bot.ledger.models import Attempt, Post
from bot.publish.errors import Ambiguous, AuthExpired, Duplicate, RateLimited, Rejected, Transient
from bot.schedule.clock import FakeClock
from bot.schedule.reconcile import HOST
from bot.schedule.runner import Runner
from tests.runner_support import (  # noqa: F401
    T0,
    FakePublisher,
    add_post,
    add_thread,
    factory,
    get,
    make_settings,
    sent_texts,
)


def reached(error):
    error.reached = True
    return error


def make_runner(factory, publisher=None, *, clock=None, settings=None, **kw):  # noqa: F811
    publisher = publisher or FakePublisher()
    runner = Runner(settings or make_settings(), factory, lambda account: publisher, clock or FakeClock(T0), **kw)
    return runner, publisher


def attempts_of(factory, post_id):  # noqa: F811
    with factory() as session:
        return [a.outcome for a in session.query(Attempt).filter_by(post_id=post_id).order_by(Attempt.id)]


def test_due_posts_are_published_once_and_threads_chain(factory):  # noqa: F811
    single = add_post(factory, "single", link="https://example.org/r")
    head, part1, part2 = add_thread(factory, ["head", "part one", "part two"])
    add_post(factory, "tomorrow", due=T0 + dt.timedelta(days=1))
    runner, pub = make_runner(factory)
    summary = runner.run_until_idle()
    assert sent_texts(pub) == ["single", "head", "part one", "part two"]
    replies = [c["reply_to"] for c in pub.calls]
    assert replies == [None, None, get(factory, head).remote_id, get(factory, part1).remote_id]
    assert pub.calls[0]["link"] == "https://example.org/r"
    assert all(get(factory, i).status == "posted" for i in (single, head, part1, part2))
    assert summary["posted"] == 4 and attempts_of(factory, single) == ["posted"]


def test_transient_failure_is_retried_with_backoff_then_posted(factory):  # noqa: F811
    post = add_post(factory, "flaky")
    runner, _pub = make_runner(factory, FakePublisher({"flaky": [Transient("503"), Transient("503")]}))
    runner.run_until_idle()
    assert get(factory, post).status == "posted" and get(factory, post).attempts == 3
    assert runner.clock.slept == [2.0, 4.0]  # exponential backoff from retry.initial_seconds
    assert attempts_of(factory, post) == ["transient", "transient", "posted"]


def test_transient_failures_beyond_max_attempts_fail_the_post(factory):  # noqa: F811
    post = add_post(factory, "broken")
    runner, _ = make_runner(factory, FakePublisher({"broken": [Transient("503")] * 10}))
    runner.run_until_idle()
    row = get(factory, post)
    assert row.status == "failed" and row.attempts == 5 and "gave up after 5 attempts" in row.last_error


def test_rate_limit_reschedules_without_counting_and_pauses_only_that_account(factory):  # noqa: F811
    retry_at = T0 + dt.timedelta(minutes=15)
    limited = add_post(factory, "limited")
    also_x = add_post(factory, "also x", due=T0 + dt.timedelta(seconds=1))
    fb = add_post(factory, "fb", account="acct-fb", due=T0 + dt.timedelta(seconds=2))
    runner, _pub = make_runner(factory, FakePublisher({"limited": [RateLimited("429", retry_at=retry_at)]}))
    runner.clock.set(T0 + dt.timedelta(seconds=5))
    summary = runner.run_until_idle()
    row = get(factory, limited)
    assert (row.status, row.attempts, row.due_at) == ("pending", 0, retry_at)
    assert get(factory, also_x).status == "pending"  # the account waits for its reset
    assert get(factory, fb).status == "posted"  # the other account goes on
    assert summary["rate_limited"] == 1 and runner.clock.slept == []  # until-idle does not wait for a 429


@pytest.mark.parametrize(
    ("error", "status"),
    [(Duplicate("dup"), "duplicate"), (Rejected("policy"), "failed"), (AuthExpired("expired"), "failed")],
)
def test_final_errors_are_recorded_and_other_posts_go_on(factory, error, status):  # noqa: F811
    bad = add_post(factory, "bad")
    fb = add_post(factory, "fb ok", account="acct-fb", due=T0 + dt.timedelta(seconds=1))
    runner, pub = make_runner(factory, FakePublisher({"bad": [error]}))
    runner.clock.advance(2)
    runner.run_until_idle()
    row = get(factory, bad)
    assert row.status == status and type(error).__name__ in row.last_error
    assert get(factory, fb).status == "posted"
    assert pub.calls[0]["text"] == "bad" and len([c for c in pub.calls if c["text"] == "bad"]) == 1


def test_auth_failure_pauses_the_account_for_the_run(factory):  # noqa: F811
    first = add_post(factory, "first")
    second = add_post(factory, "second", due=T0 + dt.timedelta(seconds=1))
    runner, pub = make_runner(factory, FakePublisher({"first": [AuthExpired("token expired")]}))
    runner.clock.advance(2)
    runner.run_until_idle()
    assert get(factory, first).status == "failed"
    assert get(factory, second).status == "pending"  # not burnt through with a dead token
    assert [c["text"] for c in pub.calls] == ["first"]


@pytest.mark.parametrize(
    ("went_through", "lookup_fails", "status"),
    [(True, False, "posted"), (False, False, "posted"), (True, True, "unconfirmed")],
)
def test_ambiguous_timeout_is_reconciled_at_once(factory, went_through, lookup_fails, status):  # noqa: F811
    post = add_post(factory, "maybe")
    error = reached(Ambiguous("read timeout")) if went_through else Ambiguous("read timeout")
    runner, pub = make_runner(factory, FakePublisher({"maybe": [error]}))
    if lookup_fails:
        pub.lookup_error = Transient("lookup down")
    runner.run_until_idle()
    assert get(factory, post).status == status
    # Never two copies on the platform: found → not re-sent; not found → sent once more; unknown → left alone.
    assert sent_texts(pub) == ["maybe"]
    assert attempts_of(factory, post)[0] == "ambiguous"


def _abandon(factory, post_id, pid=999_999_999):  # noqa: F811
    with factory() as session:
        session.execute(update(Post).where(Post.id == post_id).values(
            status="sending", claimed_by=f"{HOST}:{pid}:default", claimed_at=T0))
        session.commit()


def test_start_up_reconciles_posts_left_sending_by_a_dead_runner(factory):  # noqa: F811
    found = add_post(factory, "went out before the crash")
    lost = add_post(factory, "never left")
    _abandon(factory, found)
    _abandon(factory, lost)
    pub = FakePublisher()
    pub.sent.append(pub.publish_post("went out before the crash"))
    pub.calls.clear()
    runner, _ = make_runner(factory, pub)
    runner.run_until_idle()
    assert get(factory, found).status == "posted" and get(factory, found).remote_id == "1000"
    assert get(factory, lost).status == "posted"
    assert [c["text"] for c in pub.calls] == ["never left"]  # only the lost one is sent again


def test_unknown_outcome_after_a_crash_is_unconfirmed_not_resent(factory):  # noqa: F811
    post = add_post(factory, "unknown")
    _abandon(factory, post)
    runner, pub = make_runner(factory)
    pub.lookup_error = Transient("timeline unavailable")
    runner.run_until_idle()
    assert get(factory, post).status == "unconfirmed" and pub.calls == []


def test_a_live_runners_claim_is_left_alone(factory):  # noqa: F811
    import os

    post = add_post(factory, "in flight elsewhere")
    _abandon(factory, post, pid=os.getppid())  # a live process on this host
    runner, pub = make_runner(factory)
    runner.run_until_idle()
    assert get(factory, post).status == "sending" and pub.calls == []


def test_thread_resumes_after_its_last_confirmed_part(factory):  # noqa: F811
    head, part1, _part2 = add_thread(factory, ["h", "p1", "p2"])
    pub = FakePublisher()
    runner, _ = make_runner(factory, pub)
    with factory() as session:  # head posted; part 1 was in flight when the runner died, and it went out
        session.execute(update(Post).where(Post.id == head).values(status="posted", remote_id="77"))
        session.commit()
    _abandon(factory, part1)
    pub.sent.append(pub.publish_post("p1", reply_to="77"))
    pub.calls.clear()
    runner.run_until_idle()
    assert [c["text"] for c in pub.calls] == ["p2"]
    assert pub.calls[0]["reply_to"] == get(factory, part1).remote_id


def test_misfire_within_grace_is_published_late_beyond_is_missed(factory):  # noqa: F811
    late = add_post(factory, "late", due=T0 - dt.timedelta(minutes=59))
    too_late = add_post(factory, "too late", due=T0 - dt.timedelta(minutes=61))
    runner, pub = make_runner(factory)
    summary = runner.run_until_idle()
    assert get(factory, late).status == "posted"
    assert get(factory, too_late).status == "missed" and "grace" in get(factory, too_late).last_error
    assert sent_texts(pub) == ["late"] and summary["missed"] == 1


@pytest.mark.parametrize(
    ("local", "fold"),
    [(dt.datetime(2026, 3, 8, 3, 0), 0),  # first instant after the spring-forward gap (07:00 UTC)
     (dt.datetime(2026, 11, 1, 1, 30), 1)],  # the second 01:30 of the fall-back night (06:30 UTC)
)
def test_posts_fire_at_their_utc_instant_across_dst(factory, local, fold):  # noqa: F811
    due = local.replace(tzinfo=ZoneInfo("America/New_York"), fold=fold).astimezone(dt.UTC)
    assert due.hour == (7 if local.month == 3 else 6)  # (wall-clock arithmetic on the local time would lie)
    post = add_post(factory, "dst", due=due)
    clock = FakeClock(due - dt.timedelta(seconds=1))
    runner, _pub = make_runner(factory, clock=clock)
    runner.run_until_idle()
    assert get(factory, post).status == "pending"
    clock.advance(1)
    runner.run_until_idle()
    assert get(factory, post).status == "posted" and get(factory, post).posted_at == due


def test_repost_resolves_the_original_at_send_time(factory):  # noqa: F811
    original = add_post(factory, "original")
    with factory() as session:
        key = session.get(Post, original).key
    repost = add_post(factory, "", due=T0 + dt.timedelta(seconds=1), repost_of=key, mode="retweet")
    orphan = add_post(factory, "", due=T0 + dt.timedelta(seconds=1), repost_of="no-such-post")
    runner, pub = make_runner(factory)
    runner.clock.advance(2)
    runner.run_until_idle()
    assert pub.calls[-1] == {"repost": get(factory, original).remote_id, "text": None}
    assert get(factory, repost).status == "posted"
    assert get(factory, orphan).status == "failed" and "does not exist" in get(factory, orphan).last_error


def test_repost_of_an_unposted_original_fails_with_the_reason(factory):  # noqa: F811
    original = add_post(factory, "original", due=T0 + dt.timedelta(days=1))
    repost = add_post(factory, "", repost_of=original)
    runner, pub = make_runner(factory)
    runner.run_until_idle()
    assert get(factory, repost).status == "failed" and "is pending, not posted" in get(factory, repost).last_error
    assert pub.calls == []


def test_pacing_spreads_a_burst_instead_of_hitting_the_limit(factory):  # noqa: F811
    ids = [add_post(factory, f"burst {i}") for i in range(5)]
    settings = make_settings(pacing={"x_posts_per_15min": 2})
    runner, pub = make_runner(factory, settings=settings)
    runner.run_until_idle()
    times = sorted(get(factory, i).posted_at for i in ids)
    assert len(sent_texts(pub)) == 5
    assert times[2] - times[0] >= dt.timedelta(minutes=15)  # never 3 in one 15-minute window
    assert times[4] - times[2] >= dt.timedelta(minutes=15)


def test_stop_request_finishes_the_post_in_flight_and_stops(factory):  # noqa: F811
    ids = [add_post(factory, f"p{i}") for i in range(3)]
    holder = {}
    pub = FakePublisher(on_publish=lambda text: holder["runner"].request_stop())
    runner, _ = make_runner(factory, pub)
    holder["runner"] = runner
    runner.run_until_idle()
    assert [get(factory, i).status for i in ids] == ["posted", "pending", "pending"]


def test_unapproved_posts_are_expired_before_sending(factory):  # noqa: F811
    calls = []
    add_post(factory, "draft", status="draft")
    runner, pub = make_runner(factory, expire_unapproved=lambda now: calls.append(now) or 1)
    summary = runner.run_until_idle()
    assert calls and calls[0] == T0 and summary["expired"] >= 1 and pub.calls == []


def test_an_account_without_a_publisher_is_paused_and_its_posts_left_due(factory):  # noqa: F811
    from bot.errors import MissingCredentials

    post = add_post(factory, "needs credentials")
    fb = add_post(factory, "fb fine", account="acct-fb", due=T0 + dt.timedelta(seconds=1))
    good = FakePublisher()

    def make(account):
        if account.name == "acct-x":
            raise MissingCredentials("set BOT_ACCT_X_API_KEY")
        return good

    runner = Runner(make_settings(), factory, make, FakeClock(T0 + dt.timedelta(seconds=2)))
    runner.run_until_idle()
    row = get(factory, post)
    assert (row.status, row.attempts, row.due_at) == ("pending", 0, T0)  # untouched, still due
    assert "BOT_ACCT_X_API_KEY" in row.last_error and get(factory, fb).status == "posted"


def test_a_duplicate_after_an_unsettled_try_is_recognised_as_our_own_post(factory):  # noqa: F811
    post = add_post(factory, "late in the timeline")
    pub = FakePublisher()
    runner, _ = make_runner(factory, pub)
    with factory() as session:  # an earlier try was ambiguous and the lookup did not see it yet
        session.execute(update(Post).where(Post.id == post).values(attempts=1))
        session.commit()
    pub.sent.append(pub.publish_post("late in the timeline"))  # it had gone out after all
    pub.script["late in the timeline"] = [Duplicate("duplicate content")]
    runner.run_until_idle()
    row = get(factory, post)
    assert (row.status, row.remote_id) == ("posted", "1000")
    assert attempts_of(factory, post) == ["duplicate"]
