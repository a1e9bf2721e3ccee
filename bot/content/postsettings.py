"""Which templates, hashtags and UTM campaign a report's posts use: the report's front matter first, then the
campaign file's `[content]` section, then config/bot.toml (its `[templates.ja]` / `[hashtags.ja]` for a
Japanese report, or for an account whose `language` says so).

Hashtags add up: the report's (or else the campaign's) own tags — the event's, e.g. `#TokyoGlobalDialogue` —
come first, then the platform's tags from the config (e.g. the account's `#JIIA`), without repeats. So an
unrelated report is never tagged with another event's hashtag.

`utm_campaign` stays short (≤ 40 characters), because it ends up in every link and analytics report: the
event's slug from the front matter, else the campaign's `utm_campaign`, else the campaign's name, else a slug
of the event's name cut at a word boundary (the report's slug when the name has no Latin letters).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.content.fit import TEMPLATE_KEYS
from bot.content.links import UTM_CAMPAIGN_MAX, slugify
from bot.content.report import Report

if TYPE_CHECKING:
    from bot.settings import Settings



@dataclass(frozen=True, slots=True)
class ContentSettings:
    """A campaign's `[content]` section: its own hashtags, templates by key and UTM campaign (all optional);
    `campaign` is the campaign's name, the UTM campaign's fallback."""

    hashtags: tuple[str, ...] = ()
    templates: Mapping[str, str] = field(default_factory=dict)
    utm_campaign: str | None = None
    campaign: str | None = None


@dataclass(frozen=True, slots=True)
class PostSettings:
    """The resolved settings for one report's posts."""

    language: str
    templates: dict[str, str]
    hashtags: dict[str, tuple[str, ...]]
    utm_campaign: str


def resolve(
    report: Report, settings: Settings, content: ContentSettings | None = None, language: str | None = None
) -> PostSettings:
    """Templates, hashtags and UTM campaign for `report` (`language` overrides the report's, per account)."""
    content = content or ContentSettings()
    lang = "ja" if (language or report.language) == "ja" else "en"
    return PostSettings(
        language=lang,
        templates=_templates(report, settings, content, lang),
        hashtags={platform: _hashtags(report, settings, content, lang, platform) for platform in ("x", "facebook")},
        utm_campaign=utm_campaign(report, content),
    )


def _templates(report: Report, settings: Settings, content: ContentSettings, language: str) -> dict[str, str]:
    from bot.settings import JAPANESE_TEMPLATES

    base = settings.templates
    by_language = base.ja if language == "ja" else None
    chosen: dict[str, str] = {}
    for key in TEMPLATE_KEYS:
        layers = [report.templates.get(key), content.templates.get(key)]
        if by_language is not None:
            layers += [getattr(by_language, key), JAPANESE_TEMPLATES.get(key)]
        layers.append(getattr(base, key))
        chosen[key] = next(layer for layer in layers if layer is not None)
    return chosen


def _hashtags(
    report: Report, settings: Settings, content: ContentSettings, language: str, platform: str
) -> tuple[str, ...]:
    own = report.hashtags or content.hashtags
    configured = getattr(settings.hashtags, platform)
    if language == "ja":
        localized = getattr(settings.hashtags.ja, platform)
        configured = configured if localized is None else localized
    tags: list[str] = []
    for tag in (*own, *configured):
        if tag.casefold() not in (t.casefold() for t in tags):
            tags.append(tag)
    return tuple(tags)


def utm_campaign(report: Report, content: ContentSettings | None = None) -> str:
    """The short campaign value: front-matter slug, campaign setting or name, else a short event slug."""
    content = content or ContentSettings()
    for explicit in (report.event_slug, content.utm_campaign, content.campaign):
        if explicit and slugify(explicit):
            return short_slug(slugify(explicit))
    slug = slugify(report.event or "")
    return short_slug(slug if re.search(r"[a-z]", slug) else report.slug)


def short_slug(slug: str, limit: int = UTM_CAMPAIGN_MAX) -> str:
    """`slug` cut to `limit` characters at a hyphen (a word boundary) when it is longer."""
    if len(slug) <= limit:
        return slug
    cut = slug[: limit + 1].rsplit("-", 1)[0]
    return (cut if len(cut) >= limit // 2 else slug[:limit]).strip("-")
