"""Claiming due posts and recording what became of them: every state change is its own short transaction.

Why this shape: two `bot run` processes may share one database, so the only thing that keeps a post from
being published twice is the claim `pending → sending`, taken atomically:

- PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED` (a second runner skips the row instead of waiting), then
  a conditional UPDATE in the same transaction.
- SQLite: `BEGIN IMMEDIATE` (takes the write lock up front, so no two writers interleave) and an
  `UPDATE ... WHERE status = 'pending'` whose rowcount must be 1.

Outcomes are only recorded by the runner holding the claim (`status = 'sending' AND claimed_by = me`), so a
runner that lost its claim to crash reconciliation cannot overwrite the result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, bindparam, exists, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.ledger.models import Attempt, Post, UTCDateTime

SessionFactory = sessionmaker[Session]
# A thread part whose predecessor ended in one of these can never be sent.
DEAD_ENDS = ("failed", "duplicate", "cancelled", "missed", "expired", "unconfirmed")
# How the reason of a part failed only because an earlier part of its thread died begins.
STRANDED = "stranded: "


@dataclass(frozen=True, slots=True)
class ClaimedPost:
    """A plain snapshot of a claimed row, safe to use after its transaction closed."""

    id: int
    key: str
    account: str
    platform: str
    kind: str
    payload: dict[str, Any]
    due_at: dt.datetime
    attempts: int
    thread_head_id: int | None
    part_index: int
    claimed_by: str | None
    claimed_at: dt.datetime | None

    @classmethod
    def of(cls, post: Post) -> ClaimedPost:
        return cls(
            post.id, post.key, post.account, post.platform, post.kind, dict(post.payload), post.due_at,
            post.attempts, post.thread_head_id, post.part_index, post.claimed_by, post.claimed_at,
        )

    @property
    def text(self) -> str:
        return str(self.payload.get("text") or "")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What to write after an attempt: the post's new status and the Attempt row's outcome."""

    status: str  # posted | pending | failed | duplicate | unconfirmed
    attempt: str  # posted | transient | rate_limited | failed | duplicate | ambiguous | reconciled | ...
    detail: str | None = None
    remote_id: str | None = None
    remote_url: str | None = None
    due_at: dt.datetime | None = None  # new due time when going back to pending
    counts: bool = True  # counts toward max_attempts (a rate limit does not)


@contextmanager
def write_transaction(factory: SessionFactory) -> Iterator[Session]:
    """One write transaction; on SQLite it starts with BEGIN IMMEDIATE so it holds the write lock from the
    first statement (a deferred transaction that upgrades later can fail with 'database is locked')."""
    with factory() as session:
        if session.get_bind().dialect.name == "sqlite":
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


@lru_cache(maxsize=4)
def _claimable(with_exclusions: bool) -> Any:
    """Pending and due; a head (part 0) only within the grace window; a later part only once the part
    before it is posted (it must reply to that part's remote id). Built once with bind parameters
    (`now`, `cutoff`, `excluded`): constructing it per claim cost more than running it."""
    prev = aliased(Post)
    previous_posted = exists(
        select(prev.id).where(
            prev.status == "posted",
            prev.part_index == Post.part_index - 1,
            or_(prev.id == Post.thread_head_id, prev.thread_head_id == Post.thread_head_id),
        )
    )
    condition = and_(
        Post.status == "pending",
        Post.due_at <= bindparam("now", type_=UTCDateTime()),
        or_(
            and_(Post.part_index == 0, Post.due_at >= bindparam("cutoff", type_=UTCDateTime())),
            and_(Post.part_index > 0, previous_posted),
        ),
    )
    if with_exclusions:
        condition = and_(condition, Post.account.not_in(bindparam("excluded", expanding=True)))
    return condition


