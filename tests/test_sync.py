"""Campaign files → ledger rows: idempotent, edits touch only unpublished posts, removal cancels, published
posts are never touched. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.ledger.store import Ledger
from bot.schedule.campaign import load_campaigns
from bot.schedule.plan import plan_posts
from bot.schedule.sync import SyncResult, sync_ledger
from bot.settings import Settings, load_settings
from tests.plan_support import ANNOUNCE_AND_3, campaign_file, use_fake_drafts

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 28, 12, tzinfo=UTC)


@pytest.fixture
def settings(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    use_fake_drafts(monkeypatch)
    for old in (project_dir / "schedules").glob("*.toml"):
        old.unlink()
    return load_settings()


def apply(ledger: Ledger, settings: Settings, now: dt.datetime = NOW) -> SyncResult:
    planned = plan_posts(load_campaigns(settings), settings, now=now, posted=ledger.posted_highlights(),
                         include_past=True)
    return sync_ledger(ledger, planned, now=now)


def statuses(ledger: Ledger) -> dict[str, str]:
    return {p.key: p.status for p in ledger.list_posts()}


def test_sync_creates_then_changes_nothing(ledger: Ledger, settings: Settings, project_dir: Path) -> None:
    campaign_file(project_dir / "schedules", "c1", body=ANNOUNCE_AND_3)
    assert apply(ledger, settings) == SyncResult(created=4)
    assert apply(ledger, settings) == SyncResult(unchanged=4)
    rows = ledger.list_posts()
    assert {p.status for p in rows} == {"pending"}
    assert rows[1].payload["text"] == "Finding 1 https://example.org/report#1"
    assert rows[1].due_at == dt.datetime(2026, 12, 2, 3, tzinfo=UTC)


def test_editing_a_campaign_updates_only_unpublished_posts(ledger: Ledger, settings: Settings, project_dir: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = campaign_file(project_dir / "schedules", "c1", body=ANNOUNCE_AND_3)
    apply(ledger, settings)
    with ledger.transaction() as session:
        for post in ledger.list_posts():
            if post.kind == "announcement":
                session.get(type(post), post.id).status = "posted"  # type: ignore[union-attr]
            if post.finding_rank == 1:
                session.get(type(post), post.id).status = "sending"  # type: ignore[union-attr]
    path.write_text(path.read_text().replace('daily_at = "12:00"', 'daily_at = "18:00"'))
    use_fake_drafts(monkeypatch, edition=" (v2)")
    assert apply(ledger, settings) == SyncResult(updated=2, unchanged=2)
    posts = {p.key: p for p in ledger.list_posts()}
    assert posts["c1:jiia-x:announcement:0:0"].payload["text"] == "New report https://example.org/report"
    assert posts["c1:jiia-x:highlight:1:0"].due_at.hour == 3  # sending: untouched
    assert posts["c1:jiia-x:highlight:2:0"].due_at.hour == 9  # 18:00 Tokyo
    assert posts["c1:jiia-x:highlight:2:0"].payload["text"].startswith("Finding 2 (v2)")


def test_fewer_highlights_cancel_the_extra_pending_ones(ledger: Ledger, settings: Settings, project_dir: Path) -> None:
    path = campaign_file(project_dir / "schedules", "c1", body=ANNOUNCE_AND_3)
    apply(ledger, settings)
    path.write_text(path.read_text().replace("count = 3", "count = 1"))
    assert apply(ledger, settings) == SyncResult(cancelled=2, unchanged=2)
    assert statuses(ledger)["c1:jiia-x:highlight:3:0"] == "cancelled"
    assert apply(ledger, settings) == SyncResult(unchanged=2)


def test_removing_a_campaign_cancels_its_pending_posts_only(ledger: Ledger, settings: Settings,
                                                             project_dir: Path) -> None:
    path = campaign_file(project_dir / "schedules", "c1", body=ANNOUNCE_AND_3)
    campaign_file(project_dir / "schedules", "c2", body='[announcement]\nat = "2026-12-10T10:00"\n')
    apply(ledger, settings)
    one_off_original = ledger.list_posts()[0]
    with ledger.transaction() as session:
        session.get(type(one_off_original), one_off_original.id).status = "posted"  # type: ignore[union-attr]
    repost = ledger.add_repost(one_off_original.id, NOW + dt.timedelta(days=30), now=NOW)
    path.unlink()
    assert apply(ledger, settings) == SyncResult(cancelled=3, unchanged=1)
    after = statuses(ledger)
    assert after == {"c1:jiia-x:announcement:0:0": "posted", "c1:jiia-x:highlight:1:0": "cancelled",
                     "c1:jiia-x:highlight:2:0": "cancelled", "c1:jiia-x:highlight:3:0": "cancelled",
                     "c2:jiia-x:announcement:0:0": "pending", repost.key: "pending"}


def test_approval_campaigns_create_drafts_and_edits_need_approval_again(
        ledger: Ledger, settings: Settings, project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = campaign_file(project_dir / "schedules", "c1", extra="approval = true", body=ANNOUNCE_AND_3)
    apply(ledger, settings)
    assert set(statuses(ledger).values()) == {"draft"}
    assert ledger.approve("c1", now=NOW) == 4
    path.write_text(path.read_text().replace('daily_at = "12:00"', 'daily_at = "13:00"'))
    apply(ledger, settings)
    assert set(statuses(ledger).values()) == {"pending"}  # a new time keeps the approval
    use_fake_drafts(monkeypatch, edition=" (edited)")
    assert apply(ledger, settings).updated == 4
    assert set(statuses(ledger).values()) == {"draft"}  # new text: approve again
    path.write_text(path.read_text().replace("approval = true", "approval = false"))
    apply(ledger, settings)
    assert set(statuses(ledger).values()) == {"pending"}


def test_past_posts_are_not_created_and_existing_ones_are_left_alone(ledger: Ledger, settings: Settings,
                                                                      project_dir: Path) -> None:
    campaign_file(project_dir / "schedules", "c1", body=ANNOUNCE_AND_3)
    later = dt.datetime(2026, 12, 2, 12, tzinfo=UTC)  # announcement and highlight 1 are past
    assert apply(ledger, settings, now=later) == SyncResult(created=2, skipped_past=2)
    apply(ledger, settings)  # at NOW, all four exist
    with ledger.transaction() as session:
        post = ledger.get("c1:jiia-x:highlight:1:0")
        session.get(type(post), post.id).due_at = dt.datetime(2026, 12, 2, 4, tzinfo=UTC)  # type: ignore[union-attr]
    assert apply(ledger, settings, now=later) == SyncResult(unchanged=4)  # past row not rewritten, not cancelled
    assert ledger.get("c1:jiia-x:highlight:1:0").due_at.hour == 4


def test_thread_parts_point_at_their_head(ledger: Ledger, settings: Settings, project_dir: Path) -> None:
    campaign_file(project_dir / "schedules", "c1", body='[announcement]\nat = "2026-12-01T10:00"\nthread = true\n')
    assert apply(ledger, settings).created == 3
    head, *parts = ledger.list_posts()
    assert head.part_index == 0 and head.thread_head_id is None
    assert [(p.part_index, p.thread_head_id) for p in parts] == [(1, head.id), (2, head.id)]
    assert apply(ledger, settings) == SyncResult(unchanged=3)
