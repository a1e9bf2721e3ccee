"""Campaigns as code: parse and validate `schedules/*.toml` into `Campaign` objects.

Every problem is an InputError (ConfigError, exit 2) that names the file and the field, e.g.
`schedules/x.toml: highlights.daily_at: '25:00' is not a time (HH:MM)`. Nothing is half-loaded.

Local times are read in the campaign's time zone (IANA name, default `[bot] timezone`):
- a time that does not exist (the hour skipped when clocks go forward, e.g. 02:30 on 2026-03-08 in
  America/New_York) is an error;
- a time that exists twice (the hour repeated when clocks go back, e.g. 01:30 on 2026-11-01 in New York)
  is read as its FIRST occurrence (fold=0, the earlier UTC instant, still on summer time).

The time `"now"` (announcement `at`, highlights `start` with `every_minutes`) is resolved when planning: it
is meant for demos (`make demo`), where posts must be due at once. Once in the ledger, an unsent "now" post
keeps the due time it got, so running `bot schedule` again changes nothing.

Relative times ("+1d 10:00", "+2h", and "+3d" for dates) are counted from the campaign's ANCHOR: the
`campaign.anchor` instant when the file gives one (autopilot writes it: when the report was found), else the
moment `bot schedule` first applied the campaign (kept in the ledger, so later runs give the same times),
else — for `bot plan` before any `bot schedule` — now. A campaign written this way never goes stale: the
shipped sample plans its whole run on any day. `posting_hours = "09:00-18:00"` moves a relative time given
as a duration ("+2h") that falls outside those local hours to the next opening.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.errors import ConfigError
from bot.schedule.localtime import (
    NOW,
    Relative,
    local_datetime,
    parse_date,
    parse_time,
    relative_date,
    resolve_local,
    within_calendar_date,
)

if TYPE_CHECKING:
    from bot.settings import Settings

_NAME_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
_HOURS_PATTERN = r"^\d{1,2}:\d{2}-\d{1,2}:\d{2}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CampaignSection(_Strict):
    name: str | None = Field(None, pattern=_NAME_PATTERN, max_length=80)
    report: str = Field(min_length=1)
    timezone: str | None = None
    accounts: tuple[str, ...] = Field(min_length=1)
    approval: bool = Field(False, strict=True)  # strict: "yes", 1 or "0" are refused, not guessed
    cards: bool = Field(False, strict=True)
    anchor: dt.datetime | None = None  # origin of relative times (ISO-8601 with offset)
    posting_hours: str | None = Field(None, pattern=_HOURS_PATTERN)  # "09:00-18:00", local

    @field_validator("anchor", mode="before")
    @classmethod
    def _aware(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{value!r} is not an ISO-8601 instant (e.g. 2026-12-01T08:00:00+00:00)") from None
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            raise ValueError("give the anchor with its UTC offset (e.g. 2026-12-01T08:00:00+00:00)")
        return value

    @field_validator("posting_hours")
    @classmethod
    def _hours(cls, value: str | None) -> str | None:
        if value is not None:
            start, end = (parse_time(part) for part in value.split("-"))
            if start >= end:
                raise ValueError(f"{value!r}: the opening time must come before the closing time")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    @field_validator("accounts")
    @classmethod
    def _unique(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("an account is listed twice")
        return value


class AnnouncementSection(_Strict):
    at: dt.datetime | Relative | str
    thread: bool = Field(False, strict=True)  # X: post the announcement as a numbered thread

    _at = field_validator("at", mode="before")(lambda cls, v: local_datetime(v))


class HighlightsSection(_Strict):
    """N findings, one per slot. Cadence: `daily_at` from `start` (a date), or `every_minutes` from `start`
    (a local date-time or "now"), or explicit `times`."""

    count: int | None = Field(None, ge=1, le=50)
    start: dt.date | dt.datetime | Relative | str | None = None
    daily_at: dt.time | None = None
    every_days: int = Field(1, ge=1, le=365)
    every_minutes: int | None = Field(None, ge=0, le=100_000)
    times: tuple[dt.datetime | Relative | str, ...] | None = None

    _daily = field_validator("daily_at", mode="before")(lambda cls, v: parse_time(v))
    _times = field_validator("times", mode="before")(
        lambda cls, v: tuple(local_datetime(t) for t in v) if isinstance(v, list) else v
    )
    _start = field_validator("start", mode="before")(lambda cls, v: _relative_or_same(v))

    @model_validator(mode="after")
    def _cadence(self) -> HighlightsSection:
        chosen = [k for k in ("daily_at", "every_minutes", "times") if getattr(self, k) is not None]
        if len(chosen) != 1:
            raise ValueError("give exactly one cadence: daily_at, every_minutes or times")
        if self.times is not None:
            if NOW in self.times:
                raise ValueError("times: 'now' is only allowed as announcement.at or highlights.start")
            if self.count is not None and self.count > len(self.times):
                raise ValueError(f"count {self.count} is more than the {len(self.times)} times given")
            return self
        if self.count is None:
            raise ValueError("count is required with daily_at or every_minutes")
        if self.start is None:
            raise ValueError("start is required with daily_at or every_minutes")
        return self

    @property
    def slots(self) -> int:
        return self.count if self.count is not None else len(self.times or ())


class RepostsSection(_Strict):
    """Evergreen rotation of the campaign's best highlights after they were first posted."""

    cron: str
    min_gap_days: float = Field(14, ge=0)
    max_cycles: int = Field(1, ge=1, le=20)
    until: dt.date | Relative
    best: int | None = Field(None, ge=1)
    x_mode: Literal["retweet", "text"] = "retweet"

    _until = field_validator("until", mode="before")(lambda cls, v: relative_date(v))

    @field_validator("cron")
    @classmethod
    def _crontab(cls, value: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value, timezone="UTC")
        except ValueError as error:
            raise ValueError(f"{value!r} is not a crontab expression (min hour day month weekday): {error}") from None
        return value