def _claimable_params(now: dt.datetime, grace_seconds: float, excluded: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {"now": now, "cutoff": now - dt.timedelta(seconds=grace_seconds)}
    if excluded:
        params["excluded"] = excluded
    return params


def claim_due_posts(
    factory: SessionFactory,
    *,
    runner_id: str,
    now: dt.datetime,
    grace_seconds: float,
    limit: int = 1,
    exclude_accounts: Iterable[str] = (),
    only_ids: Iterable[int] | None = None,
) -> list[ClaimedPost]:
    """Atomically move up to `limit` due posts from pending to sending for `runner_id`, oldest first.
    `only_ids`: claim none but these (`bot post --live` sends its own rows, never the campaigns')."""
    excluded = sorted(exclude_accounts)
    with write_transaction(factory) as session:
        query = select(Post).where(_claimable(bool(excluded))).order_by(Post.due_at, Post.id).limit(limit)
        if only_ids is not None:
            query = query.where(Post.id.in_(list(only_ids)))
        if _is_postgres(session):
            query = query.with_for_update(skip_locked=True, of=Post)
        claimed: list[ClaimedPost] = []
        for post in session.scalars(query, _claimable_params(now, grace_seconds, excluded)).all():
            result = session.execute(
                update(Post)
                .where(Post.id == post.id, Post.status == "pending")
                .values(status="sending", claimed_by=runner_id, claimed_at=now, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(replace(ClaimedPost.of(post), claimed_by=runner_id, claimed_at=now))
        return claimed


def record_outcome(
    factory: SessionFactory,
    post: ClaimedPost,
    outcome: Outcome,
    *,
    runner_id: str,
    started_at: dt.datetime,
    now: dt.datetime,
) -> bool:
    """Write the post's new state and its Attempt row in one transaction. False if the claim was lost."""
    values: dict[str, Any] = {"status": outcome.status, "updated_at": now, "last_error": outcome.detail}
    if outcome.counts:
        values["attempts"] = Post.attempts + 1
    if outcome.status == "posted":
        values.update(remote_id=outcome.remote_id, remote_url=outcome.remote_url, posted_at=now, last_error=None)
    if outcome.status == "pending":
        values.update(due_at=outcome.due_at or now, claimed_by=None, claimed_at=None)
    with write_transaction(factory) as session:
        result = session.execute(
            update(Post)
            .where(Post.id == post.id, Post.status == "sending", Post.claimed_by == runner_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return False
        session.add(
            Attempt(
                post_id=post.id, started_at=started_at, finished_at=now, outcome=outcome.attempt,
                detail=outcome.detail, runner=runner_id,
            )
        )
        return True


def take_over_claim(factory: SessionFactory, post: ClaimedPost, *, runner_id: str, now: dt.datetime) -> bool:
    """Move an abandoned `sending` claim to `runner_id` (only if nobody else did first)."""
    with write_transaction(factory) as session:
        result = session.execute(
            update(Post)
            .where(Post.id == post.id, Post.status == "sending", Post.claimed_by == post.claimed_by)
            .values(claimed_by=runner_id, claimed_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def posts_in_flight(factory: SessionFactory) -> list[ClaimedPost]:
    """Every post in `sending`, whoever claimed it."""
    with factory() as session:
        rows = session.scalars(select(Post).where(Post.status == "sending").order_by(Post.id)).all()
        return [ClaimedPost.of(p) for p in rows]


def _close_pending(
    session: Session, ids: list[int], status: str, reason: dict[int, str], now: dt.datetime
) -> list[int]:
    changed = []
    for post_id in ids:
        result = session.execute(
            update(Post)
            .where(Post.id == post_id, Post.status == "pending")
            .values(status=status, last_error=reason[post_id], updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            changed.append(post_id)
    return changed


def mark_missed(factory: SessionFactory, *, now: dt.datetime, grace_seconds: float) -> list[tuple[int, str]]:
    """Pending heads overdue beyond the grace window become `missed` (never sent late, never dropped
    silently). Returns (id, reason) for each, for the log."""
    cutoff = now - dt.timedelta(seconds=grace_seconds)
    with write_transaction(factory) as session:
        rows = session.execute(
            select(Post.id, Post.due_at).where(Post.status == "pending", Post.part_index == 0, Post.due_at < cutoff)
        ).all()
        reasons = {
            row.id: f"due {row.due_at.isoformat()} was more than {int(grace_seconds)} s ago (grace window)"
            for row in rows
        }
        changed = _close_pending(session, list(reasons), "missed", reasons, now)
        return [(i, reasons[i]) for i in changed]


def fail_stranded_parts(factory: SessionFactory, *, now: dt.datetime) -> list[tuple[int, str]]:
    """Thread parts whose previous part ended without being posted can never be sent: mark them failed —
    every later part of the thread in the same sweep (each pass fails the next level, until none is left).
    The reason starts with STRANDED, which `bot retry <head>` looks for to bring them back."""
    prev = aliased(Post)
    query = (
        select(Post.id, prev.status, prev.part_index)
        .join(prev, or_(prev.id == Post.thread_head_id, prev.thread_head_id == Post.thread_head_id))
        .where(Post.status == "pending", Post.part_index > 0, prev.part_index == Post.part_index - 1,
               prev.status.in_(DEAD_ENDS))
    )
    result: list[tuple[int, str]] = []
    with write_transaction(factory) as session:
        while True:
            rows = session.execute(query).all()
            reasons = {row[0]: f"{STRANDED}thread part {row[2]} ended as {row[1]}; this part cannot be sent"
                       for row in rows}
            changed = _close_pending(session, list(reasons), "failed", reasons, now)
            if not changed:
                return result
            result += [(i, reasons[i]) for i in changed]


def defer_held_back(
    factory: SessionFactory,
    ready_at: dict[str, dt.datetime],
    *,
    now: dt.datetime,
    grace_seconds: float,
    reasons: dict[str, str] | None = None,
) -> list[tuple[int, str, dt.datetime]]:
    """Heads due now (within grace) of accounts the runner itself holds back (pacing budget, rate-limit pause)
    get their due time moved to when the account may publish: the grace window is for time the bot was down,
    not for delays it imposed. `reasons[account]`, when given, is recorded in last_error. Returns
    (id, account, new due time) for each post moved."""
    if not ready_at:
        return []
    cutoff = now - dt.timedelta(seconds=grace_seconds)
    query = select(Post.id, Post.account, Post.due_at).where(
        Post.status == "pending", Post.part_index == 0, Post.account.in_(list(ready_at)),
        Post.due_at <= now, Post.due_at >= cutoff)
    with factory() as session:  # usually nothing to move: look before taking the write lock
        if session.execute(query.limit(1)).first() is None:
            return []
    moved: list[tuple[int, str, dt.datetime]] = []
    with write_transaction(factory) as session:
        for row in session.execute(query).all():
            ready = ready_at[row.account]
            values: dict[str, Any] = {"due_at": ready, "updated_at": now}
            if reasons and row.account in reasons:
                values["last_error"] = reasons[row.account]
            session.execute(update(Post).where(Post.id == row.id, Post.status == "pending").values(**values)
                            .execution_options(synchronize_session=False))
            moved.append((row.id, row.account, ready))
    return moved


def pending_due_times(factory: SessionFactory) -> list[tuple[int, dt.datetime]]:
    """(id, due_at) of every pending post: what the scheduler's wake-up jobs are rebuilt from."""
    with factory() as session:
        rows = session.execute(select(Post.id, Post.due_at).where(Post.status == "pending").order_by(Post.due_at))
        return [(row.id, row.due_at) for row in rows]


def find_post(factory: SessionFactory, ref: str | int) -> Post | None:
    """A post by id (int or digits) or by key: how a repost's payload names its original."""
    with factory() as session:
        if (isinstance(ref, int) or str(ref).isdigit()) and 0 < int(ref) < 2**63:  # larger: no such id
            post = session.get(Post, int(ref))
            if post is not None:
                return post
        return session.scalars(select(Post).where(Post.key == str(ref))).first()


def remote_id_of(factory: SessionFactory, post_id: int | None) -> str | None:
    if post_id is None:
        return None
    with factory() as session:
        return session.scalar(select(Post.remote_id).where(Post.id == post_id))


def previous_part_id(factory: SessionFactory, post: ClaimedPost) -> int | None:
    """The id of the part a thread part replies to (None for a head or a single post)."""
    if post.part_index == 0 or post.thread_head_id is None:
        return None
    if post.part_index == 1:
        return post.thread_head_id
    with factory() as session:
        return session.scalar(
            select(Post.id).where(Post.thread_head_id == post.thread_head_id, Post.part_index == post.part_index - 1)
        )


def posted_times(factory: SessionFactory, *, since: dt.datetime) -> dict[str, list[dt.datetime]]:
    """When each account posted since `since`, so pacing budgets survive a restart and are shared by runners."""
    with factory() as session:
        rows = session.execute(
            select(Post.account, Post.posted_at).where(Post.status == "posted", Post.posted_at >= since)
        )
        times: dict[str, list[dt.datetime]] = {}
        for account, posted_at in rows:
            if posted_at is not None:
                times.setdefault(account, []).append(posted_at)
        return times


def status_counts(factory: SessionFactory, ids: Iterable[int] | None = None) -> dict[str, int]:
    """How many posts are in each status (all posts, or those in `ids`)."""
    from sqlalchemy import func

    with factory() as session:
        query = select(Post.status, func.count()).group_by(Post.status)
        if ids is not None:
            query = query.where(Post.id.in_(list(ids)))
        return {status: count for status, count in session.execute(query)}


def due_accounts(factory: SessionFactory, *, now: dt.datetime, grace_seconds: float) -> set[str]:
    """Accounts with at least one post that could be claimed now (pacing aside)."""
    with factory() as session:
        query = select(Post.account).where(_claimable(False)).distinct()
        return set(session.scalars(query, _claimable_params(now, grace_seconds, [])))


def pending_due_at(factory: SessionFactory, ids: Iterable[int]) -> dict[int, dt.datetime]:
    """Due times of those of `ids` still pending."""
    wanted = list(ids)
    if not wanted:
        return {}
    with factory() as session:
        rows = session.execute(select(Post.id, Post.due_at).where(Post.id.in_(wanted), Post.status == "pending"))
        return {row.id: row.due_at for row in rows}


def remote_ids_owned_by_others(factory: SessionFactory, post: ClaimedPost, remote_ids: list[str]) -> set[str]:
    """Those of `remote_ids` that already are the remote post of another row of the same account: a
    reconciliation must never hand one remote post to two rows."""
    if not remote_ids:
        return set()
    with factory() as session:
        rows = session.scalars(select(Post.remote_id).where(
            Post.account == post.account, Post.id != post.id, Post.remote_id.in_(remote_ids)))
        return {r for r in rows if r}


def first_try_at(factory: SessionFactory, post: ClaimedPost) -> dt.datetime | None:
    """When this post could first have reached the platform: its earliest attempt, or its current claim."""
    from sqlalchemy import func

    with factory() as session:
        first = session.scalar(select(func.min(Attempt.started_at)).where(Attempt.post_id == post.id))
    times = [t for t in (first, post.claimed_at) if t is not None]
    return min(times) if times else None
