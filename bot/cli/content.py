"""`bot ingest` and `bot findings`: thin wrappers over bot.content.ingest and bot.content.findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from bot.cli.context import AppContext, emit_json, pass_app

NO_FINDINGS = "no findings: every sentence is excluded or procedural"


def _parse_meta(values: tuple[str, ...]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--meta")
        meta[key.strip()] = value.strip()
    return meta


@click.command("ingest")
@click.argument("sources", nargs=-1, required=True)
@click.option("--url", help="Canonical URL of the report (needed for .txt, and .md without url in front matter).")
@click.option("--meta", "meta_items", multiple=True, metavar="KEY=VALUE",
              help="Set a front-matter field, e.g. date=2024-02-29, year=2024, publisher=JIIA, slug=...")  # fmt: skip
@click.option("--force", is_flag=True, help="Overwrite content/<slug>.md even if it was edited by hand.")
@click.option("--content-dir", type=click.Path(file_okay=False), help="Where to write (default: [bot] content_dir).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@pass_app
@click.pass_context
def ingest_command(
    ctx: click.Context, app: AppContext, sources: tuple[str, ...], url: str | None,
    meta_items: tuple[str, ...], force: bool, content_dir: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Ingest reports (http(s) URL, saved .html, .txt, .md) into content/<slug>.md.

    One line per source: written, unchanged or refused. Exit code 2 if any source was refused; a refused
    source writes nothing.
    """
    from bot.content.ingest import ingest
    from bot.errors import InputError

    if url and len(sources) > 1:
        raise InputError("--url names one report: give one source with it")
    meta = _parse_meta(meta_items)
    settings = app.settings
    target = Path(content_dir or settings.bot.content_dir)
    results: list[dict[str, Any]] = []
    for source in sources:
        try:
            result = ingest(source, content_dir=target, force=force, url=url, settings=settings, meta=meta)
        except InputError as error:
            results.append({"source": source, "status": "refused", "error": str(error)})
        else:
            results.append(result.to_dict())
    if as_json:
        emit_json(results)
    else:
        _print_ingest(app, results)
    if any(r["status"] == "refused" for r in results):
        ctx.exit(2)


def _print_ingest(app: AppContext, results: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.markup import escape

    errors = Console(stderr=True, highlight=False, soft_wrap=True)
    for item in results:
        if item["status"] == "refused":
            errors.print(f"[red]refused[/]   {escape(item['error'])}")
            continue
        colour = "green" if item["status"] == "written" else "dim"
        app.console.print(
            f"[{colour}]{item['status']:<9}[/] {escape(item['path'])}  "
            f"[dim]({item['language']}, {item['paragraphs']} paragraphs, date {item['date'] or '?'})[/]"
        )
        for warning in item["warnings"]:
            app.console.print(f"  [yellow]warning:[/] {escape(warning)}")


def _resolve_report_path(app: AppContext, report: str) -> Path:
    """A path to a .md file, or a bare slug looked up in the content directory."""
    path = Path(report)
    if path.exists() or path.suffix:
        return path
    return Path(app.settings.bot.content_dir) / f"{report}.md"


@click.command("findings")
@click.argument("report")
@click.option("--top", default=3, show_default=True, type=click.IntRange(1, 50), help="How many findings.")
@click.option("--all", "show_all", is_flag=True, help="Also show every sentence with its score and why it lost.")
@click.option("--json", "as_json", is_flag=True, help="Print findings (text, score, position, signals) as JSON.")
@pass_app
def findings_command(app: AppContext, report: str, top: int, show_all: bool, as_json: bool) -> None:
    """Rank a report's sentences and show its key findings (REPORT: content/<slug>.md or a slug)."""
    from rich.markup import escape

    from bot.content.findings import explain_ranking, rank_findings
    from bot.content.markdown_io import load_report

    path = _resolve_report_path(app, report)
    loaded = load_report(path)
    findings = rank_findings(loaded, top)
    ranking = explain_ranking(loaded, top) if show_all else []
    # An empty result is legitimate (exit 0) but must be said, not shown as an empty table.
    warnings = [] if findings else [f"{path}: {NO_FINDINGS}"]
    if as_json:
        data: dict[str, Any] = {
            "report": loaded.slug,
            "title": loaded.title,
            "language": loaded.language,
            "pinned": bool(loaded.highlights),
            "findings": [_finding_dict(f) for f in findings],
            "warnings": warnings,
        }
        if show_all:
            data["sentences"] = [
                {"position": s.sentence.position, "paragraph": s.sentence.paragraph, "text": s.sentence.text,
                 "score": round(s.score, 3), "rank": s.signals.get("rank"), "dropped": s.dropped,
                 "signals": {k: v for k, v in s.signals.items() if k != "rank"}}
                for s in ranking
            ]  # fmt: skip
        emit_json(data)
        return
    _print_findings(app, loaded.title, findings, ranking)
    for warning in warnings:
        app.console.print(f"[yellow]warning:[/] {escape(warning)}")


def _finding_dict(finding: Any) -> dict[str, Any]:
    return {
        "rank": finding.rank, "text": finding.text, "score": finding.score, "position": finding.position,
        "paragraph": finding.paragraph, "pinned": finding.pinned, "signals": finding.signals,
    }  # fmt: skip


def _print_findings(app: AppContext, title: str, findings: list[Any], ranking: list[Any]) -> None:
    from rich.markup import escape

    if not findings:
        app.console.print(escape(title))
    else:
        app.console.print(_findings_table(title, findings))
    for item in ranking:
        status = f"#{item.signals['rank']}" if "rank" in item.signals else (item.dropped or "")
        app.console.print(
            f"[dim]{item.sentence.position:>3} {item.score:5.2f} {status:<28}[/] {escape(item.sentence.text[:90])}"
        )


def _findings_table(title: str, findings: list[Any]) -> Any:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=escape(title), title_justify="left", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("score", justify="right")
    table.add_column("finding", ratio=3)
    table.add_column("why", ratio=1, style="dim")
    for finding in findings:
        why = "pinned by editor" if finding.pinned else _top_signals(finding.signals)
        table.add_row(str(finding.rank), f"{finding.score:.2f}", escape(finding.text), why)
    return table


def _top_signals(signals: dict[str, float]) -> str:
    strongest = sorted(((v, k) for k, v in signals.items() if v > 0), reverse=True)[:3]
    return ", ".join(f"{name.removeprefix('cue:')} {value:.2f}" for value, name in strongest)
