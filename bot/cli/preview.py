"""`bot preview` (static HTML page of the drafts or of the plan) and `bot card` (quote-card PNGs)."""

from __future__ import annotations

import click

from bot.cli.context import AppContext, emit_json, pass_app


@click.command("preview")
@click.argument("report", required=False)
@click.option("--plan", "plan", is_flag=True, help="Preview the campaigns in schedules/ as a calendar instead.")
@click.option("--out", type=click.Path(), help="Directory (or .html file) to write; default var/preview/.")
@click.option("--cards", is_flag=True, help="Also render quote cards and show them on the highlights.")
@click.option("--top", type=click.IntRange(1, 20), default=3, show_default=True, help="Number of findings.")
@click.option("--open", "open_page", is_flag=True, help="Open the page in the default browser.")
@click.option("--json", "as_json", is_flag=True, help="Print the file written and the counts as JSON.")
@click.option("--rehearse", is_flag=True,
              help="With --plan: rehearse the plan (`bot rehearse`) and show each post's outcome on the calendar.")
@pass_app
def preview_command(
    app: AppContext,
    report: str | None,
    plan: bool,
    out: str | None,
    cards: bool,
    top: int,
    open_page: bool,
    as_json: bool,
    rehearse: bool = False,
) -> None:
    """Write a self-contained HTML preview of REPORT's drafts (a content/*.md file or a slug), or --plan."""

    from bot.errors import InputError
    from bot.preview.html import preview_plan, preview_report

    if report and plan:
        raise InputError("give either a REPORT or --plan, not both")
    if not report and not plan:
        raise InputError("nothing to preview: give either a REPORT or --plan")
    check_out_option(out, (".html", ".htm"))
    if rehearse and not plan:
        raise InputError("--rehearse goes with --plan")
    if plan:
        outcomes, notes = _rehearsed(app) if rehearse else (None, [])
        path, count = preview_plan(app.settings, out, now=app.now(), outcomes=outcomes, notes=notes)
        summary = {"path": str(path), "posts": count}
    else:
        path, drafts = preview_report(report or "", app.settings, out, cards=cards, top=top)
        summary = {
            "path": str(path),
            "posts": len(drafts),
            "warnings": sum(len(d.warnings) for d in drafts),
            "cost": round(sum(d.cost for d in drafts), 6),
        }
    if as_json:
        emit_json(summary)
    else:
        app.console.print(f"wrote [bold]{path}[/bold] ({summary['posts']} posts) · {path.resolve().as_uri()}")
    if open_page:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())


def _rehearsed(app: AppContext) -> tuple[dict[str, str], list[str]]:
    """Each planned post's rehearsal outcome (key → "would-post"/…), and the rehearsal's summary as a note."""
    from bot.rehearse.engine import Window, rehearse

    report = rehearse(app.settings, window=Window(app.now(), None))
    summary = report.summary()
    note = (f"rehearsal (virtual clock, nothing sent): would post {summary['would post']}, would miss "
            f"{summary['would miss']}, would fail {summary['would fail']}")
    return report.outcomes_by_key(), [note]


@click.command("card")
@click.argument("report")
@click.option("--finding", "rank", type=click.IntRange(1, 20), help="Only this finding (1 = best).")
@click.option("--out", type=click.Path(), help="Directory, or a .png file for a single card; default var/cards/.")
@click.option("--size", type=click.Choice(["x", "facebook", "both"]), default="both", show_default=True)
@click.option("--top", type=click.IntRange(1, 20), default=3, show_default=True, help="Number of findings.")
@click.option("--json", "as_json", is_flag=True, help="Print the files written and the findings refused as JSON.")
@pass_app
@click.pass_context
def card_command(
    ctx: click.Context, app: AppContext, report: str, rank: int | None, out: str | None, size: str, top: int,
    as_json: bool,
) -> None:  # fmt: skip
    """Render a quote-card PNG per highlight of REPORT, sized for X (1200×675) and/or Facebook (1200×630).

    A finding that cannot be carded (too long, characters the font cannot draw) is reported on stderr, one
    line each, and the other findings' cards are still written. Exit 0 when every card was written, 1 when
    some findings were refused, 2 when no card could be made (with --finding N: when that one was refused).
    """
    from rich.console import Console
    from rich.text import Text

    from bot.content.compose import find_report_file
    from bot.content.findings import rank_findings
    from bot.content.markdown_io import load_report
    from bot.errors import InputError
    from bot.preview.cards import make_cards

    settings = app.settings
    check_out_option(out, (".png",))
    loaded = load_report(find_report_file(report, settings))
    findings = rank_findings(loaded, top=max(top, rank or 0))
    run = make_cards(loaded, findings, settings, out, size=size, rank=rank)
    errors = Console(stderr=True, highlight=False, soft_wrap=True)
    for refusal in run.refused:
        errors.print(Text(f"no card: {refusal.reason}", style="yellow"))
    if not run.written:
        raise InputError(f"no quote card could be made ({len(run.refused)} finding(s) refused)")
    if as_json:
        data: dict[str, object] = {"cards": [str(p) for p in run.written]}
        if run.refused:  # only when there were refusals: the one-key document of a clean run stays as it was
            data["refused"] = [{"finding": r.rank, "reason": r.reason} for r in run.refused]
        emit_json(data)
    else:
        for path in run.written:
            app.console.print(f"wrote [bold]{path}[/bold]")
    if run.refused:
        ctx.exit(1)


def check_out_option(out: str | None, file_suffixes: tuple[str, ...]) -> None:
    """Refuse an --out that cannot be written before any work is done (exit 2, not a failed write).

    `out` is a directory (created if missing) or a file with one of `file_suffixes`; e.g. `--out /dev/null`
    is neither, and the nearest existing ancestor must be a directory for anything to be created under it.
    """
    if out is None:
        return
    from pathlib import Path

    from bot.errors import InputError

    target = Path(out)
    is_file_target = target.suffix.lower() in file_suffixes
    if target.exists():
        if is_file_target and target.is_dir():
            raise InputError(f"--out {out} is a directory, not a {target.suffix} file")
        if not is_file_target and not target.is_dir():
            raise InputError(f"--out {out} is not a directory")
    for parent in target.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputError(f"--out {out}: {parent} is not a directory")
            break
