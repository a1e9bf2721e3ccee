"""`bot draft`: show the posts a report would become, with their length, warnings and cost."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from bot.cli.context import AppContext, emit_json, pass_app

if TYPE_CHECKING:
    from rich.console import Console

    from bot.content.draft import Draft


def draft_totals(drafts: list[Draft]) -> dict[str, Any]:
    """Counts and the estimated cost of posting everything drafted, overall and per platform."""
    by_platform: dict[str, float] = {}
    for draft in drafts:
        by_platform[draft.platform] = round(by_platform.get(draft.platform, 0.0) + draft.cost, 6)
    return {
        "drafts": len(drafts),
        "posts": sum(len(d.parts) for d in drafts),
        "warnings": sum(len(d.warnings) for d in drafts),
        "cost": round(sum(d.cost for d in drafts), 6),
        "cost_by_platform": by_platform,
    }


def _title(index: int, draft: Draft) -> str:
    form = draft.meta.get("form", "single")
    parts = f", {len(draft.parts)} parts" if draft.is_thread else ""
    label = draft.kind if form == "single" else f"{draft.kind} ({form}{parts})"
    rank = f" #{draft.finding_rank}" if draft.finding_rank else ""
    return f"{index}. {draft.platform} · {label}{rank}"


def _print_draft(console: Console, index: int, draft: Draft) -> None:
    from rich.panel import Panel
    from rich.text import Text

    body = Text()
    for number, part in enumerate(draft.parts):
        if number:
            body.append("\n\n")
        body.append(part)
    over = draft.weighted_length > draft.limit
    length = Text(f"{draft.weighted_length}/{draft.limit}", style="bold red" if over else "green")
    footer = Text.assemble("  ", length, f" · ${draft.cost:.3f}")
    if draft.link and draft.link not in " ".join(draft.parts):
        footer.append(f" · link field: {draft.link}")
    # The app console soft-wraps (for copyable URLs); a panel must wrap its text instead of cropping it.
    console.print(Panel(body, title=_title(index, draft), title_align="left"), soft_wrap=False)
    console.print(footer)
    for warning in draft.warnings:
        console.print(Text(f"  ⚠ {warning}", style="bold yellow"))
    for note in draft.meta.get("notes", []):
        console.print(Text(f"  · {note}", style="dim"))


def print_drafts(console: Console, drafts: list[Draft]) -> None:
    """The readable preview: each draft in a panel, its length against the limit, warnings, cost, totals."""
    for index, draft in enumerate(drafts, 1):
        _print_draft(console, index, draft)
    totals = draft_totals(drafts)
    per = ", ".join(f"{p} ${c:.3f}" for p, c in totals["cost_by_platform"].items())
    console.print(
        f"[bold]{totals['drafts']} drafts[/bold], {totals['posts']} posts, {totals['warnings']} warnings · "
        f"estimated cost ${totals['cost']:.3f} ({per})"
    )


@click.command("draft")
@click.argument("report")
@click.option(
    "--platform",
    "platforms",
    multiple=True,
    type=click.Choice(["x", "facebook"]),
    help="Only this platform (repeatable; default: x and facebook).",
)
@click.option("--thread/--no-thread", default=None, help="Also draft an X thread (default: templates.thread).")
@click.option("--top", type=click.IntRange(1, 20), default=3, show_default=True, help="Number of findings.")
@click.option("--json", "as_json", is_flag=True, help="Print the drafts and totals as JSON.")
@pass_app
def draft_command(
    app: AppContext, report: str, platforms: tuple[str, ...], thread: bool | None, top: int, as_json: bool
) -> None:
    """Turn REPORT (a content/*.md file or a slug) into post-sized drafts for X and Facebook."""
    from bot.content.compose import draft_report

    drafts = draft_report(report, app.settings, platforms=platforms or ("x", "facebook"), thread=thread, top=top)
    if as_json:
        emit_json({"drafts": [d.to_dict() for d in drafts], "totals": draft_totals(drafts)})
    else:
        print_drafts(app.console, drafts)