class ContentSection(_Strict):
    """`[content]`: this campaign's post settings. The report's front matter wins over them, and they win over
    config/bot.toml. `utm_campaign` defaults to the campaign's name (≤ 40 characters either way)."""

    hashtags: tuple[str, ...] = ()
    templates: dict[str, str] = Field(default_factory=dict)
    utm_campaign: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9._-]{0,39}$")

    @field_validator("hashtags")
    @classmethod
    def _tags(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for tag in value:
            if not re.fullmatch(r"#\w+", tag):
                raise ValueError(f"{tag!r} is not a hashtag (expected '#Word')")
        return value

    @field_validator("templates")
    @classmethod
    def _templates(cls, value: dict[str, str]) -> dict[str, str]:
        from bot.content.fit import TEMPLATE_KEYS, check_template_text

        for key, template in value.items():
            if key not in TEMPLATE_KEYS:
                raise ValueError(f"unknown template {key!r} (known: {', '.join(TEMPLATE_KEYS)})")
            try:
                check_template_text(key, template, "")
            except ConfigError as error:  # as a ValueError, so the message names the file and content.templates
                raise ValueError(str(error).removeprefix("templates.")) from None
        return value


class CampaignFile(_Strict):
    campaign: CampaignSection
    announcement: AnnouncementSection | None = None
    highlights: HighlightsSection | None = None
    reposts: RepostsSection | None = None
    content: ContentSection | None = None  # the campaign's hashtags, templates and UTM campaign

    @model_validator(mode="after")
    def _something_to_post(self) -> CampaignFile:
        if self.announcement is None and self.highlights is None:
            raise ValueError("a campaign needs an [announcement] or [highlights] section")
        return self


@dataclass(frozen=True)
class Campaign:
    """One validated campaign file. Times are kept local; `resolve` turns them into UTC instants."""

    name: str
    source: str
    report: str
    timezone: str
    accounts: tuple[str, ...]
    approval: bool
    announcement: AnnouncementSection | None
    highlights: HighlightsSection | None
    reposts: RepostsSection | None
    cards: bool = False
    anchor: dt.datetime | None = None  # from the file, or the ledger (see `anchored`); None: now
    posting_hours: tuple[dt.time, dt.time] | None = None
    content: ContentSection | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def relative(self) -> bool:
        """Whether any time is relative to the anchor (then `bot schedule` records the anchor)."""
        values: list[Any] = []
        if self.announcement is not None:
            values.append(self.announcement.at)
        if self.highlights is not None:
            values += [self.highlights.start, *(self.highlights.times or ())]
        if self.reposts is not None:
            values.append(self.reposts.until)
        return any(isinstance(v, Relative) for v in values)

    def anchored(self, anchor: dt.datetime | None) -> Campaign:
        """This campaign with `anchor` as the origin of its relative times, unless its file names one."""
        return self if self.anchor is not None or anchor is None else replace(self, anchor=anchor)

    def resolve(self, local: dt.datetime, field: str) -> dt.datetime:
        """A naive local time in this campaign's zone → aware datetime (see the module doc for DST)."""
        return resolve_local(local, self.zone, source=self.source, field=field)

    def _instant(self, value: Any, now: dt.datetime, field: str) -> dt.datetime:
        """A time field's value (local, "now" or relative) → aware datetime in the campaign's zone."""
        if (isinstance(value, str) and value != NOW) or (isinstance(value, dt.datetime) and value.tzinfo):
            try:
                value = local_datetime(value)
            except ValueError as error:
                raise ConfigError(f"{field}: {error}", source=self.source) from None
        if value == NOW:
            return _now_in(now, self.zone)
        if isinstance(value, Relative):
            when = value.instant(self.anchor or now, self.zone, source=self.source, field=field)
            return self._within_hours(when) if value.at is None else when
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time(0))
        return self.resolve(value, field)

    def _within_hours(self, when: dt.datetime) -> dt.datetime:
        """Move a relative time outside `posting_hours` to the next opening (same day, or the next)."""
        if self.posting_hours is None:
            return when
        opens, closes = self.posting_hours
        local = when.astimezone(self.zone)
        if opens <= local.time() < closes:
            return local
        day = local.date() if local.time() < opens else local.date() + dt.timedelta(days=1)
        return self.resolve(dt.datetime.combine(day, opens), "campaign.posting_hours")

    def announcement_time(self, now: dt.datetime) -> dt.datetime | None:
        if self.announcement is None:
            return None
        return self._instant(self.announcement.at, now, "announcement.at")

    def highlight_times(self, now: dt.datetime) -> list[dt.datetime]:
        """The local time of each highlight slot, in order."""
        section = self.highlights
        if section is None:
            return []
        if section.times is not None:
            times = [self._instant(t, now, f"highlights.times[{i}]") for i, t in enumerate(section.times)]
            if len({t.astimezone(dt.UTC) for t in times}) != len(times):
                raise ConfigError("highlights.times: two slots at the same time (one account would post twice "
                                  "in the same minute)", source=self.source)
            # In time order, so the best finding goes out first whatever order the list was written in.
            return sorted(times, key=lambda t: t.astimezone(dt.UTC))[: section.slots]
        if section.every_minutes is not None:
            start = self._instant(section.start, now, "highlights.start")
            step = dt.timedelta(minutes=section.every_minutes)
            if isinstance(section.start, Relative) and section.start.at is None and self.posting_hours:
                # A relative series keeps to the posting hours too: each slot at least `step` after the
                # previous one, moved to the next opening when it falls outside.
                slots = [start]
                for _ in range(section.slots - 1):
                    slots.append(self._within_hours((slots[-1].astimezone(dt.UTC) + step).astimezone(self.zone)))
                return slots
            # Wall-clock arithmetic in UTC: "every 30 minutes" stays 30 real minutes across a DST change.
            return [(start.astimezone(dt.UTC) + i * step).astimezone(self.zone) for i in range(section.slots)]
        first = self._start_date(section.start, now)
        try:
            days = [first + dt.timedelta(days=i * section.every_days) for i in range(section.slots)]
        except OverflowError:
            raise ConfigError("highlights: the last slot is beyond the calendar", source=self.source) from None
        daily_at: dt.time = section.daily_at  # type: ignore[assignment]  # the cadence check guarantees it
        return [self.resolve(dt.datetime.combine(d, daily_at), f"highlights.daily_at ({d})") for d in days]

    def reposts_until(self, now: dt.datetime) -> dt.date | None:
        """The last day of the repost rotation (inclusive)."""
        if self.reposts is None:
            return None
        until = self.reposts.until
        if isinstance(until, Relative):
            return until.date(self.anchor or now, self.zone, source=self.source, field="reposts.until")
        return within_calendar_date(until, source=self.source, field="reposts.until", shown=until.isoformat())

    def _start_date(self, value: Any, now: dt.datetime) -> dt.date:
        if isinstance(value, Relative):
            if value.at is not None or value.hours or value.minutes:
                raise ConfigError("highlights.start: with daily_at, give a date or whole days (e.g. +2d)",
                                  source=self.source)
            return value.date(self.anchor or now, self.zone, source=self.source, field="highlights.start")
        return _start_date(value, self.source)


