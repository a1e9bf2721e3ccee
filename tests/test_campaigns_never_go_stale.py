"""Campaigns that never go stale: relative times ("+1d 10:00", "+2h", "+2d") counted from an anchor that
`bot schedule` records once, so the shipped sample plans its whole run on any day and re-scheduling changes
nothing; reposts of an original that will never be published are not planned; two campaigns with one text
for one account are flagged."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.schedule.campaign import load_campaigns
from bot.schedule.plan import LedgerView, make_plan
from bot.settings import Settings, load_settings
from tests.cli_support import run_cli as run
from tests.plan_support import campaign_file, use_fake_drafts

UTC = dt.UTC
TOKYO_NOON = dt.datetime(2026, 11, 28, 3, tzinfo=UTC)  # 12:00 in Tokyo


@pytest.fixture
def settings(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    use_fake_drafts(monkeypatch)
    for old in (project_dir / "schedules").glob("*.toml"):
        old.unlink()
    return load_settings()


def _plan(settings: Settings, now: dt.datetime, view: LedgerView | None = None):  # type: ignore[no-untyped-def]
    return make_plan(load_campaigns(settings), settings, now=now, view=view or LedgerView())


# ── relative times ──────────────────────────────────────────────────────────────────────────────────
def test_relative_times_count_from_the_anchor(settings: Settings, project_dir: Path) -> None:
    campaign_file(project_dir / "schedules", "c1", body='[announcement]\nat = "+1d 10:00"\n'
                  '[highlights]\ncount = 2\nstart = "+2d"\ndaily_at = "12:00"\n')
    posts = _plan(settings, TOKYO_NOON).posts
    assert [f"{p.local_time:%Y-%m-%d %H:%M}" for p in posts] == [
        "2026-11-29 10:00", "2026-11-30 12:00", "2026-12-01 12:00"]
    # three days later with the anchor the ledger recorded: the times do not move with the clock
    anchored = _plan(settings, TOKYO_NOON + dt.timedelta(days=3), LedgerView(anchors={"c1": TOKYO_NOON})).posts
    assert [p.due_at for p in anchored] == [posts[2].due_at]


def test_a_duration_is_real_time_and_posting_hours_move_it_to_the_next_opening(settings: Settings,
                                                                              project_dir: Path) -> None:
    body = ('[announcement]\nat = "+2h"\n'
            '[highlights]\ntimes = ["+20h", "+1d 08:00"]\n')
    campaign_file(project_dir / "schedules", "c1", extra='posting_hours = "09:00-18:00"', body=body)
    evening = dt.datetime(2026, 11, 28, 8, 30, tzinfo=UTC)  # 17:30 in Tokyo
    posts = _plan(settings, evening).posts
    # +2h → 19:30, after closing → 09:00 next day; +20h → 13:30 next day (open); "+1d 08:00" is an explicit
    # time of day and stays as written.
    assert sorted(f"{p.local_time:%m-%d %H:%M}" for p in posts) == ["11-29 08:00", "11-29 09:00", "11-29 13:30"]


def test_a_relative_series_keeps_to_the_posting_hours(settings: Settings, project_dir: Path) -> None:
    body = '[highlights]\ncount = 4\nstart = "+1h"\nevery_minutes = 180\n'
    campaign_file(project_dir / "schedules", "c1", extra='posting_hours = "09:00-20:00"', body=body)
    afternoon = dt.datetime(2026, 11, 28, 5, tzinfo=UTC)  # 14:00 in Tokyo
    posts = _plan(settings, afternoon).posts
    # 15:00, 18:00, then 21:00 is after closing → 09:00 next day, then 12:00
    assert [f"{p.local_time:%m-%d %H:%M}" for p in posts] == ["11-28 15:00", "11-28 18:00", "11-29 09:00",
                                                              "11-29 12:00"]


def test_a_relative_time_of_day_in_a_dst_gap_moves_forward_instead_of_failing(settings: Settings,
                                                                             project_dir: Path) -> None:
    campaign_file(project_dir / "schedules", "c1", extra='timezone = "America/New_York"',
                  body='[announcement]\nat = "+1d 02:30"\n')
    anchor = dt.datetime(2026, 3, 7, 17, tzinfo=UTC)  # the day before New York skips 02:00-03:00
    [post] = _plan(settings, anchor).posts
    assert f"{post.local_time:%Y-%m-%d %H:%M %Z}" == "2026-03-08 03:30 EDT"


def test_highlights_go_out_best_first_whatever_order_the_times_are_written_in(settings: Settings,
                                                                              project_dir: Path) -> None:
    campaign_file(project_dir / "schedules", "c1", body='[highlights]\ncount = 2\ntimes = ["+1d 12:00", "+2h"]\n')
    posts = sorted(_plan(settings, TOKYO_NOON).posts, key=lambda p: p.due_at)
    assert [p.finding_rank for p in posts] == [1, 2]


def test_reposts_ending_before_their_originals_are_flagged(settings: Settings, project_dir: Path) -> None:
    body = ('[announcement]\nat = "+1d 10:00"\n'
            '[reposts]\ncron = "0 9 * * mon"\nmin_gap_days = 0\nmax_cycles = 2\nuntil = "2026-01-01"\n')
    campaign_file(project_dir / "schedules", "c1", body=body)
    plan = _plan(settings, TOKYO_NOON)
    assert [p.kind for p in plan.posts] == ["announcement"]
    assert any("reposts.until (2026-01-01) is before the posts it would repeat" in w for w in plan.warnings)


def test_an_anchor_in_the_file_wins_over_the_ledger(settings: Settings, project_dir: Path) -> None:
    campaign_file(project_dir / "schedules", "c1", extra='anchor = "2026-12-10T00:00:00+09:00"',
                  body='[announcement]\nat = "+1d 10:00"\n')
    posts = _plan(settings, TOKYO_NOON, LedgerView(anchors={"c1": TOKYO_NOON})).posts
    assert [f"{p.local_time:%Y-%m-%d %H:%M}" for p in posts] == ["2026-12-11 10:00"]


@pytest.mark.parametrize("today", ["2026-12-01T08:07+00:00", "2027-06-30T23:59+00:00", "2031-02-28T15:00+00:00"])
def test_the_shipped_sample_plans_its_whole_run_on_any_day(project_dir: Path, capsys: pytest.CaptureFixture[str],
                                                           today: str) -> None:
    code, out, err = run(capsys, "plan", "--now", today, "--json")
    assert code == 0, err
    data = json.loads(out)
    kinds = [p["kind"] for p in data["posts"]]
    assert len(kinds) == 13 and kinds.count("announcement") == 2 and kinds.count("highlight") == 3
    assert kinds.count("repost") == 8
    assert not [w for w in data["warnings"] if "not planned" in w]  # no orphan repost, whatever the day
    assert min(p["due_at"] for p in data["posts"]) > dt.datetime.fromisoformat(today).astimezone(UTC).isoformat()


def test_schedule_records_the_anchor_once_and_a_later_schedule_changes_nothing(
        project_dir: Path, capsys: pytest.CaptureFixture[str], cli_clock) -> None:  # type: ignore[no-untyped-def]
    assert run(capsys, "schedule", "--json")[0] == 0
    _, before, _ = run(capsys, "queue", "--json")
    cli_clock.advance(2 * 3600)  # two hours later, still before the first post
    code, out, _ = run(capsys, "schedule", "--json")
    assert code == 0 and json.loads(out)["unchanged"] == 13 and json.loads(out)["created"] == 0
    _, after, _ = run(capsys, "queue", "--json")
    assert [p["due_at"] for p in json.loads(after)] == [p["due_at"] for p in json.loads(before)]


# ── reposts whose original will never exist ─────────────────────────────────────────────────────────
FIXED_WITH_REPOSTS = ('[announcement]\nat = "2026-11-27T10:00"\n'
                      '[reposts]\ncron = "0 9 * * mon"\nmin_gap_days = 0\nmax_cycles = 2\nuntil = "2026-12-31"\n')


def test_reposts_of_an_announcement_skipped_as_past_are_not_planned(settings: Settings, project_dir: Path) -> None:
    campaign_file(project_dir / "schedules", "c1", body=FIXED_WITH_REPOSTS)
    plan = _plan(settings, TOKYO_NOON)  # the announcement (11-27) is past and was never in the ledger
    assert [p.kind for p in plan.posts] == []
    assert any("2 repost(s) not planned" in w and "jiia-x announcement: due before now" in w for w in plan.warnings)


def test_reposts_of_a_posted_announcement_are_kept(settings: Settings, project_dir: Path) -> None:
    campaign_file(project_dir / "schedules", "c1", body=FIXED_WITH_REPOSTS)
    view = LedgerView(statuses={"c1:jiia-x:announcement:0:0": "posted"})
    assert [p.kind for p in _plan(settings, TOKYO_NOON, view).posts] == ["repost", "repost"]


def test_reposts_of_a_cancelled_original_are_cancelled_by_the_next_schedule(
        project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "schedule", "--json")[0] == 0
    _, out, _ = run(capsys, "queue", "--json")
    queue = json.loads(out)
    [highlight_1] = [p for p in queue if p["key"].endswith(":jiia-x:highlight:1:0")]
    assert run(capsys, "cancel", str(highlight_1["id"]))[0] == 0
    code, out, _ = run(capsys, "schedule", "--json")
    assert code == 0 and json.loads(out)["cancelled"] == 2  # its retweet and its later new-text repost
    _, out, _ = run(capsys, "plan")
    assert "2 repost(s) not planned: their original will not be published (jiia-x highlight #1: cancelled)" in out


def test_two_campaigns_with_one_text_for_one_account_are_flagged(settings: Settings, project_dir: Path) -> None:
    for name in ("c1", "c2"):
        campaign_file(project_dir / "schedules", name, body='[announcement]\nat = "+1d 10:00"\n')
    plan = _plan(settings, TOKYO_NOON)
    assert any(w.startswith("c2: jiia-x announcement has the same text as c1's announcement") for w in plan.warnings)
