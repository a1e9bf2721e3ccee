"""`bot preview`: one self-contained static HTML page of what will be posted.

The page has no scripts, no external fonts, stylesheets or images (a Content-Security-Policy forbids them),
so it works offline and from a file. Japanese text gets a subset of the packaged Noto Sans CJK font embedded,
so it renders the same on any machine. Report text is untrusted: Jinja2 autoescapes everything, and links
are made only from http(s) URLs (see `bot.preview.views`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.errors import BotError
from bot.preview.calendar import CalendarDay, build_calendar, local_time
from bot.preview.fonts import needs_embedded_font, subset_font_data_uri, unicode_range
from bot.preview.planned import ReportLookup, planned_view
from bot.preview.views import PostView, add_checks, post_view, safe_href

if TYPE_CHECKING:
    import jinja2

    from bot.content.draft import Draft
    from bot.content.report import Report
    from bot.settings import Settings

DEFAULT_FILE = "index.html"


@dataclass
class Page:
    """Everything the template shows."""

    title: str
    language: str = "en"
    report: Report | None = None
    report_href: str | None = None
    posts: list[PostView] = field(default_factory=list)
    calendar: list[CalendarDay] = field(default_factory=list)
    timezone: str = ""
    font_faces: list[tuple[int, str]] = field(default_factory=list)  # (CSS font-weight, data: URI)
    font_range: str = ""  # the CSS unicode-range those faces cover
    generated: str = ""
    notes: list[str] = field(default_factory=list)  # the planner's warnings about the campaign as a whole

    @property
    def total_cost(self) -> float:
        return round(sum(p.cost for p in self.posts), 6)

    @property
    def warning_count(self) -> int:
        return sum(len(p.warnings) for p in self.posts)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("bot.preview", "templates"),
        autoescape=True,  # every {{ }} is HTML-escaped, whatever the template's name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _language(code: str | None) -> str:
    return code if code and re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", code) else "en"


def render_page(page: Page) -> str:
    """The HTML of `page`, with font subsets (regular and bold) embedded when it has text Latin fonts lack."""
    template = _environment().get_template("preview.html")
    first = template.render(page=page)
    chars = needs_embedded_font(first)
    if not chars:
        return first
    faces = ((400, subset_font_data_uri(chars, "regular")), (700, subset_font_data_uri(chars, "bold")))
    page.font_faces = [(weight, uri) for weight, uri in faces if uri]
    page.font_range = unicode_range(chars)
    return template.render(page=page)


def drafts_page(drafts: Sequence[Draft], report: Report, settings: Settings | None = None) -> Page:
    """The page for one report's drafts; each post shows the first configured account of its platform."""
    accounts: dict[str, str] = {}
    for account in settings.accounts if settings else ():
        accounts.setdefault(account.platform, account.name)
    posts = [post_view(n, d, report) for n, d in enumerate(drafts, 1)]
    for post in posts:
        post.account = accounts.get(post.platform, "")
    add_checks(posts)
    return Page(
        title=report.title,
        language=_language(report.language),
        report=report,
        report_href=safe_href(report.url),
        posts=posts,
    )


def plan_page(planned: Sequence[Any], settings: Settings, *, now: dt.datetime, notes: Sequence[str] = (),
              outcomes: dict[str, str] | None = None) -> Page:
    """The page for the plan: the calendar, then every planned post as a mock-up. `outcomes` (post key →
    "would-post"/"would-miss"/"would-fail", from `bot rehearse`) are shown instead of the planned status."""
    zone = ZoneInfo(settings.bot.timezone)
    reports = ReportLookup(settings)
    originals = {str(getattr(p, "key", "")): p for p in planned}
    posts = [planned_view(n, p, zone, reports(getattr(p, "report", None)), originals=originals,
                          outcome=(outcomes or {}).get(str(getattr(p, "key", ""))))
             for n, p in enumerate(planned, 1)]
    add_checks(posts)
    calendar = build_calendar(planned, zone, anchors=[p.anchor for p in posts], outcomes=outcomes)
    zones = sorted({str(local_time(p, zone).tzinfo) for p in planned}) or [settings.bot.timezone]
    return Page(
        title="Campaign plan",
        posts=posts,
        calendar=calendar,
        timezone=", ".join(zones),
        generated=f"{now.astimezone(zone):%Y-%m-%d %H:%M %Z}",
        notes=list(notes),
    )


def write_page(html: str, out: str | Path | None, settings: Settings) -> Path:
    """Write the page to `out` (a directory, or an .html file); default `<var_dir>/preview/index.html`."""
    target = Path(out) if out is not None else Path(settings.bot.var_dir) / "preview"
    if target.suffix.lower() not in (".html", ".htm"):
        target = target / DEFAULT_FILE
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    except OSError as error:
        raise BotError(f"cannot write the preview: {error.strerror}: {target}") from None
    return target


def preview_report(
    path_or_report: str | Path | Report,
    settings: Settings,
    out: str | Path | None = None,
    *,
    cards: bool = False,
    top: int = 3,
) -> tuple[Path, list[Draft]]:
    """Draft a report and write its preview page; with `cards`, quote cards are attached and shown too."""
    from bot.content.compose import compose_drafts, find_report_file
    from bot.content.findings import rank_findings
    from bot.content.markdown_io import load_report
    from bot.content.report import Report

    report = (
        path_or_report
        if isinstance(path_or_report, Report)
        else load_report(find_report_file(path_or_report, settings))
    )
    findings = rank_findings(report, top=top)
    drafts = compose_drafts(report, findings, settings)
    if cards:
        from bot.preview.cards import attach_cards

        drafts = attach_cards(drafts, report, findings, settings, Path(settings.bot.var_dir) / "cards")
    return write_page(render_page(drafts_page(drafts, report, settings)), out, settings), drafts


def preview_plan(settings: Settings, out: str | Path | None = None, *, now: dt.datetime,
                 outcomes: dict[str, str] | None = None, notes: Sequence[str] = ()) -> tuple[Path, int]:
    """Plan the campaigns in schedules/ and write the calendar page; returns the file and the post count.
    `outcomes` and extra `notes` come from a rehearsal (`bot preview --plan --rehearse`)."""
    from bot.schedule.campaign import load_campaigns
    from bot.schedule.plan import make_plan

    plan = make_plan(load_campaigns(settings), settings, now=now)
    notes = [*plan.warnings, *(f"{name}: every post is in the past" for name in plan.stale), *notes]
    page = plan_page(plan.posts, settings, now=now, notes=notes, outcomes=outcomes)
    return write_page(render_page(page), out, settings), len(plan.posts)
