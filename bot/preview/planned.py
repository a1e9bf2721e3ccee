"""Mock-ups of planned posts (`bot.schedule.plan.PlannedPost`) for the plan preview.

A planned post carries its payload as it will be sent: {"text", "link", "media"} for a post, or
{"repost_of", "mode", "text"?} for a repost (a retweet has no text of its own). The report it comes from is
loaded once per slug for the link preview card; a report that cannot be read just gets a plainer card.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.errors import InputError
from bot.preview.calendar import campaign_name, describe_repost, local_time, status_of
from bot.preview.views import PostView, link_card, link_details, media_view, segments

if TYPE_CHECKING:
    from bot.content.report import Report
    from bot.settings import Settings

_LIMITS = {"x": 280, "facebook": 63206}


class ReportLookup:
    """Reports by slug, each loaded at most once; None when the file is missing or broken."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.loaded: dict[str, Report | None] = {}

    def __call__(self, slug: str | None) -> Report | None:
        if not slug:
            return None
        if slug not in self.loaded:
            from bot.content.markdown_io import load_report

            try:
                self.loaded[slug] = load_report(Path(self.settings.bot.content_dir) / f"{slug}.md")
            except InputError:
                self.loaded[slug] = None
        return self.loaded[slug]


def _parts(payload: dict[str, Any], originals: Mapping[str, Any], zone: ZoneInfo) -> list[str]:
    """The text to show: the post's own, or for a repost what it repeats (and its new text, if any)."""
    text = str(payload.get("text") or "")
    if payload.get("repost_of"):
        what = describe_repost(payload, originals, zone, quote=not text)
        return [f"{what}\n\n{text}" if text else what]
    return [text]


def planned_view(number: int, post: Any, zone: ZoneInfo, report: Report | None = None, *,
                 originals: Mapping[str, Any] | None = None, outcome: str | None = None) -> PostView:
    """A PostView of a planned post; media are embedded when the card files already exist. `originals`
    (key → planned post) lets a repost show the post it repeats; `outcome` is a rehearsal's verdict."""
    from bot.content.draft import Media

    payload: dict[str, Any] = dict(getattr(post, "payload", None) or {})
    link = payload.get("link")
    media = [m if isinstance(m, Media) else Media(**m) for m in payload.get("media") or []]
    platform = str(post.platform)
    kind = str(getattr(post, "kind", ""))
    name = {"x": "X", "facebook": "Facebook"}.get(platform, platform)
    rank = getattr(post, "finding_rank", None)
    part = int(getattr(post, "part_index", 0) or 0)
    label = f"{name} · {kind}" + (f" #{rank}" if rank else "") + (f" · part {part + 1}" if part else "")
    return PostView(
        number=number,
        platform=platform,
        kind=kind,
        label=f"{label} · {campaign_name(post)}",
        parts=[segments(text) for text in _parts(payload, originals or {}, zone)],
        length=int(getattr(post, "weighted_length", 0) or 0),
        limit=_LIMITS.get(platform, 0),
        link=link_details(link) if link else None,
        deep_link=None,
        card=link_card(report, link) if link and (platform == "facebook" or not media) else None,
        cost=float(getattr(post, "cost", 0.0) or 0.0),
        warnings=list(getattr(post, "warnings", ()) or ()),
        media=[media_view(m) for m in media],
        account=str(getattr(post, "account", "")),
        when=f"{local_time(post, zone):%Y-%m-%d %H:%M %Z}",
        status=outcome or status_of(post),
    )
