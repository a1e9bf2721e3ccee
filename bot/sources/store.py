"""The autopilot's ledger rows: report URLs seen (claimed once), per-source fetch state, notifications.

Exactly once: a discovery is claimed by inserting its canonical URL under a unique constraint, in one
transaction; whoever inserts it owns it, a second runner (or a restarted one) gets nothing. Everything done
after the claim (ingest, campaign file, ledger sync) is idempotent, so a claim whose owner died is simply taken
over (the dead owner is told apart as for posts: same host → its pid; other host → the claim's age) and redone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from bot.ledger.claims import SessionFactory, write_transaction
from bot.ledger.models import Notification, SourceSeen, SourceState
from bot.schedule.reconcile import is_abandoned

STALE_CLAIM = dt.timedelta(minutes=15)
RETRIES = 3  # a discovery whose drafting failed this often is `refused` (shown by `bot sources`)


@dataclass(frozen=True)
class Claim:
    id: int
    url: str
    source: str
    language: str
    slug: str | None
    first_seen: dt.datetime
    content_hash: str | None


def _claim(row: SourceSeen) -> Claim:
    return Claim(row.id, row.url, row.source, row.language, row.slug, row.first_seen, row.content_hash)


def known_urls(factory: SessionFactory, urls: Iterable[str]) -> set[str]:
    wanted = list(urls)
    found: set[str] = set()
    with factory() as session:
        for start in range(0, len(wanted), 500):
            found.update(session.scalars(select(SourceSeen.url).where(SourceSeen.url.in_(wanted[start:start + 500]))))
    return found


def claim(factory: SessionFactory, url: str, *, source: str, language: str, now: dt.datetime, owner: str | None,
          state: str = "claimed") -> Claim | None:
    """Insert the discovery; None when another process (or an earlier sweep) already has it."""
    row = SourceSeen(url=url, source=source, language=language, state=state, attempts=0, first_seen=now,
                     updated_at=now, claimed_by=owner, claimed_at=now if owner else None)
    try:
        with write_transaction(factory) as session:
            session.add(row)
            session.flush()
            return _claim(row)
    except IntegrityError:
        return None


def take_over(factory: SessionFactory, *, now: dt.datetime, owner: str) -> list[Claim]:
    """Claims left by dead owners, and failed drafts whose backoff is over: now this owner's to redo."""
    taken: list[Claim] = []
    with factory() as session:
        rows = list(session.scalars(select(SourceSeen).where(SourceSeen.state.in_(("claimed", "failed")))))
    for row in rows:
        if row.state == "claimed" and not is_abandoned(row, now=now, stale_after=STALE_CLAIM):  # type: ignore[arg-type]
            continue
        if row.state == "failed" and row.updated_at + dt.timedelta(minutes=5 * 2 ** row.attempts) > now:
            continue
        with write_transaction(factory) as session:
            moved = session.execute(
                update(SourceSeen).where(SourceSeen.id == row.id, SourceSeen.state == row.state,
                                         SourceSeen.claimed_by.is_(None) if row.claimed_by is None
                                         else SourceSeen.claimed_by == row.claimed_by)
                .values(state="claimed", claimed_by=owner, claimed_at=now, updated_at=now))
        if moved.rowcount == 1:  # type: ignore[attr-defined]
            taken.append(_claim(row))
    return taken


def finish(factory: SessionFactory, claim_id: int, *, owner: str | None, now: dt.datetime, **values: Any) -> bool:
    """Record the outcome of a claim this owner still holds (False: the claim was lost, nothing written)."""
    with write_transaction(factory) as session:
        query = update(SourceSeen).where(SourceSeen.id == claim_id)
        if owner is not None:
            query = query.where(SourceSeen.claimed_by == owner)
        done = session.execute(query.values(updated_at=now, **values))
    return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def fail(factory: SessionFactory, claim_id: int, *, owner: str, now: dt.datetime, error: str) -> str:
    """A drafting attempt failed: back off and retry, or give up after RETRIES (`refused`)."""
    with factory() as session:
        attempts = (session.scalar(select(SourceSeen.attempts).where(SourceSeen.id == claim_id)) or 0) + 1
    state = "refused" if attempts >= RETRIES else "failed"
    finish(factory, claim_id, owner=owner, now=now, state=state, attempts=attempts, last_error=error[:2000],
           claimed_by=None, claimed_at=None)
    return state


def slug_owner(factory: SessionFactory, slug: str) -> str | None:
    """The URL of the discovery that drafted `slug`, if any."""
    with factory() as session:
        return session.scalar(select(SourceSeen.url).where(SourceSeen.slug == slug, SourceSeen.campaign.is_not(None)))


