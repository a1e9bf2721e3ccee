"""Telling reviewers a campaign waits for approval (and reminding them before its first draft would expire).

Each message is claimed in the ledger by (campaign, kind), so two runners or a restart never send it twice
(a crash between sending and recording may repeat it once: a reminder twice beats none). Dry-run is the
default: the message is recorded in the ledger and in var/notifications.jsonl, nothing is sent. Live, it goes
to every `[notify] urls` entry through Apprise; `${VAR}` parts of the URLs are read from the environment at
that moment, registered as secrets (masked in logs), and never written anywhere — the journal and the ledger
name a target by its scheme only (`slack://…`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from bot.ledger.models import Post, SourceSeen
from bot.sources import store
from bot.sources.config import env_references, expand_env, redacted

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from bot.ledger.claims import SessionFactory
    from bot.settings import Settings

log = logging.getLogger("bot.autopilot")
MAX_TEXT = 400
ABANDONED = dt.timedelta(minutes=10)  # a claimed message not sent by then: its sender died


@dataclass(frozen=True)
class Sent:
    campaign: str
    kind: str
    status: str  # recorded | sent | failed
    title: str


def journal_path(settings: Settings) -> Path:
    return Path(os.environ.get("BOT_NOTIFY_JOURNAL") or Path(settings.bot.var_dir) / "notifications.jsonl")


def _awaiting(factory: SessionFactory) -> dict[str, list[Post]]:
    """Autopilot campaigns with drafts still to come, their drafts in time order."""
    with factory() as session:
        names = set(session.scalars(select(SourceSeen.campaign).where(SourceSeen.campaign.is_not(None))))
        rows = session.scalars(select(Post).where(Post.campaign.in_(names), Post.status == "draft")
                               .order_by(Post.due_at, Post.id))
        drafts: dict[str, list[Post]] = {}
        for row in rows:
            drafts.setdefault(row.campaign or "", []).append(row)
        session.expunge_all()
        return drafts


def _title_of(factory: SessionFactory, campaign: str) -> tuple[str, str]:
    with factory() as session:
        row = session.scalars(select(SourceSeen).where(SourceSeen.campaign == campaign)).first()
        return (row.slug or campaign, row.url) if row else (campaign, "")


def compose(settings: Settings, campaign: str, drafts: list[Post], *, kind: str, zone: ZoneInfo,
            report: str, url: str) -> tuple[str, str]:
    """(title, body): the report, every draft's text with its account and time, and how to approve."""
    first = drafts[0].due_at.astimezone(zone)
    if kind == "reminder":
        title = f"Reminder: campaign {campaign} expires at {first:%Y-%m-%d %H:%M %Z} unless approved"
    else:
        title = f"Campaign {campaign} awaits approval ({len(drafts)} drafts)"
    lines = [f"Report: {_report_title(settings, report)}", f"Page: {url}", ""]
    for post in [p for p in drafts if p.kind != "repost"]:
        text = " ".join(str(post.payload.get("text") or "").split())
        lines.append(f"— {post.due_at.astimezone(zone):%Y-%m-%d %H:%M %Z} · {post.account} · {post.kind}")
        lines.append(text[:MAX_TEXT] + ("…" if len(text) > MAX_TEXT else ""))
    reposts = [p.due_at.astimezone(zone) for p in drafts if p.kind == "repost"]
    if reposts:
        lines.append(f"— and {len(reposts)} repost(s) of these from {min(reposts):%Y-%m-%d} to {max(reposts):%Y-%m-%d}")
    hint = settings.notify.approve_hint.format(campaign=campaign)
    lines += ["", f"Approve: {hint}   (review first: bot queue · bot preview; drop it: delete "
              f"schedules/auto/{campaign}.toml, then bot schedule)",
              f"Unapproved drafts expire at their time; the first is due {first:%Y-%m-%d %H:%M %Z}."]
    return title, "\n".join(lines)


def _report_title(settings: Settings, slug: str) -> str:
    from bot.content.markdown_io import load_report
    from bot.errors import InputError

    try:
        return load_report(Path(settings.bot.content_dir) / f"{slug}.md").title
    except InputError:
        return slug


def notify_reviewers(settings: Settings, factory: SessionFactory, *, now: dt.datetime, live: bool) -> list[Sent]:
    """Claim and send the approval messages and reminders that are due, and retry failed ones."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(settings.bot.timezone)
    remind = dt.timedelta(minutes=settings.notify.remind_before_minutes)
    mode = "live" if live else "dry-run"
    mine: set[int] = set()
    for campaign, drafts in _awaiting(factory).items():
        report, url = _title_of(factory, campaign)
        kinds = ["approval"] + (["reminder"] if drafts[0].due_at - remind <= now else [])
        for kind in kinds:
            title, body = compose(settings, campaign, drafts, kind=kind, zone=zone, report=report, url=url)
            claimed = store.claim_notification(factory, campaign=campaign, kind=kind, mode=mode, title=title,
                                               body=body, now=now)
            if claimed is not None:
                mine.add(claimed)
    sent: list[Sent] = []
    for row in store.unsent_notifications(factory):
        abandoned = row.status == "pending" and row.created_at < now - ABANDONED
        if row.id not in mine and row.status == "pending" and not abandoned:
            continue  # another process claimed it a moment ago and is sending it
        status, error = _deliver(settings, row.title, row.body, campaign=row.campaign, kind=row.kind, live=live,
                                 now=now)
        store.mark_notification(factory, row.id, status=status, now=now, error=error)
        sent.append(Sent(row.campaign, row.kind, status, row.title))
    return sent


def _deliver(settings: Settings, title: str, body: str, *, campaign: str, kind: str, live: bool,
             now: dt.datetime) -> tuple[str, str | None]:
    targets = [redacted(url) for url in settings.notify.urls]
    status, error = "recorded", None
    if live and settings.notify.urls:
        status, error = _send_apprise(settings.notify.urls, title, body)
    entry = {"at": now.isoformat(), "campaign": campaign, "kind": kind, "mode": "live" if live else "dry-run",
             "status": status, "targets": targets, "title": title, "body": body, "error": error}
    path = journal_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as journal:
        journal.write(json.dumps(entry, ensure_ascii=False) + "\n")
    log.info("notification %s for %s: %s", kind, campaign, status,
             extra={"fields": {"campaign": campaign, "kind": kind, "status": status, "targets": targets}})
    return status, error


def _send_apprise(urls: tuple[str, ...], title: str, body: str) -> tuple[str, str | None]:
    import apprise

    from bot.logs import register_secrets

    box = apprise.Apprise()
    for url in urls:
        try:
            values = [os.environ[name] for name in env_references(url)]
            register_secrets(values)
            expanded = expand_env(url, dict(os.environ))
        except KeyError as missing:
            return "failed", f"{redacted(url)}: environment variable {missing} is not set"
        if not box.add(expanded):
            return "failed", f"{redacted(url)}: Apprise does not understand this URL"
    ok = box.notify(title=title, body=body)
    return ("sent", None) if ok else ("failed", "Apprise could not deliver to every target (see the log)")
