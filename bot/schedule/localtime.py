"""Local times in campaign files and on the command line, and the DST rule they follow.

- a local time that does not exist (skipped when clocks go forward) is an error;
- a local time that exists twice (repeated when clocks go back) is its FIRST occurrence (fold=0).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from bot.errors import ConfigError

NOW = "now"


def local_datetime(value: Any) -> dt.datetime | str:
    """'2026-12-01T10:00' (or a TOML local date-time) → naive datetime; 'now' stays 'now'."""
    if value == NOW:
        return NOW
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
    raise ValueError(f"{value!r} is not a local date and time (YYYY-MM-DDTHH:MM)")


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
    back = aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
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
        return parsed
    return resolve_local(parsed, ZoneInfo(zone_name), source=field, field=zone_name)
