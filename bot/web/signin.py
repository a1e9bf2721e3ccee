"""Signing in and out. Wrong passwords are throttled per user name and per client address (five within
fifteen minutes block both for fifteen minutes, the right password included); a successful sign-in gets a
fresh CSRF token, so a token seen before signing in is worthless after."""

from __future__ import annotations

import math
import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from bot.web.app import Desk, current_user, redirect, render
from bot.web.pages import _safe_next
from bot.web.security import csrf_ok, find_user, verify_password


async def login(request: Request) -> Response:
    form = await request.form()
    desk: Desk = request.app.state.desk
    session = request.state.session
    name, password = str(form.get("username") or "")[:120], str(form.get("password") or "")
    target = _safe_next(str(form.get("next") or "/"))
    if not csrf_ok(session, str(form.get("csrf") or "")):
        return render(request, "login.html", status_code=403, next=target,
                      error="The sign-in form expired: reload the page and try again.")
    if not desk.settings.web.users:
        return redirect(request, target)  # nobody to sign in as: loopback desk, or the proxy signs users in
    keys = (f"user:{name}", f"ip:{request.client.host if request.client else '?'}")
    wait = desk.throttle.blocked_for(*keys)
    if wait is not None:
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        return render(request, "login.html", status_code=429, next=target,
                      error=f"Too many wrong passwords: sign-in is paused for {minutes} more minute(s).")
    user = find_user(desk.settings.web, name)
    if not await run_in_threadpool(verify_password, user, password):
        desk.throttle.failed(*keys)
        return render(request, "login.html", status_code=401, next=target, error="Wrong user name or password.")
    desk.throttle.succeeded(name)
    session.user, session.csrf, session.changed = name, secrets.token_urlsafe(32), True
    return redirect(request, target, f"Signed in as {name}.")


async def logout(request: Request) -> Response:
    form = await request.form()
    session = request.state.session
    if current_user(request) is not None and not csrf_ok(session, str(form.get("csrf") or "")):
        return render(request, "error.html", status_code=403,
                      message="The form expired: reload the page and try again.")
    session.user, session.csrf, session.changed = None, secrets.token_urlsafe(32), True
    return redirect(request, "/login", "Signed out.")