def _relative_or_same(value: Any) -> Any:
    """highlights.start: a relative time is parsed here; other values keep their own checks."""
    from bot.schedule.localtime import parse_relative

    return parse_relative(value) or value


def _now_in(now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return now.astimezone(zone)  # exactly `now`: rounding down would make the post already past


def _start_date(value: Any, source: str) -> dt.date:
    if value == NOW:
        raise ConfigError("highlights.start: 'now' needs every_minutes, not daily_at", source=source)
    try:
        return value.date() if isinstance(value, dt.datetime) else parse_date(value)
    except ValueError as error:
        raise ConfigError(f"highlights.start: {error}", source=source) from None


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"] if not str(p).startswith("function-")) or "(top level)"
    if first["type"] == "extra_forbidden":
        return f"{where}: unknown key"
    if first["type"] == "missing":
        return f"{where}: required"
    return f"{where}: {first['msg'].removeprefix('Value error, ')}"


def parse_campaign(path: Path, settings: Settings) -> Campaign:
    """Read and validate one campaign file against the settings (accounts) and content/ (report)."""
    source = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(f"not UTF-8 text (bad byte at offset {error.start})", source=source) from None
    except OSError as error:
        raise ConfigError(f"cannot read: {error.strerror}", source=source) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"not valid TOML: {error}", source=source) from None
    try:
        parsed = CampaignFile.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_describe(error), source=source) from None
    section = parsed.campaign
    known = {a.name for a in settings.accounts}
    for index, account in enumerate(section.accounts):
        if account not in known:
            names = ", ".join(sorted(known)) or "none configured"
            raise ConfigError(f"campaign.accounts[{index}]: unknown account {account!r} (known: {names})",
                              source=source)
    report_file = Path(settings.bot.content_dir) / f"{section.report}.md"
    if not report_file.is_file():
        raise ConfigError(f"campaign.report: no report {report_file} (run `bot ingest` first)", source=source)
    name = section.name or path.stem
    if not re.match(_NAME_PATTERN, name):
        raise ConfigError(f"campaign.name: {name!r} must be lower-case letters, digits, '.', '-' or '_'", source=source)
    campaign = Campaign(
        name=name, source=source, report=section.report,
        timezone=section.timezone or settings.bot.timezone, accounts=section.accounts, approval=section.approval,
        announcement=parsed.announcement, highlights=parsed.highlights, reposts=parsed.reposts,
        cards=section.cards, anchor=section.anchor, posting_hours=_hours(section.posting_hours),
        content=parsed.content,
    )
    _check_times(campaign)
    return campaign


