"""The desk's actions (POST). Every change needs a signed-in editor and the session's CSRF token; the ledger
function it calls decides whether the change still applies (a post the runner claimed meanwhile is refused
there, in its transaction). Every approval and change is written to the audit log, refused ones too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.errors import BotError, InputError
from bot.ledger.edits import EditConflict, TextRefused, record_audit
from bot.settings import WebUser
from bot.web.app import Desk, current_user, redirect, render
from bot.web.pages import show_post
from bot.web.security import csrf_ok

Handler = Callable[[Request, Desk, WebUser, FormData], Response]
CSRF_REFUSED = "The form expired or did not come from this desk (CSRF check failed): reload the page and try again."


def change(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap an action: signed in, CSRF token right, role editor; then run `handler` off the event loop."""

    async def endpoint(request: Request) -> Response:
        form = await request.form()
        user = current_user(request)
        if user is None:
            return render(request, "error.html", status_code=401, message="Sign in first.")
        if not csrf_ok(request.state.session, _field(form, "csrf")):
            return render(request, "error.html", status_code=403, message=CSRF_REFUSED)
        if user.role != "editor":
            return render(request, "error.html", status_code=403,
                          message=f"{user.name} is a viewer: only editors can approve or change posts.")
        desk: Desk = request.app.state.desk
        return await run_in_threadpool(handler, request, desk, user, form)

    return endpoint


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _post_id(request: Request) -> int:
    return int(request.path_params["post_id"])


def _audit(desk: Desk, user: WebUser, action: str, target: str, outcome: str, detail: str | None = None) -> None:
    record_audit(desk.ledger, actor=user.name, action=action, target=target, outcome=outcome, now=desk.clock(),
                 detail=detail)


def _run(request: Request, desk: Desk, user: WebUser, action: str, post_id: int, work: Callable[[], str],
         *, text: str | None = None) -> Response:
    """Do `work` (returns the success message); on refusal show the post again with the reason."""
    target = f"post {post_id}"
    try:
        message = work()
    except EditConflict as error:
        _audit(desk, user, action, target, "conflict", str(error))
        return show_post(request, post_id, status=409, error=str(error), draft_text=text)
    except InputError as error:
        _audit(desk, user, action, target, "refused", str(error))
        return show_post(request, post_id, status=422 if isinstance(error, TextRefused) else 409,
                         error=str(error), draft_text=text)
    _audit(desk, user, action, target, "done", message)
    return redirect(request, f"/posts/{post_id}", message)


# ── approvals and the operator's transitions (bot.ledger.store, like `bot approve/cancel/retry/repost`) ──
def approve(request: Request, desk: Desk, user: WebUser, form: FormData) -> Response:
    target = _field(form, "target").strip()
    back = _field(form, "back")
    back = back if back.startswith("/") and not back.startswith("//") else "/calendar"
    label = f"post {target}" if target.isdigit() else f"campaign {target}"
    try:
        count = desk.ledger.approve(int(target) if target.isdigit() else target, now=desk.clock())
    except BotError as error:
        _audit(desk, user, "approve", label, "refused", str(error))
        if target.isdigit():
            return show_post(request, int(target), status=409, error=str(error))
        return render(request, "error.html", status_code=409, message=str(error))
    message = f"approved {count} post(s) of {label}"
    _audit(desk, user, "approve", label, "done", message)
    return redirect(request, back, message)


def cancel(request: Request, desk: Desk, user: WebUser, form: FormData) -> Response:
    post_id = _post_id(request)
    return _run(request, desk, user, "cancel", post_id,
                lambda: f"cancelled {desk.ledger.cancel(post_id, now=desk.clock())} post(s)")


def retry(request: Request, desk: Desk, user: WebUser, form: FormData) -> Response:
    post_id = _post_id(request)

    def work() -> str:
        post = desk.ledger.retry(post_id, desk.clock())
        if post.status == "draft":
            return f"post {post_id} was never approved: it is a draft again, approve it to send it"
        return f"post {post_id} is pending again, due now"

    return _run(request, desk, user, "retry", post_id, work)


