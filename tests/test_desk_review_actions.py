"""The review desk's actions, through HTTP (Starlette's TestClient) on the real ledger: each one changes what
the CLI command would, refuses what the ledger refuses, and leaves an audit line; edits are stored with who
and when, re-validated by the server, and guarded by an optimistic version check."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.content.textcount import weighted_length
from bot.ledger.edits import audit_entries, edits_of
from tests.desk_support import CAMPAIGN, CAMPAIGN_TOML, build_world, csrf_of, sign_in, version_of_page


@pytest.fixture
def world(project_dir: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    world = build_world(project_dir, monkeypatch)
    world.extra["csrf"] = sign_in(world.client, "erin")
    return world


def _form(world: Any, post_id: int) -> tuple[str, str]:
    page = world.client.get(f"/posts/{post_id}")
    assert page.status_code == 200
    return csrf_of(page.text), version_of_page(page.text)


def _over_limit(text: str) -> str:
    return text + " " + "word " * 40


def test_approving_the_campaign_releases_its_drafts_and_is_audited(world: Any) -> None:
    assert {p.status for p in world.posts().values()} == {"draft"}
    answer = world.client.post("/approve", data={"csrf": world.extra["csrf"], "target": CAMPAIGN,
                                                 "back": "/calendar"}, follow_redirects=True)
    assert answer.status_code == 200 and "approved 5 post(s) of campaign desk-review" in answer.text
    assert {p.status for p in world.posts().values()} == {"pending"}
    [entry] = audit_entries(world.ledger)
    assert (entry.actor, entry.action, entry.target, entry.outcome) == ("erin", "approve", f"campaign {CAMPAIGN}",
                                                                        "done")


def test_approving_a_post_the_runner_already_claimed_is_refused_cleanly(world: Any) -> None:
    post = world.x_highlight()
    with world.ledger.transaction() as session:  # what the runner's claim does, between page load and click
        session.get(type(post), post.id).status = "sending"
    answer = world.client.post("/approve", data={"csrf": world.extra["csrf"], "target": str(post.id)})
    assert answer.status_code == 409
    assert f"post {post.id} is sending, not a draft awaiting approval" in answer.text
    assert world.ledger.get(post.id).status == "sending"
    assert audit_entries(world.ledger)[0].outcome == "refused"


def test_editing_a_draft_stores_who_and_when_and_recounts(world: Any) -> None:
    post = world.x_highlight()
    csrf, version = _form(world, post.id)
    text = "Participants agreed that alliances need steady care. https://www.example.org/report"
    answer = world.client.post(f"/posts/{post.id}/edit", data={"csrf": csrf, "version": version, "text": text},
                               follow_redirects=True)
    assert answer.status_code == 200 and f"post {post.id}: text saved" in answer.text
    saved = world.ledger.get(post.id)
    assert saved.payload["text"] == text and saved.content_hash != post.content_hash
    assert saved.status == "draft"
    [edit] = edits_of(world.ledger, post.id)
    assert (edit.field, edit.editor, edit.edited_at, edit.new_value) == ("text", "erin", world.clock.now, text)
    assert edit.old_value == post.payload["text"]
    assert f'<span class="length">{weighted_length(text)}</span>' in answer.text


def test_a_reviewers_edit_survives_the_next_bot_schedule(world: Any) -> None:
    from bot.schedule.sync import apply_campaigns
    from tests.desk_support import NOW

    post = world.x_highlight()
    csrf, version = _form(world, post.id)
    text = "Alliances need steady care, participants agreed. https://www.example.org/report"
    world.client.post(f"/posts/{post.id}/edit", data={"csrf": csrf, "version": version, "text": text})
    result, _ = apply_campaigns(world.settings, now=NOW)  # the campaign file still has the original text
    assert result.updated == 0
    assert world.ledger.get(post.id).payload["text"] == text  # the desk's version stays


def test_an_over_limit_text_is_refused_and_nothing_is_saved(world: Any) -> None:
    post = world.x_highlight()
    csrf, version = _form(world, post.id)
    long_text = _over_limit(post.payload["text"])
    answer = world.client.post(f"/posts/{post.id}/edit", data={"csrf": csrf, "version": version, "text": long_text})
    assert answer.status_code == 422
    assert f"over the limit: {weighted_length(long_text)}/280; nothing was saved" in answer.text
    assert "word word word" in answer.text  # the text as typed stays in the box, to be shortened
    assert world.ledger.get(post.id).payload["text"] == post.payload["text"]
    assert edits_of(world.ledger, post.id) == []
    assert audit_entries(world.ledger)[0].outcome == "refused"


def test_two_reviewers_saving_the_same_draft_do_not_overwrite_each_other(world: Any) -> None:
    post = world.x_highlight()
    csrf, version = _form(world, post.id)  # both reviewers opened the same version
    first = world.client.post(f"/posts/{post.id}/edit", data={"csrf": csrf, "version": version,
                                                               "text": "First reviewer's words. https://example.org/a"})
    assert first.status_code == 303
    world.clock.now += dt.timedelta(minutes=1)
    second = world.client.post(f"/posts/{post.id}/edit", data={"csrf": csrf, "version": version,
                                                                "text": "Second reviewer's words. https://example.org/b"})
    assert second.status_code == 409
    assert "was changed by someone else since you opened it; nothing was saved" in second.text
    assert world.ledger.get(post.id).payload["text"] == "First reviewer's words. https://example.org/a"
    assert [a.outcome for a in audit_entries(world.ledger)] == ["conflict", "done"]


def test_a_published_post_can_never_be_edited(world: Any) -> None:
    post = world.x_highlight()
    csrf, version = _form(world, post.id)
    with world.ledger.transaction() as session:
        row = session.get(type(post), post.id)
        row.status, row.remote_url = "posted", "https://x.com/i/status/1"
    page = world.client.get(f"/posts/{post.id}")
    assert 'id="edit-form"' not in page.text and "https://x.com/i/status/1" in page.text
    answer = world.client.post(f"/posts/{post.id}/edit", data={"csrf": csrf, "version": version, "text": "changed"})
    assert answer.status_code == 409 and f"post {post.id} is posted: only draft or pending" in answer.text
    assert world.ledger.get(post.id).payload["text"] == post.payload["text"]


def test_editing_an_approved_post_sends_it_back_for_approval(world: Any) -> None:
    post = world.x_highlight()
    world.ledger.approve(post.id, now=world.clock.now)
    csrf, version = _form(world, post.id)
    world.client.post(f"/posts/{post.id}/edit", data={"csrf": csrf, "version": version, "text": "New words here."})
    assert world.ledger.get(post.id).status == "draft"


def test_rescheduling_reads_the_campaign_zone(world: Any) -> None:
    post = world.x_highlight()
    csrf, version = _form(world, post.id)
    answer = world.client.post(f"/posts/{post.id}/reschedule",
                               data={"csrf": csrf, "version": version, "date": "2026-12-08", "time": "18:30"},
                               follow_redirects=True)
    assert "moved to 2026-12-08 18:30 JST" in answer.text
    assert world.ledger.get(post.id).due_at == dt.datetime(2026, 12, 8, 9, 30, tzinfo=dt.UTC)
    assert edits_of(world.ledger, post.id)[0].field == "due_at"


def test_rescheduling_into_a_dst_gap_is_refused(project_dir: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    world = build_world(project_dir, monkeypatch)
    (project_dir / "schedules" / "desk.toml").write_text(CAMPAIGN_TOML.replace("Asia/Tokyo", "Europe/Berlin"))
    world.client.app.state.desk._zones = None  # the desk reads the campaign's zone from its file
    sign_in(world.client, "erin")
    post = world.x_highlight()
    csrf, version = _form(world, post.id)
    answer = world.client.post(f"/posts/{post.id}/reschedule",
                               data={"csrf": csrf, "version": version, "date": "2027-03-28", "time": "02:30"})
    assert answer.status_code == 409
    assert "2027-03-28 02:30 does not exist in Europe/Berlin (clocks skip that hour)" in answer.text
    assert world.ledger.get(post.id).due_at == post.due_at


def test_rescheduling_into_the_past_is_refused(world: Any) -> None:
    post = world.x_highlight()
    csrf, version = _form(world, post.id)
    answer = world.client.post(f"/posts/{post.id}/reschedule",
                               data={"csrf": csrf, "version": version, "date": "2026-11-30", "time": "12:00"})
    assert answer.status_code == 409 and "is in the past" in answer.text


def test_swapping_a_highlight_for_another_finding(world: Any) -> None:
    post = world.x_highlight()
    csrf, version = _form(world, post.id)
    answer = world.client.post(f"/posts/{post.id}/swap", data={"csrf": csrf, "version": version, "rank": "5"},
                               follow_redirects=True)
    assert f"post {post.id} now carries finding #5" in answer.text
    swapped = world.ledger.get(post.id)
    assert swapped.finding_rank == 5 and swapped.payload["text"] != post.payload["text"]
    assert "utm_content=highlight-5" in swapped.payload["text"]
    assert weighted_length(swapped.payload["text"]) <= 280


def test_swapping_in_a_finding_another_post_carries_is_refused(world: Any) -> None:
    post = world.x_highlight()
    csrf, version = _form(world, post.id)
    answer = world.client.post(f"/posts/{post.id}/swap", data={"csrf": csrf, "version": version, "rank": "2"})
    assert answer.status_code == 409 and "finding #2 is already carried by post" in answer.text


def test_cancel_then_retry_is_refused_like_the_cli(world: Any) -> None:
    post = world.x_highlight()
    csrf = world.extra["csrf"]
    assert world.client.post(f"/posts/{post.id}/cancel", data={"csrf": csrf}).status_code == 303
    assert world.ledger.get(post.id).status == "cancelled"
    answer = world.client.post(f"/posts/{post.id}/retry", data={"csrf": csrf})
    assert answer.status_code == 409 and "only failed, missed, unconfirmed, expired posts can be retried" in answer.text
    assert [a.action for a in audit_entries(world.ledger)] == ["retry", "cancel"]


def test_retry_of_a_failed_post_and_repost_of_a_published_one(world: Any) -> None:
    posts = world.posts()
    failed, published = posts[f"{CAMPAIGN}:jiia-x:highlight:1:0"], posts[f"{CAMPAIGN}:jiia-x:highlight:2:0"]
    with world.ledger.transaction() as session:
        session.get(type(failed), failed.id).status = "failed"
        row = session.get(type(published), published.id)
        row.status, row.posted_at, row.remote_id = "posted", world.clock.now, "1234"
    csrf = world.extra["csrf"]
    world.client.post(f"/posts/{failed.id}/retry", data={"csrf": csrf})
    assert world.ledger.get(failed.id).status == "pending"
    answer = world.client.post(f"/posts/{published.id}/repost", data={"csrf": csrf, "date": "2026-12-20",
                                                                      "time": "09:00"}, follow_redirects=True)
    assert "repost" in answer.text and "scheduled" in answer.text
    [repost] = [p for p in world.ledger.list_posts() if p.kind == "repost"]
    assert repost.due_at == dt.datetime(2026, 12, 20, 0, 0, tzinfo=dt.UTC)


def test_the_live_counter_is_the_bots_own_count(world: Any) -> None:
    for text in ("日本語のテキスト https://example.org", "emoji 🐦‍🔥 and example.com", _over_limit("x")):
        answer = world.client.post("/count", data={"text": text, "platform": "x"},
                                   headers={"X-CSRF-Token": world.extra["csrf"]})
        assert answer.json()["length"] == weighted_length(text)
        assert answer.json()["valid"] == (weighted_length(text) <= 280)
    facebook = world.client.post("/count", data={"text": "é" * 300, "platform": "facebook"},
                                 headers={"X-CSRF-Token": world.extra["csrf"]})
    assert facebook.json() == {"length": 300, "limit": 63206, "over": False, "valid": True}


def test_pages_show_the_campaign_in_its_zone(world: Any) -> None:
    calendar = world.client.get(f"/calendar?campaign={CAMPAIGN}&view=week&date=2026-12-03")
    assert "Times in Asia/Tokyo (the campaign's time zone)" in calendar.text
    assert '<td class="day" data-date="2026-12-03">' in calendar.text
    assert "<time>10:00</time>" in calendar.text and "<time>12:00</time>" in calendar.text
    queue = world.client.get("/queue?status=needs-approval")
    assert "Queue · 5 posts" in queue.text and "needs approval (5)" in queue.text
    assert world.client.get("/queue?status=failed").text.count("Nothing here.") == 1


def test_edit_conflict_and_approval_race_on_each_database(project_dir: Any, monkeypatch: pytest.MonkeyPatch,
                                                          ledger_url: str) -> None:
    """The same rules on SQLite and PostgreSQL (the row is locked FOR UPDATE there while it is checked)."""
    world = build_world(project_dir, monkeypatch, url=ledger_url)
    sign_in(world.client, "erin")
    post = world.x_highlight()
    csrf, version = _form(world, post.id)
    saved = world.client.post(f"/posts/{post.id}/edit", data={"csrf": csrf, "version": version,
                                                               "text": "A shorter text. https://example.org/x"})
    assert saved.status_code == 303
    stale = world.client.post(f"/posts/{post.id}/edit", data={"csrf": csrf, "version": version, "text": "Other."})
    assert stale.status_code == 409
    with world.ledger.transaction() as session:
        session.get(type(post), post.id).status = "posted"
    refused = world.client.post("/approve", data={"csrf": csrf, "target": str(post.id)})
    assert refused.status_code == 409 and "is posted, not a draft" in refused.text
    approved = world.client.post("/approve", data={"csrf": csrf, "target": CAMPAIGN}, follow_redirects=True)
    assert "approved 4 post(s)" in approved.text
    assert world.ledger.get(post.id).status == "posted"
    assert [e.new_value for e in edits_of(world.ledger, post.id)] == ["A shorter text. https://example.org/x"]
    world.ledger.session_factory.kw["bind"].dispose()
