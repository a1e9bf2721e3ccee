"""What the HTML preview shows for one post, worked out in Python so the template only lays it out.

Report text is untrusted (it comes from a web page): nothing here builds HTML. Text becomes `Segment`s that
the template escapes, and a hyperlink is made only from an http(s) URL (`safe_href`); anything else
(`javascript:`, `data:`, a relative path) is shown as plain text.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from bot.content.textcount import length_for
from bot.content.urlmatch import find_urls

if TYPE_CHECKING:
    from bot.content.draft import Draft, Media
    from bot.content.report import Report

DISPLAY_URL_LENGTH = 26  # X shows a shortened "display URL"; about this many characters before "…"
_MAX_EMBEDDED_IMAGE = 5 * 1024 * 1024
_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def safe_href(url: str | None) -> str | None:
    """`url` if it is an absolute http(s) URL without whitespace or control characters, else None."""
    if not url or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def display_url(url: str) -> str:
    """The short form X shows: no scheme or "www.", cut with "…"."""
    short = url.split("://", 1)[-1].removeprefix("www.")
    return short if len(short) <= DISPLAY_URL_LENGTH else short[: DISPLAY_URL_LENGTH - 1] + "…"


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of post text; `href` is set only for a URL that may safely become a link."""

    text: str
    href: str | None = None
    display: str | None = None


def segments(text: str) -> list[Segment]:
    """Split post text into plain runs and URLs (found the way X finds them)."""
    out: list[Segment] = []
    position = 0
    for span in find_urls(text):
        if span.start > position:
            out.append(Segment(text[position : span.start]))
        raw = text[span.start : span.end]
        href = safe_href(raw if "://" in raw else "https://" + raw)
        out.append(Segment(raw, href, display_url(raw)) if href else Segment(raw))
        position = span.end
    if position < len(text):
        out.append(Segment(text[position:]))
    return out


@dataclass(frozen=True, slots=True)
class LinkDetails:
    """The link a post points to, taken apart: UTM tags and the text-fragment (deep link) target."""

    url: str
    href: str | None
    utm: tuple[tuple[str, str], ...]
    fragment_text: str | None

    @property
    def display(self) -> str:
        """The URL without its text fragment, percent-escapes decoded: readable, the full URL stays the href."""
        return unquote(self.url.split("#:~:", 1)[0])


def link_details(url: str | None) -> LinkDetails | None:
    if not url:
        return None
    parts = urlsplit(url)
    utm = tuple((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.startswith("utm_"))
    fragment = unquote(parts.fragment.split(":~:text=", 1)[1]) if ":~:text=" in parts.fragment else None
    return LinkDetails(url, safe_href(url), utm, fragment)


@dataclass(frozen=True, slots=True)
class LinkCard:
    """Facebook's (and X's) preview of a link: built from the report's title, description and image."""

    domain: str
    title: str
    description: str
    image_url: str | None


def link_card(report: Report | None, link: str | None) -> LinkCard | None:
    if not link:
        return None
    host = urlsplit(link).hostname or ""
    if report is None:
        return LinkCard(host.removeprefix("www."), "", "", None)
    return LinkCard(host.removeprefix("www.").upper(), report.title, report.description or "", report.image)


@dataclass(frozen=True, slots=True)
class MediaView:
    alt_text: str
    path: str
    data_uri: str | None  # the image itself, embedded, when it is a readable local PNG/JPEG


def media_view(media: Media) -> MediaView:
    path = Path(media.path)
    kind = _IMAGE_TYPES.get(path.suffix.lower())
    data_uri = None
    if kind and path.is_file() and path.stat().st_size <= _MAX_EMBEDDED_IMAGE:
        data_uri = f"data:{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    return MediaView(media.alt_text, media.path, data_uri)


@dataclass
class PostView:
    """One post mock-up: text, counter against the limit, link details, cost, warnings, schedule info."""

    number: int
    platform: str
    kind: str
    label: str
    parts: list[list[Segment]]
    length: int
    limit: int
    link: LinkDetails | None
    deep_link: str | None
    card: LinkCard | None
    cost: float
    warnings: list[str]
    media: list[MediaView]
    part_lengths: list[int] = field(default_factory=list)  # per part of a thread, same counting rule
    account: str = ""
    when: str = ""
    status: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    original: str = ""  # a highlight's sentence as the report has it, shown beside the post
    compression: list[tuple[str, bool]] = field(default_factory=list)  # the statement, (text, removed) runs

    @property
    def over(self) -> bool:
        return self.length > self.limit if self.limit else False

    @property
    def anchor(self) -> str:
        return f"post-{self.number}"


def _label(draft: Draft) -> str:
    form = draft.meta.get("form", "single")
    name = {"x": "X", "facebook": "Facebook"}.get(draft.platform, draft.platform)
    label = f"{name} · {draft.kind}" + (f" #{draft.finding_rank}" if draft.finding_rank else "")
    return label + (f" · {form} ({len(draft.parts)} parts)" if form not in ("single", "digest") else "")


def _part_lengths(draft: Draft) -> list[int]:
    """Each thread part's own length (a thread's counter shows the longest part; each part has its limit)."""
    if len(draft.parts) < 2:
        return []
    counting = str(draft.meta.get("counting") or ("twitter" if draft.platform == "x" else "chars"))
    return [length_for(part, counting) for part in draft.parts]


def post_view(number: int, draft: Draft, report: Report | None) -> PostView:
    """A PostView of `draft`; Facebook drafts (and X posts without an image) get a link preview card."""
    show_card = draft.platform == "facebook" or not draft.media
    return PostView(
        number=number,
        platform=draft.platform,
        kind=draft.kind,
        label=_label(draft),
        parts=[segments(part) for part in draft.parts],
        part_lengths=_part_lengths(draft),
        length=draft.weighted_length,
        limit=draft.limit,
        link=link_details(draft.link),
        deep_link=draft.deep_link,
        card=link_card(report, draft.link) if show_card else None,
        cost=draft.cost,
        warnings=list(draft.warnings),
        media=[media_view(m) for m in draft.media],
        **_source_of(draft),
    )


def _source_of(draft: Draft) -> dict[str, Any]:
    """For a highlight: the report's sentence, and its statement marked with what compression removed."""
    from bot.content.wording import marked

    original = str(draft.meta.get("finding") or "")
    statement, final = draft.meta.get("statement"), draft.meta.get("final")
    if not original or not statement or not final:
        return {"original": original}
    return {"original": original, "compression": marked(str(statement), str(final).removesuffix("…"))}


def add_checks(views: Sequence[PostView]) -> None:
    """Warnings the preview adds when the drafts did not carry them: over length, missing link, duplicates."""
    seen: dict[tuple[str, str], int] = {}
    for view in views:
        have = " ".join(view.warnings)
        if view.over and "over the limit" not in have:
            view.warnings.append(f"over the limit: {view.length}/{view.limit}")
        has_url = any(s.href for part in view.parts for s in part)
        if not view.link and not has_url and view.kind != "repost" and "missing link" not in have:
            view.warnings.append("missing link back to the report")
        text = " ".join(s.text for part in view.parts for s in part if not s.href).casefold()
        key = (view.platform, " ".join(text.split()))
        if key in seen and "duplicate" not in have:
            view.warnings.append(f"duplicate text: same as post {seen[key]}")
        seen.setdefault(key, view.number)
