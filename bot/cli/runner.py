"""`bot run`: publish due posts from the ledger (dry-run unless --live; a dry-run works on a rehearsal)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from bot.cli.context import AppContext, emit_json, pass_app


@click.command("run")
@click.option("--dry-run/--live", "dry_run", default=True, help="Record requests instead of sending (default).")
@click.option("--until-idle", is_flag=True, help="Exit when nothing is due or in flight (scripts, demo, tests).")
@click.option("--journal", type=click.Path(dir_okay=False, path_type=Path),
              help="Dry-run request journal (default $BOT_DRYRUN_JOURNAL or var/dryrun-journal.jsonl).")
@click.option("--resume", is_flag=True,
              help="Dry-run: continue the last rehearsal ledger instead of a fresh copy of the real one.")
@click.option("--runner-name", default="default", show_default=True, envvar="BOT_RUNNER_NAME",
              help="Name of this runner; each concurrent `bot run` on one database needs its own.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_app
def run_command(app: AppContext, dry_run: bool, until_idle: bool, journal: Path | None, resume: bool,
                runner_name: str, as_json: bool) -> None:
    """Publish due posts from the ledger. Long-running unless --until-idle; SIGTERM finishes the post in
    flight, records it and exits 0. Exit 1 when an account had to be paused (credentials refused/missing).

    A dry-run never changes the real ledger: it works on a rehearsal ledger (a fresh copy of the real one,
    var/rehearsal.sqlite3); `bot history --rehearsal` shows what it would have published."""
    from bot.errors import BotError, InputError
    from bot.schedule.run import run_bot

    if resume and not dry_run:
        raise InputError("--resume continues a dry-run's rehearsal ledger; a live run always uses the real one")
    report = run_bot(app.settings, live=not dry_run, until_idle=until_idle, journal=journal,
                     runner_name=runner_name, resume=resume, clock=app.clock)
    if as_json:
        emit_json(report.as_dict())
    else:
        _print_summary(app, report)
    if report.paused_accounts:
        reasons = "; ".join(f"{name}: {why}" for name, why in report.paused_accounts.items())
        raise BotError(f"account(s) paused, their posts left in the queue — {reasons}")
    failed = report.counts.get("failed", 0)
    if failed:  # the README's promise: exit 1 when a post failed (`bot queue` shows which and why)
        where = "`bot queue`" if report.mode == "live" else "`bot queue --rehearsal` (dry-run)"
        raise BotError(f"{failed} post{'' if failed == 1 else 's'} failed in this run; {where} shows "
                       f"{'it' if failed == 1 else 'them'} with the reason")


def describe_next(app: AppContext, upcoming: dict[str, Any] | None) -> str:
    """"next post due 2026-12-02 12:00 JST (3, jiia-x, highlight #1)", or "nothing scheduled"."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    if upcoming is None:
        return "nothing scheduled"
    when = dt.datetime.fromisoformat(upcoming["due_at"]).astimezone(ZoneInfo(app.settings.bot.timezone))
    rank = f" #{upcoming['finding_rank']}" if upcoming.get("finding_rank") else ""
    waiting = " (a draft awaiting `bot approve`)" if upcoming.get("status") == "draft" else ""
    return (f"next post due {when:%Y-%m-%d %H:%M %Z} ({upcoming['id']}, {upcoming['account']}, "
            f"{upcoming['kind']}{rank}){waiting}")


def _print_summary(app: AppContext, report: Any) -> None:
    console = app.console
    if report.idle:
        console.print(f"nothing due; {describe_next(app, report.next_due)}", highlight=False)
    else:
        done = ", ".join(f"{key.replace('_', ' ')} {count}" for key, count in report.counts.items() if count)
        verb = "this run" if report.mode == "live" else "this dry-run (would have)"
        console.print(f"{verb}: {done}", highlight=False)
        if report.next_due is not None:
            console.print(describe_next(app, report.next_due), highlight=False)
    left = ", ".join(f"{status} {count}" for status, count in sorted(report.ledger.items())) or "empty"
    if report.mode == "live":
        console.print(f"ledger: {left}", highlight=False)
    else:
        console.print(f"rehearsal ledger ({report.rehearsal_ledger}): {left}", highlight=False)
        console.print("dry-run: the real ledger was not changed; `bot history --rehearsal` shows this rehearsal",
                      style="dim", highlight=False)
    if report.journal:
        console.print(f"dry-run journal: {report.journal}", highlight=False)
