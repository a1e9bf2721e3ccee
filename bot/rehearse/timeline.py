"""What a rehearsal found: one event per try or final outcome of each post, and the summary (would post,
would miss, would fail — and why). Plain data, shared by the terminal timeline, `--json` and the calendar."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from sqlalchemy.orm import Session, sessionmaker

    from bot.ledger.claims import ClaimedPost, Outcome

# A post's final status → the rehearsal's verdict on it.
VERDICTS = {"posted": "would post", "missed": "would miss", "expired": "would miss", "cancelled": "would miss",
            "pending": "later", "draft": "later", "failed": "would fail", "duplicate": "would fail",
            "unconfirmed": "would fail", "sending": "would fail"}
# Request body fields worth a line in the timeline (the JSON output keeps every field).
KEY_FIELDS = ("text", "message", "link", "reply", "media", "tweet_id", "published", "attached_media")


@dataclass
class Event:
    """One moment of the rehearsal for one post: a send (with the requests made) or a final outcome."""

    at: dt.datetime
    post_id: int
    key: str
    account: str
    kind: str
    outcome: str  # posted | pending (retry later) | failed | duplicate | unconfirmed | missed | expired | ...
    detail: str | None = None
    url: str | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    finding_rank: int | None = None
    part_index: int = 0
    about: str | None = None  # a repost: what it repeats

    @classmethod
    def of_send(cls, post: ClaimedPost, at: dt.datetime, outcome: Outcome, requests: list[dict[str, Any]]) -> Event:
        detail = outcome.detail
        if outcome.status == "pending" and outcome.due_at:
            detail = f"{outcome.detail}; next try {outcome.due_at:%Y-%m-%d %H:%M:%S} UTC"
        return cls(at, post.id, post.key, post.account, post.kind, outcome.status, detail, outcome.remote_url,
                   [_request(r) for r in requests], None, post.part_index)

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "post_id": self.post_id, "key": self.key, "account": self.account,
                "kind": self.kind, "finding_rank": self.finding_rank, "part_index": self.part_index,
                "about": self.about,
                "outcome": self.outcome, "verdict": VERDICTS.get(self.outcome, "retry"), "detail": self.detail,
                "url": self.url, "requests": self.requests}


def _request(entry: dict[str, Any]) -> dict[str, Any]:
    """A journal entry as the timeline keeps it: the exact method, URL (secrets masked) and body, the answer."""
    return {"method": entry.get("method"), "url": entry.get("url"), "body": entry.get("body"),
            "status": entry.get("response_status"), "id": entry.get("synthetic_id")}


@dataclass
class Rehearsal:
    start: dt.datetime
    until: dt.datetime
    events: list[Event]
    synced: dict[str, int]
    warnings: list[str]
    journal: str
    ledger: str
    cut_off: bool = False
    later: list[Event] = field(default_factory=list)  # posts due after `until`: not played, not judged

    def final(self) -> dict[int, Event]:
        """Each post's last event: where it ended up."""
        last: dict[int, Event] = {}
        for event in self.events:
            last[event.post_id] = event
        return last

    def summary(self) -> dict[str, Any]:
        """{"would post": n, "would miss": n, "would fail": n, "why": {verdict: {reason: count}}}."""
        counts: Counter[str] = Counter()
        why: dict[str, Counter[str]] = {}
        for event in self.final().values():
            verdict = VERDICTS.get(event.outcome, "would fail")
            counts[verdict] += 1
            if verdict != "would post":
                why.setdefault(verdict, Counter())[reason(event)] += 1
        return {"would post": counts["would post"], "would miss": counts["would miss"],
                "would fail": counts["would fail"], "later": len(self.later),
                "why": {v: dict(c) for v, c in why.items()}}

    def outcomes_by_key(self) -> dict[str, str]:
        """post key → "would-post" / "would-miss" / "would-fail" (CSS-safe, for the calendar)."""
        return {e.key: VERDICTS.get(e.outcome, "would fail").replace(" ", "-") for e in self.final().values()}

    def to_dict(self) -> dict[str, Any]:
        return {"mode": "rehearsal", "start": self.start.isoformat(), "until": self.until.isoformat(),
                "synced": self.synced, "warnings": self.warnings, "journal": self.journal, "ledger": self.ledger,
                "cut_off": self.cut_off, "events": [e.to_dict() for e in self.events],
                "later": [e.to_dict() for e in self.later], "summary": self.summary()}


def reason(event: Event) -> str:
    """Why a post would not go out, in a few words (the first clause of its recorded reason)."""
    if event.outcome == "expired":
        return "never approved before its time"
    detail = (event.detail or event.outcome).split("; ")[0]
    return detail[:120]


def final_events(factory: sessionmaker[Session], open_ids: set[int], *, sent: set[int],
                 until: dt.datetime) -> list[Event]:
    """Outcomes no send produced, for posts open when the rehearsal began: missed (grace window passed),
    expired (never approved), failed without a try (a thread part stranded), or still to come after `until`."""
    from sqlalchemy import select

    from bot.ledger.models import Post

    if not open_ids:
        return []
    with factory() as session:
        rows = session.scalars(select(Post).where(Post.id.in_(sorted(open_ids)))).all()
    events = []
    for post in rows:
        if post.id in sent and post.status not in ("pending", "draft"):
            continue
        settled = post.status in ("missed", "expired", "failed", "cancelled")
        detail = post.last_error if post.status not in ("pending", "draft") else (
            f"due {post.due_at:%Y-%m-%d %H:%M} UTC, after {until:%Y-%m-%d %H:%M} UTC")
        events.append(Event(post.updated_at if settled else post.due_at, post.id, post.key, post.account,
                            post.kind, post.status, detail, post.remote_url, part_index=post.part_index))
    return events


def fill_from_ledger(factory: sessionmaker[Session], events: list[Event], zone: ZoneInfo) -> None:
    """What a claimed post does not carry: the finding rank ("highlight #2") and, for a repost, the post it
    repeats ("↻ retweet of highlight #1 (12-03 12:00)")."""
    from sqlalchemy import select

    from bot.ledger.models import Post
    from bot.preview.calendar import describe_repost

    with factory() as session:
        posts = {p.id: p for p in session.scalars(select(Post))}
    by_key = {p.key: p for p in posts.values()}
    for event in events:
        post = posts.get(event.post_id)
        if post is None:
            continue
        event.finding_rank = post.finding_rank
        if post.payload.get("repost_of") is not None:
            event.about = describe_repost(post.payload, by_key, zone, quote=False)