def due_rechecks(factory: SessionFactory, *, now: dt.datetime, within: dt.timedelta,
                 every: dt.timedelta) -> list[Claim]:
    """Drafted reports first seen within `within`, not re-read for `every`: their pages may have changed."""
    with factory() as session:
        rows = session.scalars(select(SourceSeen).where(
            SourceSeen.state == "drafted", SourceSeen.first_seen >= now - within,
            (SourceSeen.checked_at.is_(None)) | (SourceSeen.checked_at <= now - every)))
        return [_claim(row) for row in rows]


# ── per-source state ─────────────────────────────────────────────────────────────────────────────────
def states(factory: SessionFactory) -> dict[str, SourceState]:
    with factory() as session:
        return {row.name: row for row in session.scalars(select(SourceState))}


def record_fetch(factory: SessionFactory, name: str, url: str, *, now: dt.datetime, status: str,
                 etag: str | None = None, last_modified: str | None = None, error: str | None = None,
                 retry: tuple[float, float] = (5.0, 360.0)) -> SourceState:
    """Store one fetch's outcome; a failure sets the next try 5, 10, 20 … minutes later (capped)."""
    with write_transaction(factory) as session:
        row = session.get(SourceState, name) or SourceState(name=name, url=url, status="new", failures=0)
        session.add(row)
        row.url, row.last_fetch_at, row.status = url, now, status
        if status in ("failed", "blocked", "held"):
            row.failures = (row.failures or 0) + 1
            row.last_error = error
            minutes = min(retry[0] * 2 ** (row.failures - 1), retry[1])
            row.next_fetch_at = now + dt.timedelta(minutes=minutes)
        else:
            row.failures, row.last_error, row.next_fetch_at, row.last_ok_at = 0, None, None, now
            if status == "ok" or etag or last_modified:  # a 304 may omit validators: keep the old ones
                row.etag, row.last_modified = etag, last_modified
        session.flush()
        session.expunge(row)
        return row


def forget_validators(factory: SessionFactory, name: str) -> None:
    """The next fetch is unconditional (a document that answered 200 but could not be processed)."""
    with write_transaction(factory) as session:
        session.execute(update(SourceState).where(SourceState.name == name).values(etag=None, last_modified=None))


def counts_by_source(factory: SessionFactory) -> dict[str, dict[str, int]]:
    """{source: {"seen": n, "campaigns": m}} for `bot sources`."""
    result: dict[str, dict[str, int]] = {}
    with factory() as session:
        for source, seen, campaigns in session.execute(
            select(SourceSeen.source, func.count(), func.count(SourceSeen.campaign)).group_by(SourceSeen.source)
        ):
            result[source] = {"seen": seen, "campaigns": campaigns}
    return result


# ── notifications ────────────────────────────────────────────────────────────────────────────────────
def claim_notification(factory: SessionFactory, *, campaign: str, kind: str, mode: str, title: str, body: str,
                       now: dt.datetime) -> int | None:
    """Reserve the (campaign, kind) message; None when it exists already (sent once, whoever asks).

    A message only recorded by a dry-run does not count as sent: a live claim takes it over (one conditional
    UPDATE, so of two live processes only one wins) and sends it for real."""
    row = Notification(campaign=campaign, kind=kind, mode=mode, status="pending", title=title[:300], body=body,
                       attempts=0, created_at=now)
    try:
        with write_transaction(factory) as session:
            session.add(row)
            session.flush()
            return row.id
    except IntegrityError:
        if mode != "live":
            return None
    recorded = (Notification.campaign == campaign, Notification.kind == kind, Notification.mode == "dry-run")
    with write_transaction(factory) as session:
        taken = session.execute(update(Notification).where(*recorded).values(
            mode="live", status="pending", title=title[:300], body=body, attempts=0, created_at=now,
            last_error=None, sent_at=None))
        if not taken.rowcount:  # type: ignore[attr-defined]
            return None
        return session.scalar(select(Notification.id).where(Notification.campaign == campaign,
                                                            Notification.kind == kind))


def unsent_notifications(factory: SessionFactory, *, max_attempts: int = 5) -> list[Notification]:
    with factory() as session:
        rows = list(session.scalars(select(Notification).where(
            Notification.status.in_(("pending", "failed")), Notification.attempts < max_attempts)))
        session.expunge_all()
        return rows


def mark_notification(factory: SessionFactory, notification_id: int, *, status: str, now: dt.datetime,
                      error: str | None = None) -> None:
    with write_transaction(factory) as session:
        row = session.get(Notification, notification_id)
        if row is not None:
            row.status, row.last_error, row.attempts = status, error, row.attempts + 1
            row.sent_at = now if status in ("sent", "recorded") else row.sent_at


def notifications(factory: SessionFactory) -> list[Notification]:
    with factory() as session:
        rows = list(session.scalars(select(Notification).order_by(Notification.id)))
        session.expunge_all()
        return rows
