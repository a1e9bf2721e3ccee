"""`bot plan`, `bot schedule` and the ledger's operator commands (queue, history, approve, cancel, retry,
repost). Thin: parse, call one function of bot.schedule / bot.ledger.store, print."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot.cli.context import AppContext, emit_json, pass_app

if TYPE_CHECKING:
    from bot.ledger.models import Post
    from bot.ledger.store import Ledger
    from bot.schedule.plan import Plan

_STATUS_STYLE = {"failed": "bold red", "unconfirmed": "bold red", "missed": "yellow", "expired": "yellow",
                 "draft": "cyan", "sending": "magenta", "posted": "green"}
_dir_option = click.option("--dir", "directory", type=click.Path(file_okay=False, exists=True), metavar="DIR",
                           help="Campaign folder (default: [bot] schedules_dir, i.e. schedules/).")
_now_option = click.option("--now", "now_text", metavar="TIME", hidden=True,
                           help="Pretend it is TIME (ISO-8601; tests and demos).")


def _now(app: AppContext, now_text: str | None) -> dt.datetime:
    now = app.now()
    if not now_text:
        return now
    from bot.schedule.localtime import parse_instant

    return parse_instant(now_text, app.settings.bot.timezone, now=now, field="--now")


def _zone(app: AppContext) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(app.settings.bot.timezone)


# ── bot plan ────────────────────────────────────────────────────────────────────────────────────────
@click.command("plan")
@click.option("--campaign", "campaign_name", metavar="NAME", help="Only this campaign.")
@click.option("--ics", "ics_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the plan as an iCalendar file.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@_dir_option
@_now_option
@pass_app
def plan_command(app: AppContext, campaign_name: str | None, ics_path: Path | None, as_json: bool,
                 directory: str | None, now_text: str | None) -> None:
    """Show what the campaigns in schedules/ will post, and when. Changes nothing."""
    from bot.errors import InputError
    from bot.schedule.campaign import load_campaigns
    from bot.schedule.plan import make_plan

    now = _now(app, now_text)
    campaigns = load_campaigns(app.settings, directory)
    if campaign_name is not None:
        campaigns = [c for c in campaigns if c.name == campaign_name]
        if not campaigns:
            raise InputError(f"no campaign named {campaign_name!r} in {app.settings.bot.schedules_dir}/")
    plan = make_plan(campaigns, app.settings, now=now)
    if ics_path is not None:
        from bot.schedule.ics import write_plan_calendar

        write_plan_calendar(plan.posts, ics_path, now=now)
    if as_json:
        emit_json({"posts": [p.to_dict() for p in plan.posts], "total_cost": plan.total_cost,
                   "warnings": plan.warnings, "stale_campaigns": plan.stale,
                   "ics": str(ics_path) if ics_path else None})
        return
    _print_plan(app, plan)
    if ics_path is not None:
        app.console.print(f"calendar written to {ics_path}")


def _print_plan(app: AppContext, plan: Plan) -> None:
    """One header line per post (times, account, kind, length, cost), its text indented below."""
    app.console.print(f"[bold]{len(plan.posts)} planned posts[/bold]")
    for post in plan.posts:
        text = post.text
        if post.payload.get("repost_of") is not None:  # what it repeats, not its internal key
            from zoneinfo import ZoneInfo

            from bot.preview.calendar import describe_repost

            originals = {p.key: p for p in [*plan.posts, *plan.past]}
            what = describe_repost(post.payload, originals, ZoneInfo(post.timezone), quote=not text)
            text = f"{what}: {text}" if text else what
        rank = f" #{post.finding_rank}" if post.finding_rank else ""
        app.console.print(
            f"[bold]{post.local_time:%Y-%m-%d %H:%M %Z}[/bold] ({post.due_at:%Y-%m-%d %H:%M} UTC)  "
            f"{post.account}  {post.kind}{rank}  {post.weighted_length} chars  ${post.cost:.3f}"
            + ("  [cyan]needs approval[/cyan]" if post.requires_approval else ""), highlight=False)
        flat = " ".join(text.split())
        app.console.print(f"    {flat[:200]}{'…' if len(flat) > 200 else ''}", style="dim", markup=False)
    by_account: dict[str, float] = {}
    for post in plan.posts:
        by_account[post.account] = by_account.get(post.account, 0.0) + post.cost
    per = ", ".join(f"{a} ${c:.3f}" for a, c in sorted(by_account.items()))
    app.console.print(f"[bold]total[/bold]: {len(plan.posts)} posts, estimated cost ${plan.total_cost:.3f}"
                      + (f" ({per})" if per else ""))
    for name in plan.stale:
        app.console.print(f"[yellow]⚠ campaign {name}: every post is in the past[/yellow]")
    for warning in plan.warnings:
        app.console.print(f"[yellow]⚠ {warning}[/yellow]")


# ── bot schedule ────────────────────────────────────────────────────────────────────────────────────
@click.command("schedule")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@_dir_option
@_now_option
@pass_app
def schedule_command(app: AppContext, as_json: bool, directory: str | None, now_text: str | None) -> None:
    """Apply the campaigns to the ledger: create, update and cancel unpublished posts to match schedules/
    (or --dir): the ledger mirrors that folder, so a campaign missing from it has its pending posts cancelled."""
    from bot.schedule.sync import apply_campaigns

    result, plan = apply_campaigns(app.settings, now=_now(app, now_text), directory=directory)
    if as_json:
        emit_json({**result.as_dict(), "warnings": plan.warnings})
        return
    counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in result.as_dict().items())
    app.console.print(f"ledger synced: {counts}")
    for warning in plan.warnings:
        app.console.print(f"[yellow]⚠ {warning}[/yellow]")


# ── ledger commands ─────────────────────────────────────────────────────────────────────────────────
def _store(app: AppContext) -> Ledger:
    from bot.ledger.store import open_store

    return open_store(app.settings)


def _print_posts(app: AppContext, posts: list[Post], title: str, *, history: bool) -> None:
    """One line per post: id, local and UTC time, account, kind, status (coloured), then the error or link."""
    from rich.text import Text

    zone = _zone(app)
    app.console.print(f"[bold]{title}[/bold]")
    for post in posts:
        when = (post.posted_at or post.due_at) if history else post.due_at
        rank = f" #{post.finding_rank}" if post.finding_rank else ""
        line = Text(f"{post.id:>5}  {when.astimezone(zone):%Y-%m-%d %H:%M %Z} ({when:%H:%M} UTC)  "
                    f"{post.account}  {post.kind}{rank}  ")
        line.append(post.status, style=_STATUS_STYLE.get(post.status, ""))
        extra = (post.remote_url or post.remote_id or "") if history else (post.last_error or "")
        if extra:
            line.append(f"  {extra}", style="" if history else "red")
        app.console.print(line)


_rehearsal_option = click.option(
    "--rehearsal", is_flag=True,
    help="Show the last rehearsal's ledger (what the last dry-run `bot run` or `bot rehearse` did) instead.")


def _ledger_for(app: AppContext, rehearsal: bool, *, banner: bool = True) -> tuple[Ledger, str]:
    """(ledger, mode): the real ledger ("live"), or the last rehearsal's copy ("rehearsal")."""
    if not rehearsal:
        return _store(app), "live"
    from bot.errors import InputError
    from bot.ledger.store import Ledger
    from bot.rehearse.ledger import open_last_rehearsal, read_info

    factory = open_last_rehearsal(app.settings)
    if factory is None:
        raise InputError("no rehearsal yet: a dry-run `bot run` or `bot rehearse` makes one")
    info = read_info(app.settings)
    if info is not None and banner:
        app.console.print(f"[magenta]rehearsal[/magenta] by `{info.made_by}` of the ledger as it was at "
                          f"{_local(app, info.taken_at)}: nothing here was published", highlight=False)
    return Ledger(factory), "rehearsal"


