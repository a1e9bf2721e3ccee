"""The plan preview: one row per day in the campaign's time zone, each post at its local time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.preview.calendar import build_calendar
from bot.preview.html import plan_page, preview_plan, render_page
from bot.settings import settings_from_dict

TOKYO = ZoneInfo("Asia/Tokyo")
UTC = dt.UTC
NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@dataclass
class Planned:
    """The fields of bot.schedule.plan.PlannedPost the preview reads."""

    key: str
    campaign: str
    account: str
    platform: str
    kind: str
    due_at: dt.datetime
    payload: dict[str, Any] = field(default_factory=dict)
    status: str | None = "planned"
    weighted_length: int = 0
    cost: float = 0.0


def planned(key: str, due: dt.datetime, platform: str = "x", **extra: Any) -> Planned:
    text = extra.pop("text", f"Post {key} https://example.org/r?utm_source={platform}")
    return Planned(
        key=key,
        campaign="tgd5",
        account=f"jiia-{platform}",
        platform=platform,
        kind="highlight",
        due_at=due,
        payload={"text": text, "link": "https://example.org/r", "media": []},
        weighted_length=40,
        cost=0.2,
        **extra,
    )


POSTS = [
    planned("b", dt.datetime(2026, 12, 1, 0, 30, tzinfo=UTC)),  # 09:30 Tokyo, Dec 1
    planned("a", dt.datetime(2026, 11, 30, 23, 0, tzinfo=UTC), "facebook"),  # 08:00 Tokyo, Dec 1
    planned("c", dt.datetime(2026, 12, 3, 14, 59, tzinfo=UTC), status="published"),  # 23:59 Tokyo, Dec 3
]


def test_days_follow_the_campaign_time_zone_and_keep_empty_days() -> None:
    days = build_calendar(POSTS, TOKYO, anchors=["post-1", "post-2", "post-3"])
    assert [d.date.isoformat() for d in days] == ["2026-12-01", "2026-12-02", "2026-12-03"]
    assert [(e.time, e.platform, e.anchor) for e in days[0].entries] == [
        ("08:00", "facebook", "post-2"),
        ("09:30", "x", "post-1"),
    ]
    assert days[1].entries == []
    assert [(e.time, e.status) for e in days[2].entries] == [("23:59", "published")]
    assert days[0].label == "Tue 2026-12-01"


def test_same_posts_in_utc_fall_on_other_days() -> None:
    days = build_calendar(POSTS, ZoneInfo("UTC"))
    assert [(d.date.day, [e.time for e in d.entries]) for d in days] == [
        (30, ["23:00"]),
        (1, ["00:30"]),
        (2, []),
        (3, ["14:59"]),
    ]


def test_a_post_carrying_its_own_local_time_wins() -> None:
    post = planned("d", dt.datetime(2026, 12, 1, 0, 0, tzinfo=UTC))
    post.local_time = dt.datetime(2026, 11, 30, 19, 0, tzinfo=ZoneInfo("America/New_York"))  # type: ignore[attr-defined]
    [day] = build_calendar([post], TOKYO)
    assert (day.date.isoformat(), day.entries[0].time) == ("2026-11-30", "19:00")


def test_no_posts_no_days() -> None:
    assert build_calendar([], TOKYO) == []


class Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.dates: list[str] = []
        self.slots: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "tr" and values.get("data-date"):
            self.dates.append(str(values["data-date"]))
        if tag == "a" and "slot" in str(values.get("class", "")):
            self.slots.append(str(values["href"]))


def test_plan_page_shows_calendar_rows_and_linked_mock_ups() -> None:
    settings = settings_from_dict({"bot": {"timezone": "Asia/Tokyo"}})
    evil = planned("e", dt.datetime(2026, 12, 2, 3, 0, tzinfo=UTC), text="<script>x()</script> no link")
    evil.payload["link"] = None
    page = plan_page([*POSTS, evil], settings, now=dt.datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
    html = render_page(page)
    rows = Rows()
    rows.feed(html)
    assert rows.dates == ["2026-12-01", "2026-12-02", "2026-12-03"]
    assert rows.slots == ["#post-2", "#post-1", "#post-4", "#post-3"]
    for anchor in ("post-1", "post-2", "post-3", "post-4"):
        assert f'id="{anchor}"' in html
    assert "Planned as of 2026-11-28 21:00 JST · times in Asia/Tokyo" in html
    assert "2026-12-01 09:30 JST · jiia-x" in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html and "<script>x()" not in html
    assert "missing link back to the report" in html
    assert "status-published" in html


def test_quiet_stretches_share_one_row() -> None:
    posts = [
        planned("a", dt.datetime(2026, 12, 1, 1, 0, tzinfo=UTC)),
        planned("b", dt.datetime(2026, 12, 3, 1, 0, tzinfo=UTC)),  # one quiet day before: kept as its own row
        planned("c", dt.datetime(2026, 12, 21, 1, 0, tzinfo=UTC)),  # 17 quiet days before: one row
    ]
    days = build_calendar(posts, TOKYO)
    assert [(d.label, d.day_count, len(d.entries)) for d in days] == [
        ("Tue 2026-12-01", 1, 1),
        ("Wed 2026-12-02", 1, 0),
        ("Thu 2026-12-03", 1, 1),
        ("Fri 2026-12-04 – Sun 2026-12-20", 17, 0),
        ("Mon 2026-12-21", 1, 1),
    ]
    assert "no posts for 17 days" in render_page(plan_page(posts, settings_from_dict({}), now=NOW))


def test_highlights_show_their_rank_and_approval_shows_as_status() -> None:
    post = planned("h", dt.datetime(2026, 12, 1, 3, 0, tzinfo=UTC))
    post.finding_rank = 2  # type: ignore[attr-defined]
    post.status = None  # type: ignore[assignment]
    post.requires_approval = True  # type: ignore[attr-defined]
    [day] = build_calendar([post], TOKYO)
    assert (day.entries[0].kind, day.entries[0].status) == ("highlight #2", "needs-approval")


def test_planner_notes_are_shown() -> None:
    page = plan_page(POSTS, settings_from_dict({}), now=NOW, notes=["tgd5: <b>no highlight posts</b>"])
    assert "⚠ tgd5: &lt;b&gt;no highlight posts&lt;/b&gt;" in render_page(page)


def test_plan_preview_of_the_sample_campaign(project_dir: Path) -> None:
    """The real planner (bot.schedule.plan) on schedules/*.toml, as `bot preview --plan` runs it."""
    if not list((project_dir / "schedules").glob("*.toml")):
        pytest.skip("no campaign in schedules/")
    from bot.settings import load_settings

    path, count = preview_plan(load_settings(), project_dir / "plan", now=NOW)
    html = path.read_text(encoding="utf-8")
    rows = Rows()
    rows.feed(html)
    assert count == len(rows.slots) == html.count("<article") > 0
    assert rows.dates[0] == "2026-11-29"  # the announcement day ("+1d 10:00" from NOW), in Asia/Tokyo
    assert "2026-11-29 10:00 JST" in html and "times in Asia/Tokyo" in html
