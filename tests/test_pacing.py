"""Per-account budgets: sliding windows from settings.pacing, platform pauses, seeding from the ledger."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.schedule.pacing import Pacer
from bot.settings import PacingSection

T0 = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
S = dt.timedelta(seconds=1)


def pacer(**limits):
    return Pacer(PacingSection(**limits), {"x1": "x", "fb1": "facebook"})


def test_x_budget_of_100_per_15_minutes_is_the_default():
    p = pacer()
    for i in range(100):
        p.record("x1", T0 + i * S)
    now = T0 + 100 * S
    assert p.ready_at("x1", now) == T0 + dt.timedelta(minutes=15)  # the first post leaves the window
    assert p.ready_at("fb1", now) == now  # the other account goes on
    assert p.blocked(now) == {"x1": T0 + dt.timedelta(minutes=15)}


@pytest.mark.parametrize(
    ("limits", "account", "sent", "expected_wait"),
    [
        ({"x_posts_per_15min": 3}, "x1", 3, dt.timedelta(minutes=15)),
        ({"x_posts_per_15min": 3}, "x1", 2, dt.timedelta(0)),
        ({"x_posts_per_24h": 2}, "x1", 2, dt.timedelta(hours=24)),
        ({"facebook_posts_per_hour": 1}, "fb1", 1, dt.timedelta(hours=1)),
        ({"min_gap_seconds": 30}, "fb1", 1, dt.timedelta(seconds=30)),
    ],
)
def test_each_window_holds_the_account_back_until_a_slot_frees(limits, account, sent, expected_wait):
    p = pacer(**limits)
    for _ in range(sent):
        p.record(account, T0)
    assert p.ready_at(account, T0) == T0 + expected_wait


def test_a_platform_pause_holds_only_that_account_and_ends_on_time():
    p = pacer()
    p.pause("x1", T0 + dt.timedelta(minutes=7))
    assert p.paused_until("x1") == T0 + dt.timedelta(minutes=7)
    assert set(p.blocked(T0)) == {"x1"}
    assert p.blocked(T0 + dt.timedelta(minutes=7)) == {}


def test_budget_is_seeded_from_posts_already_made_and_old_ones_drop_out():
    p = pacer(x_posts_per_15min=2)
    p.seed({"x1": [T0 - dt.timedelta(minutes=20), T0 - dt.timedelta(minutes=5), T0 - dt.timedelta(minutes=1)],
            "unknown": [T0]})
    assert p.ready_at("x1", T0) == T0 + dt.timedelta(minutes=10)
    assert p.ready_at("x1", T0 + dt.timedelta(minutes=10)) == T0 + dt.timedelta(minutes=10)
