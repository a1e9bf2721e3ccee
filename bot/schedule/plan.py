"""Campaigns → planned posts: exactly what will be sent, where and when. Pure: writes nothing.

Keys are stable so re-applying a campaign finds the same ledger rows:
`{campaign}:{account}:{kind}:{slot}:{part}` where slot is 0 for the announcement, the finding rank for a
highlight and `{rank}.{cycle}` for a repost (`a.{cycle}` when the announcement is repeated).

Highlights skip findings already posted for the same report and account by ANOTHER campaign (their own
posted rows keep their keys). Posts due before `now` are not planned anew (`Plan.past`): the sync leaves
existing rows alone and does not create missing ones.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.ledger.planning import CANCELLED_BY_SYNC, LedgerView, Posted
from bot.schedule.reposts import RotationSource, content_hash, rotation, rotation_payload

if TYPE_CHECKING:
    from bot.content.draft import Draft
    from bot.schedule.campaign import Campaign
    from bot.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlannedPost:
    """One post (or thread part) as it will be stored in the ledger and sent."""

    key: str
    campaign: str
    report: str
    account: str
    platform: str
    kind: str  # announcement | highlight | repost
    finding_rank: int | None
    part_index: int
    payload: dict[str, Any]  # {"text", "link", "media": [...]} or {"repost_of", "mode"?, "text"?}
    due_at: dt.datetime  # UTC
    local_time: dt.datetime  # in the campaign's zone
    timezone: str
    requires_approval: bool
    weighted_length: int
    cost: float
    content_hash: str

    @property
    def report_slug(self) -> str:
        return self.report

    @property
    def text(self) -> str:
        return str(self.payload.get("text") or "")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["due_at"] = self.due_at.isoformat()
        data["local_time"] = self.local_time.isoformat()
        return data


@dataclass
class Plan:
    posts: list[PlannedPost] = field(default_factory=list)  # due at or after `now`
    past: list[PlannedPost] = field(default_factory=list)  # due before `now`
    warnings: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # campaigns whose every post is in the past

    @property
    def total_cost(self) -> float:
        return round(sum(p.cost for p in self.posts), 6)


def read_ledger_view(settings: Settings) -> LedgerView:
    """The ledger as planning sees it, if it exists (read-only: never creates the database)."""
    from bot.ledger.planning import read_planning_view

    return read_planning_view(settings)


# An original in one of these states will never be published, so its reposts are not planned.
_DEAD = ("cancelled", "expired", "duplicate", "missed", "failed")


def make_plan(
    campaigns: Sequence[Campaign], settings: Settings, *, now: dt.datetime, posted: Posted | None = None,
    view: LedgerView | None = None,
) -> Plan:
    """Plan every campaign. `view` (what the ledger says was posted, the campaigns' anchors, statuses)
    defaults to the ledger's; `posted` alone replaces just the posted highlights."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    view = read_ledger_view(settings) if view is None else view
    if posted is not None:
        view = replace(view, posted=posted)
    plan = Plan()
    for campaign in campaigns:
        anchored = campaign.anchored(view.anchors.get(campaign.name))
        wanted = _CampaignPlanner(anchored, settings, now, view.posted, plan.warnings).posts()
        future = [p for p in wanted if p.due_at >= now]
        past = [p for p in wanted if p.due_at < now]
        if wanted and not future:
            plan.stale.append(campaign.name)
        elif past:
            plan.warnings.append(f"{campaign.name}: {len(past)} post(s) due before now are not planned")
        plan.posts += _without_orphans(campaign.name, future, past, view.statuses, plan.warnings)
        plan.past += past
    plan.posts.sort(key=lambda p: (p.due_at, p.key))
    plan.warnings += _same_text_twice(plan.posts)
    for warning in plan.warnings:
        log.debug(warning)
    return plan


def _without_orphans(campaign: str, future: list[PlannedPost], past: list[PlannedPost], statuses: dict[str, str],
                     warnings: list[str]) -> list[PlannedPost]:
    """Drop reposts whose original will never be published: due before now and not in the ledger (it will
    not be created), or in the ledger in a final state other than posted (cancelled, expired, …). An original
    the sync cancelled and this plan wants again is not dead: the same sync brings it back."""
    # Past and never created (or cancelled by a sync, which revives only what is still to come) — or final.
    dead = {p.key for p in past if statuses.get(p.key) in (None, CANCELLED_BY_SYNC)}
    dead |= {key for key, status in statuses.items() if status in _DEAD}
    kept: list[PlannedPost] = []
    dropped: list[PlannedPost] = []
    for post in future:
        (dropped if post.kind == "repost" and post.payload.get("repost_of") in dead else kept).append(post)
    if dropped:
        originals = sorted({str(p.payload["repost_of"]) for p in dropped})
        reason = ", ".join(_describe_original(key, statuses) for key in originals)
        warnings.append(f"{campaign}: {len(dropped)} repost(s) not planned: their original will not be published "
                        f"({reason})")
    return kept


def _describe_original(key: str, statuses: dict[str, str]) -> str:
    _campaign, account, kind, slot, _part = [*key.split(":"), "", "", "", "", ""][:5]
    what = f"{account} {kind}" + (f" #{slot}" if kind == "highlight" else "")
    return f"{what}: {statuses[key]}" if key in statuses else f"{what}: due before now"


def _same_text_twice(posts: list[PlannedPost]) -> list[str]:
    """Two campaigns planning the same text for one account: X would refuse the second as a duplicate, and a
    Page would show it twice. The runner refuses the second; warn at planning time."""
    seen: dict[tuple[str, str], PlannedPost] = {}
    warnings = []
    for post in posts:
        if not post.text:
            continue
        first = seen.setdefault((post.account, post.text), post)
        if first is not post and first.campaign != post.campaign:
            warnings.append(f"{post.campaign}: {post.account} {post.kind} has the same text as "
                            f"{first.campaign}'s {first.kind} (due {first.local_time:%Y-%m-%d %H:%M}): "
                            "only the first will be sent")
    return warnings


def plan_posts(
    campaigns: Sequence[Campaign],
    settings: Settings,
    *,
    now: dt.datetime,
    posted: Posted | None = None,
    include_past: bool = False,
) -> list[PlannedPost]:
    """The posts the campaigns want from `now` on (with `include_past`, also those already due)."""
    plan = make_plan(campaigns, settings, now=now, posted=posted)
    return plan.posts + plan.past if include_past else plan.posts


class _CampaignPlanner:
    """Plans one campaign account by account: announcement, highlights, then their reposts."""

    def __init__(self, campaign: Campaign, settings: Settings, now: dt.datetime, posted: Posted,
                 warnings: list[str]) -> None:
        self.campaign = campaign
        self.settings = settings
        self.now = now
        self.warnings = warnings
        self.skip = {
            account: {rank for rank, owner in posted.get((campaign.report, account), {}).items()
                      if owner != campaign.name}
            for account in campaign.accounts
        }

    def posts(self) -> list[PlannedPost]:
        by_language: dict[str | None, list[Draft]] = {}  # an account's `language` picks its templates
        planned: list[PlannedPost] = []
        for account in self.campaign.accounts:
            settings = self.settings.account(account)
            if settings.language not in by_language:
                by_language[settings.language] = self._drafts(settings.language)
            drafts = by_language[settings.language]
            platform = settings.platform
            planned += self._account(account, platform, [d for d in drafts if d.platform == platform])
        return planned

    def _drafts(self, language: str | None = None) -> list[Draft]:
        from bot.content.compose import draft_report
        from bot.content.postsettings import ContentSettings

        c = self.campaign
        own = c.content
        content = ContentSettings(
            hashtags=own.hashtags if own else (), templates=dict(own.templates) if own else {},
            utm_campaign=own.utm_campaign if own else None, campaign=c.name,
        )  # fmt: skip
        platforms = sorted({self.settings.account(a).platform for a in c.accounts})
        slots = c.highlights.slots if c.highlights else 0
        top = max(1, slots + max((len(s) for s in self.skip.values()), default=0))
        thread = c.announcement.thread if c.announcement else False
        drafts = draft_report(
            c.report, self.settings, platforms=platforms, thread=thread, top=top, content=content, language=language
        )
        return self._with_cards(drafts, top) if c.cards else drafts

    def _with_cards(self, drafts: list[Draft], top: int) -> list[Draft]:
        """`cards = true`: each highlight carries its quote card (finding as alt text), rendered into
        var/cards/. Rendering is deterministic, so re-planning rewrites the same bytes and the same payload."""
        from bot.content.findings import rank_findings
        from bot.content.markdown_io import load_report
        from bot.preview.cards import attach_cards

        report = load_report(Path(self.settings.bot.content_dir) / f"{self.campaign.report}.md")
        cards_dir = Path(self.settings.bot.var_dir) / "cards"
        return attach_cards(drafts, report, rank_findings(report, top=top), self.settings, cards_dir)

    def _account(self, account: str, platform: str, drafts: list[Draft]) -> list[PlannedPost]:
        out: list[PlannedPost] = []
        sources: list[RotationSource] = []
        announce_at = self.campaign.announcement_time(self.now)
        announcement = _pick_announcement(drafts, thread=bool(self.campaign.announcement and
                                                              self.campaign.announcement.thread))
        if announce_at is not None and announcement is not None:
            for part, text in enumerate(announcement.parts):
                out.append(self._post(account, platform, "announcement", "0", part, announcement, text, announce_at))
            sources.append(RotationSource(out[0].key, announce_at, announcement))
        highlights = self._highlights(account, platform, drafts, out)
        if highlights:
            sources = highlights
        if self.campaign.reposts is not None:
            best = self.campaign.reposts.best
            out += self._reposts(account, platform, sources[:best] if best else sources)
        return out

    def _highlights(self, account: str, platform: str, drafts: list[Draft],
                    out: list[PlannedPost]) -> list[RotationSource]:
        times = self.campaign.highlight_times(self.now)
        if not times:
            return []
        candidates = sorted((d for d in drafts if d.kind == "highlight" and d.finding_rank not in self.skip[account]),
                            key=lambda d: d.finding_rank or 0)
        if not candidates:
            if self.skip[account]:  # (a platform that carries the findings in its announcement is no news)
                self.warnings.append(f"{self.campaign.name}: no highlight posts for {account}: "
                                     "its findings were already posted")
            return []
        if len(candidates) < len(times):
            self.warnings.append(f"{self.campaign.name}: {account}: only {len(candidates)} finding(s) left "
                                 f"for {len(times)} highlight slots")
        sources = []
        for draft, when in zip(candidates, times, strict=False):
            post = self._post(account, platform, "highlight", str(draft.finding_rank), 0, draft, draft.text, when)
            out.append(post)
            sources.append(RotationSource(post.key, when, draft))
        return sources

    def _reposts(self, account: str, platform: str, sources: list[RotationSource]) -> list[PlannedPost]:
        section = self.campaign.reposts
        assert section is not None
        posts = []
        until = self.campaign.reposts_until(self.now)
        assert until is not None
        if sources and until < min(s.first_at for s in sources).astimezone(self.campaign.zone).date():
            self.warnings.append(f"{self.campaign.name}: {account}: reposts.until ({until}) is before the posts "
                                 "it would repeat: no repost planned")
            return []
        for slot in rotation(sources, section, self.campaign.zone, until):
            rank = slot.source.draft.finding_rank
            payload = rotation_payload(platform, slot.source, slot.cycle, section.x_mode)
            name = f"{rank if rank is not None else 'a'}.{slot.cycle}"
            posts.append(self._make(account, platform, "repost", name, 0, rank, payload, slot.due_at))
        return posts

    def _post(self, account: str, platform: str, kind: str, slot: str, part: int, draft: Draft, text: str,
              when: dt.datetime) -> PlannedPost:
        payload = {
            "text": text,
            "link": draft.link if part == 0 else None,
            "media": [asdict(m) for m in draft.media] if part == 0 else [],
        }
        return self._make(account, platform, kind, slot, part, draft.finding_rank, payload, when)

    def _make(self, account: str, platform: str, kind: str, slot: str, part: int, rank: int | None,
              payload: dict[str, Any], when: dt.datetime) -> PlannedPost:
        c = self.campaign
        length, cost = measure(platform, payload, self.settings)
        return PlannedPost(
            key=f"{c.name}:{account}:{kind}:{slot}:{part}", campaign=c.name, report=c.report, account=account,
            platform=platform, kind=kind, finding_rank=rank, part_index=part, payload=payload,
            due_at=when.astimezone(dt.UTC), local_time=when.astimezone(c.zone), timezone=c.timezone,
            requires_approval=c.approval, weighted_length=length, cost=cost, content_hash=content_hash(payload),
        )


def _pick_announcement(drafts: list[Draft], *, thread: bool) -> Draft | None:
    """The thread draft when asked for (and the platform has one), else the single/digest announcement."""
    announcements = [d for d in drafts if d.kind == "announcement"]
    threads = [d for d in announcements if d.meta.get("form") == "thread"]
    singles = [d for d in announcements if d.meta.get("form") != "thread"]
    if thread and threads:
        return threads[0]
    return singles[0] if singles else None


def measure(platform: str, payload: dict[str, Any], settings: Settings) -> tuple[int, float]:
    """Weighted length and estimated price of one post (a retweet has no text and costs a plain post)."""
    from bot.content.textcount import length_for
    from bot.content.urlmatch import find_urls
    from bot.publish.capabilities import capabilities_for

    caps = capabilities_for(platform, settings)
    text = str(payload.get("text") or "")
    linked = bool(find_urls(text)) or (caps.link_field and bool(payload.get("link") or payload.get("repost_of")))
    price = caps.price_per_post_with_url if linked else caps.price_per_post
    return length_for(text, caps.counting) if text else 0, round(price, 6)
