"""Reposts: the evergreen rotation of a campaign's best highlights, and one-off reposts (`bot repost`).

X refuses duplicate text, and one account can retweet a post only once, so on X the first repost of a
post is a retweet (`x_mode = "retweet"`) and every later one a visibly different text (`repost_text`, a
new lead-in per cycle); `x_mode = "text"` always uses text. Facebook has no share endpoint: a repost is a
new post whose link is the original's permalink, which the runner resolves at send time from the
original's `remote_url` (the payload names the original by its ledger key: `repost_of`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.errors import InputError

if TYPE_CHECKING:
    from bot.content.draft import Draft
    from bot.ledger.models import Post
    from bot.schedule.campaign import RepostsSection

MAX_FIRE_TIMES = 5000  # a minute-by-minute cron over a long window stops here instead of hanging
_LIMITS = {"x": (280, "twitter"), "facebook": (63206, "chars")}


def content_hash(payload: dict[str, Any]) -> str:
    """A stable digest of what will be sent: the sync compares it to spot edited posts."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class RotationSource:
    """A post the rotation may repeat: its ledger key, when it first goes out, and its draft (for text)."""

    key: str
    first_at: dt.datetime
    draft: Draft


@dataclass(frozen=True, slots=True)
class RotationSlot:
    source: RotationSource
    cycle: int  # 1 = first repost of this source
    due_at: dt.datetime


def rotation(sources: Sequence[RotationSource], section: RepostsSection, zone: ZoneInfo,
             until: dt.date) -> list[RotationSlot]:
    """Fire times of the cron (in the campaign's zone) up to `until` inclusive; each takes the source that
    has been reposted least (best first among equals) whose last appearance is at least `min_gap_days` ago.
    A fire time with no eligible source is skipped. Stops when every source did `max_cycles` reposts."""
    from apscheduler.triggers.cron import CronTrigger

    if not sources:
        return []
    trigger = CronTrigger.from_crontab(section.cron, timezone=zone)
    # Everything is compared in UTC: aware datetimes of one zone compare by wall time, ignoring DST folds.
    end = (dt.datetime.combine(until, dt.time(0), tzinfo=zone) + dt.timedelta(days=1)).astimezone(dt.UTC) \
        if until < dt.date.max else dt.datetime.max.replace(tzinfo=dt.UTC)
    gap = dt.timedelta(days=section.min_gap_days)
    last = {s.key: s.first_at.astimezone(dt.UTC) for s in sources}
    cycles = dict.fromkeys(last, 0)
    slots: list[RotationSlot] = []
    next_fire = trigger.get_next_fire_time(None, min(last.values()) + dt.timedelta(seconds=1))
    for _ in range(MAX_FIRE_TIMES):
        if next_fire is None:
            break
        fire = next_fire.astimezone(dt.UTC)
        if fire >= end or all(c >= section.max_cycles for c in cycles.values()):
            break
        eligible = [
            s for s in sources
            if cycles[s.key] < section.max_cycles and fire > last[s.key] and fire - last[s.key] >= gap
        ]
        if eligible:
            pick = min(eligible, key=lambda s: cycles[s.key])  # min() keeps the first (best) among equals
            cycles[pick.key] += 1
            last[pick.key] = fire
            slots.append(RotationSlot(pick, cycles[pick.key], fire))
        next_fire = trigger.get_next_fire_time(next_fire, fire + dt.timedelta(seconds=1))
    return slots


def rotation_payload(platform: str, source: RotationSource, cycle: int, x_mode: str) -> dict[str, Any]:
    """What a rotation repost sends (see the module doc for why X alternates retweet and text)."""
    from bot.content.compose import repost_text

    if platform == "x" and x_mode == "retweet" and cycle == 1:
        return {"repost_of": source.key, "mode": "retweet"}
    payload: dict[str, Any] = {"repost_of": source.key, "text": repost_text(source.draft, attempt=cycle)}
    if platform == "x":
        payload["mode"] = "text"
    return payload


def one_off_payload(original: Post, *, retweeted: bool) -> dict[str, Any]:
    """A `bot repost` of a published post: a retweet on X (text once it was already retweeted), a new post
    linking the original on Facebook."""
    from bot.content.compose import repost_text

    if original.payload.get("repost_of"):
        raise InputError(f"post {original.id} is itself a repost; repost {original.payload['repost_of']!r} instead")
    if original.platform == "x" and not retweeted:
        return {"repost_of": original.key, "mode": "retweet"}
    limit, counting = _LIMITS.get(original.platform, (280, "twitter"))
    text = repost_text(str(original.payload.get("text") or ""), attempt=2 if retweeted else 1,
                       max_length=limit, counting=counting)
    payload: dict[str, Any] = {"repost_of": original.key, "text": text}
    if original.platform == "x":
        payload["mode"] = "text"
    return payload