def _local(app: AppContext, iso: str) -> str:
    return f"{dt.datetime.fromisoformat(iso).astimezone(_zone(app)):%Y-%m-%d %H:%M %Z}"


def _rows(app: AppContext, posts: list[Post], mode: str) -> list[dict[str, Any]]:
    """`--json` rows: every row says whether it is the real ledger's ("live") or a rehearsal's."""
    from bot.ledger.store import post_summary

    return [{**post_summary(p, _zone(app)), "mode": mode} for p in posts]


@click.command("queue")
@click.option("--json", "as_json", is_flag=True, help="Print the queue as JSON.")
@_rehearsal_option
@pass_app
def queue_command(app: AppContext, as_json: bool, rehearsal: bool) -> None:
    """List posts not yet published (draft, pending, sending) and those needing attention (failed,
    unconfirmed, missed, expired)."""
    ledger, mode = _ledger_for(app, rehearsal, banner=not as_json)
    posts = ledger.queue()
    if as_json:
        emit_json(_rows(app, posts, mode))
        return
    label = " (rehearsal)" if mode == "rehearsal" else ""
    _print_posts(app, posts, f"{_count(len(posts), 'post')} in the queue{label}", history=False)
    attention = [p for p in posts if p.status in ("failed", "unconfirmed", "missed", "expired")]
    if attention:
        app.console.print(f"[bold red]{len(attention)} need attention[/bold red]: check them on the platform, "
                          "then `bot retry ID` or `bot cancel ID`")


