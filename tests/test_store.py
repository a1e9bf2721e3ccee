"""The ledger's queries and operator transitions, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bot.errors import InputError
from bot.ledger.models import Post
from bot.ledger.store import Ledger, open_existing_store, open_store, post_summary
from bot.settings import settings_from_dict

UTC = dt.UTC
NOW = dt.datetime(2026, 12, 1, 12, tzinfo=UTC)


def add(store: Ledger, key: str, *, status: str = "pending", due: dt.datetime = NOW, platform: str = "x",
        campaign: str | None = "c1", payload: dict[str, Any] | None = None, **extra: Any) -> Post:
    with store.transaction() as session:
        post = Post(key=key, campaign=campaign, report="r", account=f"acct-{platform}", platform=platform,
                    kind=extra.pop("kind", "highlight"), payload=payload or {"text": f"text {key}", "link": None,
                                                                             "media": []},
                    content_hash="h", due_at=due, status=status, part_index=extra.pop("part_index", 0),
                    requires_approval=extra.pop("requires_approval", False), attempts=extra.pop("attempts", 0), created_at=NOW, updated_at=NOW,
                    **extra)
        session.add(post)
        session.flush()
        return post


def test_queue_lists_unpublished_and_troubled_posts_soonest_first(ledger: Ledger) -> None:
    add(ledger, "late", due=NOW + dt.timedelta(hours=2))
    add(ledger, "soon", due=NOW + dt.timedelta(hours=1), status="draft")
    add(ledger, "bad", status="failed", last_error="Rejected: text too long")
    add(ledger, "done", status="posted")
    add(ledger, "gone", status="cancelled")
    assert [p.key for p in ledger.queue()] == ["bad", "soon", "late"]
    assert [p.key for p in ledger.list_posts(statuses=["posted", "cancelled"])] == ["done", "gone"]
    assert [p.key for p in ledger.list_posts(campaign="nope")] == []


def test_history_is_most_recent_first_with_links(ledger: Ledger) -> None:
    for hour, key in ((1, "a"), (3, "b"), (2, "c")):
        add(ledger, key, status="posted", posted_at=NOW + dt.timedelta(hours=hour), remote_url=f"https://x.com/i/{key}")
    add(ledger, "pending")
    assert [p.key for p in ledger.history()] == ["b", "c", "a"]
    assert [p.remote_url for p in ledger.history(limit=1)] == ["https://x.com/i/b"]
    summary = post_summary(ledger.history()[0], __import__("zoneinfo").ZoneInfo("Asia/Tokyo"))
    assert summary["remote_url"] == "https://x.com/i/b" and summary["due_local"].endswith("+09:00")


def test_get_by_id_or_key(ledger: Ledger) -> None:
    post = add(ledger, "c1:acct-x:highlight:1:0")
    assert ledger.get(post.id).key == ledger.get("c1:acct-x:highlight:1:0").key == post.key
    with pytest.raises(InputError, match="no post"):
        ledger.get(9999)


def test_approve_a_campaign_or_one_draft_but_never_late(ledger: Ledger) -> None:
    a = add(ledger, "a", status="draft", due=NOW + dt.timedelta(hours=1))
    add(ledger, "b", status="draft", due=NOW + dt.timedelta(hours=2))
    add(ledger, "late", status="draft", due=NOW - dt.timedelta(minutes=1))
    add(ledger, "other", status="draft", campaign="c2", due=NOW + dt.timedelta(hours=1))
    assert ledger.approve("c1", now=NOW) == 2
    assert {p.key: p.status for p in ledger.list_posts()} == {
        "late": "draft", "a": "pending", "other": "draft", "b": "pending"}
    assert ledger.approve("other", now=NOW) == 1
    with pytest.raises(InputError, match="not a draft"):
        ledger.approve(a.id, now=NOW)
    with pytest.raises(InputError, match="no campaign or post"):
        ledger.approve("unknown", now=NOW)


def test_approving_a_thread_head_approves_its_parts(ledger: Ledger) -> None:
    later = NOW + dt.timedelta(hours=1)
    head = add(ledger, "t:0", status="draft", due=later, kind="announcement")
    add(ledger, "t:1", status="draft", due=later, kind="announcement", part_index=1, thread_head_id=head.id)
    add(ledger, "other", status="draft", due=later)
    assert ledger.approve(head.id, now=NOW) == 2
    assert statuses_of(ledger) == {"t:0": "pending", "t:1": "pending", "other": "draft"}


def statuses_of(ledger: Ledger) -> dict[str, str]:
    return {p.key: p.status for p in ledger.list_posts()}


def test_expire_unapproved_marks_due_drafts_expired(ledger: Ledger) -> None:
    add(ledger, "due", status="draft", due=NOW)
    add(ledger, "later", status="draft", due=NOW + dt.timedelta(seconds=1))
    add(ledger, "pending", due=NOW - dt.timedelta(hours=1))
    assert ledger.expire_unapproved(NOW) == 1
    assert {p.key: p.status for p in ledger.list_posts()} == {"pending": "pending", "due": "expired", "later": "draft"}
    assert ledger.get("due").last_error == "not approved before its time"


def test_cancel_a_pending_post_or_a_whole_thread(ledger: Ledger) -> None:
    single = add(ledger, "single")
    head = add(ledger, "t:0", kind="announcement")
    add(ledger, "t:1", kind="announcement", part_index=1, thread_head_id=head.id)
    add(ledger, "t:2", kind="announcement", part_index=2, thread_head_id=head.id)
    assert ledger.cancel(single.id, now=NOW) == 1
    assert ledger.cancel(head.id, now=NOW) == 3
    assert {p.status for p in ledger.list_posts()} == {"cancelled"}


@pytest.mark.parametrize("status", ["posted", "sending", "failed", "cancelled"])
def test_cancel_refuses_posts_that_are_not_waiting(ledger: Ledger, status: str) -> None:
    post = add(ledger, "p", status=status)
    with pytest.raises(InputError) as caught:
        ledger.cancel(post.id, now=NOW)
    assert caught.value.exit_code == 2 and ledger.get(post.id).status == status


@pytest.mark.parametrize("status", ["failed", "missed", "unconfirmed"])
def test_retry_puts_a_post_back_due_now(ledger: Ledger, status: str) -> None:
    post = add(ledger, "p", status=status, due=NOW - dt.timedelta(days=1), attempts=5, claimed_by="r1")
    retried = ledger.retry(post.id, NOW)
    assert (retried.status, retried.due_at, retried.attempts, retried.claimed_by) == ("pending", NOW, 0, None)
    assert ledger.get(post.id).status == "pending"


@pytest.mark.parametrize("status", ["draft", "pending", "sending", "posted", "duplicate", "cancelled"])
def test_retry_refuses_other_statuses(ledger: Ledger, status: str) -> None:
    post = add(ledger, "p", status=status)
    with pytest.raises(InputError, match=f"is {status}"):
        ledger.retry(post.id, NOW)
    assert ledger.get(post.id).status == status


def test_a_one_off_repost_retweets_first_then_uses_a_new_text(ledger: Ledger) -> None:
    original = add(ledger, "c1:acct-x:highlight:1:0", status="posted", remote_id="42",
                   payload={"text": "A finding https://example.org/r", "link": "https://example.org/r", "media": []})
    first = ledger.add_repost(original.id, NOW + dt.timedelta(hours=1), now=NOW)
    assert first.payload == {"repost_of": original.key, "mode": "retweet"}
    assert (first.status, first.kind, first.campaign, first.account) == ("pending", "repost", None, "acct-x")
    second = ledger.add_repost(original.key, NOW + dt.timedelta(hours=2), now=NOW)
    assert second.payload["mode"] == "text" and second.payload["text"] != original.payload["text"]
    assert "https://example.org/r" in second.payload["text"]
    with pytest.raises(InputError, match="already exists"):
        ledger.add_repost(original.id, NOW + dt.timedelta(hours=2), now=NOW)
    with pytest.raises(InputError, match="itself a repost"):
        with ledger.transaction() as session:
            session.get(Post, first.id).status = "posted"  # type: ignore[union-attr]
        ledger.add_repost(first.id, NOW + dt.timedelta(hours=3), now=NOW)


def test_a_facebook_repost_is_a_new_post_naming_the_original(ledger: Ledger) -> None:
    original = add(ledger, "fb", status="posted", platform="facebook", payload={"text": "Digest", "link": "u"})
    repost = ledger.add_repost(original.id, NOW, now=NOW)
    assert repost.payload == {"repost_of": "fb", "text": "From our report: Digest"}


def test_only_published_posts_can_be_reposted(ledger: Ledger) -> None:
    post = add(ledger, "p")
    with pytest.raises(InputError, match="only published posts"):
        ledger.add_repost(post.id, NOW, now=NOW)


def test_posted_highlights_name_their_campaign(ledger: Ledger) -> None:
    add(ledger, "h1", status="posted", finding_rank=1)
    add(ledger, "h2", status="failed", finding_rank=2)
    add(ledger, "a", status="posted", kind="announcement")
    assert ledger.posted_highlights() == {("r", "acct-x"): {1: "c1"}}


def test_reading_a_missing_ledger_creates_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = settings_from_dict({"bot": {"var_dir": str(tmp_path / "var")}})
    assert open_existing_store(settings) is None
    assert not (tmp_path / "var").exists()
    store = open_store(settings)
    assert (tmp_path / "var" / "bot.sqlite3").exists() and store.queue() == []
    existing = open_existing_store(settings)
    assert existing is not None and existing.queue() == []
