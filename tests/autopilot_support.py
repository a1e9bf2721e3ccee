"""A project directory wired to the local test site (tests/autopilot_site.py): config with sources and
accounts, the shipped templates, an empty content/ and schedules/, a ledger under var/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from bot.ledger.db import open_ledger
from bot.ledger.models import Notification, Post, SourceSeen
from tests.autopilot_site import Site

ROOT = Path(__file__).resolve().parent.parent

CONFIG = """
[bot]
timezone = "Asia/Tokyo"

[watch]
host_delay_seconds = 0
timeout_seconds = {timeout}
recheck_minutes = 60
{watch_extra}

[notify]
urls = {notify}

[[accounts]]
name = "hci-x"
platform = "x"

[[accounts]]
name = "hci-facebook"
platform = "facebook"
page_id = "100000000000001"
{sources}
{extra}
"""

SOURCE = """
[[sources]]
name = "{name}"
kind = "{kind}"
url = "{url}"
language = "{language}"
accounts = ["hci-x", "hci-facebook"]
{extra}
"""


def source_block(name: str, kind: str, url: str, language: str = "en", extra: str = "") -> str:
    return SOURCE.format(name=name, kind=kind, url=url, language=language, extra=extra)


def index_source(site: Site, language: str = "en", name: str | None = None) -> str:
    return source_block(name or f"hci-{language}", "index", f"{site.base}/{language}/forum/hcpf9.php", language,
                        'selector = "ul.sessions a"\npattern = "hcpf9\\\\.php\\\\?\\\\d+$"')


def write_project(root: Path, sources: str, *, timeout: float = 5.0, notify: list[str] | None = None,
                  watch_extra: str = "", extra: str = "") -> None:
    (root / "config").mkdir(exist_ok=True)
    (root / "content").mkdir(exist_ok=True)
    (root / "schedules").mkdir(exist_ok=True)
    if not (root / "schedules" / "templates").exists():
        shutil.copytree(ROOT / "schedules" / "templates", root / "schedules" / "templates")
    (root / "config" / "bot.toml").write_text(
        CONFIG.format(timeout=timeout, notify=json.dumps(notify or []), sources=sources, watch_extra=watch_extra,
                      extra=extra), encoding="utf-8")


def ledger(root: Path) -> Any:
    return open_ledger(f"sqlite:///{root / 'var' / 'bot.sqlite3'}")


def seen_rows(root: Path) -> list[SourceSeen]:
    with ledger(root)() as session:
        rows = session.query(SourceSeen).order_by(SourceSeen.id).all()
        session.expunge_all()
        return rows


def posts(root: Path, campaign: str | None = None) -> list[Post]:
    with ledger(root)() as session:
        query = session.query(Post)
        if campaign is not None:
            query = query.filter(Post.campaign == campaign)
        rows = query.order_by(Post.id).all()
        session.expunge_all()
        return rows


def notifications(root: Path) -> list[Notification]:
    with ledger(root)() as session:
        rows = session.query(Notification).order_by(Notification.id).all()
        session.expunge_all()
        return rows


def journal(root: Path) -> list[dict[str, Any]]:
    path = root / "var" / "notifications.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def auto_campaigns(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "schedules" / "auto").glob("*.toml"))
