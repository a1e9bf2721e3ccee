"""`bot rehearse`: play the campaigns' whole plan on a virtual clock, in dry-run, and show what would happen."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import click

from bot.cli.context import AppContext, emit_json, pass_app

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from bot.rehearse.timeline import Event, Rehearsal

_VALUE_WIDTH = 150
MAX_DAYS = 3660  # ten years of virtual time: more is a typo, and the calendar ends in 9999


@click.command("rehearse")
@click.option("--until", "until_text", metavar="DATE", help="Play until the end of this day (YYYY-MM-DD, local).")
@click.option("--days", type=click.IntRange(1, MAX_DAYS), help="Play this many days from now.")
@click.option("--dir", "directory", type=click.Path(file_okay=False, exists=True), metavar="DIR",
              help="Campaign folder (default: [bot] schedules_dir, i.e. schedules/).")
@click.option("--json", "as_json", is_flag=True, help="Print the timeline and the summary as JSON.")
@click.option("--now", "now_text", metavar="TIME", hidden=True, help="Start the virtual clock at TIME (tests).")
@pass_app
def rehearse_command(app: AppContext, until_text: str | None, days: int | None, directory: str | None,
                     as_json: bool, now_text: str | None) -> None:
    """Play every campaign's plan — announcement, highlights, every repost cycle — on a virtual clock, through
    the real runner and publishers over the recording transport, in seconds. Pacing, approvals (a draft
    never approved expires), retries and BOT_DRYRUN_FAULTS apply as in a real run.

    Works on a throw-away rehearsal ledger (a copy of the real one with the campaigns synced in): nothing is
    sent and the real ledger is not changed. Default: until the plan's last post is settled."""
    from bot.rehearse.engine import Window, rehearse

    start = _start(app, now_text)
    report = rehearse(app.settings, window=Window(start, _until(app, start, until_text, days)), directory=directory)
    if as_json:
        emit_json(report.to_dict())
        return
    print_rehearsal(app, report)


def _start(app: AppContext, now_text: str | None) -> dt.datetime:
    now = app.now()
    if not now_text:
        return now
    from bot.schedule.localtime import parse_instant

    return parse_instant(now_text, app.settings.bot.timezone, now=now, field="--now")


def _until(app: AppContext, start: dt.datetime, until_text: str | None, days: int | None) -> dt.datetime | None:
    from zoneinfo import ZoneInfo

    from bot.errors import InputError

    if until_text and days:
        raise InputError("give either --until DATE or --days N, not both")
    if days:
        return start + dt.timedelta(days=days)
    if not until_text:
        return None
    try:
        day = dt.date.fromisoformat(until_text)
    except ValueError:
        raise InputError(f"--until: {until_text!r} is not a date (YYYY-MM-DD)") from None
    if day > (start + dt.timedelta(days=MAX_DAYS)).date():
        raise InputError(f"--until {until_text} is more than {MAX_DAYS} days ahead: rehearse a shorter window")
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=ZoneInfo(app.settings.bot.timezone))
    if end <= start:
        raise InputError(f"--until {until_text} is before the rehearsal starts")
    return end.astimezone(dt.UTC) - dt.timedelta(microseconds=1)


def print_rehearsal(app: AppContext, report: Rehearsal) -> None:
    from zoneinfo import ZoneInfo

    from rich.text import Text

    zone = ZoneInfo(app.settings.bot.timezone)
    console = app.console
    console.print(Text(f"rehearsal {_local(report.start, zone)} → {_local(report.until, zone)} on a virtual clock: "
                       "nothing sent, the real ledger unchanged", style="bold"))
    synced = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in report.synced.items() if v) or "nothing to sync"
    console.print(Text(f"rehearsal ledger {report.ledger}: a copy of the real one, campaigns synced ({synced})",
                       style="dim"))
    for warning in report.warnings:
        console.print(Text(f"⚠ {warning}", style="yellow"))
    for event in report.events:
        console.print()
        for number, line in enumerate(event_lines(event, zone)):
            console.print(Text(line, style="bold" if number == 0 else ""))
    console.print()
    _print_summary(app, report)


def event_lines(event: Event, zone: ZoneInfo) -> list[str]:
    """The lines of one event: when, account, kind; each request with its key body fields; the outcome."""
    from bot.preview.calendar import kind_label

    part = f" · part {event.part_index + 1}" if event.part_index else ""
    about = f"  {event.about}" if event.about else ""
    lines = [f"{_local(event.at, zone)}  {event.account}  {kind_label(event)}{part}{about}  (post {event.post_id})"]
    for request in event.requests:
        lines.append(f"    {request['method']} {request['url']}")
        body = request.get("body")
        if isinstance(body, dict):
            lines += [f"        {name}: {_short(body[name])}" for name in _key_fields(body)]
        answer = f" (id {request['id']})" if request.get("id") else ""
        lines.append(f"        → {request['status']}{answer}")
    result = {"posted": "posted", "pending": "will retry"}.get(event.outcome, event.outcome)
    where = event.url or event.detail or ""
    lines.append(f"    ⇒ {'would be ' if event.outcome == 'posted' else ''}{result}{f'  {where}' if where else ''}")
    return lines


def _key_fields(body: dict[str, Any]) -> list[str]:
    from bot.rehearse.timeline import KEY_FIELDS

    return [name for name in KEY_FIELDS if name in body]


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    flat = " ".join(str(text).split())
    return flat if len(flat) <= _VALUE_WIDTH else f"{flat[:_VALUE_WIDTH]}… ({len(flat)} chars)"


def _local(when: dt.datetime, zone: ZoneInfo) -> str:
    """Local time to the minute, or to the second when the seconds matter (retries, pacing)."""
    local = when.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M:%S %Z}" if local.second else f"{local:%Y-%m-%d %H:%M %Z}"


def _print_summary(app: AppContext, report: Rehearsal) -> None:
    from zoneinfo import ZoneInfo

    summary = report.summary()
    zone = ZoneInfo(app.settings.bot.timezone)
    later = (f" · {summary['later']} due after {_local(report.until, zone)} (not played; --until/--days to go further)"
             if summary["later"] else "")
    app.console.print(f"[bold]summary[/bold]: would post {summary['would post']} · would miss "
                      f"{summary['would miss']} · would fail {summary['would fail']}{later}", highlight=False)
    for verdict, reasons in summary["why"].items():
        for why, count in reasons.items():
            app.console.print(f"    {verdict} {count}: {why}", highlight=False, markup=False)
    if report.cut_off:
        app.console.print("[yellow]⚠ stopped early: too many steps; narrow it with --until or --days[/yellow]")
    app.console.print(f"requests recorded in {report.journal}; `bot history --rehearsal` lists the rehearsal's "
                      "posts", style="dim", highlight=False)
