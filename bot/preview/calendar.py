"""The campaign as a calendar: one row per day in the campaign's time zone, each post at its local time.

Works from the planned posts (`bot.schedule.plan.plan_posts`). Days without posts between the first and the
last are kept as empty rows, so gaps in a campaign are visible; three or more quiet days in a row share one
row ("Sat 2026-12-05 – Sun 2026-12-20 · no posts for 16 days").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

MAX_DAYS = 400  # a plan spanning more than this is shown without its empty days
MIN_QUIET_RUN = 3  # this many days in a row without posts are shown as one row


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    time: str  # "09:30" local
    platform: str
    account: str
    kind: str
    status: str
    campaign: str
    anchor: str  # the post mock-up this entry links to ("post-3")
    summary: str


@dataclass
class CalendarDay:
    """One day, or (`until` set) a run of days without posts shown as one row."""

    date: dt.date
    entries: list[CalendarEntry] = field(default_factory=list)
    until: dt.date | None = None

    @property
    def label(self) -> str:
        first = f"{self.date:%a %Y-%m-%d}"
        return f"{first} – {self.until:%a %Y-%m-%d}" if self.until else first

    @property
    def day_count(self) -> int:
        return (self.until - self.date).days + 1 if self.until else 1


def collapse_quiet_days(days: list[CalendarDay], *, min_run: int = MIN_QUIET_RUN) -> list[CalendarDay]:
    """Runs of at least `min_run` empty days become one row, so a two-month campaign stays readable."""
    out: list[CalendarDay] = []
    run: list[CalendarDay] = []
    for day in [*days, None]:
        if day is not None and not day.entries:
            run.append(day)
            continue
        out += [CalendarDay(run[0].date, until=run[-1].date)] if len(run) >= min_run else run
        run = []
        if day is not None:
            out.append(day)
    return out


def local_time(post: Any, default_zone: ZoneInfo) -> dt.datetime:
    """The post's time in its campaign's zone: its own local time if it carries one, else `due_at` converted."""
    for name in ("local_time", "local_at", "local"):
        value = getattr(post, name, None)
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value
    due: dt.datetime = post.due_at
    zone = getattr(post, "timezone", None) or getattr(getattr(post, "campaign", None), "timezone", None)
    return due.astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone or default_zone)


def status_of(post: Any) -> str:
    """A ledger status if the post has one, else "needs-approval" or "planned" (a CSS-safe word)."""
    status = getattr(post, "status", None) or getattr(post, "action", None)
    if status is None:
        return "needs-approval" if getattr(post, "requires_approval", False) else "planned"
    return re.sub(r"[^a-z0-9-]+", "-", str(getattr(status, "value", status)).lower())


def kind_label(post: Any) -> str:
    """The kind, with the finding's rank for a highlight or its repost ("highlight #2")."""
    rank = getattr(post, "finding_rank", None)
    return str(getattr(post, "kind", "")) + (f" #{rank}" if rank else "")


def campaign_name(post: Any) -> str:
    campaign = getattr(post, "campaign", "")
    return str(getattr(campaign, "name", campaign) or "")


_REPOST_VERB = {"retweet": "retweet", "text": "repost (new text)"}


def first_words(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit].rsplit(" ", 1)[0] + "…"


def describe_repost(payload: dict[str, Any], originals: Mapping[str, Any], zone: ZoneInfo, *,
                    quote: bool = True) -> str:
    """What a repost repeats, as a reader wants it: "↻ retweet of highlight #1 (12-02 12:00): The importance
    of the US…" (without the quote when `quote` is false) — never the internal key, unless the original is
    nowhere to be found."""
    verb = _REPOST_VERB.get(str(payload.get("mode") or ""), "repost")
    ref = payload.get("repost_of")
    original = originals.get(str(ref)) if ref is not None else None
    if original is None:
        return f"↻ {verb} of {ref}"
    text = str((getattr(original, "payload", None) or {}).get("text") or "")
    when = local_time(original, zone)
    head = f"↻ {verb} of {kind_label(original)} ({when:%m-%d %H:%M})"
    return f"{head}: {first_words(text)}" if quote else head


def build_calendar(posts: Sequence[Any], zone: ZoneInfo, *, anchors: Sequence[str] | None = None,
                   outcomes: Mapping[str, str] | None = None) -> list[CalendarDay]:
    """Days from the first to the last post, each with its posts in time order. `outcomes` (post key →
    a rehearsal's outcome, e.g. "would-post") replaces a post's planned status when given."""
    if not posts:
        return []
    originals = {str(getattr(p, "key", "")): p for p in posts}
    rows: list[tuple[dt.datetime, CalendarEntry]] = []
    for index, post in enumerate(posts):
        when = local_time(post, zone)
        payload = getattr(post, "payload", None) or {}
        text = str(payload.get("text", ""))
        if payload.get("repost_of") is not None:
            text = describe_repost(payload, originals, zone)
        status = status_of(post)
        if outcomes is not None:
            status = outcomes.get(str(getattr(post, "key", "")), status)
        rows.append(
            (
                when,
                CalendarEntry(
                    time=f"{when:%H:%M}",
                    platform=str(post.platform),
                    account=str(getattr(post, "account", "")),
                    kind=kind_label(post),
                    status=status,
                    campaign=campaign_name(post),
                    anchor=anchors[index] if anchors else "",
                    summary=text if payload.get("repost_of") is not None else first_words(text, 90),
                ),
            )
        )
    rows.sort(key=lambda row: (row[0].date(), row[0].strftime("%H:%M"), row[1].platform))
    first, last = rows[0][0].date(), rows[-1][0].date()
    span = (last - first).days + 1
    days = (
        {first + dt.timedelta(days=n): CalendarDay(first + dt.timedelta(days=n)) for n in range(span)}
        if span <= MAX_DAYS
        else {}
    )
    for when, entry in rows:
        days.setdefault(when.date(), CalendarDay(when.date())).entries.append(entry)
    return collapse_quiet_days([days[d] for d in sorted(days)])
