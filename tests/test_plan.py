"""Campaigns → planned posts: keys, times, payloads, skipping posted findings, reposts, past posts."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from bot.schedule.campaign import load_campaigns
from bot.schedule.plan import make_plan, plan_posts
from bot.settings import Settings, load_settings
from tests.plan_support import ANNOUNCE_AND_3, REPORT, campaign_file, use_fake_drafts

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 28, 12, tzinfo=UTC)


@pytest.fixture
def settings(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    use_fake_drafts(monkeypatch)
    for old in (project_dir / "schedules").glob("*.toml"):
        old.unlink()
    return load_settings()


def plan(settings: Settings, now: dt.datetime = NOW, **kwargs: object):  # type: ignore[no-untyped-def]
    return make_plan(load_campaigns(settings), settings, now=now, posted=kwargs.pop("posted", {}), **kwargs)  # type: ignore[arg-type]


def test_an_announcement_and_daily_highlights(settings: Settings, project_dir: Path) -> None:
    campaign_file(project_dir / "schedules", "c1", body=ANNOUNCE_AND_3)
    posts = plan(settings).posts
    assert [p.key for p in posts] == ["c1:jiia-x:announcement:0:0", "c1:jiia-x:highlight:1:0",
                                      "c1:jiia-x:highlight:2:0", "c1:jiia-x:highlight:3:0"]
    assert [p.due_at for p in posts] == [dt.datetime(2026, 12, 1, 1, tzinfo=UTC)] + [
        dt.datetime(2026, 12, d, 3, tzinfo=UTC) for d in (2, 3, 4)]
    assert [f"{p.local_time:%H:%M %Z}" for p in posts] == ["10:00 JST"] + ["12:00 JST"] * 3
    first = posts[1]
    assert first.payload == {"text": "Finding 1 https://example.org/report#1", "link": "https://example.org/report#1",
                             "media": []}
    assert (first.platform, first.kind, first.finding_rank, first.report_slug) == ("x", "highlight", 1, REPORT)
    assert first.weighted_length == len("Finding 1 ") + 23  # a URL counts 23 on X
    assert first.cost == 0.2 and not first.requires_approval
    assert len(first.content_hash) == 64


def test_planning_is_deterministic(settings: Settings, project_dir: Path) -> None:
    campaign_file(project_dir / "schedules", "c1", body=ANNOUNCE_AND_3)
    assert plan(settings).posts == plan(settings).posts


def test_findings_posted_by_another_campaign_are_skipped(settings: Settings, project_dir: Path) -> None:
    campaign_file(project_dir / "schedules", "c1", body=ANNOUNCE_AND_3)
    posted = {(REPORT, "jiia-x"): {1: "older-campaign", 3: "c1"}}  # rank 3 is c1's own: it keeps its slot
    highlights = [p for p in plan(settings, posted=posted).posts if p.kind == "highlight"]
    assert [p.finding_rank for p in highlights] == [2, 3, 4]
    assert [p.due_at.day for p in highlights] == [2, 3, 4]


def test_facebook_gets_its_digest_and_no_separate_highlights(settings: Settings, project_dir: Path) -> None:
    campaign_file(project_dir / "schedules", "c1", accounts='["jiia-x", "jiia-facebook"]', body=ANNOUNCE_AND_3)
    result = plan(settings)
    facebook = [p for p in result.posts if p.account == "jiia-facebook"]
    assert [p.kind for p in facebook] == ["announcement"]
    assert facebook[0].payload["link"] == "https://example.org/report" and facebook[0].cost == 0.0
    # the intended behaviour is no news: no warning on every plan
    assert not any("jiia-facebook" in w for w in result.warnings)


def test_approval_campaigns_plan_posts_that_need_approval(settings: Settings, project_dir: Path) -> None:
    campaign_file(project_dir / "schedules", "c1", extra="approval = true", body=ANNOUNCE_AND_3)
    assert all(p.requires_approval for p in plan(settings).posts)


def test_explicit_times_and_a_thread(settings: Settings, project_dir: Path) -> None:
    body = ('[announcement]\nat = "2026-12-01T10:00"\nthread = true\n'
            '[highlights]\ntimes = ["2026-12-05T08:00", "2026-12-06T20:30"]\n')
    campaign_file(project_dir / "schedules", "c1", extra='timezone = "Europe/London"', body=body)
    posts = plan(settings).posts
    thread = [p for p in posts if p.kind == "announcement"]
    assert [(p.key, p.part_index) for p in thread] == [(f"c1:jiia-x:announcement:0:{i}", i) for i in range(3)]
    assert thread[0].payload["link"] and thread[1].payload["link"] is None
    assert [(p.finding_rank, f"{p.local_time:%m-%d %H:%M}") for p in posts if p.kind == "highlight"] == [
        (1, "12-05 08:00"), (2, "12-06 20:30")]


def test_posts_in_the_past_are_dropped_with_a_warning(settings: Settings, project_dir: Path) -> None:
    campaign_file(project_dir / "schedules", "c1", body=ANNOUNCE_AND_3)
    result = plan(settings, now=dt.datetime(2026, 12, 2, 12, tzinfo=UTC))  # after highlight 1 (03:00 UTC)
    assert [p.finding_rank for p in result.posts] == [2, 3]
    assert [p.kind for p in result.past] == ["announcement", "highlight"]
    assert result.stale == [] and "2 post(s) due before now" in result.warnings[0]
    assert plan_posts(load_campaigns(settings), settings, now=dt.datetime(2026, 12, 2, 12, tzinfo=UTC), posted={},
                      include_past=True)[-2:] == result.past


def test_a_campaign_entirely_in_the_past_is_reported_stale(settings: Settings, project_dir: Path) -> None:
    campaign_file(project_dir / "schedules", "c1", body=ANNOUNCE_AND_3)
    result = plan(settings, now=dt.datetime(2027, 1, 1, tzinfo=UTC))
    assert result.posts == [] and result.stale == ["c1"]


REPOSTS = ANNOUNCE_AND_3 + '[reposts]\ncron = "0 9 * * mon"\nmin_gap_days = 14\nmax_cycles = 2\nuntil = "2027-02-28"\n'


def test_reposts_rotate_the_best_highlights_with_a_minimum_gap(settings: Settings, project_dir: Path) -> None:
    campaign_file(project_dir / "schedules", "c1", body=REPOSTS)
    reposts = [p for p in plan(settings).posts if p.kind == "repost"]
    # Mondays 09:00 Tokyo from Dec 21 (the first Monday 14 days after the Dec 2-4 highlights), best first.
    assert [(p.key.split(":")[3], f"{p.local_time:%m-%d %H:%M}") for p in reposts] == [
        ("1.1", "12-21 09:00"), ("2.1", "12-28 09:00"), ("3.1", "01-04 09:00"),
        ("1.2", "01-11 09:00"), ("2.2", "01-18 09:00"), ("3.2", "01-25 09:00")]
    by_rank: dict[int, list[dt.datetime]] = {}
    for p in reposts:
        by_rank.setdefault(p.finding_rank or 0, []).append(p.due_at)
    assert all(b - a >= dt.timedelta(days=14) for times in by_rank.values() for a, b in itertools.pairwise(times))
    # X: the first repost of a post is a retweet, later ones a visibly different text (one retweet per post).
    assert reposts[0].payload == {"repost_of": "c1:jiia-x:highlight:1:0", "mode": "retweet"}
    assert reposts[0].weighted_length == 0 and reposts[0].cost == 0.015
    later = reposts[3].payload
    assert later["mode"] == "text" and later["repost_of"] == "c1:jiia-x:highlight:1:0"
    assert later["text"] != "Finding 1 https://example.org/report#1" and "https://example.org/report#1" in later["text"]


def test_reposts_stop_at_until_and_respect_best_and_text_mode(settings: Settings, project_dir: Path) -> None:
    body = ANNOUNCE_AND_3 + ('[reposts]\ncron = "0 9 * * *"\nmin_gap_days = 0\nmax_cycles = 5\nbest = 1\n'
                             'until = "2026-12-06"\nx_mode = "text"\n')
    campaign_file(project_dir / "schedules", "c1", body=body)
    reposts = [p for p in plan(settings).posts if p.kind == "repost"]
    assert {p.finding_rank for p in reposts} == {1}
    assert [f"{p.local_time:%m-%d}" for p in reposts] == ["12-03", "12-04", "12-05", "12-06"]  # until inclusive
    assert all(p.payload["mode"] == "text" for p in reposts)
    assert len({p.payload["text"] for p in reposts}) == 4  # each cycle reads differently


def test_facebook_reposts_repeat_the_announcement_as_a_new_post(settings: Settings, project_dir: Path) -> None:
    campaign_file(project_dir / "schedules", "c1", accounts='["jiia-facebook"]', body=REPOSTS)
    reposts = [p for p in plan(settings).posts if p.kind == "repost"]
    assert [p.key for p in reposts] == ["c1:jiia-facebook:repost:a.1:0", "c1:jiia-facebook:repost:a.2:0"]
    assert reposts[0].payload["repost_of"] == "c1:jiia-facebook:announcement:0:0"
    assert "mode" not in reposts[0].payload and reposts[0].payload["text"].startswith("From our report:")


def test_the_real_composer_plans_the_sample_campaign(project_dir: Path) -> None:
    settings = load_settings()
    result = make_plan(load_campaigns(settings), settings, now=NOW, posted={})
    x_posts = [p for p in result.posts if p.platform == "x" and p.kind != "repost"]
    assert [p.kind for p in x_posts] == ["announcement", "highlight", "highlight", "highlight"]
    assert all(0 < p.weighted_length <= 280 for p in x_posts)
    assert result.total_cost == pytest.approx(sum(p.cost for p in result.posts))


def test_a_now_campaign_is_due_at_once_even_with_microseconds(settings: Settings, project_dir: Path) -> None:
    body = '[announcement]\nat = "now"\n[highlights]\ncount = 2\nstart = "now"\nevery_minutes = 0\n'
    campaign_file(project_dir / "schedules", "demo", body=body)
    now = dt.datetime(2026, 11, 28, 20, 0, 0, 999_999, tzinfo=UTC)
    result = plan(settings, now=now)
    assert [p.due_at for p in result.posts] == [now] * 3
    assert result.past == [] and result.stale == []
