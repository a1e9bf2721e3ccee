"""The review desk's ASGI application: `create_app(settings, ledger)` → a Starlette app.

A second thin face over the functions the commands call: pages read the ledger, actions call
`bot.ledger.store` (approve, cancel, retry, repost) and `bot.ledger.edits` (edit, reschedule, swap), and the
counter calls `bot.content.textcount`. It keeps no state of its own besides the signed session cookie and the
in-memory login throttle.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from bot.preview.views import safe_href
from bot.web.security import COOKIE, LoginThrottle, SessionCodec, find_user, proxy_user

if TYPE_CHECKING:
    from bot.ledger.store import Ledger
    from bot.settings import Settings, WebUser

HERE = Path(__file__).parent
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
# Scripts and styles only from the app itself; images may be data: URIs (quote cards); no framing.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


@dataclass
class Desk:
    """What every request needs: settings, the ledger, the clock, sessions and the throttle."""

    settings: Settings
    ledger: Ledger
    clock: Callable[[], dt.datetime]
    codec: SessionCodec
    throttle: LoginThrottle
    templates: jinja2.Environment
    _zones: dict[str, str] | None = field(default=None, repr=False)

    @cached_property
    def default_zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.bot.timezone)

    def zone_of(self, campaign: str | None) -> ZoneInfo:
        """The campaign's time zone from its file in schedules/ (the default zone if it has none or is gone)."""
        if self._zones is None:
            self._zones = _campaign_zones(self.settings)
        name = self._zones.get(campaign or "")
        return ZoneInfo(name) if name else self.default_zone


def _campaign_zones(settings: Settings) -> dict[str, str]:
    from bot.errors import BotError
    from bot.schedule.campaign import load_campaigns

    try:
        return {c.name: c.timezone for c in load_campaigns(settings)}
    except BotError:  # a broken campaign file is `bot schedule`'s business: show times in the default zone
        return {}


def templates() -> jinja2.Environment:
    """The desk's templates, then the preview's (the post mock-up is the preview's own `post.html`)."""
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.PackageLoader("bot.web", "templates"),
                                    jinja2.PackageLoader("bot.preview", "templates")]),
        autoescape=True,  # every {{ }} is HTML-escaped: report text and reviewers' text are untrusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["href"] = safe_href  # a link only from an http(s) URL, never javascript: or data:
    environment.filters["local"] = lambda when, zone: f"{when.astimezone(zone):%Y-%m-%d %H:%M %Z}" if when else ""
    return environment


class SessionMiddleware(BaseHTTPMiddleware):
    """Reads the signed session cookie into `request.state`, writes it back when it changed, and adds the
    security headers and a Server-Timing header (the bench reads it) to every response."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        started = time.perf_counter()
        desk: Desk = request.app.state.desk
        session = desk.codec.load(request.cookies.get(COOKIE))
        request.state.session = session
        response = await call_next(request)
        if session.changed:
            response.set_cookie(COOKIE, desk.codec.dump(session),
                                **desk.codec.cookie_options(request.url.scheme == "https"))
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response


def current_user(request: Request) -> WebUser | None:
    desk: Desk = request.app.state.desk
    web = desk.settings.web
    return proxy_user(web, request.headers) or find_user(web, request.state.session.user)


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    desk: Desk = request.app.state.desk
    session = request.state.session
    flash, session.flash = session.flash, None
    if flash:
        session.changed = True
    html = desk.templates.get_template(name).render(
        user=current_user(request), csrf=session.csrf, flash=flash, path=request.url.path,
        open_desk=not desk.settings.web.has_users, **context)
    return HTMLResponse(html, status_code=status_code)


def redirect(request: Request, to: str, flash: str | None = None) -> RedirectResponse:
    if flash:
        request.state.session.flash = flash
        request.state.session.changed = True
    return RedirectResponse(to, status_code=303)


def create_app(settings: Settings, ledger: Ledger, *, clock: Callable[[], dt.datetime] | None = None,
               secret_key: str | None = None, hosts: tuple[str, ...] = ()) -> Starlette:
    """The desk over `ledger`. `clock` gives aware UTC now (tests inject one); `hosts` are extra Host header
    values accepted (the --host served on), beside loopback and `[web] allowed_hosts`."""
    from bot.web.routes import routes

    now = clock or (lambda: dt.datetime.now(dt.UTC))
    desk = Desk(settings, ledger, now, SessionCodec(secret_key, dt.timedelta(hours=settings.web.session_hours)),
                LoginThrottle(now), templates())
    allowed = sorted({*LOOPBACK_HOSTS, *hosts, *settings.web.allowed_hosts})
    app = Starlette(
        routes=[*routes(), Mount("/static", StaticFiles(directory=HERE / "static"), name="static")],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=allowed), Middleware(SessionMiddleware)],
    )
    app.state.desk = desk
    return app
