"""Helpers for the review-desk tests: a project copy with a campaign awaiting approval applied to a ledger,
the desk app over it with an injected clock, and reviewers with cheap argon2 hashes (same algorithm, low cost,
so signing in many times stays fast)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from starlette.testclient import TestClient

from bot.ledger.store import Ledger
from bot.settings import Settings, WebSection, WebUser, load_settings

NOW = dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)  # 09:00 in Tokyo
SLUG = "tgd5-part3-2-future-of-international-security"
CAMPAIGN = "desk-review"
CAMPAIGN_TOML = f"""\
[campaign]
name = "{CAMPAIGN}"
report = "{SLUG}"
timezone = "Asia/Tokyo"
accounts = ["jiia-x", "jiia-facebook"]
approval = true

[announcement]
at = "2026-12-03T10:00"

[highlights]
count = 3
start = "2026-12-04"
daily_at = "12:00"
"""
PASSWORDS = {"erin": "editor-pass-1", "vic": "viewer-pass-1"}
_FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def reviewers(**extra: Any) -> WebSection:
    return WebSection(users=(WebUser(name="erin", role="editor", password_hash=_FAST.hash(PASSWORDS["erin"])),
                             WebUser(name="vic", role="viewer", password_hash=_FAST.hash(PASSWORDS["vic"]))),
                      **extra)


@dataclass
class Clock:
    now: dt.datetime = NOW

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class DeskWorld:
    settings: Settings
    ledger: Ledger
    clock: Clock
    client: TestClient
    extra: dict[str, Any] = field(default_factory=dict)

    def posts(self) -> dict[str, Any]:
        return {p.key: p for p in self.ledger.list_posts()}

    def x_highlight(self) -> Any:
        return self.posts()[f"{CAMPAIGN}:jiia-x:highlight:1:0"]


def build_world(project_dir: Any, monkeypatch: Any, *, web: WebSection | None = None,
                url: str | None = None) -> DeskWorld:
    """The sample report's campaign (approval = true) applied to a fresh ledger, and the desk over it."""
    from bot.ledger.db import open_ledger
    from bot.schedule.sync import apply_campaigns
    from bot.web.app import create_app

    (project_dir / "schedules").mkdir(exist_ok=True)
    for old in (project_dir / "schedules").glob("*.toml"):
        old.unlink()
    (project_dir / "schedules" / "desk.toml").write_text(CAMPAIGN_TOML, encoding="utf-8")
    monkeypatch.setenv("BOT_DATABASE_URL", url or f"sqlite:///{project_dir / 'var' / 'desk.sqlite3'}")
    settings = load_settings().model_copy(update={"web": web if web is not None else reviewers()})
    apply_campaigns(settings, now=NOW)
    ledger = Ledger(open_ledger(settings.database_url))
    clock = Clock()
    app = create_app(settings, ledger, clock=clock, secret_key="test-signing-key")
    return DeskWorld(settings, ledger, clock, TestClient(app, base_url="http://127.0.0.1", follow_redirects=False))


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def version_of_page(html: str) -> str:
    found = re.search(r'name="version" value="([^"]+)"', html)
    assert found, "no version field on the page"
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str | None = None) -> str:
    """Sign in; returns the session's CSRF token (a fresh one: it changes at sign-in)."""
    page = client.get("/login")
    answer = client.post("/login", data={"csrf": csrf_of(page.text), "username": name,
                                         "password": password if password is not None else PASSWORDS[name],
                                         "next": "/calendar"}, follow_redirects=True)
    assert answer.status_code == 200, answer.text
    return csrf_of(answer.text)