def _hours(value: str | None) -> tuple[dt.time, dt.time] | None:
    if value is None:
        return None
    start, end = value.split("-")
    return parse_time(start), parse_time(end)


def _check_times(campaign: Campaign) -> None:
    """Resolve every fixed time now, so a DST gap or a bad start is reported at load time, not when posting."""
    probe = campaign.anchor or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # only "now"/relative times depend on it
    campaign.announcement_time(probe)
    times = campaign.highlight_times(probe)
    until = campaign.reposts_until(probe)
    if until is not None and times and until < times[-1].date():
        raise ConfigError("reposts.until: before the last highlight", source=campaign.source)


def load_campaigns(settings: Settings, directory: str | Path | None = None) -> list[Campaign]:
    """Every `*.toml` in the schedules directory (default `[bot] schedules_dir`), sorted by file name, then
    those autopilot drafted in its `auto/` subfolder (`templates/` holds templates, never loaded).

    Raises ConfigError naming the file and field on the first problem, or two files with one campaign name.
    """
    folder = Path(directory if directory is not None else settings.bot.schedules_dir)
    if not folder.is_dir():
        return []
    campaigns: list[Campaign] = []
    seen: dict[str, str] = {}
    for path in [*sorted(folder.glob("*.toml")), *sorted(folder.glob("auto/*.toml"))]:
        campaign = parse_campaign(path, settings)
        if campaign.name in seen:
            raise ConfigError(f"campaign.name: {campaign.name!r} is also used by {seen[campaign.name]}",
                              source=str(path))
        seen[campaign.name] = str(path)
        campaigns.append(campaign)
    return campaigns