def repost(request: Request, desk: Desk, user: WebUser, form: FormData) -> Response:
    post_id = _post_id(request)

    def work() -> str:
        now = desk.clock()
        when = _local_time(form, desk.zone_of(desk.ledger.get(post_id).campaign)) if _field(form, "date") else now
        new = desk.ledger.add_repost(post_id, when, now=now)
        return f"repost {new.id} scheduled"

    return _run(request, desk, user, "repost", post_id, work)


# ── reviewers' edits (bot.ledger.edits) ────────────────────────────────────────────────────────────────
def edit(request: Request, desk: Desk, user: WebUser, form: FormData) -> Response:
    from bot.ledger.edits import edit_text

    post_id = _post_id(request)
    text = _field(form, "text").replace("\r\n", "\n")

    def work() -> str:
        edit_text(desk.ledger, post_id, text, version=_field(form, "version"), editor=user.name, now=desk.clock(),
                  settings=desk.settings)
        return f"post {post_id}: text saved"

    return _run(request, desk, user, "edit", post_id, work, text=text)


def reschedule(request: Request, desk: Desk, user: WebUser, form: FormData) -> Response:
    from bot.ledger.edits import reschedule as move

    post_id = _post_id(request)

    def work() -> str:
        zone = desk.zone_of(desk.ledger.get(post_id).campaign)
        when = _local_time(form, zone)
        move(desk.ledger, post_id, when, version=_field(form, "version"), editor=user.name, now=desk.clock())
        return f"post {post_id} moved to {when:%Y-%m-%d %H:%M %Z}"

    return _run(request, desk, user, "reschedule", post_id, work)


def swap(request: Request, desk: Desk, user: WebUser, form: FormData) -> Response:
    from bot.ledger.edits import swap_finding
    from bot.preview.planned import ReportLookup
    from bot.web.postview import swapped_payload

    post_id = _post_id(request)

    def work() -> str:
        rank = int(_field(form, "rank")) if _field(form, "rank").isdigit() else 0
        post = desk.ledger.get(post_id)
        report = ReportLookup(desk.settings)(post.report)
        if report is None or rank < 1:
            raise InputError(f"no finding #{rank} of report {post.report!r} to swap in")
        payload = swapped_payload(post, report, rank, desk.settings)
        swap_finding(desk.ledger, post_id, rank, payload, version=_field(form, "version"), editor=user.name,
                     now=desk.clock(), settings=desk.settings)
        return f"post {post_id} now carries finding #{rank}"

    return _run(request, desk, user, "swap", post_id, work)


def _local_time(form: FormData, zone: ZoneInfo) -> dt.datetime:
    """The form's date and time in the campaign's zone; a time the DST change skips is refused like in the
    campaign files (`bot.schedule.localtime`)."""
    from bot.schedule.localtime import parse_date, parse_time, resolve_local

    try:
        day, clock = parse_date(_field(form, "date")), parse_time(_field(form, "time"))
    except ValueError as error:
        raise InputError(str(error)) from None
    return resolve_local(dt.datetime.combine(day, clock), zone, source="reschedule", field="new time")


# ── the live counter: the very counting code of the composer and publishers ───────────────────────────
async def count(request: Request) -> Response:
    from bot.content.textcount import count_text, length_for
    from bot.publish.capabilities import PLATFORMS, capabilities_for

    form = await request.form()
    if current_user(request) is None:
        return JSONResponse({"error": "sign in first"}, status_code=401)
    token = request.headers.get("X-CSRF-Token") or _field(form, "csrf")
    if not csrf_ok(request.state.session, token):
        return JSONResponse({"error": "CSRF check failed"}, status_code=403)
    platform = _field(form, "platform") if _field(form, "platform") in PLATFORMS else "x"
    text = _field(form, "text").replace("\r\n", "\n")
    caps = capabilities_for(platform, request.app.state.desk.settings)
    length = length_for(text, caps.counting)
    valid = 0 < length <= caps.max_length and (caps.counting != "twitter" or count_text(text).valid)
    body: dict[str, Any] = {"length": length, "limit": caps.max_length, "over": length > caps.max_length,
                            "valid": valid}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
