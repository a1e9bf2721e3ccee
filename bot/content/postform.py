"""One report's posts on one platform: its limit and counting rule, the resolved templates and hashtags, and
`fill`, which renders a template so that it fits — as is, without hashtags, compressed (`compress`), and only
then cut with "…" (see `fit.shorten`), never the URL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from bot.content.compress import compress, has_predicate
from bot.content.draft import Draft, DraftKind, Platform
from bot.content.fit import ELLIPSIS, render, shorten
from bot.content.links import tag_url
from bot.content.postsettings import PostSettings
from bot.content.report import Report
from bot.content.textcount import length_for
from bot.content.urlmatch import find_urls
from bot.content.wording import FinalText
from bot.publish.base import Capabilities
from bot.publish.capabilities import capabilities_for

if TYPE_CHECKING:
    from bot.settings import Settings

NOTE_NO_HASHTAGS = "hashtags left out to fit"
NOTE_SHORTENED = "shortened to fit"
NOTE_COMPRESSED = "compressed"
NOTE_TITLE = "title replaced to fit"


class PostForm:
    """What one form needs to build drafts for one report on one platform."""

    def __init__(self, report: Report, settings: Settings, platform: Platform, chosen: PostSettings) -> None:
        self.report = report
        self.settings = settings
        self.platform = platform
        self.chosen = chosen
        self.language = chosen.language
        self.templates = chosen.templates
        self.caps: Capabilities = capabilities_for(platform, settings)
        self.event_slug = chosen.utm_campaign
        self.hashtags = " ".join(chosen.hashtags[platform])
        self.finals: dict[int, FinalText] = {}
        date = report.date
        self.values: dict[str, Any] = {
            "title": report.title,
            "event": report.event or report.publisher or "",
            "date": date_text(date, self.language),
            "part": report.part or "",
            "session": report.session or "",
            "hashtags": self.hashtags,
        }

    def length(self, text: str) -> int:
        return length_for(text, self.caps.counting)

    def fits(self, text: str) -> bool:
        return 0 < self.length(text) <= self.caps.max_length

    def tagged(self, content: str) -> str:
        return tag_url(
            self.report.url,
            platform=self.platform,
            settings=self.settings,
            event_slug=self.event_slug,
            content=content,
        )

    def fill(
        self, template: str, field: str, value: str, *, compressible: bool = False, **extra: Any
    ) -> tuple[str, list[str], str]:
        """Render `template` with `field` = `value` so that it fits: as is (with, then without hashtags); then,
        for a finding, compressed (`compress`); only then cut with "…" — keeping the main predicate when any cut
        can — never the URL. Returns the text, the notes on what was changed, and the value used."""
        values = {**self.values, **extra}

        def with_(text: str, hashtags: str) -> str:
            return render(template, {**values, field: text, "hashtags": hashtags})

        options: list[tuple[str, list[str]]] = [(self.hashtags, [])]
        if self.hashtags:
            options.append(("", [NOTE_NO_HASHTAGS]))
        for hashtags, notes in options:
            if self.fits(with_(value, hashtags)):
                return with_(value, hashtags), notes, value
        if compressible:
            for hashtags, notes in options:
                squeezed = compress(value, self.language, self._fits_with(with_, hashtags))
                if squeezed.steps and self.fits(with_(squeezed.text, hashtags)):
                    return with_(squeezed.text, hashtags), [compressed_note(squeezed.steps), *notes], squeezed.text
            value = compress(value, self.language, lambda _: False).text  # all a sub-editor would remove
        for keep_predicate in (True, False):
            for hashtags, notes in options:
                fits = self._fits_with(with_, hashtags)
                short = shorten(value, fits, self._has_predicate if keep_predicate else None)
                if short is not None:
                    return with_(short, hashtags), [NOTE_SHORTENED, *notes], short
        return with_(value, self.hashtags), [], value

    def _fits_with(self, with_: Callable[[str, str], str], hashtags: str) -> Callable[[str], bool]:
        return lambda value: self.fits(with_(value, hashtags))

    def _has_predicate(self, value: str) -> bool:
        """Whether a cut keeps a main predicate (not a length rule: longer cuts may lack one, shorter have one)."""
        return has_predicate(value.removesuffix(ELLIPSIS), self.language)

    def draft(
        self, kind: DraftKind, parts: Sequence[str], *, link: str | None, notes: list[str], **fields: Any
    ) -> Draft:
        """A Draft with its length, cost and warnings worked out from the capabilities."""
        caps = self.caps
        lengths = [self.length(p) for p in parts]
        warnings = [
            f"{'part ' + str(i) + ' ' if len(parts) > 1 else ''}over the limit: {n}/{caps.max_length}"
            for i, n in enumerate(lengths, 1)
            if n > caps.max_length
        ]
        has_link = bool(link) if caps.link_field else any(find_urls(p) for p in parts)
        if not has_link:
            warnings.append("missing link back to the report")
        cost = sum(
            caps.price_per_post_with_url
            if find_urls(p) or (caps.link_field and link and i == 0)
            else caps.price_per_post
            for i, p in enumerate(parts)
        )
        meta = {"form": "single", "counting": caps.counting, "notes": notes, **fields.pop("meta", {})}
        return Draft(
            platform=self.platform,
            kind=kind,
            report_slug=self.report.slug,
            parts=tuple(parts),
            link=link,
            weighted_length=max(lengths, default=0),
            limit=caps.max_length,
            cost=round(cost, 6),
            warnings=tuple(warnings),
            meta=meta,
            **fields,
        )


def date_text(date: Any, language: str) -> str:
    if not date:
        return ""
    return f"{date.year}年{date.month}月{date.day}日" if language == "ja" else f"{date:%B} {date.day}, {date.year}"


def compressed_note(steps: Sequence[str]) -> str:
    return f"{NOTE_COMPRESSED}: {', '.join(steps)}"
