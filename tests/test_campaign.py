"""schedules/*.toml → Campaign: every bad input is refused naming the file and the field; DST is handled
by a documented rule (gap: error; overlap: first occurrence)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.errors import ConfigError, InputError
from bot.schedule.campaign import load_campaigns, parse_campaign
from bot.schedule.localtime import parse_instant, resolve_local
from bot.settings import Settings, load_settings

REPORT = "tgd5-part3-2-future-of-international-security"
HEAD = f'[campaign]\nreport = "{REPORT}"\naccounts = ["jiia-x"]\n'
UTC = dt.UTC
# Fixed times do not depend on "now": any instant will do.
ANY_NOW = dt.datetime(2031, 7, 15, 6, tzinfo=UTC)


@pytest.fixture
def settings(project_dir: Path) -> Settings:
    return load_settings()


def write(folder: Path, body: str, name: str = "c.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


BAD = [
    ("not toml", "[campaign\n", "not valid TOML"),
    ("unknown section", HEAD + '[announcement]\nat = "2026-12-01T10:00"\n[extra]\na = 1\n', "extra: unknown key"),
    ("unknown key", HEAD.replace("[campaign]\n", "[campaign]\ncolour = 'red'\n") + '[announcement]\nat = "2026-12-01T10:00"\n',
     "campaign.colour: unknown key"),
    ("unknown key in highlights", HEAD + '[highlights]\ncount = 1\nstart = "2026-12-01"\ndaily_at = "12:00"\nhourly = 1\n',
     "highlights.hourly: unknown key"),
    ("no report", '[campaign]\naccounts = ["jiia-x"]\n[announcement]\nat = "2026-12-01T10:00"\n', "campaign.report: required"),
    ("unknown report", HEAD.replace(REPORT, "no-such-report") + '[announcement]\nat = "2026-12-01T10:00"\n',
     "campaign.report: no report"),
    ("unknown account", HEAD.replace("jiia-x", "nobody") + '[announcement]\nat = "2026-12-01T10:00"\n',
     "campaign.accounts[0]: unknown account 'nobody'"),
    ("no accounts", HEAD.replace('["jiia-x"]', "[]") + '[announcement]\nat = "2026-12-01T10:00"\n', "campaign.accounts"),
    ("account twice", HEAD.replace('["jiia-x"]', '["jiia-x", "jiia-x"]') + '[announcement]\nat = "2026-12-01T10:00"\n',
     "listed twice"),
    ("bad zone", HEAD + 'timezone = "Mars/Olympus"\n[announcement]\nat = "2026-12-01T10:00"\n', "campaign.timezone: unknown IANA"),
    ("bad name", HEAD + 'name = "Has Spaces"\n[announcement]\nat = "2026-12-01T10:00"\n', "campaign.name"),
    ("nothing to post", HEAD, "needs an [announcement] or [highlights]"),
    ("bad datetime", HEAD + '[announcement]\nat = "2026-12-01 25:00"\n', "announcement.at: '2026-12-01 25:00' is not a local date"),
    ("date only", HEAD + '[announcement]\nat = "2026-12-01"\n', "announcement.at"),
    ("offset given", HEAD + '[announcement]\nat = "2026-12-01T10:00+09:00"\n', "announcement.at"),
    ("bad daily time", HEAD + '[highlights]\ncount = 2\nstart = "2026-12-02"\ndaily_at = "25:00"\n',
     "highlights.daily_at: '25:00' is not a time"),
    ("two cadences", HEAD + '[highlights]\ncount = 2\nstart = "2026-12-02"\ndaily_at = "12:00"\nevery_minutes = 5\n',
     "exactly one cadence"),
    ("no cadence", HEAD + '[highlights]\ncount = 2\nstart = "2026-12-02"\n', "exactly one cadence"),
    ("no start", HEAD + '[highlights]\ncount = 2\ndaily_at = "12:00"\n', "start is required"),
    ("bad start", HEAD + '[highlights]\ncount = 2\nstart = "someday"\ndaily_at = "12:00"\n', "highlights.start"),
    ("count over times", HEAD + '[highlights]\ncount = 3\ntimes = ["2026-12-02T12:00"]\n', "count 3 is more than the 1 times"),
    ("zero count", HEAD + '[highlights]\ncount = 0\nstart = "2026-12-02"\ndaily_at = "12:00"\n', "highlights.count"),
    ("bad cron", HEAD + '[highlights]\ncount = 1\nstart = "2026-12-02"\ndaily_at = "12:00"\n'
     '[reposts]\ncron = "every monday"\nuntil = "2027-01-01"\n', "reposts.cron"),
    ("bad x_mode", HEAD + '[highlights]\ncount = 1\nstart = "2026-12-02"\ndaily_at = "12:00"\n'
     '[reposts]\ncron = "0 9 * * mon"\nuntil = "2027-01-01"\nx_mode = "quote"\n', "reposts.x_mode"),
    ("until too early", HEAD + '[highlights]\ncount = 3\nstart = "2026-12-02"\ndaily_at = "12:00"\n'
     '[reposts]\ncron = "0 9 * * mon"\nuntil = "2026-12-03"\n', "reposts.until: before the last highlight"),
    ("dst gap", HEAD + 'timezone = "America/New_York"\n[announcement]\nat = "2026-03-08T02:30"\n',
     "announcement.at: 2026-03-08 02:30 does not exist in America/New_York"),
    ("dst gap in a daily series", HEAD + 'timezone = "America/New_York"\n[highlights]\ncount = 3\nstart = "2026-03-07"\n'
     'daily_at = "02:30"\n', "highlights.daily_at (2026-03-08)"),
    ("dst gap in London", HEAD + 'timezone = "Europe/London"\n[highlights]\ntimes = ["2026-03-29T01:30"]\n',
     "highlights.times[0]: 2026-03-29 01:30 does not exist in Europe/London"),
    ("now in times", HEAD + '[highlights]\ntimes = ["now"]\n', "times: 'now' is only allowed"),
    ("now with daily_at", HEAD + '[highlights]\ncount = 1\nstart = "now"\ndaily_at = "12:00"\n', "'now' needs every_minutes"),
    # booleans are strict: a string or a number is refused rather than guessed
    ("approval yes", HEAD + 'approval = "yes"\n[announcement]\nat = "+1d 10:00"\n', "campaign.approval"),
    ("approval 1", HEAD + 'approval = 1\n[announcement]\nat = "+1d 10:00"\n', "campaign.approval"),
    ("cards '0'", HEAD + 'cards = "0"\n[announcement]\nat = "+1d 10:00"\n', "campaign.cards"),
    ("thread yes", HEAD + '[announcement]\nat = "+1d 10:00"\nthread = "yes"\n', "announcement.thread"),
    # the ends of the calendar
    ("year 9999 west of UTC", HEAD + 'timezone = "America/Adak"\n[announcement]\nat = "9999-12-31T23:59"\n',
     "announcement.at: 9999-12-31 23:59 in America/Adak is beyond the calendar"),
    ("year 1 east of UTC", HEAD + 'timezone = "Asia/Tokyo"\n[announcement]\nat = "0001-01-01T00:00"\n',
     "announcement.at: 0001-01-01 00:00 in Asia/Tokyo is beyond the calendar"),
    ("relative too far", HEAD + '[announcement]\nat = "+9999999d"\n', "announcement.at"),
    ("year 9999 in London", HEAD + 'timezone = "Europe/London"\n[announcement]\nat = "9999-12-31T23:59"\n',
     "announcement.at: 9999-12-31 23:59 in Europe/London is beyond the calendar"),
    ("reposts until year 9999", HEAD + '[highlights]\ncount = 1\nstart = "+2d"\ndaily_at = "12:00"\n'
     '[reposts]\ncron = "0 9 * * mon"\nuntil = "9999-12-31"\n', "reposts.until: 9999-12-31 is beyond the calendar"),
    ("two highlights at one time", HEAD + '[highlights]\ntimes = ["+1d 12:00", "+1d 12:00"]\n',
     "highlights.times: two slots at the same time"),
    # relative times
    ("relative with h and a time", HEAD + '[announcement]\nat = "+1h 10:00"\n', "announcement.at"),
    ("relative bad time of day", HEAD + '[announcement]\nat = "+1d 25:00"\n', "announcement.at"),
    ("relative date with hours", HEAD + '[highlights]\ncount = 1\nstart = "+2d"\ndaily_at = "12:00"\n'
     '[reposts]\ncron = "0 9 * * mon"\nuntil = "+2h"\n', "reposts.until"),
    ("relative start with daily_at", HEAD + '[highlights]\ncount = 1\nstart = "+3h"\ndaily_at = "12:00"\n',
     "highlights.start"),
    ("anchor without offset", HEAD + 'anchor = "2026-12-01T08:00"\n[announcement]\nat = "+2h"\n', "campaign.anchor"),
    ("bad posting hours", HEAD + 'posting_hours = "18:00-09:00"\n[announcement]\nat = "+2h"\n',
     "campaign.posting_hours"),
]


@pytest.mark.parametrize(("label", "body", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_campaigns_are_refused_naming_file_and_field(settings: Settings, project_dir: Path, label: str,
                                                         body: str, message: str) -> None:
    path = write(project_dir / "bad", body)
    with pytest.raises(ConfigError) as caught:
        parse_campaign(path, settings)
    assert caught.value.exit_code == 2
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_the_sample_campaign_loads(settings: Settings) -> None:
    [campaign] = load_campaigns(settings)
    assert campaign.name == "tgd5-part3-2"
    assert campaign.accounts == ("jiia-x", "jiia-facebook")
    assert campaign.timezone == "Asia/Tokyo"
    # The shipped sample is relative ("+1d 10:00", "+2d" at 12:00): anchored now (no ledger yet), it starts
    # tomorrow in Tokyo, whatever the day.
    now = dt.datetime(2026, 11, 28, tzinfo=UTC)  # 09:00 in Tokyo
    assert campaign.announcement_time(now) == dt.datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
    times = campaign.highlight_times(now)
    assert [t.astimezone(UTC).isoformat() for t in times] == [
        "2026-11-30T03:00:00+00:00", "2026-12-01T03:00:00+00:00", "2026-12-02T03:00:00+00:00"]


def test_name_defaults_to_the_file_name_and_zone_to_the_settings(settings: Settings, project_dir: Path) -> None:
    path = write(project_dir / "s", HEAD + "[announcement]\nat = 2026-12-01T10:00:00\n", "launch-week.toml")
    campaign = parse_campaign(path, settings)
    assert (campaign.name, campaign.timezone) == ("launch-week", "Asia/Tokyo")
    assert campaign.announcement_time(ANY_NOW) == dt.datetime(2026, 12, 1, 1, tzinfo=UTC)


def test_two_files_with_one_name_are_refused(settings: Settings, project_dir: Path) -> None:
    body = HEAD + 'name = "same"\n[announcement]\nat = "2026-12-01T10:00"\n'
    write(project_dir / "dup", body, "a.toml")
    second = write(project_dir / "dup", body, "b.toml")
    with pytest.raises(ConfigError, match="'same' is also used by") as caught:
        load_campaigns(settings, project_dir / "dup")
    assert str(caught.value).startswith(str(second))


def test_a_missing_schedules_folder_means_no_campaigns(settings: Settings, project_dir: Path) -> None:
    assert load_campaigns(settings, project_dir / "nowhere") == []


NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


def test_an_ambiguous_time_takes_the_first_occurrence() -> None:
    # 2026-11-01 01:30 happens twice in New York: first at EDT (UTC-4), then at EST (UTC-5).
    resolved = resolve_local(dt.datetime(2026, 11, 1, 1, 30), NEW_YORK, source="t", field="f")
    assert resolved.astimezone(UTC) == dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    autumn_london = resolve_local(dt.datetime(2026, 10, 25, 1, 30), LONDON, source="t", field="f")
    assert autumn_london.astimezone(UTC) == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # BST, the first 01:30


def test_a_daily_series_keeps_its_local_time_across_a_dst_change(settings: Settings, project_dir: Path) -> None:
    body = HEAD + 'timezone = "Europe/London"\n[highlights]\ncount = 2\nstart = "2026-03-28"\ndaily_at = "12:00"\n'
    campaign = parse_campaign(write(project_dir / "s", body), settings)
    times = campaign.highlight_times(ANY_NOW)
    assert [f"{t:%H:%M}" for t in times] == ["12:00", "12:00"]
    assert [t.astimezone(UTC).hour for t in times] == [12, 11]  # GMT, then BST


def test_ambiguous_times_in_a_campaign_file_load(settings: Settings, project_dir: Path) -> None:
    body = HEAD + 'timezone = "America/New_York"\n[announcement]\nat = "2026-11-01T01:30"\n'
    campaign = parse_campaign(write(project_dir / "s", body), settings)
    # Compare in UTC: aware datetimes in a DST fold never compare equal across zones (PEP 495).
    assert campaign.announcement_time(ANY_NOW).astimezone(UTC) == dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_now_campaigns_follow_the_clock_for_demos(settings: Settings, project_dir: Path) -> None:
    body = HEAD + '[announcement]\nat = "now"\n[highlights]\ncount = 3\nstart = "now"\nevery_minutes = 2\n'
    campaign = parse_campaign(write(project_dir / "s", body), settings)
    now = dt.datetime(2026, 11, 28, 20, 0, 0, 123456, tzinfo=UTC)
    assert campaign.announcement_time(now) == now
    assert [t.astimezone(UTC).minute for t in campaign.highlight_times(now)] == [0, 2, 4]


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-12-01T10:00+09:00", dt.datetime(2026, 12, 1, 1, tzinfo=UTC)),
    ("2026-12-01T10:00", dt.datetime(2026, 12, 1, 1, tzinfo=UTC)),  # local in the default zone (Tokyo)
    ("now", dt.datetime(2026, 11, 28, tzinfo=UTC)),
])
def test_command_line_times(text: str, expected: dt.datetime) -> None:
    assert parse_instant(text, "Asia/Tokyo", now=dt.datetime(2026, 11, 28, tzinfo=UTC)) == expected


@pytest.mark.parametrize("text", ["tomorrow", "2026-03-08T02:30"])
def test_bad_command_line_times(text: str) -> None:
    with pytest.raises(InputError):
        parse_instant(text, "America/New_York", now=dt.datetime(2026, 11, 28, tzinfo=UTC))
