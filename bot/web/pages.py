"""The desk's pages (GET): calendar, queue, one post, history, reports, dry-run requests, audit log."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.errors import InputError
from bot.ledger.store import Ledger
from bot.web import queries
from bot.web.app import Desk, current_user, render
from bot.web.calendar import VIEWS, fill, frame, local_midnight
from bot.web.security import WebUser


@functools.cache
def _no_ledger() -> Ledger:
    """No rehearsal yet: an empty in-memory ledger, so the pages show "nothing here" the usual way."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker
    from sqlalchemy.pool import StaticPool

    from bot.ledger.models import Base

    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    Base.metadata.create_all(engine)
    return Ledger(sessionmaker(engine, expire_on_commit=False))


def _signed_in(request: Request) -> WebUser | Response:
    user = current_user(request)
    if user is None:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return user


def _desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def _int(value: str | None, default: int = 1) -> int:
    return int(value) if value and value.isdigit() else default


def _choice(value: str | None, choices: list[str]) -> str | None:
    return value if value in choices else None


async def home(request: Request) -> Response:
    return RedirectResponse("/calendar", status_code=303)


async def calendar_page(request: Request) -> Response:
    if isinstance(user := _signed_in(request), Response):
        return user
    desk = _desk(request)
    campaigns = await run_in_threadpool(queries.campaign_names, desk.ledger)
    campaign = _choice(request.query_params.get("campaign"), campaigns)
    view = str(request.query_params.get("view")) if request.query_params.get("view") in VIEWS else "month"
    zone = desk.zone_of(campaign)
    anchor = await _anchor(desk, request.query_params.get("date"), campaign, zone)
    calendar = frame(view, anchor, zone)
    posts = await run_in_threadpool(queries.posts_between, desk.ledger, local_midnight(calendar.start, zone),
                                    local_midnight(calendar.end, zone), campaign)
    return render(request, "calendar.html", calendar=fill(calendar, posts), campaigns=campaigns,
                  campaign=campaign, today=desk.clock().astimezone(zone).date())


async def _anchor(desk: Desk, text: str | None, campaign: str | None, zone: Any) -> dt.date:
    """The day the calendar opens on: ?date=, else the next open post's day, else today (campaign's zone)."""
    if text:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    now = desk.clock()
    first = await run_in_threadpool(queries.first_due, desk.ledger, campaign, now)
    return (first or now).astimezone(zone).date()


async def queue_page(request: Request) -> Response:
    if isinstance(user := _signed_in(request), Response):
        return user
    return await run_in_threadpool(_queue, request, _desk(request))


def _queue(request: Request, desk: Desk) -> Response:
    params = request.query_params
    with _chosen_ledger(request, desk) as (ledger, rehearsal):
        campaigns, accounts = queries.campaign_names(ledger), queries.account_names(ledger)
        status = str(params.get("status")) if params.get("status") in queries.QUEUE_FILTERS else "all"
        campaign, account = _choice(params.get("campaign"), campaigns), _choice(params.get("account"), accounts)
        page = queries.queue_page(ledger, queries.QUEUE_FILTERS[status], campaign=campaign, account=account,
                                  page=_int(params.get("page")))
        counts = queries.status_counts(ledger, campaign)
    filters = {name: sum(counts.get(s, 0) for s in statuses) for name, statuses in queries.QUEUE_FILTERS.items()}
    return render(request, "queue.html", page=page, status=status, filters=filters, campaigns=campaigns,
                  accounts=accounts, campaign=campaign, account=account, zone_of=desk.zone_of, rehearsal=rehearsal)


@contextmanager
def _chosen_ledger(request: Request, desk: Desk) -> Iterator[tuple[Ledger, Any]]:
    """The real ledger, or with ?ledger=rehearsal the last rehearsal's (read-only; a banner says which)."""
    from bot.web.rehearsal import last_rehearsal

    if request.query_params.get("ledger") != "rehearsal":
        yield desk.ledger, None
        return
    with last_rehearsal(desk.settings) as (ledger, info):
        yield (ledger, info or "unknown") if ledger is not None else (_no_ledger(), "none")


async def history_page(request: Request) -> Response:
    if isinstance(user := _signed_in(request), Response):
        return user
    return await run_in_threadpool(_history, request, _desk(request))


def _history(request: Request, desk: Desk) -> Response:
    with _chosen_ledger(request, desk) as (ledger, rehearsal):
        page = queries.history_page(ledger, _int(request.query_params.get("page")))
    return render(request, "history.html", page=page, zone_of=desk.zone_of, rehearsal=rehearsal)


async def post_page(request: Request) -> Response:
    if isinstance(user := _signed_in(request), Response):
        return user
    return await run_in_threadpool(show_post, request, int(request.path_params["post_id"]))


