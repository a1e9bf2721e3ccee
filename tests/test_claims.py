"""Claiming and recording outcomes in the ledger, on SQLite and (when available) PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from bot.ledger import claims
from bot.ledger.claims import Outcome
from tests.runner_support import T0, add_post, add_thread, factory, get  # noqa: F401

MIN = dt.timedelta(minutes=1)


def claim(factory, now=T0, runner="r1", **kw):  # noqa: F811
    return claims.claim_due_posts(factory, runner_id=runner, now=now, grace_seconds=3600, **kw)


def test_claim_takes_due_pending_posts_oldest_first(factory):  # noqa: F811
    later = add_post(factory, "later", due=T0 - MIN)
    older = add_post(factory, "older", due=T0 - 2 * MIN)
    add_post(factory, "future", due=T0 + MIN)
    add_post(factory, "draft", due=T0 - MIN, status="draft")
    first = claim(factory)
    assert [p.id for p in first] == [older]
    assert get(factory, older).status == "sending" and get(factory, older).claimed_by == "r1"
    assert [p.id for p in claim(factory, limit=5)] == [later]
    assert claim(factory, limit=5) == []


def test_a_claimed_post_is_never_claimed_again(factory):  # noqa: F811
    add_post(factory, "one")
    assert len(claim(factory, runner="a")) == 1
    assert claim(factory, runner="b") == []


def test_claim_skips_excluded_accounts(factory):  # noqa: F811
    add_post(factory, "x post", account="acct-x")
    fb = add_post(factory, "fb post", account="acct-fb")
    assert [p.id for p in claim(factory, exclude_accounts=["acct-x"], limit=5)] == [fb]


def test_head_beyond_grace_is_not_claimed_but_marked_missed(factory):  # noqa: F811
    old = add_post(factory, "old", due=T0 - dt.timedelta(seconds=3601))
    late_ok = add_post(factory, "late but ok", due=T0 - dt.timedelta(seconds=3599))
    assert [p.id for p in claim(factory, limit=5)] == [late_ok]
    missed = claims.mark_missed(factory, now=T0, grace_seconds=3600)
    assert [m[0] for m in missed] == [old]
    assert get(factory, old).status == "missed" and "grace" in get(factory, old).last_error


def test_thread_part_waits_for_the_part_before_it(factory):  # noqa: F811
    head, part1, part2 = add_thread(factory, ["h", "p1", "p2"])
    assert [p.id for p in claim(factory, limit=5)] == [head]
    post = claims.ClaimedPost.of(get(factory, head))
    assert claims.record_outcome(factory, post, Outcome("posted", "posted", remote_id="9"),
                                 runner_id="r1", started_at=T0, now=T0)
    assert [p.id for p in claim(factory, limit=5)] == [part1]
    assert claims.previous_part_id(factory, claims.ClaimedPost.of(get(factory, part2))) == part1


def test_parts_after_a_dead_end_are_failed(factory):  # noqa: F811
    _head, part1 = add_thread(factory, ["h", "p1"], due=T0 - dt.timedelta(hours=2))
    claims.mark_missed(factory, now=T0, grace_seconds=3600)
    stranded = claims.fail_stranded_parts(factory, now=T0)
    assert [s[0] for s in stranded] == [part1]
    assert get(factory, part1).status == "failed" and "missed" in get(factory, part1).last_error


@pytest.mark.parametrize(
    ("outcome", "status", "attempts"),
    [
        (Outcome("posted", "posted", remote_id="42", remote_url="https://x.test/42"), "posted", 1),
        (Outcome("pending", "transient", "503", due_at=T0 + MIN), "pending", 1),
        (Outcome("pending", "rate_limited", "429", due_at=T0 + MIN, counts=False), "pending", 0),
        (Outcome("duplicate", "duplicate", "dup"), "duplicate", 1),
        (Outcome("failed", "failed", "rejected"), "failed", 1),
        (Outcome("unconfirmed", "ambiguous", "timeout"), "unconfirmed", 1),
    ],
)
def test_record_outcome_writes_state_and_attempt_row(factory, outcome, status, attempts):  # noqa: F811
    from bot.ledger.models import Attempt

    post_id = add_post(factory, "p")
    [post] = claim(factory)
    assert claims.record_outcome(factory, post, outcome, runner_id="r1", started_at=T0, now=T0 + MIN)
    row = get(factory, post_id)
    assert (row.status, row.attempts) == (status, attempts)
    if status == "pending":
        assert row.due_at == T0 + MIN and row.claimed_by is None
    if status == "posted":
        assert (row.remote_id, row.remote_url, row.posted_at) == ("42", "https://x.test/42", T0 + MIN)
    with factory() as session:
        rows = session.query(Attempt).filter_by(post_id=post_id).all()
    assert [(a.outcome, a.runner) for a in rows] == [(outcome.attempt, "r1")]


def test_outcome_from_a_runner_that_lost_its_claim_is_refused(factory):  # noqa: F811
    add_post(factory, "p")
    [post] = claim(factory, runner="old")
    assert claims.take_over_claim(factory, post, runner_id="new", now=T0)
    assert not claims.record_outcome(factory, post, Outcome("posted", "posted", remote_id="1"),
                                     runner_id="old", started_at=T0, now=T0)
    assert not claims.take_over_claim(factory, post, runner_id="third", now=T0)  # claimed_by changed


def test_concurrent_claims_from_threads_never_overlap(factory):  # noqa: F811
    ids = {add_post(factory, f"post {i}") for i in range(40)}
    taken: dict[str, list[int]] = {"a": [], "b": [], "c": []}

    def worker(name: str) -> None:
        while batch := claim(factory, runner=name, limit=3):
            taken[name] += [p.id for p in batch]

    threads = [threading.Thread(target=worker, args=(n,)) for n in taken]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [i for got in taken.values() for i in got]
    assert sorted(everything) == sorted(ids)  # each exactly once
