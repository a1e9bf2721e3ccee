"""Reviewers' changes to unpublished posts (the review desk, `bot serve`): text, time, the finding a highlight
carries; and the audit log of every approval and change asked for there.

Each change is one write transaction that re-reads the row under the write lock (BEGIN IMMEDIATE on SQLite,
FOR UPDATE on PostgreSQL), checks it is still editable and still the version the reviewer saw, changes it and
records a `post_edits` row with who and when. The version is a digest of what a reviewer can see and of the
row's `updated_at`, so any change in between — another reviewer's edit, a sync, a runner's claim — makes the
later save a clear conflict instead of a silent overwrite.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import InputError
from bot.ledger.models import AuditEntry, Post, PostEdit

if TYPE_CHECKING:
    from bot.ledger.store import Ledger
    from bot.settings import Settings

log = logging.getLogger("bot.ledger")
# Only posts nobody has started to send can change; a claimed, published or final post never does.
EDITABLE = ("draft", "pending")


class EditConflict(InputError):
    """The post changed since the reviewer loaded it: nothing was saved."""


class TextRefused(InputError):
    """The platform would refuse the text (empty, over the limit, a forbidden character): nothing was saved."""


def version_of(post: Post) -> str:
    """The optimistic-lock token of a post as a reviewer saw it."""
    seen = (post.status, post.content_hash, post.due_at.isoformat(), post.finding_rank, post.updated_at.isoformat())
    return hashlib.sha256(repr(seen).encode("utf-8")).hexdigest()[:20]


def check_text(platform: str, text: str, settings: Settings) -> tuple[int, int]:
    """(length, limit) of `text` under the platform's counting rule; InputError when the platform would refuse
    it (empty, over the limit, or — on X — a character X rejects). The same rules the composer and publishers use."""
    from bot.content.textcount import count_text, length_for
    from bot.publish.capabilities import capabilities_for

    caps = capabilities_for(platform, settings)
    length = length_for(text, caps.counting)
    if not text.strip():
        raise TextRefused("the text is empty; nothing was saved")
    if length > caps.max_length:
        raise TextRefused(f"the text is over the limit: {length}/{caps.max_length}; nothing was saved")
    if caps.counting == "twitter" and not count_text(text).valid:
        raise TextRefused("the text has a character X refuses; nothing was saved")
    return length, caps.max_length


def edit_text(ledger: Ledger, post_id: int, text: str, *, version: str, editor: str, now: dt.datetime,
              settings: Settings) -> Post:
    """Replace an unpublished post's text (re-validated here). An approved post of a campaign that needs
    approval goes back to `draft`: what was approved is not what will be sent any more."""
    from bot.schedule.reposts import content_hash

    check_text(_platform_of(ledger, post_id), text, settings)
    with ledger.transaction() as session:
        post = _editable(session, post_id, version)
        old = str(post.payload.get("text") or "")
        if old == text:
            return post
        payload = {**post.payload, "text": text}
        _change(session, post, editor, now, "text", old, text, payload=payload, content_hash=content_hash(payload),
                status="draft" if post.requires_approval else post.status)
        return post


def reschedule(ledger: Ledger, post_id: int, due_at: dt.datetime, *, version: str, editor: str,
               now: dt.datetime) -> Post:
    """Move an unpublished post (a thread's head moves its later parts by as much) to `due_at`, in the future."""
    if due_at.tzinfo is None:
        raise InputError("the new time must carry a time zone")
    if due_at <= now:
        raise InputError(f"{due_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC is in the past; pick a later time")
    with ledger.transaction() as session:
        post = _editable(session, post_id, version)
        if post.part_index:
            raise InputError(f"post {post.id} is part {post.part_index + 1} of a thread: reschedule its first part")
        shift = due_at - post.due_at
        for part in session.scalars(select(Post).where(Post.thread_head_id == post.id, Post.status.in_(EDITABLE))):
            part.due_at, part.updated_at = part.due_at + shift, now
        _change(session, post, editor, now, "due_at", post.due_at.isoformat(), due_at.isoformat(), due_at=due_at)
        return post


def swap_finding(ledger: Ledger, post_id: int, rank: int, payload: dict[str, Any], *, version: str, editor: str,
                 now: dt.datetime, settings: Settings) -> Post:
    """A highlight carries another finding: `payload` is the composer's draft for finding `rank`."""
    from bot.schedule.reposts import content_hash

    check_text(_platform_of(ledger, post_id), str(payload.get("text") or ""), settings)
    with ledger.transaction() as session:
        post = _editable(session, post_id, version)
        if post.kind != "highlight":
            raise InputError(f"post {post.id} is a {post.kind}: only a highlight carries a finding")
        taken = session.scalars(select(Post.id).where(
            Post.report == post.report, Post.account == post.account, Post.kind == "highlight",
            Post.finding_rank == rank, Post.id != post.id, Post.status.not_in(("cancelled", "expired", "missed")),
        ).limit(1)).first()
        if taken is not None:
            raise InputError(f"finding #{rank} is already carried by post {taken} on {post.account}")
        _change(session, post, editor, now, "finding", str(post.finding_rank), str(rank), finding_rank=rank,
                payload=payload, content_hash=content_hash(payload),
                status="draft" if post.requires_approval else post.status)
        return post


def record_audit(ledger: Ledger, *, actor: str, action: str, target: str, outcome: str, now: dt.datetime,
                 detail: str | None = None) -> None:
    """One audit line (ids, names and messages only: never a secret, never a password)."""
    with ledger.transaction() as session:
        session.add(AuditEntry(at=now, actor=actor, action=action, target=target, outcome=outcome,
                               detail=(detail or None) and detail[:2000]))


def audit_entries(ledger: Ledger, *, limit: int = 200, target: str | None = None) -> list[AuditEntry]:
    """The newest audit lines first (optionally only those about `target`, e.g. "post 12")."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if target is not None:
        query = query.where(AuditEntry.target == target)
    with ledger.session_factory() as session:
        return list(session.scalars(query))


def edits_of(ledger: Ledger, post_id: int) -> list[PostEdit]:
    with ledger.session_factory() as session:
        return list(session.scalars(select(PostEdit).where(PostEdit.post_id == post_id).order_by(PostEdit.id)))


def _platform_of(ledger: Ledger, post_id: int) -> str:
    return ledger.get(post_id).platform


def _editable(session: Session, post_id: int, version: str) -> Post:
    """The post, locked, if it is still unpublished and still the version the reviewer saw."""
    query = select(Post).where(Post.id == post_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    post = session.scalars(query).first()
    if post is None:
        raise InputError(f"no post with id {post_id}")
    if post.status not in EDITABLE:
        raise InputError(f"post {post.id} is {post.status}: only draft or pending posts can be changed")
    if version_of(post) != version:
        raise EditConflict(f"post {post.id} was changed by someone else since you opened it; "
                           "nothing was saved: reload to see the new version")
    return post


def _change(session: Session, post: Post, editor: str, now: dt.datetime, field: str, old: str | None,
            new: str | None, **values: Any) -> None:
    for name, value in values.items():
        setattr(post, name, value)
    post.updated_at = now
    session.add(PostEdit(post_id=post.id, field=field, old_value=old, new_value=new, editor=editor, edited_at=now))
    session.flush()
    log.info("post %s edited (%s) by %s", post.id, field,
             editor, extra={"fields": {"post_id": post.id, "field": field, "editor": editor, "status": post.status}})
