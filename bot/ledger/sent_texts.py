"""Never the same text twice to one account: each (account, text + link) is reserved by the post that sends it.

The runner reserves a post's text right before sending it. The reservation is a row keyed by (account, hash),
so two runners racing for the same text cannot both win (the second insert fails on the primary key). A
reservation whose post never went out (failed, cancelled, missed…) is taken over by the next post with that
text; one whose post is posted, in flight or of unknown outcome refuses the newcomer as a duplicate — unless
the newcomer is an operator's deliberate repeat (`bot post --live --again`: payload `"again": true`), which
takes the reservation over from a posted owner (never from one still in flight).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.ledger.claims import ClaimedPost, SessionFactory, write_transaction
from bot.ledger.models import Post, SentText

# The owner of a reservation in one of these may be on the platform: a newcomer with its text is a duplicate.
HOLDING = ("posted", "sending", "unconfirmed")


def text_hash(payload: dict[str, Any]) -> str | None:
    """sha256 of [text, link]; None for a post without text (a retweet is recognised by X itself)."""
    text = str(payload.get("text") or "").strip()
    if not text:
        return None
    canonical = json.dumps([" ".join(text.split()), payload.get("link") or ""], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def reserve_text(factory: SessionFactory, post: ClaimedPost) -> int | None:
    """Reserve this post's text on its account. None when it may be sent; else the id of the post that already
    carries (or is sending) the same text — 0 when another runner reserved it at the same moment."""
    digest = text_hash(post.payload)
    if digest is None:
        return None
    try:
        with write_transaction(factory) as session:
            row = session.get(SentText, (post.account, digest))
            if row is None:
                session.add(SentText(account=post.account, text_hash=digest, post_id=post.id))
                return None
            if row.post_id == post.id:
                return None
            owner = session.scalar(select(Post.status).where(Post.id == row.post_id))
            repeat_on_purpose = bool(post.payload.get("again")) and owner == "posted"
            if owner in HOLDING and not repeat_on_purpose:
                return row.post_id
            row.post_id = post.id  # its owner never went out: the text is free
            return None
    except IntegrityError:  # a concurrent runner inserted the same (account, hash) first
        return 0
