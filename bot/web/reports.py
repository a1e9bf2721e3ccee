"""Reports with their findings and why each was chosen (`bot findings`' own ranking), and the dry-run and
rehearsal request journals the desk can show (read-only: the JSON-lines files the recording transport wrote)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.errors import InputError
from bot.ledger.models import Post
from bot.preview.views import safe_href

if TYPE_CHECKING:
    from bot.content.report import Report
    from bot.settings import Settings
    from bot.web.app import Desk

SHOWN_FINDINGS = 8
JOURNAL_TAIL = 100  # the newest requests of a journal shown
MAX_JOURNAL_BYTES = 2 * 1024 * 1024  # only the end of a bigger journal is read


def list_reports(settings: Settings) -> list[Report]:
    from bot.content.markdown_io import load_report

    reports = []
    for path in sorted(Path(settings.bot.content_dir).glob("*.md")):
        try:
            reports.append(load_report(path))
        except InputError:
            continue  # `bot findings` names what is wrong with it; the desk just leaves it out
    return reports


def report_findings(desk: Desk, slug: str) -> dict[str, Any] | None:
    """The report, its best findings with their signals, and which ledger posts carry each finding."""
    from bot.content.findings import rank_findings
    from bot.content.markdown_io import load_report

    path = Path(desk.settings.bot.content_dir) / f"{slug}.md"
    if "/" in slug or "\\" in slug or slug.startswith(".") or not path.is_file():
        return None
    try:
        report = load_report(path)
    except InputError:
        return None
    query = select(Post.id, Post.finding_rank, Post.account, Post.status).where(
        Post.report == slug, Post.kind == "highlight").order_by(Post.id)
    with desk.ledger.session_factory() as session:
        carried: dict[int, list[tuple[int, str, str]]] = {}
        for post_id, rank, account, status in session.execute(query):
            carried.setdefault(rank or 0, []).append((post_id, account, status))
    return {"report": report, "report_href": safe_href(report.url), "carried": carried,
            "findings": rank_findings(report, top=SHOWN_FINDINGS)}


@dataclass(frozen=True)
class JournalFile:
    name: str  # relative to var/, what the page's ?file= names
    path: Path
    size: int
    rehearsal: bool


def journals(settings: Settings) -> list[JournalFile]:
    """Every request journal under var/ (the dry-run's, `make demo`'s, rehearsals'), newest first."""
    from bot.schedule.run import default_journal

    var = Path(settings.bot.var_dir)
    found = {p.resolve(): p for p in [*var.glob("*.jsonl"), *var.glob("*/*.jsonl"), *var.glob("*/*/*.jsonl")]}
    default = default_journal(settings)
    if default.is_file():
        found.setdefault(default.resolve(), default)
    files = sorted(found.values(), key=lambda p: p.stat().st_mtime, reverse=True)
    return [JournalFile(_name(p, var), p, p.stat().st_size, "rehearsal" in str(p).lower()) for p in files]


def _name(path: Path, var: Path) -> str:
    try:
        return str(path.relative_to(var))
    except ValueError:
        return str(path)


def read_journal(path: Path) -> list[dict[str, Any]]:
    """The last JOURNAL_TAIL requests, newest first, flattened for the page (secrets were masked on writing)."""
    with path.open("rb") as file:
        file.seek(0, 2)
        size = file.tell()
        file.seek(max(0, size - MAX_JOURNAL_BYTES))
        lines = file.read().splitlines()[-JOURNAL_TAIL:]
    entries = []
    for line in reversed(lines):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            entries.append(_flatten(entry))
    return entries


def _flatten(entry: dict[str, Any]) -> dict[str, Any]:
    body = entry.get("body")
    text = body.get("text") or body.get("message") if isinstance(body, dict) else None
    shown = text if isinstance(text, str) else json.dumps(body, ensure_ascii=False)[:300] if body else ""
    return {"ts": entry.get("ts", ""), "account": entry.get("account", ""), "method": entry.get("method", ""),
            "url": str(entry.get("url", ""))[:200], "status": entry.get("response_status", ""), "body": shown}
