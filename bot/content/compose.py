"""Findings → post-sized drafts, per platform, with links back to the report.

Each platform has a *form*, looked up in `_FORMS` (no branching on names elsewhere); every form reads its limit,
counting rule, link handling and prices from the platform's `Capabilities`:

- "x" (`posts per finding`): one announcement for the report, one highlight per finding, and — when asked
  (`thread=True` or `templates.thread`) — one extra thread draft (`meta["form"] == "thread"`, kind
  "announcement", parts numbered "1/4" …). Threads are optional because X restricts API replies.
- "facebook" (`digest`): one longer post — introduction, the findings as a short list, hashtags — with the
  report link in `Draft.link` so Facebook renders a preview card.

Drafts never fail for length: a finding that does not fit is first shown without hashtags, then shortened at
a clause or word boundary with "…" (the URL is always kept); anything still too long is returned with an
"over the limit" warning. `meta["notes"]` records every such adjustment, `warnings` every problem (over length,
missing link, duplicate text). The output depends only on the inputs: same report + settings → same drafts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.content.draft import Draft, DraftKind, Platform
from bot.content.fit import check_templates, render, shorten
from bot.content.links import check_link_templates, slugify, tag_url, text_fragment_link
from bot.content.report import Finding, Report
from bot.content.rewrite import direct_statement
from bot.content.textcount import length_for
from bot.content.urlmatch import find_urls
from bot.errors import InputError
from bot.publish.base import Capabilities
from bot.publish.capabilities import capabilities_for

if TYPE_CHECKING:
    from bot.settings import Settings

REPOST_PREFIXES = ("From our report:", "In case you missed it:", "Worth a read:", "Key point from the report:")
_THREAD_NUMBER = re.compile(r"^\d+/\d+ ")
_NOTE_NO_HASHTAGS = "hashtags left out to fit"
_NOTE_SHORTENED = "shortened to fit"
_WARN_NOT_IN_REPORT = "pinned highlight not found in the report text: no deep link"


def _event_slug(report: Report) -> str:
    """The UTM campaign: the event's name as a slug, or the report's slug when the name has no Latin letters
    (e.g. a Japanese event name, which would otherwise shrink to "5")."""
    slug = slugify(report.event or "")
    return slug if re.search(r"[a-z]", slug) else report.slug


class _Post:
    """What one form needs to build drafts for one report on one platform."""

    def __init__(self, report: Report, settings: Settings, platform: Platform) -> None:
        self.report = report
        self.settings = settings
        self.platform = platform
        self.caps: Capabilities = capabilities_for(platform, settings)
        self.event_slug = _event_slug(report)
        hashtags: tuple[str, ...] = getattr(settings.hashtags, platform)
        self.hashtags = " ".join(hashtags)
        date = report.date
        self.values: dict[str, Any] = {
            "title": report.title,
            "event": report.event or report.publisher or "",
            "date": f"{date:%B} {date.day}, {date.year}" if date else "",
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

    def fill(self, template: str, field: str, value: str, **extra: Any) -> tuple[str, list[str]]:
        """Render `template` with `field` = `value`, dropping hashtags and then shortening `value` (never the
        URL) until it fits. Returns the text and the notes on what was changed."""
        values = {**self.values, **extra}

        def with_(text: str, hashtags: str) -> str:
            return render(template, {**values, field: text, "hashtags": hashtags})

        if self.fits(with_(value, self.hashtags)):
            return with_(value, self.hashtags), []
        if self.hashtags and self.fits(with_(value, "")):
            return with_(value, ""), [_NOTE_NO_HASHTAGS]
        for hashtags, notes in ((self.hashtags, [_NOTE_SHORTENED]), ("", [_NOTE_SHORTENED, _NOTE_NO_HASHTAGS])):
            short = shorten(value, self._fits_with(with_, hashtags))
            if short is not None:
                return with_(short, hashtags), notes
        return with_(value, self.hashtags), []

    def _fits_with(self, with_: Callable[[str, str], str], hashtags: str) -> Callable[[str], bool]:
        return lambda value: self.fits(with_(value, hashtags))

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


def _announcement(post: _Post) -> Draft:
    url = post.tagged("announcement")
    text, notes = post.fill(post.settings.templates.x_announcement, "title", post.report.title, url=url)
    return post.draft("announcement", [text], link=url, notes=notes, meta={"template": "x_announcement"})


def _highlight(post: _Post, finding: Finding) -> Draft:
    """One finding as a post, linking to its sentence. A text fragment only when the finding was found in the
    report's text (`position >= 0`): an editor-pinned highlight written in other words would match nothing on
    the page, so it gets the plain tagged URL and a warning instead."""
    tagged = post.tagged(f"highlight-{finding.rank}")
    in_report = finding.position >= 0
    wants_deep = post.settings.links.text_fragments
    deep = None
    if wants_deep and in_report:
        # The report's text as context: the fragment's start words must match this sentence, not an earlier one.
        deep = text_fragment_link(tagged, finding.text, context=post.report.paragraphs)
    statement = direct_statement(finding.text, post.report.language)
    text, notes = post.fill(post.settings.templates.x_highlight, "finding", statement, url=deep or tagged)
    meta = {"template": "x_highlight", "finding": finding.text, "rewritten": statement != finding.text}
    draft = post.draft(
        "highlight", [text], link=deep or tagged, notes=notes, finding_rank=finding.rank, deep_link=deep, meta=meta
    )
    if wants_deep and not in_report:
        draft = replace(draft, warnings=(*draft.warnings, _WARN_NOT_IN_REPORT))
    return draft


def _thread(post: _Post, findings: Sequence[Finding]) -> Draft:
    """Announcement then one part per finding, numbered "1/N"; only the first part carries the URL (a URL
    makes an X post cost more)."""
    total = 1 + len(findings)
    url = post.tagged("thread")
    first, notes = post.fill(
        f"1/{total} " + post.settings.templates.x_announcement, "title", post.report.title, url=url
    )
    parts = [first]
    for number, finding in enumerate(findings, 2):
        statement = direct_statement(finding.text, post.report.language)
        part, part_notes = post.fill(f"{number}/{total} {{finding}}", "finding", statement)
        parts.append(part)
        notes += [f"part {number}: {n}" for n in part_notes]
    return post.draft("announcement", parts, link=url, notes=notes, meta={"form": "thread"})


def _posts_per_finding(post: _Post, findings: Sequence[Finding], thread: bool) -> list[Draft]:
    drafts = [_announcement(post)] + [_highlight(post, f) for f in findings]
    if thread and post.caps.supports_threads and findings:
        drafts.append(_thread(post, findings))
    return drafts


def _digest(post: _Post, findings: Sequence[Finding], thread: bool) -> list[Draft]:
    """One post: intro, heading, "• finding" lines, hashtags; the link in its own field when supported."""
    templates = post.settings.templates
    url = post.tagged("digest")
    points = "\n".join(f"• {direct_statement(f.text, post.report.language)}" for f in findings)
    blocks = [render(templates.facebook_intro, {**post.values, "url": url})]
    if points:
        blocks.append(render(templates.facebook_findings_heading, post.values) + "\n" + points)
    if not post.caps.link_field:
        blocks.append(url)
    blocks.append(post.hashtags)
    text = "\n\n".join(b for b in blocks if b)
    link = url if post.caps.link_field else None
    return [post.draft("announcement", [text], link=link, notes=[], meta={"form": "digest"})]


_FORMS: dict[str, Callable[[_Post, Sequence[Finding], bool], list[Draft]]] = {
    "x": _posts_per_finding,
    "facebook": _digest,
}


def _flag_duplicates(drafts: list[Draft]) -> list[Draft]:
    """Warn when two drafts for one platform say the same thing (URLs aside): X refuses duplicate posts."""
    seen: dict[tuple[str, str], int] = {}
    flagged = []
    for index, draft in enumerate(drafts):
        key = (draft.platform, _without_urls(" ".join(draft.parts)).casefold())
        if key in seen:
            first = drafts[seen[key]]
            warning = f"duplicate text: same as draft {seen[key] + 1} ({first.kind})"
            draft = replace(draft, warnings=(*draft.warnings, warning))
        else:
            seen[key] = index
        flagged.append(draft)
    return flagged


def _without_urls(text: str) -> str:
    for span in reversed(find_urls(text)):
        text = text[: span.start] + text[span.end :]
    return " ".join(text.split())


def compose_drafts(
    report: Report,
    findings: list[Finding],
    settings: Settings,
    *,
    platforms: Sequence[str] = ("x", "facebook"),
    thread: bool | None = None,
) -> list[Draft]:
    """Drafts for `report` on each platform, in a fixed order (per platform: announcement, highlights by rank,
    thread). Raises ConfigError for a template or link setting with an unknown placeholder."""
    check_templates(settings)
    check_link_templates(settings)
    want_thread = settings.templates.thread if thread is None else thread
    ordered = sorted(findings, key=lambda f: (f.rank, f.position))
    drafts: list[Draft] = []
    for platform in platforms:
        if platform not in _FORMS:
            raise InputError(f"unknown platform {platform!r} (known: {', '.join(_FORMS)})")
        post = _Post(report, settings, platform)  # type: ignore[arg-type]  # checked against _FORMS above
        drafts += _FORMS[platform](post, ordered, want_thread)
    return _flag_duplicates(drafts)


def find_report_file(ref: str | Path, settings: Settings) -> Path:
    """A report path, or a slug looked up as `<content_dir>/<slug>.md`."""
    path = Path(ref)
    if path.suffix or len(path.parts) > 1 or path.exists():
        return path
    return Path(settings.bot.content_dir) / f"{ref}.md"


def draft_report(
    path_or_report: str | Path | Report,
    settings: Settings,
    *,
    platforms: Sequence[str] = ("x", "facebook"),
    thread: bool | None = None,
    top: int = 3,
) -> list[Draft]:
    """Load (a path or slug), rank and compose in one call: what the scheduler, preview and `bot post` use."""
    from bot.content.findings import rank_findings
    from bot.content.markdown_io import load_report

    if isinstance(path_or_report, Report):
        report = path_or_report
    else:
        report = load_report(find_report_file(path_or_report, settings))
    return compose_drafts(report, rank_findings(report, top=top), settings, platforms=platforms, thread=thread)


def repost_text(
    draft_or_text: Draft | str, *, attempt: int = 1, max_length: int | None = None, counting: str | None = None
) -> str:
    """A visibly different text for posting the same highlight again (X refuses duplicate content).

    `attempt` (1, 2, …) picks the lead-in ("From our report: …", "In case you missed it: …", …) so successive
    reposts differ from each other too. The text is shortened before its first URL if needed; the URL stays.
    """
    if isinstance(draft_or_text, Draft):
        text = draft_or_text.text
        max_length = max_length or draft_or_text.limit or 280
        counting = counting or draft_or_text.meta.get("counting", "twitter")
    else:
        text = draft_or_text
    limit, rule = max_length or 280, counting or "twitter"
    for known in REPOST_PREFIXES:
        text = text.removeprefix(known + " ")
    text = _THREAD_NUMBER.sub("", text, count=1)
    prefix = REPOST_PREFIXES[(attempt - 1) % len(REPOST_PREFIXES)]
    urls = find_urls(text)
    cut = urls[0].start if urls else len(text)
    body, tail = text[:cut].strip(), text[cut:].strip()

    def compose(b: str) -> str:
        return " ".join(p for p in (prefix, b, tail) if p)

    short = shorten(body, lambda b: 0 < length_for(compose(b), rule) <= limit) if body else body
    return compose(short if short is not None else body)
