"""SQLAlchemy models of the ledger. Every state change goes through `bot.ledger.store` in one transaction.

Status life cycle:

    draft ──approve──► pending ──claim──► sending ──► posted
      │                  │  ▲               │ ├──► failed       (Rejected, AuthExpired/Invalid, attempts used up)
      │                  │  └── Transient/RateLimited (due_at moved later, attempts+1)
      │                  │                  │ ├──► duplicate    (the platform refused duplicate content)
      │                  │                  │ └──► unconfirmed  (Ambiguous, and the lookup could not tell)
      │                  ├──► missed     (overdue beyond the grace window while the bot was down)
      │                  └──► cancelled  (campaign edited/removed, `bot cancel`)
      └──► expired  (still unapproved at its time: never sent late)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

STATUSES = (
    "draft",
    "pending",
    "sending",
    "posted",
    "failed",
    "duplicate",
    "cancelled",
    "unconfirmed",
    "missed",
    "expired",
)
# Posts that will still be published unless someone intervenes.
OPEN_STATUSES = ("draft", "pending", "sending")
# Posts whose outcome is final (the sync from schedules/ never touches them).
FINAL_STATUSES = ("posted", "failed", "duplicate", "cancelled", "missed", "expired")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores aware datetimes as UTC and gives them back aware (SQLite has no time zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the ledger; use aware UTC datetimes")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    pass


class Post(Base):
    """One post to publish on one account. `key` is stable across schedule syncs (campaign + slot), so
    re-applying the same campaign finds the same row instead of adding a new one."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("key", name="uq_posts_key"),
        Index("ix_posts_status_due", "status", "due_at"),
        Index("ix_posts_campaign", "campaign"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(255))
    campaign: Mapped[str | None] = mapped_column(String(120))
    report: Mapped[str] = mapped_column(String(200))
    account: Mapped[str] = mapped_column(String(80))
    platform: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))  # announcement | highlight | repost
    finding_rank: Mapped[int | None] = mapped_column(Integer)
    # Thread parts: part 0 is the head; later parts point at the head and reply to part n-1 when sent.
    thread_head_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    part_index: Mapped[int] = mapped_column(Integer, default=0)
    # The exact payload to send: {"text", "link", "media": [{"path","alt_text"}], "repost_of": id, ...}
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), default="pending")
    requires_approval: Mapped[bool] = mapped_column(default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    remote_id: Mapped[str | None] = mapped_column(String(100))
    remote_url: Mapped[str | None] = mapped_column(String(500))
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    posted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Attempt(Base):
    """One try at publishing a post, whatever its outcome: the audit trail `bot history` shows."""

    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(String(20))  # posted | transient | rate_limited | failed | ...
    detail: Mapped[str | None] = mapped_column(Text)
    runner: Mapped[str | None] = mapped_column(String(100))


class CampaignAnchor(Base):
    """When `bot schedule` first saw a campaign: the origin of its relative times ("+1d 10:00")."""

    __tablename__ = "campaign_anchors"

    campaign: Mapped[str] = mapped_column(String(120), primary_key=True)
    anchored_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class PostEdit(Base):
    """One change a reviewer made to an unpublished post in the review desk (`bot serve`): its text, its time
    or the finding a highlight carries. Old and new values are kept so the desk can show who changed what."""

    __tablename__ = "post_edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    field: Mapped[str] = mapped_column(String(20))  # text | due_at | finding
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    editor: Mapped[str] = mapped_column(String(120))
    edited_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AuditEntry(Base):
    """Every approval, edit and other change asked for in the review desk, refused ones included."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(30))  # approve | cancel | retry | repost | edit | reschedule | swap
    target: Mapped[str] = mapped_column(String(255))  # "post 12" or "campaign tgd5"
    outcome: Mapped[str] = mapped_column(String(20))  # done | refused | conflict
    detail: Mapped[str | None] = mapped_column(Text)


class SourceSeen(Base):
    """Autopilot: one report URL a source led to, claimed exactly once (unique canonical URL), whatever the
    feed's order or dates. `state`: claimed (being drafted) → drafted (campaign written and applied), or
    backfilled (archive, never posted), covered (a hand-written campaign has the report), duplicate (the page's
    canonical URL belongs to another row), refused (not a report, after retries)."""

    __tablename__ = "sources_seen"
    __table_args__ = (UniqueConstraint("url", name="uq_sources_seen_url"), Index("ix_sources_seen_source", "source"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(500))  # canonical
    source: Mapped[str] = mapped_column(String(60))  # the source that found it first
    language: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(20))
    slug: Mapped[str | None] = mapped_column(String(200))
    campaign: Mapped[str | None] = mapped_column(String(120))
    content_hash: Mapped[str | None] = mapped_column(String(64))  # of the ingested report (Markdown)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    first_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SourceState(Base):
    """Autopilot: what the last fetch of one configured source gave (conditional-request validators, backoff)."""

    __tablename__ = "source_states"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_fetch_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_ok_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20))  # new | ok | not_modified | failed | blocked
    last_error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    next_fetch_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class Notification(Base):
    """Autopilot: one message to the reviewers (a campaign awaits approval, or a reminder before its first draft
    would expire). Claimed by its unique (campaign, kind) so it goes out once; dry-run ones are recorded only."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("campaign", "kind", name="uq_notifications_campaign_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))  # approval | reminder
    mode: Mapped[str] = mapped_column(String(10))  # dry-run | live
    status: Mapped[str] = mapped_column(String(20))  # pending | sent | recorded | failed
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class SentText(Base):
    """Hardening: which post carries each text (with its link) on each account, so the runner never sends one
    text twice to one account. The primary key makes the reservation atomic, on PostgreSQL across runners too."""

    __tablename__ = "sent_texts"

    account: Mapped[str] = mapped_column(String(80), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of [text, link]
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
