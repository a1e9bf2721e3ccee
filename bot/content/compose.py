"""Findings → post-sized drafts, per platform, with links back to the report.

Each platform has a *form*, looked up in `_FORMS` (no branching on names elsewhere); every form reads its limit,
counting rule, link handling and prices from the platform's `Capabilities`:

- "x" (`posts per finding`): one announcement for the report, one highlight per finding, and — when asked
  (`thread=True` or `templates.thread`) — one extra thread draft (`meta["form"] == "thread"`, kind
  "announcement", parts numbered "1/4" …). Threads are optional because X restricts API replies.
- "facebook" (`digest`): one longer post — introduction, the findings as a short list, hashtags — with the
  report link in `Draft.link` so Facebook renders a preview card.

Drafts fit: a finding that does not is first shown without hashtags, then compressed (`compress`: asides,
lists, frames a sub-editor would remove), and only then cut at a clause or word boundary with "…" (the URL is
always kept); an announcement falls back from the full title to the session title to the event's name, then a
shortened title. Each finding has one final text (`final_texts`), the same in every post, card and preview.
Templates, hashtags and the UTM campaign come from the report, the campaign's `[content]` and the config, per
language (`postsettings`). `meta["notes"]` records every adjustment, `warnings` every problem (over length,
missing link, duplicate text). The output depends only on the inputs: same report + settings → same drafts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.content.draft import Draft
from bot.content.fit import check_template_text, check_templates, render
from bot.content.links import check_link_templates, text_fragment_link
from bot.content.postform import (
    NOTE_COMPRESSED,
    NOTE_SHORTENED,
    NOTE_TITLE,
    PostForm,
    compressed_note,
)
from bot.content.postsettings import ContentSettings, resolve
from bot.content.report import Finding, Report
from bot.content.repost import REPOST_PREFIXES, REPOST_PREFIXES_JA, repost_text
from bot.content.rewrite import direct_statement
from bot.content.urlmatch import find_urls
from bot.content.wording import FinalText, title_candidates
from bot.errors import InputError

if TYPE_CHECKING:
    from bot.settings import Settings

__all__ = ["REPOST_PREFIXES", "REPOST_PREFIXES_JA", "compose_drafts", "draft_report", "final_texts", "repost_text"]
_WARN_NOT_IN_REPORT = "pinned highlight not found in the report text: no deep link"


def _nested_quotes(text: str) -> str:
    """Japanese nests quotes as 『』 inside 「」: a title quoted by the template gets its own 「」 turned."""
    return text.replace("「", "『").replace("」", "』")


def _fit_title(post: PostForm, template: str, url: str) -> tuple[str, list[str]]:
    """The announcement with the full title, else the session title, else the event's name (without the event
    repeated before it), and only then a shortened full title: it must fit."""
    for number, candidate in enumerate(title_candidates(post.report)):
        if "「{title}」" in template:
            candidate = _nested_quotes(candidate)
        extra: dict[str, Any] = {"url": url}
        if candidate in (post.report.event, _nested_quotes(post.report.event or "")):
            extra["event"] = ""
        text, notes, _ = post.fill(template, "title", candidate, **extra)
        if post.fits(text) and NOTE_SHORTENED not in notes:
            return text, notes + ([f"{NOTE_TITLE}: {candidate}"] if number else [])
    for event in (post.values["event"], ""):  # an event name too long to leave room goes as well
        text, notes, _ = post.fill(template, "title", post.report.title, url=url, event=event)
        if post.fits(text):
            break
    return text, notes


def _announcement(post: PostForm) -> Draft:
    url = post.tagged("announcement")
    text, notes = _fit_title(post, post.templates["x_announcement"], url)
    return post.draft("announcement", [text], link=url, notes=notes, meta={"template": "x_announcement"})


def final_text(post: PostForm, finding: Finding, url: str) -> FinalText:
    """The finding's words as posted in an X highlight (the tightest budget): its statement, compressed and, as
    the last resort, shortened until the highlight fits."""
    statement = direct_statement(finding.text, post.report.language)
    _, notes, text = post.fill(post.templates["x_highlight"], "finding", statement, compressible=True, url=url)
    steps = next((n.split(": ", 1)[1].split(", ") for n in notes if n.startswith(NOTE_COMPRESSED)), [])
    return FinalText(finding.text, statement, text, tuple(steps), truncated=NOTE_SHORTENED in notes)


def _highlight(post: PostForm, finding: Finding) -> Draft:
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
    final = post.finals.get(finding.rank) or final_text(post, finding, deep or tagged)
    text, notes, _ = post.fill(post.templates["x_highlight"], "finding", final.text, url=deep or tagged)
    notes = [*([compressed_note(final.steps)] if final.steps else []), *notes]
    notes = [NOTE_SHORTENED, *notes] if final.truncated else notes
    meta = {
        "template": "x_highlight", "finding": finding.text, "statement": final.statement, "final": final.text,
        "removed": final.removed_parts(), "rewritten": final.statement != finding.text,
    }  # fmt: skip
    draft = post.draft(
        "highlight", [text], link=deep or tagged, notes=notes, finding_rank=finding.rank, deep_link=deep, meta=meta
    )
    if wants_deep and not in_report:
        draft = replace(draft, warnings=(*draft.warnings, _WARN_NOT_IN_REPORT))
    return draft


def _thread(post: PostForm, findings: Sequence[Finding]) -> Draft:
    """Announcement then one part per finding, numbered "1/N"; only the first part carries the URL (a URL
    makes an X post cost more)."""
    total = 1 + len(findings)
    url = post.tagged("thread")
    first, notes = _fit_title(post, f"1/{total} " + post.templates["x_announcement"], url)
    parts = [first]
    for number, finding in enumerate(findings, 2):
        text = post.finals[finding.rank].text if finding.rank in post.finals else finding.text
        part, part_notes, _ = post.fill(f"{number}/{total} {{finding}}", "finding", text, compressible=True)
        parts.append(part)
        notes += [f"part {number}: {n}" for n in part_notes]
    return post.draft("announcement", parts, link=url, notes=notes, meta={"form": "thread"})


def _posts_per_finding(post: PostForm, findings: Sequence[Finding], thread: bool) -> list[Draft]:
    drafts = [_announcement(post)] + [_highlight(post, f) for f in findings]
    if thread and post.caps.supports_threads and findings:
        drafts.append(_thread(post, findings))
    return drafts


def _digest(post: PostForm, findings: Sequence[Finding], thread: bool) -> list[Draft]:
    """One post: intro, heading, "• finding" lines, hashtags; the link in its own field when supported."""
    templates = post.templates
    url = post.tagged("digest")
    texts = [post.finals[f.rank].text if f.rank in post.finals else f.text for f in findings]
    points = "\n".join(f"• {text}" for text in texts)
    intro = templates["facebook_intro"]
    title = _nested_quotes(post.report.title) if "「{title}」" in intro else post.report.title
    blocks = [render(intro, {**post.values, "url": url, "title": title})]
    if points:
        blocks.append(render(templates["facebook_findings_heading"], post.values) + "\n" + points)
    if not post.caps.link_field:
        blocks.append(url)
    blocks.append(post.hashtags)
    text = "\n\n".join(b for b in blocks if b)
    link = url if post.caps.link_field else None
    return [post.draft("announcement", [text], link=link, notes=[], meta={"form": "digest"})]


_FORMS: dict[str, Callable[[PostForm, Sequence[Finding], bool], list[Draft]]] = {
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


def final_texts(
    report: Report,
    findings: Sequence[Finding],
    settings: Settings,
    *,
    content: ContentSettings | None = None,
    language: str | None = None,
) -> dict[int, FinalText]:
    """Each finding's final text by rank: the words the X highlight, the Facebook digest, the thread, the
    preview and the quote card all show (see `wording`)."""
    post = PostForm(report, settings, "x", resolve(report, settings, content, language))
    finals = {}
    for finding in findings:
        tagged = post.tagged(f"highlight-{finding.rank}")
        deep = None
        if settings.links.text_fragments and finding.position >= 0:
            deep = text_fragment_link(tagged, finding.text, context=report.paragraphs)
        finals[finding.rank] = final_text(post, finding, deep or tagged)
    return finals


def compose_drafts(
    report: Report,
    findings: list[Finding],
    settings: Settings,
    *,
    platforms: Sequence[str] = ("x", "facebook"),
    thread: bool | None = None,
    content: ContentSettings | None = None,
    language: str | None = None,
) -> list[Draft]:
    """Drafts for `report` on each platform, in a fixed order (per platform: announcement, highlights by rank,
    thread). `content` is the campaign's `[content]` section and `language` an account's template language.
    Raises ConfigError for a template or link setting with an unknown placeholder."""
    check_templates(settings)
    check_link_templates(settings)
    chosen = resolve(report, settings, content, language)
    for key, template in chosen.templates.items():
        check_template_text(key, template, settings.source)
    want_thread = settings.templates.thread if thread is None else thread
    ordered = sorted(findings, key=lambda f: (f.rank, f.position))
    finals = final_texts(report, ordered, settings, content=content, language=language)
    drafts: list[Draft] = []
    for platform in platforms:
        if platform not in _FORMS:
            raise InputError(f"unknown platform {platform!r} (known: {', '.join(_FORMS)})")
        post = PostForm(report, settings, platform, chosen)  # type: ignore[arg-type]  # checked against _FORMS above
        post.finals = finals
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
    content: ContentSettings | None = None,
    language: str | None = None,
) -> list[Draft]:
    """Load (a path or slug), rank and compose in one call: what the scheduler, preview and `bot post` use."""
    from bot.content.findings import rank_findings
    from bot.content.markdown_io import load_report

    if isinstance(path_or_report, Report):
        report = path_or_report
    else:
        report = load_report(find_report_file(path_or_report, settings))
    findings = rank_findings(report, top=top)
    return compose_drafts(
        report, findings, settings, platforms=platforms, thread=thread, content=content, language=language
    )
