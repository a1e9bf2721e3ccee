"""Planned posts → ledger rows: make the ledger match the campaign files, in one transaction.

Rules (why: the ledger is the truth about what went out, the files are the truth about what should):
- a wanted post with no row is created (`draft` when its campaign needs approval, else `pending`);
- a `draft`/`pending` row whose content, time, account or approval differs is updated; an approved post
  whose content changed goes back to `draft` (it must be approved again), a change of time keeps approval;
- a `draft`/`pending` campaign row nobody wants any more (campaign removed or edited) is `cancelled`, with
  `last_error` = SYNC_CANCELLED; when it is wanted again and still to come, that row is revived (`draft`
  or `pending`, with the new content and time) and counted as created. A post `bot cancel` stopped stays
  cancelled;
- a `draft`/`pending` row a reviewer edited in the desk (`bot serve`: text, time or finding, recorded in
  `post_edits`) keeps the reviewer's version: the campaign file no longer overwrites it (nor the later parts
  of an edited thread head, which a desk reschedule moves with it);
- rows in any other status (sending, posted, failed, operator-cancelled, ...) are never touched, and one-off
  reposts (`bot repost`, campaign NULL) are not the sync's business;
- a wanted post already due (before `now`) is not created, and an existing row for it is left alone;
- a post timed by "now" (`keep_due` keys) keeps the due time of its unsent row, so it is not re-dated.
Running the sync twice changes nothing the second time. Every row it changes gets one log line.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.ledger.models import Post, PostEdit
from bot.ledger.planning import SYNC_CANCELLED  # the mark of a row the sync cancelled itself (and may revive)

if TYPE_CHECKING:
    from bot.ledger.planning import LedgerView
    from bot.ledger.store import Ledger
    from bot.schedule.campaign import Campaign
    from bot.schedule.plan import Plan, PlannedPost
    from bot.settings import Settings

log = logging.getLogger("bot.sync")
OPEN = ("draft", "pending")
_COMPARED = ("report", "account", "platform", "kind", "finding_rank", "part_index", "content_hash", "due_at",
             "requires_approval")


@dataclass(frozen=True)
class SyncResult:
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    unchanged: int = 0
    skipped_past: int = 0  # wanted but already due and not in the ledger: not created

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "cancelled": self.cancelled,
                "unchanged": self.unchanged, "skipped_past": self.skipped_past}


def sync_ledger(
    target: Ledger | sessionmaker[Session], planned: Iterable[PlannedPost], *, now: dt.datetime,
    keep_due: Collection[str] = frozenset(), anchors: dict[str, dt.datetime] | None = None,
) -> SyncResult:
    """Apply `planned` (every campaign's posts, past ones included) to the ledger; see the module doc.

    `keep_due`: keys of posts timed by "now", whose unsent rows keep their due time. `anchors`: campaigns
    seen for the first time with relative times, and the instant they are counted from (recorded once)."""
    from bot.ledger.claims import write_transaction

    factory = target if isinstance(target, sessionmaker) else target.session_factory
    wanted = {p.key: p for p in planned}
    counts = dict.fromkeys(("created", "updated", "cancelled", "unchanged", "skipped_past"), 0)
    changed: list[tuple[Post, str | None, str]] = []  # (row, previous status, why): logged once ids exist
    with write_transaction(factory) as session:
        _record_anchors(session, anchors or {})
        rows = _campaign_rows(session, wanted)
        edited = set(session.scalars(select(PostEdit.post_id).distinct()))
        for key, post in wanted.items():
            row = rows.get(key)
            if row is not None and key in keep_due and row.status in OPEN:
                post = replace(post, due_at=row.due_at, local_time=row.due_at.astimezone(post.local_time.tzinfo))
            if row is None:
                if post.due_at < now:
                    counts["skipped_past"] += 1
                    continue
                row = _new_row(post, now)
                session.add(row)
                changed.append((row, None, "created"))
                counts["created"] += 1
            elif _revivable(row) and post.due_at >= now:
                changed.append((row, row.status, "back in the campaign files"))
                _revive(row, post, now)
                counts["created"] += 1
            elif row.status in OPEN and (row.id in edited or row.thread_head_id in edited):
                counts["unchanged"] += 1  # a reviewer changed it in the desk (`bot serve`): the desk's version stays
            elif row.status in OPEN and post.due_at >= now and _differs(row, post):
                changed.append((row, row.status, "campaign edited"))
                _update(row, post, now)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        for key, row in rows.items():
            if key not in wanted and row.campaign is not None and row.status in OPEN:
                changed.append((row, row.status, SYNC_CANCELLED))
                row.status, row.updated_at = "cancelled", now
                row.last_error = SYNC_CANCELLED
                counts["cancelled"] += 1
        session.flush()
        _link_threads(session, wanted)
        for row, previous, reason in changed:
            _log_change(row, previous, reason)
    return SyncResult(**counts)


def _record_anchors(session: Session, anchors: dict[str, dt.datetime]) -> None:
    """First sight of a campaign with relative times: keep its anchor, so the next sync plans the same times."""
    from bot.ledger.models import CampaignAnchor

    for name, when in anchors.items():
        if session.get(CampaignAnchor, name) is None:
            session.add(CampaignAnchor(campaign=name, anchored_at=when))
            log.info("campaign %s anchored at %s", name, when.isoformat(),
                     extra={"fields": {"campaign": name, "anchored_at": when.isoformat()}})


def _log_change(row: Post, previous: str | None, reason: str) -> None:
    """One structured line per row the sync changed (the runner's style: ids, statuses, time; no text)."""
    fields = {"post_id": row.id, "key": row.key, "account": row.account, "status": row.status,
              "previous": previous, "reason": reason, "due_at": row.due_at.isoformat()}
    log.info("post %s → %s", row.id, row.status, extra={"fields": fields})


def _revivable(row: Post) -> bool:
    """Cancelled by an earlier sync (not by `bot cancel`), so wanted again means scheduled again."""
    return row.status == "cancelled" and row.last_error == SYNC_CANCELLED


def _revive(row: Post, post: PlannedPost, now: dt.datetime) -> None:
    for name, value in _values(post).items():
        setattr(row, name, value)
    row.status = "draft" if post.requires_approval else "pending"
    row.attempts, row.last_error, row.claimed_by, row.claimed_at = 0, None, None, None
    row.updated_at = now


def floating_keys(campaigns: Sequence[Campaign], posts: Iterable[PlannedPost]) -> set[str]:
    """Keys of posts whose time comes from "now" (announcement `at`, highlights `start`), and of reposts
    rotated from them: re-planning moves these with the clock, so the sync keeps their rows' times."""
    from bot.schedule.localtime import NOW

    kinds: dict[str, set[str]] = {}
    for c in campaigns:
        announce_now = c.announcement is not None and c.announcement.at == NOW
        highlights_now = c.highlights is not None and c.highlights.start == NOW
        rotated_now = highlights_now or (announce_now and c.highlights is None)
        kinds[c.name] = ({"announcement"} if announce_now else set()) | ({"highlight"} if highlights_now else set()) \
            | ({"repost"} if rotated_now else set())
    return {p.key for p in posts if p.kind in kinds.get(p.campaign, set())}


def _campaign_rows(session: Session, wanted: dict[str, PlannedPost]) -> dict[str, Post]:
    """Every campaign row (locked on PostgreSQL, so a runner's claim cannot interleave), plus wanted keys."""
    query = select(Post).where(Post.campaign.is_not(None))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Post)
    rows = {row.key: row for row in session.scalars(query)}
    missing = [k for k in wanted if k not in rows]
    for start in range(0, len(missing), 500):
        for row in session.scalars(select(Post).where(Post.key.in_(missing[start:start + 500]))):
            rows[row.key] = row
    return rows


def _values(post: PlannedPost) -> dict[str, Any]:
    return {
        "campaign": post.campaign, "report": post.report, "account": post.account, "platform": post.platform,
        "kind": post.kind, "finding_rank": post.finding_rank, "part_index": post.part_index,
        "payload": post.payload, "content_hash": post.content_hash, "due_at": post.due_at,
        "requires_approval": post.requires_approval,
    }


def _new_row(post: PlannedPost, now: dt.datetime) -> Post:
    return Post(key=post.key, status="draft" if post.requires_approval else "pending", attempts=0,
                created_at=now, updated_at=now, **_values(post))


def _differs(row: Post, post: PlannedPost) -> bool:
    return any(getattr(row, name) != getattr(post, name) for name in _COMPARED)


def _update(row: Post, post: PlannedPost, now: dt.datetime) -> None:
    content_changed = row.content_hash != post.content_hash
    if post.requires_approval and (content_changed or not row.requires_approval):
        row.status = "draft"
    elif not post.requires_approval:
        row.status = "pending"
    for name, value in _values(post).items():
        setattr(row, name, value)
    row.updated_at = now


def _link_threads(session: Session, wanted: dict[str, PlannedPost]) -> None:
    """Point every later thread part at its head (part 0 of the same key prefix)."""
    parts = [p for p in wanted.values() if p.part_index > 0]
    if not parts:
        return
    heads = {p.key.rsplit(":", 1)[0] for p in parts}
    head_ids = {
        key.rsplit(":", 1)[0]: post_id
        for key, post_id in session.execute(select(Post.key, Post.id).where(Post.key.in_([f"{h}:0" for h in heads])))
    }
    for row in session.scalars(select(Post).where(Post.key.in_([p.key for p in parts]), Post.status.in_(OPEN))):
        head = head_ids.get(row.key.rsplit(":", 1)[0])
        if head is not None and row.thread_head_id != head:
            row.thread_head_id = head


def apply_campaigns(settings: Settings, *, now: dt.datetime, directory: str | None = None) -> tuple[SyncResult, Plan]:
    """`bot schedule`: load and plan every campaign, then sync the ledger (created if missing).

    A campaign whose every post is already due and which has no row in the ledger is refused (ConfigError
    naming its file): it is almost certainly a date typo. A finished campaign (rows exist) is fine.
    """
    from bot.ledger.store import open_existing_store, open_store
    from bot.schedule.campaign import load_campaigns

    campaigns = load_campaigns(settings, directory)
    from bot.ledger.planning import LedgerView

    existing = open_existing_store(settings)  # validate before creating anything: a refused run leaves no file
    try:
        view = existing.planning_view() if existing is not None else LedgerView()
        plan = _checked_plan(campaigns, settings, existing, now, view)
    finally:
        if existing is not None:
            existing.session_factory.kw["bind"].dispose()
    anchors = {c.name: now for c in campaigns if c.relative and c.anchor is None and c.name not in view.anchors}
    ledger = open_store(settings)
    try:
        wanted = plan.posts + plan.past
        return sync_ledger(ledger, wanted, now=now, keep_due=floating_keys(campaigns, wanted), anchors=anchors), plan
    finally:
        ledger.session_factory.kw["bind"].dispose()


def _checked_plan(campaigns: Sequence[Campaign], settings: Settings, existing: Ledger | None,
                  now: dt.datetime, view: LedgerView) -> Plan:
    """The plan, or ConfigError for a campaign entirely in the past that the ledger has never seen."""
    from bot.errors import ConfigError
    from bot.schedule.plan import make_plan

    plan = make_plan(campaigns, settings, now=now, view=view)
    for campaign in campaigns:
        if campaign.name in plan.stale and (existing is None or not existing.list_posts(campaign=campaign.name)):
            last = max(p.local_time for p in plan.past if p.campaign == campaign.name)
            raise ConfigError(f"every post of campaign {campaign.name!r} is in the past (the last at "
                              f"{last:%Y-%m-%d %H:%M %Z}); fix its dates or remove the file",
                              source=campaign.source)
    return plan
