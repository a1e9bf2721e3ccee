"""Read-only ledger queries behind the desk's pages. Each page reads only what it shows (one time window, one
page of rows, counts by GROUP BY), so a ledger of 10,000 posts renders as fast as one of ten."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select

from bot.ledger.models import Post
from bot.ledger.store import QUEUE_STATUSES, Ledger

PER_PAGE = 100
# The queue's filters: a name a reviewer understands → the ledger statuses it covers.
QUEUE_FILTERS: dict[str, tuple[str, ...]] = {
    "all": QUEUE_STATUSES,
    "needs-approval": ("draft",),
    "pending": ("pending", "sending"),
    "failed": ("failed",),
    "unconfirmed": ("unconfirmed",),
    "missed": ("missed", "expired"),
}


@dataclass(frozen=True)
class PageOf:
    rows: list[Post]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def status_counts(ledger: Ledger, campaign: str | None = None) -> dict[str, int]:
    query = select(Post.status, func.count()).group_by(Post.status)
    if campaign:
        query = query.where(Post.campaign == campaign)
    with ledger.session_factory() as session:
        return {status: count for status, count in session.execute(query)}


def campaign_names(ledger: Ledger) -> list[str]:
    query = select(Post.campaign).where(Post.campaign.is_not(None)).distinct().order_by(Post.campaign)
    with ledger.session_factory() as session:
        return [name for name in session.scalars(query) if name]


def account_names(ledger: Ledger) -> list[str]:
    with ledger.session_factory() as session:
        return list(session.scalars(select(Post.account).distinct().order_by(Post.account)))


def queue_page(ledger: Ledger, statuses: Sequence[str], *, campaign: str | None, account: str | None,
               page: int) -> PageOf:
    """One page of the queue, soonest first."""
    where: list[ColumnElement[bool]] = [Post.status.in_(list(statuses))]
    if campaign:
        where.append(Post.campaign == campaign)
    if account:
        where.append(Post.account == account)
    with ledger.session_factory() as session:
        total = session.scalar(select(func.count()).select_from(Post).where(*where)) or 0
        page = min(max(1, page), max(1, -(-total // PER_PAGE)))
        rows = session.scalars(select(Post).where(*where).order_by(Post.due_at, Post.id)
                               .offset((page - 1) * PER_PAGE).limit(PER_PAGE))
        return PageOf(list(rows), total, page)


def history_page(ledger: Ledger, page: int) -> PageOf:
    """Published posts, most recent first."""
    where = Post.status == "posted"
    with ledger.session_factory() as session:
        total = session.scalar(select(func.count()).select_from(Post).where(where)) or 0
        page = min(max(1, page), max(1, -(-total // PER_PAGE)))
        rows = session.scalars(select(Post).where(where).order_by(Post.posted_at.desc(), Post.id.desc())
                               .offset((page - 1) * PER_PAGE).limit(PER_PAGE))
        return PageOf(list(rows), total, page)


def posts_between(ledger: Ledger, start: dt.datetime, end: dt.datetime, campaign: str | None) -> list[Any]:
    """Posts due in [start, end) (UTC instants), in time order; for the calendar. Only the columns it shows
    (plain rows, not ORM objects: a month of a busy ledger is thousands of posts)."""
    columns = (Post.id, Post.due_at, Post.platform, Post.account, Post.kind, Post.finding_rank, Post.status,
               Post.campaign, Post.payload)
    query = select(*columns).where(Post.due_at >= start, Post.due_at < end).order_by(Post.due_at, Post.id)
    if campaign:
        query = query.where(Post.campaign == campaign)
    with ledger.session_factory() as session:
        return list(session.execute(query))


def first_due(ledger: Ledger, campaign: str | None, now: dt.datetime) -> dt.datetime | None:
    """The next open post's time (or the campaign's first post): where the calendar opens by default."""
    with ledger.session_factory() as session:
        query = select(func.min(Post.due_at)).where(Post.status.in_(("draft", "pending")), Post.due_at >= now)
        if campaign:
            query = query.where(Post.campaign == campaign)
        found = session.scalar(query)
        if found is None and campaign:
            found = session.scalar(select(func.min(Post.due_at)).where(Post.campaign == campaign))
    if found is not None and found.tzinfo is None:
        found = found.replace(tzinfo=dt.UTC)
    return found


def thread_parts(ledger: Ledger, post: Post) -> list[Post]:
    head = post.thread_head_id or post.id
    with ledger.session_factory() as session:
        return list(session.scalars(select(Post).where((Post.id == head) | (Post.thread_head_id == head))
                                    .order_by(Post.part_index)))
