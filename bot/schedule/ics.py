"""The plan as an iCalendar file (`bot plan --ics FILE`), so staff see the campaign in their calendar.

One VEVENT per planned post: UID `<post key>@<domain>` (stable, so re-importing an updated plan updates the
events instead of duplicating them), DTSTART in UTC, SUMMARY "platform kind (account)", DESCRIPTION the text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.schedule.plan import PlannedPost

DOMAIN = "session-report-bot"
EVENT_LENGTH = dt.timedelta(minutes=15)  # calendars show zero-length events badly


def plan_calendar(posts: Sequence[PlannedPost], *, now: dt.datetime, domain: str = DOMAIN) -> bytes:
    """The iCalendar document (RFC 5545) for `posts`."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//session-report-bot//bot plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Social media plan")
    for post in posts:
        event = Event()
        event.add("uid", f"{post.key}@{domain}")
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("dtstart", post.due_at.astimezone(dt.UTC))
        event.add("dtend", post.due_at.astimezone(dt.UTC) + EVENT_LENGTH)
        event.add("summary", f"{post.platform} {post.kind} ({post.account})")
        event.add("description", _description(post))
        event.add("categories", [post.campaign])
        calendar.add_component(event)
    return calendar.to_ical()


def _description(post: PlannedPost) -> str:
    if post.text:
        return post.text
    return f"repost of {post.payload.get('repost_of')} ({post.payload.get('mode', 'new post')})"


def write_plan_calendar(posts: Sequence[PlannedPost], path: str | Path, *, now: dt.datetime) -> Path:
    """Write the calendar to `path`. Its folder must exist (InputError otherwise): `bot plan` changes nothing,
    so a typo in the path must not leave new directories behind."""
    from bot.errors import InputError

    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise InputError(f"--ics: directory {folder} does not exist (create it first)")
    try:
        target.write_bytes(plan_calendar(posts, now=now))
    except OSError as error:  # a full disk, /dev/full, no permission: one line, exit 1
        from bot.errors import LocalFailure

        raise LocalFailure(f"--ics: cannot write {target}: {error.strerror or type(error).__name__}") from None
    return target
