"""`bot post --live` through the ledger: each draft becomes ledger rows before anything is sent, and the
runner's own publish-one-post path sends them — the same claim, reconciliation and failure policy as `bot
run`, and the posts show in `bot history` like any other.

- Rows: one per post (thread parts are rows of their own, chained to their head), campaign NULL (so `bot
  schedule` never touches them), key `post:<account>:<kind>:<rank>:<UTC stamp>-<nonce>:<part>`, due now.
- Same text twice: a draft whose text (or content hash) is already `posted` or `sending` on the same account
  is refused before anything is written or sent, unless `again` (`--again`, which marks every part's payload
  `"again": true`: a deliberate repeat, which the runner's one-text-per-account guard, `bot.ledger.sent_texts`,
  lets through).
- Only its own rows: the runner is told to claim these ids and no other, so `bot post` never publishes a
  campaign post that happens to be due. A post left pending (a rate limit pause) is sent by the next
  `bot run --live`; one left `sending` by a crash is reconciled by it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.errors import InputError
from bot.ledger.models import Post

if TYPE_CHECKING:
    from bot.content.draft import Draft
    from bot.ledger.claims import SessionFactory
    from bot.publish.base import Publisher
    from bot.schedule.clock import Clock
    from bot.settings import Account, Settings

IN_FLIGHT_OR_DONE = ("posted", "sending")


@dataclass(frozen=True)
class Target:
    draft: Draft
    account: Account


def payloads(draft: Draft) -> list[dict[str, Any]]:
    """What each row sends: the head carries the link and media, later thread parts only their text."""
    head: dict[str, Any] = {"text": draft.parts[0]}
    if draft.link:
        head["link"] = draft.link
    if draft.media:
        head["media"] = [{"path": m.path, "alt_text": m.alt_text} for m in draft.media]
    return [head, *({"text": part} for part in draft.parts[1:])]


def refuse_repeats(factory: SessionFactory | None, targets: Sequence[Target]) -> None:
    """InputError (exit 2, nothing sent) naming the first draft already posted (or being sent) on its account."""
    from bot.schedule.reposts import content_hash

    if factory is None:
        return
    for target in targets:
        first = payloads(target.draft)[0]
        with factory() as session:
            rows = session.execute(select(Post.id, Post.status, Post.content_hash, Post.payload).where(
                Post.account == target.account.name, Post.status.in_(IN_FLIGHT_OR_DONE)))
            for row in rows:
                if row.content_hash == content_hash(first) or (row.payload or {}).get("text") == first["text"]:
                    what = "already posted" if row.status == "posted" else "being sent"
                    raise InputError(f"{target.account.name} {target.draft.kind}: the same text was {what} "
                                     f"(post {row.id}, see `bot history`); nothing was sent — "
                                     "add --again to post it once more")


def add_rows(factory: SessionFactory, targets: Sequence[Target], now: dt.datetime, *,
             again: bool = False) -> list[list[int]]:
    """Insert every target's rows, pending and due now, in one transaction. Returns each target's row ids.
    `again` marks every part's payload (`"again": true`): the operator asked for a repeat on purpose."""
    import uuid

    from bot.ledger.claims import write_transaction
    from bot.schedule.reposts import content_hash

    # The time, and a nonce: `--again` may repeat the same draft within the same instant (a pinned clock).
    stamp = f"{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    made: list[list[int]] = []
    with write_transaction(factory) as session:
        for target in targets:
            draft, account = target.draft, target.account
            ids: list[int] = []
            for part, payload in enumerate(payloads(draft)):
                if again:  # every part: a thread's later parts repeat their earlier texts too
                    payload = {**payload, "again": True}
                row = Post(key=f"post:{account.name}:{draft.kind}:{draft.finding_rank or 0}:{stamp}:{part}",
                           campaign=None, report=draft.report_slug, account=account.name, platform=account.platform,
                           kind=draft.kind, finding_rank=draft.finding_rank, part_index=part,
                           thread_head_id=ids[0] if ids else None, payload=payload,
                           content_hash=content_hash(payload), due_at=now, status="pending",
                           requires_approval=False, attempts=0, created_at=now, updated_at=now)
                session.add(row)
                session.flush()
                ids.append(row.id)
            made.append(ids)
    return made


def send_rows(settings: Settings, factory: SessionFactory, ids: Sequence[int],
              make_publisher: Callable[[Account], Publisher], clock: Clock) -> None:
    """The runner, told to claim only `ids`, until they are settled or wait on something `bot run` handles."""
    from bot.ledger import claims
    from bot.schedule.runner import Runner

    runner = Runner(settings, factory, make_publisher, clock, name="bot-post", only_posts=list(ids))
    runner.pacer.seed(claims.posted_times(factory, since=clock.now() - dt.timedelta(hours=24)))
    while not runner.stopping:
        runner.process_due_posts()
        if runner.fatal is not None:  # disk full, database error: one line, exit 1, the rows stay queued
            raise runner.fatal
        if not claims.pending_due_at(factory, ids):
            return
        wake = runner.next_wake()
        if wake is None:  # e.g. a rate-limit pause: left pending for `bot run --live`
            return
        clock.sleep(max((wake - clock.now()).total_seconds(), 0.0))


def results(factory: SessionFactory, ids: Sequence[int]) -> list[Post]:
    with factory() as session:
        return list(session.scalars(select(Post).where(Post.id.in_(list(ids))).order_by(Post.part_index)))