@click.command("history")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True, help="How many posts.")
@click.option("--json", "as_json", is_flag=True, help="Print the history as JSON.")
@_rehearsal_option
@pass_app
def history_command(app: AppContext, limit: int, as_json: bool, rehearsal: bool) -> None:
    """List published posts, most recent first, with links to them. Only the real ledger's: a dry-run
    never publishes (its rehearsal is shown with --rehearsal)."""
    ledger, mode = _ledger_for(app, rehearsal, banner=not as_json)
    posts = ledger.history(limit=limit)
    if as_json:
        emit_json(_rows(app, posts, mode))
        return
    if mode == "rehearsal":
        _print_posts(app, posts, f"{_count(len(posts), 'post')} the rehearsal would have published", history=True)
    else:
        _print_posts(app, posts, f"{_count(len(posts), 'published post')}", history=True)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


@click.command("approve")
@click.argument("target", metavar="CAMPAIGN|POST_ID")
@click.option("--json", "as_json", is_flag=True, help="Print the count as JSON.")
@pass_app
def approve_command(app: AppContext, target: str, as_json: bool) -> None:
    """Approve a campaign's drafts (or one draft) for publishing. Drafts already past their time stay
    unpublished (they expire)."""
    store = _store(app)
    count = store.approve(target, now=app.now())
    if as_json:
        emit_json({"approved": count})
    else:
        others = [p.status for p in store.list_posts(campaign=target) if p.status != "cancelled"]
        app.console.print(approved_message(count, max(len(others) - count, 0), others), highlight=False)


_ALREADY = {"posted": "already sent", "pending": "already approved or needing none", "sending": "being sent",
            "expired": "expired", "missed": "missed", "failed": "failed", "draft": "past their time"}


def approved_message(count: int, rest: int = 0, statuses: list[str] | None = None) -> str:
    """"approved 1 post", "approved 3 of 5 posts (2 already sent)", "nothing to approve (4 already sent)".
    `rest` is how many other posts the campaign holds, `statuses` every post's status after approving."""
    noun = "post" if count + rest == 1 else "posts"
    if rest <= 0:
        return f"approved {count} {noun}" if count else "nothing to approve"
    counts: dict[str, int] = {}
    for status in statuses or []:
        counts[status] = counts.get(status, 0) + 1
    counts["pending"] = counts.get("pending", 0) - count  # the ones just approved are not "already approved"
    why = ", ".join(f"{n} {_ALREADY.get(s, s)}" for s, n in counts.items() if n > 0)
    head = f"approved {count} of {count + rest} {noun}" if count else "nothing to approve"
    return head + (f" ({why})" if why else "")


@click.command("cancel")
@click.argument("post_id")
@click.option("--json", "as_json", is_flag=True, help="Print the count as JSON.")
@pass_app
def cancel_command(app: AppContext, post_id: str, as_json: bool) -> None:
    """Cancel a draft or pending post (a thread's first part cancels the whole thread)."""
    count = _store(app).cancel(post_id, now=app.now())
    if as_json:
        emit_json({"cancelled": count})
    else:
        app.console.print(f"cancelled {count} post{'' if count == 1 else 's'}"
                          + (" (a thread: its unsent parts too)" if count > 1 else ""))


@click.command("retry")
@click.argument("post_id")
@click.option("--json", "as_json", is_flag=True, help="Print the post as JSON.")
@pass_app
def retry_command(app: AppContext, post_id: str, as_json: bool) -> None:
    """Put a failed, missed or unconfirmed post back in the queue, due now. An expired post (never
    approved) becomes a draft again: approve it to send it."""
    from bot.ledger.store import post_summary

    post = _store(app).retry(post_id, app.now())
    if as_json:
        emit_json(post_summary(post, _zone(app)))
    elif post.status == "draft":
        app.console.print(f"post {post.id} was never approved: it is a draft again, due "
                          f"{post.due_at.astimezone(_zone(app)):%Y-%m-%d %H:%M %Z}; "
                          f"`bot approve {post.id}` before then to send it")
    else:
        app.console.print(f"post {post.id} is pending again, due now (run `bot run` to send it)")


@click.command("repost")
@click.argument("post_id")
@click.option("--at", "at_text", metavar="TIME", help="ISO-8601 with offset, or local in [bot] timezone (default now).")
@click.option("--json", "as_json", is_flag=True, help="Print the new post as JSON.")
@pass_app
def repost_command(app: AppContext, post_id: str, at_text: str | None, as_json: bool) -> None:
    """Schedule a one-off repost of a published post (a retweet on X, a post linking it on Facebook)."""
    from bot.ledger.store import post_summary
    from bot.schedule.localtime import parse_instant

    now = app.now()
    due = parse_instant(at_text, app.settings.bot.timezone, now=now, field="--at") if at_text else now
    post = _store(app).add_repost(post_id, due, now=now)
    if as_json:
        emit_json(post_summary(post, _zone(app)))
    else:
        app.console.print(f"repost {post.id} of {post.payload['repost_of']} due "
                          f"{post.due_at.astimezone(_zone(app)):%Y-%m-%d %H:%M %Z}")
