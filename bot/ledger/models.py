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
