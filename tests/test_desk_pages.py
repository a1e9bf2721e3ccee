"""The desk's read-only pages: the calendar grid (week, month, busy days, local days across a DST change), the
queue's pages, the quote card, the request journals and the rehearsal tab when there is nothing to show."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.web.calendar import fill, frame, local_midnight
from tests.desk_support import CAMPAIGN, build_world, sign_in

BERLIN = ZoneInfo("Europe/Berlin")


def _row(post_id: int, due: dt.datetime, status: str = "pending") -> Any:
    return SimpleNamespace(id=post_id, due_at=due, platform="x", account="a", kind="highlight", finding_rank=1,
                           status=status, campaign="c", payload={"text": f"post {post_id}"})


def test_a_month_is_whole_weeks_from_monday_and_a_week_is_seven_days() -> None:
    month = frame("month", dt.date(2027, 3, 17), BERLIN)
    assert (month.start, month.end) == (dt.date(2027, 3, 1), dt.date(2027, 4, 5))
    assert all(len(week) == 7 for week in month.weeks) and month.title == "March 2027"
    assert [c.in_range for c in month.weeks[-1]] == [True, True, True, False, False, False, False]
    week = frame("week", dt.date(2027, 3, 17), BERLIN)
    assert (week.start, week.end, week.previous, week.next) == (
        dt.date(2027, 3, 15), dt.date(2027, 3, 22), dt.date(2027, 3, 8), dt.date(2027, 3, 22))


def test_posts_land_on_their_local_day_across_a_dst_change() -> None:
    week = frame("week", dt.date(2027, 3, 28), BERLIN)  # clocks go forward on Sunday 28 March
    assert local_midnight(dt.date(2027, 3, 28), BERLIN) == dt.datetime(2027, 3, 27, 23, 0, tzinfo=dt.UTC)
    assert local_midnight(dt.date(2027, 3, 29), BERLIN) == dt.datetime(2027, 3, 28, 22, 0, tzinfo=dt.UTC)
    late_sunday = dt.datetime(2027, 3, 28, 22, 30, tzinfo=dt.UTC)  # 00:30 on Monday in Berlin (CEST)
    fill(week, [_row(1, late_sunday)])
    assert [c.date for c in week.weeks[0] if c.entries] == []  # Monday 29 is in the next week
    following = fill(frame("week", dt.date(2027, 3, 29), BERLIN), [_row(1, late_sunday)])
    [entry] = following.weeks[0][0].entries
    assert (following.weeks[0][0].date, entry.time) == (dt.date(2027, 3, 29), "00:30")


def test_a_busy_day_shows_its_first_posts_and_counts_the_rest() -> None:
    day = dt.datetime(2027, 1, 5, 8, 0, tzinfo=dt.UTC)
    rows = [_row(n, day + dt.timedelta(minutes=n)) for n in range(20)]
    cell = next(c for w in fill(frame("month", day.date(), BERLIN), rows).weeks for c in w
                if c.date == dt.date(2027, 1, 5))
    assert (len(cell.entries), cell.more) == (8, 12)
    assert [e.post_id for e in cell.entries] == list(range(8))


@pytest.fixture
def world(project_dir: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    world = build_world(project_dir, monkeypatch)
    sign_in(world.client, "vic")
    return world


def test_the_quote_card_of_a_highlight_is_drawn_by_the_card_renderer(world: Any) -> None:
    posts = world.posts()
    card = world.client.get(f"/posts/{world.x_highlight().id}/card.png")
    assert card.status_code == 200 and card.headers["content-type"] == "image/png"
    assert card.content.startswith(b"\x89PNG") and int.from_bytes(card.content[16:20], "big") == 1200
    announcement = posts[f"{CAMPAIGN}:jiia-x:announcement:0:0"]
    assert world.client.get(f"/posts/{announcement.id}/card.png").status_code == 404


def test_request_journals_are_listed_newest_first_and_escaped(world: Any, project_dir: Any) -> None:
    assert "No dry-run or rehearsal has recorded requests yet" in world.client.get("/runs").text
    journal = project_dir / "var" / "dryrun-journal.jsonl"
    entry = {"ts": "2026-12-03T01:00:00.000+00:00", "account": "jiia-x", "method": "POST",
             "url": "https://api.twitter.com/2/tweets", "body": {"text": "<b>bold</b> claim"},
             "response_status": 201, "headers": {"Authorization": "OAuth ****"}}
    journal.write_text(json.dumps(entry) + "\nnot json\n" + json.dumps({**entry, "ts": "later"}) + "\n")
    page = world.client.get("/runs")
    assert page.text.count("https://api.twitter.com/2/tweets") == 2
    assert "&lt;b&gt;bold&lt;/b&gt; claim" in page.text and "<b>bold" not in page.text
    assert page.text.index("later") < page.text.index("2026-12-03T01:00:00")
    assert "Authorization" not in page.text


def test_the_rehearsal_tab_says_when_there_is_none_yet(world: Any) -> None:
    page = world.client.get("/history?ledger=rehearsal")
    assert page.status_code == 200 and "No rehearsal yet" in page.text and "0 published posts" in page.text
    assert "No rehearsal yet" in world.client.get("/queue?ledger=rehearsal").text


def test_the_queue_pages_through_a_long_queue(world: Any) -> None:
    from bot.ledger.models import Post

    first = world.x_highlight()
    with world.ledger.transaction() as session:
        for n in range(150):
            session.add(Post(key=f"extra:{n}", campaign="extra", report=first.report, account="jiia-x",
                             platform="x", kind="highlight", finding_rank=1, part_index=0,
                             payload={"text": f"extra {n}"}, content_hash=str(n), status="pending",
                             due_at=first.due_at + dt.timedelta(minutes=n), requires_approval=False, attempts=0,
                             created_at=world.clock.now, updated_at=world.clock.now))
    page_one = world.client.get("/queue?status=pending&campaign=extra")
    assert "Queue · 150 posts" in page_one.text and "Page 1 of 2" in page_one.text
    assert page_one.text.count('<tr class="status-pending">') == 100
    page_two = world.client.get("/queue?status=pending&campaign=extra&account=&page=2")
    assert page_two.text.count('<tr class="status-pending">') == 50 and "extra 149" in page_two.text
