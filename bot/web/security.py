"""Who is asking, and may they: sign-in (argon2 password hashes, or a trusted reverse-proxy header), the
signed session cookie, CSRF tokens and the login throttle.

The session lives in one cookie signed with itsdangerous (HttpOnly, SameSite=Lax, Secure when the request
came over TLS); it holds the user name, the CSRF token and at most one flash message — nothing secret. The
signing key comes from BOT_WEB_SECRET_KEY or is made fresh per process (sessions then end with a restart).
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
import secrets
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from bot.settings import WebSection, WebUser

COOKIE = "desk_session"
SECRET_ENV = "BOT_WEB_SECRET_KEY"
LOCAL_USER = WebUser(name="local", role="editor")  # no users configured: loopback only, see bot.cli.serve
# Login throttle: this many wrong passwords for one user name or from one address within WINDOW blocks both
# for WINDOW (a right password is refused too meanwhile, so guessing cannot go on).
MAX_FAILURES = 5
WINDOW = dt.timedelta(minutes=15)


def hash_password(password: str) -> str:
    """An argon2id hash for `[[web.users]] password_hash` (argon2-cffi's default, RFC 9106 parameters)."""
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


_DUMMY_HASH: list[str] = []


def verify_password(user: WebUser | None, password: str) -> bool:
    """True when `password` matches the user's hash. An unknown user is checked against a dummy hash so the
    answer takes as long either way (no user-name probing by timing)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password(secrets.token_hex(16)))
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH[0]
    try:
        return PasswordHasher().verify(stored, password) and user is not None and bool(user.password_hash)
    except (VerificationError, InvalidHashError):
        return False


@dataclass
class Session:
    user: str | None
    csrf: str
    flash: str | None = None
    changed: bool = False


class SessionCodec:
    """Signs and reads the session cookie; a cookie older than `max_age` or tampered with is a new session."""

    def __init__(self, secret: str | None, max_age: dt.timedelta) -> None:
        self.serializer = URLSafeTimedSerializer(secret or os.environ.get(SECRET_ENV) or secrets.token_hex(32),
                                                 salt="bot-desk-session")
        self.max_age = max_age

    def load(self, raw: str | None) -> Session:
        if raw:
            try:
                data = self.serializer.loads(raw, max_age=int(self.max_age.total_seconds()))
                return Session(user=data.get("u"), csrf=str(data["c"]), flash=data.get("f"))
            except (BadSignature, KeyError, TypeError, ValueError):
                pass
        return Session(user=None, csrf=secrets.token_urlsafe(32), changed=True)

    def dump(self, session: Session) -> str:
        return str(self.serializer.dumps({"u": session.user, "c": session.csrf, "f": session.flash}))

    def cookie_options(self, secure: bool) -> dict[str, Any]:
        return {"max_age": int(self.max_age.total_seconds()), "httponly": True, "samesite": "lax", "secure": secure,
                "path": "/"}


def csrf_ok(session: Session, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(session.csrf, str(submitted))


class LoginThrottle:
    """Counts wrong passwords per user name and per client address within a sliding window (in memory: a
    restart forgets them, which only ever helps the real user)."""

    def __init__(self, clock: Callable[[], dt.datetime]) -> None:
        self.clock = clock
        self.failures: dict[str, deque[dt.datetime]] = {}
        self.lock = threading.Lock()

    def _recent(self, key: str, now: dt.datetime) -> deque[dt.datetime]:
        times = self.failures.setdefault(key, deque())
        while times and times[0] <= now - WINDOW:
            times.popleft()
        return times

    def blocked_for(self, *keys: str) -> dt.timedelta | None:
        """How long sign-in stays refused for these keys (None: not throttled)."""
        now = self.clock()
        with self.lock:
            waits = [times[0] + WINDOW - now for key in keys
                     if len(times := self._recent(key, now)) >= MAX_FAILURES]
        return max(waits) if waits else None

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self.lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, name: str) -> None:
        with self.lock:
            self.failures.pop(f"user:{name}", None)


def find_user(web: WebSection, name: str | None) -> WebUser | None:
    if not web.has_users:
        return LOCAL_USER
    return next((user for user in web.users if user.name == name), None) if name else None


def proxy_user(web: WebSection, headers: Any) -> WebUser | None:
    """The user named by the trusted proxy header, if configured and the name is a configured user."""
    if web.trusted_user_header is None:
        return None
    return find_user(web, headers.get(web.trusted_user_header))
