"""Local times in campaign files and on the command line, and the DST rule they follow.

- a local time that does not exist (skipped when clocks go forward) is an error;
- a local time that exists twice (repeated when clocks go back) is its FIRST occurrence (fold=0);
- a relative time ("+2h", "+1d 10:00", "+3d") is counted from the campaign's anchor (see `Relative`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from bot.errors import ConfigError

NOW = "now"
# The instants the bot handles: shown in any zone, compared, stored, rehearsed — far from both ends of Python's
# calendar (a time in year 9999 passes its own zone's check and overflows the next zone it is shown in).
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)
_CALENDAR = "is beyond the calendar (the bot handles 1970 to 8999)"


def within_calendar(aware: dt.datetime, *, source: str, field: str, shown: str) -> dt.datetime:
    """`aware` itself, or ConfigError naming `field` when it is outside EARLIEST..LATEST."""
    if not EARLIEST <= aware <= LATEST:
        raise ConfigError(f"{field}: {shown} {_CALENDAR}", source=source)
    return aware
_RELATIVE = re.compile(r"^\+\s*(?:(?P<d>\d{1,5})\s*d)?\s*(?:(?P<h>\d{1,6})\s*h)?\s*(?:(?P<m>\d{1,7})\s*m)?"
                       r"(?:\s+(?P<at>\d{1,2}:\d{2}))?$")


@dataclass(frozen=True)
class Relative:
    """A time counted from the campaign's anchor (when `bot schedule` first saw it, or `campaign.anchor`).

    "+2h" / "+1d" / "+90m": the anchor plus that duration (real elapsed time, across DST changes too).
    "+1d 10:00": the anchor's local date plus one day, at 10:00 local time (the first occurrence in an autumn
    overlap; in a spring gap, moved forward by the gap — the day depends on the anchor, so it is no error).
    As a date ("highlights.start" with daily_at, "reposts.until"): "+3d" is the anchor's local date + 3 days.
    """

    days: int
    hours: int
    minutes: int
    at: dt.time | None
    text: str

    @property
    def offset(self) -> dt.timedelta:
        return dt.timedelta(days=self.days, hours=self.hours, minutes=self.minutes)

    def instant(self, anchor: dt.datetime, zone: ZoneInfo, *, source: str, field: str) -> dt.datetime:
        """This time, aware in `zone`, for a campaign anchored at `anchor`."""
        try:
            when = self._instant(anchor, zone)
        except OverflowError:
            raise ConfigError(f"{field}: {self.text!r} is beyond the calendar", source=source) from None
        return within_calendar(when, source=source, field=field, shown=repr(self.text))

    def _instant(self, anchor: dt.datetime, zone: ZoneInfo) -> dt.datetime:
        if self.at is None:
            return (anchor.astimezone(dt.UTC) + self.offset).astimezone(zone)
        day = anchor.astimezone(zone).date() + dt.timedelta(days=self.days)
        local = dt.datetime.combine(day, self.at).replace(tzinfo=zone, fold=0)
        # A relative time of day that falls in a DST gap on the day it lands moves forward by the gap
        # (02:30 → 03:30): the anchor is not the author's choice, so the day is not either.
        return local.astimezone(dt.UTC).astimezone(zone)

    def date(self, anchor: dt.datetime, zone: ZoneInfo, *, source: str, field: str) -> dt.date:
        try:
            day = anchor.astimezone(zone).date() + dt.timedelta(days=self.days)
        except OverflowError:
            raise ConfigError(f"{field}: {self.text!r} is beyond the calendar", source=source) from None
        return within_calendar_date(day, source=source, field=field, shown=repr(self.text))


def within_calendar_date(day: dt.date, *, source: str, field: str, shown: str) -> dt.date:
    """`day` itself, or ConfigError naming `field` when it is outside the bot's calendar."""
    if not EARLIEST.date() <= day < LATEST.date():
        raise ConfigError(f"{field}: {shown} {_CALENDAR}", source=source)
    return day


def parse_relative(value: Any) -> Relative | None:
    """'+2h', '+1d 10:00', '+1d12h' → Relative; anything else → None."""
    if not isinstance(value, str):
        return None
    match = _RELATIVE.match(value.strip())
    if match is None or not any(match.group(k) for k in "dhm"):
        return None
    at = None
    if match.group("at"):
        if match.group("h") or match.group("m"):
            raise ValueError(f"{value!r}: give either a duration (+2h) or days and a time of day (+1d 10:00)")
        at = parse_time(match.group("at"))
    return Relative(int(match.group("d") or 0), int(match.group("h") or 0), int(match.group("m") or 0), at,
                    value.strip())


def relative_date(value: Any) -> dt.date | Relative:
    """A date field: 'YYYY-MM-DD', or '+Nd' counted from the anchor's local date."""
    relative = parse_relative(value)
    if relative is not None:
        if relative.at is not None or relative.hours or relative.minutes:
            raise ValueError(f"{value!r} is a time; a date takes whole days (e.g. +3d)")
        return relative
    return parse_date(value)


def local_datetime(value: Any) -> dt.datetime | str | Relative:
    """'2026-12-01T10:00' (or a TOML local date-time) → naive datetime; 'now' stays 'now'; '+1d 10:00' →
    Relative."""
    if value == NOW:
        return NOW
    if isinstance(value, Relative):
        return value
    relative = parse_relative(value)
    if relative is not None:
        return relative
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise ValueError("give a local time without offset; the campaign's timezone applies")
        return value
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and "T" in value and parsed.tzinfo is None:
            return parsed
    raise ValueError(f"{value!r} is not a local date and time (YYYY-MM-DDTHH:MM) nor a relative time (+1d 10:00)")


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")


def parse_time(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str):
        try:
            return dt.time.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a time (HH:MM)")


def resolve_local(local: dt.datetime, zone: ZoneInfo, *, source: str, field: str) -> dt.datetime:
    """Attach `zone` to a naive local time. Non-existent times (DST gap) are refused; ambiguous ones (DST
    overlap) take the first occurrence, fold=0."""
    aware = local.replace(tzinfo=zone, fold=0)
    shown = f"{local.isoformat(' ', 'minutes')} in {zone.key}"
    try:
        back = aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    except (OverflowError, ValueError):  # e.g. 9999-12-31T23:59 west of UTC, 0001-01-01T00:00 east of it
        raise ConfigError(f"{field}: {shown} {_CALENDAR}", source=source) from None
    within_calendar(aware, source=source, field=field, shown=shown)
    if back != local:
        raise ConfigError(
            f"{field}: {local:%Y-%m-%d %H:%M} does not exist in {zone.key} (clocks skip that hour)", source=source
        )
    return aware


def parse_instant(value: str, zone_name: str, *, now: dt.datetime, field: str = "time") -> dt.datetime:
    """A time given on the command line: ISO-8601 with offset, a local time in `zone_name`, or "now"."""
    if value.strip().lower() == NOW:
        return now
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"{value!r} is not an ISO-8601 time (e.g. 2026-12-01T10:00 or 2026-12-01T10:00+09:00)",
                          source=field) from None
    if parsed.tzinfo is not None:
        return within_calendar(parsed, source=field, field=zone_name, shown=value.strip())
    return resolve_local(parsed, ZoneInfo(zone_name), source=field, field=zone_name)
