"""`bot post` and `bot accounts check`: thin wrappers over bot.publish.post_now and bot.publish.accounts."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from bot.cli.context import AppContext, emit_json, pass_app

if TYPE_CHECKING:
    from rich.console import Console


def request_lines(entry: dict[str, Any]) -> list[str]:
    """A recorded request as a reader wants it: method and URL, then each body field (texts in full)."""
    lines = [f"{entry['method']} {entry['url']}"]
    body = entry.get("body")
    if isinstance(body, dict):
        for key, value in body.items():
            if isinstance(value, dict) and "file" in value:
                value = f"<file {value['file']}, {value['bytes']} bytes, {value['content_type']}>"
            elif not isinstance(value, str):
                value = json.dumps(value, ensure_ascii=False)
            first, *rest = str(value).splitlines() or [""]
            lines.append(f"    {key}: {first}")
            lines.extend(f"    {' ' * len(key)}  {line}" for line in rest)
    status = entry.get("response_status")
    answer = entry.get("synthetic_id") or ""
    lines.append(f"    → {status}{f' (id {answer})' if answer else ''}")
    return lines


def _print_requests(console: Console, entries: list[dict[str, Any]]) -> None:
    from rich.text import Text

    for entry in entries:
        first, *rest = request_lines(entry)
        console.print(Text(first, style="bold"))
        for line in rest:
            console.print(Text(line))


@click.command("post")
@click.argument("source")
@click.option("--platform", "platforms", multiple=True, type=click.Choice(["x", "facebook"]),
              help="Only this platform (repeatable; default: all).")  # fmt: skip
@click.option("--account", help="Only this account (a name from config/bot.toml).")
@click.option("--kind", type=click.Choice(["announcement", "highlight", "all"]), default="all", show_default=True)
@click.option("--form", type=click.Choice(["single", "thread"]), default=None,
              help="X: single posts or one thread, never both (default: the thread when threads are enabled).")
@click.option("--dry-run/--live", "dry_run", default=True, help="Dry-run (default) records what would be sent.")
@click.option("--journal", type=click.Path(dir_okay=False), help="Append the dry-run requests to this JSON-lines file.")
@click.option("--again", is_flag=True, help="Skip the check that refuses a text already posted on that account "
              "(the runner's one-text-per-account guard still applies at send time).")
@click.option("--json", "as_json", is_flag=True, help="Print the recorded requests and results as JSON.")
@pass_app
@click.pass_context
def post_command(
    ctx: click.Context, app: AppContext, source: str, platforms: tuple[str, ...], account: str | None,
    kind: str, form: str | None, dry_run: bool, journal: str | None, again: bool, as_json: bool,
) -> None:  # fmt: skip
    """Publish SOURCE now: a report (path or slug) or a JSON file of drafts.

    Dry-run is the default and shows exactly what would be sent. --live needs the accounts' credentials and
    names any missing variable before sending anything (exit 2). Exit 1 if any draft failed.
    With threads enabled (templates.thread, or a file from `bot draft --thread --json`), X gets the numbered
    thread instead of the announcement and highlights.

    Live posts are recorded in the ledger before they are sent and published by the runner's own code (the
    same claims, reconciliation and failure policy as `bot run`); they show in `bot history`. A text already
    posted on an account is refused there (exit 2) unless --again. A dry-run writes no ledger.
    """
    from bot.publish.journal import Journal
    from bot.publish.post_now import post_now

    run = post_now(
        source, app.settings, platforms=platforms or ("x", "facebook"), account=account, kind=kind,
        live=not dry_run, journal=Journal.from_env(journal), form=form, again=again, clock=app.clock,
    )  # fmt: skip
    if as_json:
        emit_json(run.to_dict())
    else:
        _print_run(app.console, run)
    if run.failed:
        ctx.exit(1)


def _print_run(console: Console, run: Any) -> None:
    from rich.text import Text

    if not run.live:
        console.print(Text(f"dry-run: {len(run.requests)} request(s) recorded, nothing sent", style="dim"))
        if run.placeholders:
            names = ", ".join(run.placeholders)
            console.print(Text(f"(no credentials set for {names}: signed with placeholder secrets)", style="dim"))
        _print_requests(console, run.requests)
    for outcome in run.outcomes:
        colour = {"posted": "green", "unknown": "yellow", "queued": "yellow"}.get(outcome.status, "red")
        where = ", ".join(p["url"] for p in outcome.posts) or outcome.error or ""
        verb = "would post" if not run.live and outcome.status == "posted" else outcome.status
        ids = ", ".join(map(str, outcome.ledger_ids))
        noted = f"  (ledger post {ids})" if ids and outcome.status == "posted" else ""
        console.print(Text.assemble((f"{verb:<10}", colour), f" {outcome.account} {outcome.kind}: {where}{noted}"))
    for note in run.skipped:
        console.print(Text(f"skipped    {note}", style="yellow"))


@click.group("accounts")
def accounts_command() -> None:
    """The configured accounts and their credentials."""


@accounts_command.command("check")
@click.option("--live", is_flag=True, help="Ask the platforms (needs the credentials).")
@click.option("--account", help="Only this account.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@pass_app
@click.pass_context
def check_command(ctx: click.Context, app: AppContext, live: bool, account: str | None, as_json: bool) -> None:
    """Check each account's credentials: which variables are set (values never shown) and, with --live,
    whether the platform accepts them. Exit 2 if a variable is missing, 1 if a platform refused."""
    from bot.publish.accounts import check_accounts

    results = check_accounts(app.settings, live=live, account=account)
    if as_json:
        emit_json([r.to_dict() for r in results])
    else:
        _print_checks(app.console, results, live)
    statuses = {r.status for r in results}
    if live and "missing" in statuses:
        ctx.exit(2)
    if live and statuses & {"refused", "error"}:
        ctx.exit(1)


def _print_checks(console: Console, results: list[Any], live: bool) -> None:
    from rich.text import Text

    for result in results:
        colour = {"ok": "green", "dry-run": "cyan", "missing": "yellow"}.get(result.status, "red")
        console.print(Text.assemble((f"{result.status:<8}", colour), f" {result.account} ({result.platform}) ",
                                    (result.identity, "bold")))  # fmt: skip
        for name, state in result.variables.items():
            shown = "****" if state == "set" else "missing"
            console.print(Text(f"    {name} = {shown}", style="dim" if state == "set" else "yellow"))
        if result.detail:
            console.print(Text(f"    {result.detail}"))
        if result.expires_at:
            console.print(Text(f"    token expires {result.expires_at}"))
        if not live:
            _print_requests(console, result.requests)
