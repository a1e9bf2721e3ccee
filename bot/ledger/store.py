"""Ledger queries and the operator's transitions (`bot queue/history/approve/cancel/retry/repost`).

Every method that changes state is one short transaction; a transition only applies to rows still in the
status it expects (a conditional UPDATE), so an operator command racing a runner never overwrites the
runner's outcome. Claiming and recording publish outcomes is `bot.ledger.claims` (the runner's side).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import BotError, InputError
from bot.ledger.models import Attempt, Post

if TYPE_CHECKING:
    from bot.ledger.planning import LedgerView
    from bot.settings import Settings

log = logging.getLogger("bot.ledger")
SessionFactory = sessionmaker[Session]
# What `bot queue` lists: everything not yet published or needing the operator's eye.
QUEUE_STATUSES = ("draft", "pending", "sending", "failed", "unconfirmed", "missed", "expired")
# Statuses an operator may put back in the queue with `bot retry`.
RETRYABLE = ("failed", "missed", "unconfirmed", "expired")
CANCELLABLE = ("draft", "pending")
# Marks a post `bot cancel` stopped (the sync revives only the posts it cancelled itself, never these).
OPERATOR_CANCELLED = "cancelled by the operator"
# A never-approved post put back by `bot retry` becomes a draft due this far ahead, so the operator has time
# to `bot approve` it before the runner expires it again (approval never happens after a post's time).
APPROVAL_WINDOW = dt.timedelta(hours=1)
# `bot repost --at` may lag the clock by this much (typing time); anything older is refused.
PAST_TOLERANCE = dt.timedelta(minutes=1)


def _restore_stranded_parts(session: Session, post: Post, now: dt.datetime) -> None:
    """Retrying a thread part (or its head) brings back the later parts that failed only because it died."""
    from bot.ledger.claims import STRANDED

    thread = post.thread_head_id or post.id
    rows = session.execute(
        update(Post)
        .where(or_(Post.thread_head_id == thread, Post.id == thread), Post.part_index > post.part_index,
               Post.status == "failed", Post.last_error.startswith(STRANDED, autoescape=True))
        .values(status="pending", due_at=now, attempts=0, claimed_by=None, claimed_at=None, updated_at=now,
                last_error=f"retried with part {post.part_index} of its thread")
        .execution_options(synchronize_session=False)
    )
    if rows.rowcount:  # type: ignore[attr-defined]
        count = rows.rowcount  # type: ignore[attr-defined]
        log.info("post %s: %d stranded later part(s) of its thread back to pending", post.id, count,
                 extra={"fields": {"post_id": post.id, "status": "pending", "reason": "retry", "parts": count}})


class Ledger:
    """The ledger as the rest of the bot sees it: queries return detached `Post` rows (safe to read after
    the session closed: the factory is built with expire_on_commit=False)."""

    def __init__(self, session_factory: SessionFactory) -> None:
        self.session_factory = session_factory

    # ── queries ─────────────────────────────────────────────────────────────────────────────────────
    def get(self, post_id: int | str) -> Post:
        """A post by id (or by key); InputError when there is none."""
        with self.session_factory() as session:
            post = _find(session, post_id)
            if post is None:
                raise InputError(f"no post with id or key {post_id!r}")
            return post

    def list_posts(self, statuses: Iterable[str] | None = None, campaign: str | None = None) -> list[Post]:
        """Posts in due order, optionally only those in `statuses` and/or of one campaign."""
        query = select(Post).order_by(Post.due_at, Post.id)
        if statuses is not None:
            query = query.where(Post.status.in_(list(statuses)))
        if campaign is not None:
            query = query.where(Post.campaign == campaign)
        with self.session_factory() as session:
            return list(session.scalars(query))

    def queue(self) -> list[Post]:
        """Posts still to be published or needing attention, soonest first."""
        return self.list_posts(QUEUE_STATUSES)

    def history(self, limit: int | None = None) -> list[Post]:
        """Published posts, most recent first."""
        query = select(Post).where(Post.status == "posted").order_by(Post.posted_at.desc(), Post.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with self.session_factory() as session:
            return list(session.scalars(query))

    def attempts(self, post_id: int) -> list[Attempt]:
        with self.session_factory() as session:
            return list(session.scalars(select(Attempt).where(Attempt.post_id == post_id).order_by(Attempt.id)))

    def planning_view(self) -> LedgerView:
        """What `bot plan`/`bot schedule` need: posted highlights, campaign anchors, campaign posts' statuses."""
        from bot.ledger.planning import planning_view

        with self.session_factory() as session:
            return planning_view(session.connection())

    def posted_highlights(self) -> dict[tuple[str, str], dict[int, str | None]]:
        """{(report, account): {finding_rank: campaign}} of highlights already posted (to avoid repeats)."""
        query = select(Post.report, Post.account, Post.finding_rank, Post.campaign).where(
            Post.status == "posted", Post.kind == "highlight", Post.finding_rank.is_not(None)
        )
        found: dict[tuple[str, str], dict[int, str | None]] = {}
        with self.session_factory() as session:
            for report, account, rank, campaign in session.execute(query):
                if rank is not None:
                    found.setdefault((report, account), {})[rank] = campaign
        return found

    # ── operator transitions ────────────────────────────────────────────────────────────────────────
    def approve(self, campaign_or_id: str | int, *, now: dt.datetime | None = None) -> int:
        """Drafts of a campaign (or one draft by id/key, with its thread parts) become pending. Returns how many.

        Drafts already past their time stay drafts here: the runner's `expire_unapproved` marks them expired,
        so approving late never sends a post late.
        """
        now = now or dt.datetime.now(dt.UTC)
        with self.transaction() as session:
            ref = str(campaign_or_id)
            target = Post.campaign == ref
            if not _has_campaign(session, ref):
                post = _find(session, campaign_or_id)
                if post is None:
                    raise InputError(f"no campaign or post {ref!r} in the ledger")
                if post.status != "draft":
                    raise InputError(f"post {post.id} is {post.status}, not a draft awaiting approval")
                target = _with_thread(post)
            rows = list(session.scalars(select(Post).where(target, Post.status == "draft", Post.due_at > now)))
            return _transition(session, rows, "draft", "pending", now, reason="approved")

    def cancel(self, post_id: int | str, *, now: dt.datetime | None = None) -> int:
        """Cancel a draft or pending post (a thread head cancels its unsent parts too). Returns rows changed."""
        now = now or dt.datetime.now(dt.UTC)
        with self.transaction() as session:
            post = _required(session, post_id)
            if post.status not in CANCELLABLE:
                raise InputError(f"post {post.id} is {post.status}: only draft or pending posts can be cancelled")
            rows = list(session.scalars(select(Post).where(_with_thread(post), Post.status.in_(CANCELLABLE))))
            return sum(_transition(session, [row], row.status, "cancelled", now, last_error=OPERATOR_CANCELLED,
                                   reason="operator") for row in rows)

    def retry(self, post_id: int | str, now: dt.datetime) -> Post:
        """Put a failed, missed, unconfirmed or expired post back in the queue with its attempt count reset.
        An unconfirmed post may in fact be online: the operator checked before retrying.

        A post that was never approved (`expired`: still a draft at its time) becomes a `draft` again, due
        APPROVAL_WINDOW from now, never `pending`: retrying must not bypass `bot approve`. Every other
        retryable post went through `pending` (approved, or needing no approval) and is due now."""
        with self.transaction() as session:
            post = _required(session, post_id)
            if post.status not in RETRYABLE:
                raise InputError(
                    f"post {post.id} is {post.status}: only {', '.join(RETRYABLE)} posts can be retried"
                )
            unapproved = needs_approval(post)
            status, due = ("draft", now + APPROVAL_WINDOW) if unapproved else ("pending", now)
            result = session.execute(
                update(Post)
                .where(Post.id == post.id, Post.status == post.status)
                .values(status=status, due_at=due, attempts=0, claimed_by=None, claimed_at=None, updated_at=now,
                        last_error="retried: needs approval" if unapproved else post.last_error)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise BotError(f"post {post.id} changed while retrying; try again")
            _log_change(post, status, previous=post.status, reason="retry", due_at=due.isoformat())
            _restore_stranded_parts(session, post, now)
            session.refresh(post)
            return post

    def add_repost(self, post_id: int | str, due_at: dt.datetime, *, payload: dict[str, Any] | None = None,
                   now: dt.datetime | None = None) -> Post:
        """A one-off repost of a published post, due at `due_at` (campaign None: `bot schedule` leaves it).
        A time more than PAST_TOLERANCE before `now` is refused: the runner would only mark it missed.

        `payload` defaults to a retweet on X and a new post linking the original on Facebook, built by
        `bot.schedule.reposts.one_off_payload` (which avoids a second retweet of the same post)."""
        from bot.schedule.reposts import content_hash, one_off_payload

        if due_at.tzinfo is None:
            raise InputError("repost time must carry a time zone")
        now = now or dt.datetime.now(dt.UTC)
        if due_at < now - PAST_TOLERANCE:
            raise InputError(f"repost time (--at) {due_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC is in the past; "
                             "give a time from now on (or leave --at out to repost now)")
        with self.transaction() as session:
            original = _required(session, post_id)
            if original.status != "posted":
                raise InputError(f"post {original.id} is {original.status}: only published posts can be reposted")
            if payload is None:
                payload = one_off_payload(original, retweeted=_retweeted(session, original.key))
            stamp = due_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            repost = Post(
                key=f"repost:{original.key}:{stamp}", campaign=None, report=original.report,
                account=original.account, platform=original.platform, kind="repost",
                finding_rank=original.finding_rank, part_index=0, payload=payload,
                content_hash=content_hash(payload), due_at=due_at, status="pending", requires_approval=False,
                attempts=0, created_at=now, updated_at=now,
            )
            if _find(session, repost.key) is not None:
                raise InputError(f"a repost of post {original.id} at {stamp} already exists")
            session.add(repost)
            session.flush()
            _log_change(repost, "pending", previous=None, reason="repost", due_at=due_at.isoformat())
            return repost

    def expire_unapproved(self, now: dt.datetime) -> int:
        """Drafts whose time has come without approval become `expired` (never sent late). Returns count."""
        with self.transaction() as session:
            result = session.execute(
                update(Post)
                .where(Post.status == "draft", Post.due_at <= now)
                .values(status="expired", last_error="not approved before its time", updated_at=now)
                .execution_options(synchronize_session=False)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE on SQLite, so it holds the write lock from the start)."""
        from bot.ledger.claims import write_transaction

        with write_transaction(self.session_factory) as session:
            yield session


def needs_approval(post: Post) -> bool:
    """Whether the post was never approved: `expired` is the one retryable status reached from `draft`
    (missed, failed and unconfirmed posts all went through `pending`, i.e. were approved or needed none)."""
    return post.status == "expired"


def _transition(session: Session, rows: list[Post], expected: str, status: str, now: dt.datetime,
                *, reason: str, **values: Any) -> int:
    """Move `rows` (all in `expected`) to `status` with a conditional UPDATE each, logging one line per row.
    Returns how many moved.

    The WHERE on the expected status keeps a racing runner's outcome: a row that changed is left alone."""
    moved = 0
    for row in rows:
        result = session.execute(
            update(Post)
            .where(Post.id == row.id, Post.status == expected)
            .values(status=status, updated_at=now, **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            moved += 1
            _log_change(row, status, previous=expected, reason=reason)
    return moved


def _log_change(post: Post, status: str, *, previous: str | None, **fields: Any) -> None:
    """One structured line per state change, like the runner's (ids and statuses only: no text, no secrets)."""
    data = {"post_id": post.id, "key": post.key, "account": post.account, "status": status, "previous": previous}
    data.update(fields)
    log.info("post %s → %s", post.id, status, extra={"fields": data})


MAX_POST_ID = 2**63 - 1  # the largest id a ledger can hold: a bigger number names no post (not an overflow)


def _find(session: Session, ref: int | str) -> Post | None:
    if (isinstance(ref, int) or str(ref).isdigit()) and 0 < int(ref) <= MAX_POST_ID:
        post = session.get(Post, int(ref))
        if post is not None:
            return post
    return session.scalars(select(Post).where(Post.key == str(ref))).first()


def _required(session: Session, ref: int | str) -> Post:
    post = _find(session, ref)
    if post is None:
        raise InputError(f"no post with id or key {ref!r}")
    return post


def _with_thread(post: Post) -> Any:
    """The post, and when it heads a thread, its later parts: approving or cancelling a head does both."""
    return or_(Post.id == post.id, Post.thread_head_id == post.id) if post.part_index == 0 else Post.id == post.id


def _has_campaign(session: Session, name: str) -> bool:
    return session.scalars(select(Post.id).where(Post.campaign == name).limit(1)).first() is not None


def _retweeted(session: Session, key: str) -> bool:
    """Whether a retweet of this post is already queued or done (X allows one retweet per post)."""
    rows = session.scalars(
        select(Post.payload).where(Post.kind == "repost", Post.status.in_(("pending", "sending", "posted")))
    )
    return any(p.get("repost_of") == key and p.get("mode") == "retweet" for p in rows)


def open_store(settings: Settings) -> Ledger:
    """The ledger at settings.database_url, migrated to the current schema (creates the SQLite file)."""
    from bot.ledger.db import open_ledger

    return Ledger(open_ledger(settings.database_url))


def open_existing_store(settings: Settings) -> Ledger | None:
    """The ledger for reading only: None when the SQLite file does not exist or the schema is not there.

    Never creates a file, a directory or a table: `bot plan` uses it and must change nothing.
    """
    from bot.ledger.db import current_revision, make_engine, parse_database_url

    url = parse_database_url(settings.database_url)
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database not in ("", ":memory:") and not Path(database).exists():
        return None
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            if current_revision(connection) is None:
                engine.dispose()
                return None
    except SQLAlchemyError as error:
        engine.dispose()
        from bot.ledger.db import unusable_database

        raise unusable_database(error) from None
    return Ledger(sessionmaker(engine, expire_on_commit=False))


def post_summary(post: Post, zone: ZoneInfo) -> dict[str, Any]:
    """The fields `bot queue/history --json` print (the payload's text included, never secrets)."""
    return {
        "id": post.id, "key": post.key, "campaign": post.campaign, "report": post.report, "account": post.account,
        "platform": post.platform, "kind": post.kind, "status": post.status, "finding_rank": post.finding_rank,
        "part_index": post.part_index, "due_at": post.due_at.isoformat(),
        "due_local": post.due_at.astimezone(zone).isoformat(), "attempts": post.attempts,
        "last_error": post.last_error, "remote_id": post.remote_id, "remote_url": post.remote_url,
        "posted_at": post.posted_at.isoformat() if post.posted_at else None,
        "text": post.payload.get("text"), "repost_of": post.payload.get("repost_of"),
    }
