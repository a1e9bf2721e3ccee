"""The desk's calendar: a week or a month of days (Monday first) in one time zone — the campaign's — with each
post at its local time and status. A busy day shows its first posts and "N more" (linking to the queue), so a
page stays small whatever the ledger holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from bot.preview.calendar import kind_label

VIEWS = ("week", "month")
SHOWN_PER_DAY = {"week": 40, "month": 8}


@dataclass(frozen=True, slots=True)
class Entry:
    post_id: int
    time: str
    platform: str
    account: str
    kind: str
    status: str
    campaign: str
    summary: str


@dataclass
class DayCell:
    date: dt.date
    in_range: bool  # inside the month shown (a month grid starts and ends with days of its neighbours)
    entries: list[Entry] = field(default_factory=list)
    more: int = 0


@dataclass
class CalendarView:
    view: str
    anchor: dt.date
    zone: ZoneInfo
    weeks: list[list[DayCell]]
    previous: dt.date
    next: dt.date

    @property
    def title(self) -> str:
        if self.view == "month":
            return f"{self.anchor:%B %Y}"
        first, last = self.weeks[0][0].date, self.weeks[0][-1].date
        return f"Week of {first:%a %Y-%m-%d} – {last:%a %Y-%m-%d}"

    @property
    def start(self) -> dt.date:
        return self.weeks[0][0].date

    @property
    def end(self) -> dt.date:
        """The day after the last one shown."""
        return self.weeks[-1][-1].date + dt.timedelta(days=1)


def local_midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant a local day starts (a zone whose clocks skip midnight starts the day at 01:00)."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(dt.UTC)


def frame(view: str, anchor: dt.date, zone: ZoneInfo) -> CalendarView:
    """The empty grid around `anchor`: its week, or its month padded to whole weeks."""
    if view == "month":
        first = anchor.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        start = first - dt.timedelta(days=first.weekday())
        stop = following + dt.timedelta(days=(7 - following.weekday()) % 7)
        previous, nxt = (first - dt.timedelta(days=1)).replace(day=1), following
    else:
        start = anchor - dt.timedelta(days=anchor.weekday())
        stop = start + dt.timedelta(days=7)
        previous, nxt = start - dt.timedelta(days=7), stop
    days = [start + dt.timedelta(days=n) for n in range((stop - start).days)]
    cells = [DayCell(d, view == "week" or d.month == anchor.month) for d in days]
    weeks = [cells[i:i + 7] for i in range(0, len(cells), 7)]
    return CalendarView(view, anchor, zone, weeks, previous, nxt)


def fill(calendar: CalendarView, posts: Sequence[Any]) -> CalendarView:
    """Place each post (a ledger row, or any object with its columns) on its local day; beyond SHOWN_PER_DAY a
    day only counts them."""
    cells = {cell.date: cell for week in calendar.weeks for cell in week}
    shown = SHOWN_PER_DAY[calendar.view]
    for post in posts:
        when = post.due_at.astimezone(calendar.zone)
        cell = cells.get(when.date())
        if cell is None:
            continue
        if len(cell.entries) >= shown:
            cell.more += 1
            continue
        text = " ".join(str(post.payload.get("text") or "").split())
        cell.entries.append(Entry(post.id, f"{when:%H:%M}", post.platform, post.account, kind_label(post),
                                  post.status, post.campaign or "", text[:90] + ("…" if len(text) > 90 else "")))
    return calendar
