"""One ledger post as the desk shows it: the platform mock-up of `bot preview` (same view code, same escaping),
its weighted length and cost by the planner's `measure`, and what a reviewer may still do with it."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.ledger.edits import EDITABLE
from bot.ledger.store import CANCELLABLE, RETRYABLE

if TYPE_CHECKING:
    from bot.content.report import Finding, Report
    from bot.ledger.models import Post
    from bot.preview.views import PostView
    from bot.settings import Settings

SWAP_CHOICES = 8  # a highlight may take any of the report's best this-many findings


@dataclass(frozen=True)
class _Planned:
    """The attributes `bot.preview.planned.planned_view` reads, taken from a ledger row."""

    payload: dict[str, Any]
    platform: str
    kind: str
    finding_rank: int | None
    part_index: int
    account: str
    due_at: dt.datetime
    timezone: str
    status: str
    campaign: str
    weighted_length: int
    cost: float


def mockup(post: Post, zone: ZoneInfo, report: Report | None, settings: Settings) -> PostView:
    from bot.preview.planned import planned_view
    from bot.schedule.plan import measure

    length, cost = measure(post.platform, post.payload, settings)
    planned = _Planned(post.payload, post.platform, post.kind, post.finding_rank, post.part_index, post.account,
                       post.due_at, zone.key, post.status, post.campaign or "", length, cost)
    return planned_view(post.id, planned, zone, report)


def allowed_actions(post: Post) -> dict[str, bool]:
    """What the ledger would accept for this post now (the ledger still decides when the form is sent)."""
    return {
        "approve": post.status == "draft",
        "cancel": post.status in CANCELLABLE,
        "retry": post.status in RETRYABLE,
        "repost": post.status == "posted",
        "edit": post.status in EDITABLE and bool(post.payload.get("text")),
        "reschedule": post.status in EDITABLE and post.part_index == 0,
        "swap": post.status in EDITABLE and post.kind == "highlight",
    }


def swap_choices(report: Report | None, current: int | None) -> list[Finding]:
    if report is None:
        return []
    from bot.content.findings import rank_findings

    return [f for f in rank_findings(report, top=SWAP_CHOICES) if f.rank != current]


def swapped_payload(post: Post, report: Report, rank: int, settings: Settings) -> dict[str, Any]:
    """The composer's draft of finding `rank` for this post's platform, as a ledger payload (with a freshly
    drawn quote card when the post carried one)."""
    from bot.content.compose import compose_drafts
    from bot.content.findings import rank_findings
    from bot.errors import InputError

    findings = rank_findings(report, top=max(rank, SWAP_CHOICES))
    drafts = [d for d in compose_drafts(report, findings, settings, platforms=[post.platform])
              if d.kind == "highlight" and d.finding_rank == rank]
    if not drafts:
        raise InputError(f"finding #{rank} has no {post.platform} highlight draft")
    if post.payload.get("media"):
        from pathlib import Path

        from bot.preview.cards import attach_cards

        drafts = attach_cards(drafts, report, findings, settings, Path(settings.bot.var_dir) / "cards")
    draft = drafts[0]
    return {**post.payload, "text": draft.text, "link": draft.link, "media": [asdict(m) for m in draft.media]}