def show_post(request: Request, post_id: int, *, status: int = 200, error: str | None = None,
              draft_text: str | None = None) -> Response:
    """The post page; after a refused action it is shown again with the reason (and the text as typed)."""
    from bot.ledger.edits import audit_entries, edits_of, version_of
    from bot.preview.planned import ReportLookup
    from bot.web.postview import allowed_actions, mockup, swap_choices

    desk = _desk(request)
    try:
        post = desk.ledger.get(post_id)
    except InputError:
        return render(request, "error.html", status_code=404, message=f"There is no post {post_id}.")
    zone = desk.zone_of(post.campaign)
    report = ReportLookup(desk.settings)(post.report)
    view = mockup(post, zone, report, desk.settings)
    return render(request, "post_page.html", status_code=status, utc=dt.UTC, post=post, view=view, zone=zone,
                  report=report,
                  version=version_of(post), can=allowed_actions(post), error=error,
                  text=draft_text if draft_text is not None else str(post.payload.get("text") or ""),
                  attempts=desk.ledger.attempts(post.id), edits=edits_of(desk.ledger, post.id),
                  audit=audit_entries(desk.ledger, limit=50, target=f"post {post.id}"),
                  choices=swap_choices(report, post.finding_rank) if post.kind == "highlight" else [],
                  local_due=post.due_at.astimezone(zone), page={"report": report, "language": "en"})


async def card_png(request: Request) -> Response:
    """The quote card of a highlight's finding, drawn by `bot card`'s own renderer (the post page shows it
    even when the campaign does not attach cards)."""
    if isinstance(user := _signed_in(request), Response):
        return user
    png = await run_in_threadpool(_card_bytes, _desk(request), int(request.path_params["post_id"]))
    if png is None:
        return Response("no quote card for this post", status_code=404, media_type="text/plain")
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})


def _card_bytes(desk: Desk, post_id: int) -> bytes | None:
    from bot.content.findings import rank_findings
    from bot.preview.cards import _open_logo, card_content, logo_path, render_card, style_from
    from bot.preview.planned import ReportLookup

    try:
        post = desk.ledger.get(post_id)
    except InputError:
        return None
    report = ReportLookup(desk.settings)(post.report)
    if report is None or not post.finding_rank:
        return None
    findings = [f for f in rank_findings(report, top=post.finding_rank) if f.rank == post.finding_rank]
    if not findings:
        return None
    logo = logo_path(desk.settings)
    try:
        size = "facebook" if post.platform == "facebook" else "x"
        return render_card(card_content(report, findings[0], desk.settings), size,  # the post's own final text
                           style_from(desk.settings), _open_logo(logo) if logo else None)
    except InputError:  # too long for a card, or a character the font cannot draw
        return None


async def reports_page(request: Request) -> Response:
    if isinstance(user := _signed_in(request), Response):
        return user
    from bot.web.reports import list_reports

    return render(request, "reports.html", reports=await run_in_threadpool(list_reports, _desk(request).settings))


async def report_page(request: Request) -> Response:
    if isinstance(user := _signed_in(request), Response):
        return user
    from bot.web.reports import report_findings

    found = await run_in_threadpool(report_findings, _desk(request), request.path_params["slug"])
    if found is None:
        return render(request, "error.html", status_code=404, message="There is no such report in content/.")
    return render(request, "report.html", **found)


async def runs_page(request: Request) -> Response:
    if isinstance(user := _signed_in(request), Response):
        return user
    from bot.web.reports import journals, read_journal

    desk = _desk(request)
    files = await run_in_threadpool(journals, desk.settings)
    chosen = next((f for f in files if f.name == request.query_params.get("file")), files[0] if files else None)
    entries = await run_in_threadpool(read_journal, chosen.path) if chosen else []
    return render(request, "runs.html", files=files, chosen=chosen, entries=entries)


async def audit_page(request: Request) -> Response:
    if isinstance(user := _signed_in(request), Response):
        return user
    from bot.ledger.edits import audit_entries

    desk = _desk(request)
    return render(request, "audit.html", entries=await run_in_threadpool(audit_entries, desk.ledger),
                  zone=desk.default_zone)


async def login_page(request: Request) -> Response:
    return render(request, "login.html", next=_safe_next(request.query_params.get("next")), error=None)


async def preview_css(request: Request) -> Response:
    """The preview's stylesheet, so the desk's mock-ups look exactly like `bot preview`'s."""
    from importlib.resources import files

    css = files("bot.preview").joinpath("templates/preview.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=3600"})


def _safe_next(value: str | None) -> str:
    """Only a local path: never an open redirect to another site."""
    return value if value and value.startswith("/") and not value.startswith("//") and "\\" not in value else "/"
