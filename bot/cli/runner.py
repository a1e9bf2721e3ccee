"""`bot run`: publish due posts from the ledger (dry-run unless --live)."""

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
@click.option("--runner-name", default="default", show_default=True, envvar="BOT_RUNNER_NAME",
              help="Name of this runner; each concurrent `bot run` on one database needs its own.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_app
def run_command(app: AppContext, dry_run: bool, until_idle: bool, journal: Path | None, runner_name: str,
                as_json: bool) -> None:
    """Publish due posts from the ledger. Long-running unless --until-idle; SIGTERM finishes the post in
    flight, records it and exits 0. Exit 1 when an account had to be paused (credentials refused/missing)."""
    from bot.errors import BotError
    from bot.schedule.run import run_bot

    report = run_bot(app.settings, live=not dry_run, until_idle=until_idle, journal=journal,
                     runner_name=runner_name)
    if as_json:
        emit_json(report.as_dict())
    else:
        _print_summary(app, report)
    if report.paused_accounts:
        reasons = "; ".join(f"{name}: {why}" for name, why in report.paused_accounts.items())
        raise BotError(f"account(s) paused, their posts left in the queue — {reasons}")


def _print_summary(app: AppContext, report: Any) -> None:
    from rich.table import Table

    table = Table(title=f"bot run ({report.mode})", show_header=True)
    table.add_column("this run")
    table.add_column("count", justify="right")
    for key, count in report.counts.items():
        table.add_row(key.replace("_", " "), str(count))
    app.console.print(table)
    left = ", ".join(f"{status} {count}" for status, count in sorted(report.ledger.items())) or "empty"
    app.console.print(f"ledger: {left}")
    if report.journal:
        app.console.print(f"dry-run journal: {report.journal}")
