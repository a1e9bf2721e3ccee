"""`bot watch` (autopilot: sources → drafted campaigns awaiting approval) and `bot sources` (their state).
Thin: parse, call bot.sources.watch / bot.sources.store, print."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from bot.cli.context import AppContext, emit_json, pass_app

if TYPE_CHECKING:
    from bot.sources.watch import SweepReport

_STATUS_STYLE = {"ok": "green", "not_modified": "green", "failed": "bold red", "blocked": "bold red",
                 "held": "yellow", "waiting": "yellow", "drafted": "cyan", "updated": "cyan", "refused": "red",
                 "never": "dim"}


def _styled(status: str, width: int = 0) -> str:
    """Rich markup for a status word; a status without a colour is plain text ("[]x[/]" is not markup)."""
    style = _STATUS_STYLE.get(status)
    text = f"{status:<{width}}" if width else status
    return f"[{style}]{text}[/]" if style else text


def _factory(app: AppContext) -> Any:
    from bot.ledger.db import open_ledger

    return open_ledger(app.settings.database_url)


@click.command("watch")
@click.option("--once", is_flag=True, help="One sweep, then exit (default: sweep every [watch] every_minutes).")
@click.option("--backfill", is_flag=True, help="Record every report the sources list as seen, drafting nothing.")
@click.option("--dry-run/--live", "dry_run", default=True, help="Record notifications instead of sending (default).")
@click.option("--json", "as_json", is_flag=True, help="Print each sweep's outcome as JSON.")
@pass_app
@click.pass_context
def watch_command(ctx: click.Context, app: AppContext, once: bool, backfill: bool, dry_run: bool,
                  as_json: bool) -> None:
    """Fetch the [[sources]] (conditional requests, robots.txt, a delay per host), draft a campaign from
    its template for each new report into schedules/auto/, apply it to the ledger with its posts waiting
    for approval, and notify the reviewers. Exit 1 when a source or a draft failed (the others went on)."""
    from bot.schedule.reconcile import runner_identity
    from bot.sources.watch import sweep, validate

    settings = app.settings
    validate(settings)
    factory = _factory(app)
    owner = runner_identity("watch")
    while True:
        if backfill:
            report = _backfill(app, factory, owner)
        else:
            report = sweep(settings, factory, now=app.now(), owner=owner, live=not dry_run, every_source=True)
        if as_json:
            emit_json(report.as_dict())
        else:
            _print_sweep(app, report)
        if once or backfill:
            break
        app.clock.sleep(settings.watch.every_minutes * 60)
    if report.failed or any(d.state in ("failed", "refused") for d in report.drafts) \
            or any(n.status == "failed" for n in report.notifications):
        ctx.exit(1)


def _backfill(app: AppContext, factory: Any, owner: str) -> SweepReport:
    from rich.progress import Progress

    from bot.sources.watch import sweep

    settings = app.settings
    with Progress(console=app.console, transient=False, disable=not app.console.is_terminal) as bar:
        task = bar.add_task("backfilling sources", total=len(settings.sources))
        return sweep(settings, factory, now=app.now(), owner=owner, backfill=True, every_source=True,
                     progress=lambda name, listed: bar.update(task, advance=1, description=f"{name}: {listed}"))


def _print_sweep(app: AppContext, report: SweepReport) -> None:
    from rich.markup import escape

    for source in report.sources:
        line = f"{_styled(source.status, 12)} {escape(source.name)}  listed {source.listed}, new {source.new}"
        app.console.print(line + (f"  [red]{escape(source.error)}[/]" if source.error else ""))
    if report.backfilled:
        app.console.print(f"backfill: {report.backfilled} report(s) recorded as seen, nothing drafted")
    for draft in report.drafts:
        what = f"campaign {draft.campaign}" if draft.campaign else escape(draft.detail or "")
        app.console.print(f"{_styled(draft.state, 12)} {escape(draft.url)}  {what}")
    for sent in report.notifications:
        app.console.print(f"[cyan]notified[/]     {sent.kind} for {sent.campaign} ({sent.status}): "
                          f"{escape(sent.title)}")
    if not report.drafts and not report.backfilled:
        app.console.print("nothing new")


@click.command("sources")
@click.option("--json", "as_json", is_flag=True, help="Print the sources as JSON.")
@pass_app
def sources_command(app: AppContext, as_json: bool) -> None:
    """List the [[sources]] with their last fetch, status, reports seen and campaigns created."""
    from zoneinfo import ZoneInfo

    from bot.sources import store

    factory = _factory(app)
    states, counts = store.states(factory), store.counts_by_source(factory)
    zone = ZoneInfo(app.settings.bot.timezone)
    rows = []
    for source in app.settings.sources:
        state = states.get(source.name)
        fetched = _local(state.last_fetch_at if state else None, zone)
        retry = _local(state.next_fetch_at if state else None, zone)
        rows.append({"name": source.name, "kind": source.kind, "url": source.url, "language": source.language,
                     "template": source.template, "last_fetch": fetched, "status": state.status if state else "never",
                     "error": state.last_error if state else None, "next_try": retry,
                     "seen": counts.get(source.name, {}).get("seen", 0),
                     "campaigns": counts.get(source.name, {}).get("campaigns", 0)})
    if as_json:
        emit_json(rows)
        return
    _print_sources(app, rows)


def _local(when: Any, zone: Any) -> str | None:
    return when.astimezone(zone).isoformat(timespec="minutes") if when else None


def _print_sources(app: AppContext, rows: list[dict[str, Any]]) -> None:
    from rich.markup import escape
    from rich.table import Table

    if not rows:
        app.console.print("no sources configured: add [[sources]] to the config to let autopilot find new "
                          "reports (README: Autopilot)")
        return
    table = Table(title=f"{len(rows)} source{'' if len(rows) == 1 else 's'}", title_justify="left")
    for column in ("source", "kind", "last fetch", "status", "seen", "campaigns"):
        table.add_column(column, justify="right" if column in ("seen", "campaigns") else "left")
    for row in rows:
        status = _styled(row["status"])
        fetched = row["last_fetch"].replace("T", " ") if row["last_fetch"] else "never"
        table.add_row(escape(row["name"]), row["kind"], fetched, status, str(row["seen"]),
                      str(row["campaigns"]))
    app.console.print(table)
    for row in rows:
        if row["error"]:
            retry = f" (next try {row['next_try']})" if row["next_try"] else ""
            app.console.print(f"[red]{escape(row['name'])}[/]: {escape(row['error'])}{retry}")
