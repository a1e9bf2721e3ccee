"""One source (URL, saved .html, .txt, .md) → a Report, in memory. Writing it is `ingest`'s job.

Every way in ends in the same `_assemble`, so a report reads the same whether it was fetched, saved or pasted:
the page layout gives event, date and title; <meta> tags give URL, image, description and publisher; explicit
values (`--url`, `--meta key=value`) override both, because the person ingesting knows best.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from bot.content.fetch import MAX_BYTES, check_not_binary, decode_html, fetch_html, format_size
from bot.content.language import detect_language
from bot.content.links import ascii_url
from bot.content.markdown_io import (
    FIELD_ORDER,
    build_report,
    is_http_url,
    parse_body,
    split_front_matter,
    validate_front_matter,
)
from bot.content.pagetext import DateParts, PageText, parse_page_blocks, title_numbers
from bot.content.report import Report
from bot.content.slugs import slug_for_report, slugify
from bot.errors import InputError

if TYPE_CHECKING:
    import requests

OVERRIDABLE = frozenset(FIELD_ORDER) | {"year"}
_BULLET_LINE = re.compile(r"^\s*[•·・*\-–]\s*")
_BLANK_LINES = re.compile(r"\n\s*\n")
DEFAULT_USER_AGENT = "session-report-bot/0.1"


@dataclass(slots=True)
class Draft:
    """Fields gathered from a source before validation; `warnings` are shown to the user, not fatal."""

    fields: dict[str, Any]
    paragraphs: list[str]
    printed_date: DateParts | None = None
    warnings: list[str] = field(default_factory=list)


def is_url(source: str) -> bool:
    """Whether `source` is meant as a web address (http:// or https://), valid or not: see `is_http_url`."""
    return source.lstrip().lower().startswith(("http://", "https://"))


def read_source(
    source: str,
    *,
    url: str | None = None,
    meta: dict[str, str] | None = None,
    user_agent: str = DEFAULT_USER_AGENT,
    session: requests.Session | None = None,
) -> tuple[Report, list[str]]:
    """Read and normalise one source; return the Report and any warnings. Raises InputError naming `source`."""
    if url is not None and not is_url(url):
        raise InputError(f"--url must be an http(s) address, got {url!r}", source=source)
    if url is not None and not is_http_url(url):
        raise InputError(f"--url {url!r} is not a valid URL", source=source)
    if is_url(source) and not is_http_url(source):
        raise InputError("not a valid URL", source=source)
    overrides = dict(meta or {})
    unknown = sorted(set(overrides) - OVERRIDABLE)
    if unknown:
        raise InputError(f"unknown --meta key(s): {', '.join(unknown)}", source=source)
    if is_url(source):
        page = fetch_html(source, user_agent=user_agent, session=session)
        draft = _from_html(page.html, source, fallback_url=page.url)
        draft.fields["source"] = source
    else:
        draft = _from_file(source)
    if url is not None:
        draft.fields["url"] = ascii_url(url)
    return _assemble(draft, overrides, source), draft.warnings


def _from_file(source: str) -> Draft:
    path = Path(source)
    if not path.is_file():
        raise InputError("file not found" if not path.exists() else "not a file", source=source)
    suffix = path.suffix.lower()
    if suffix not in (".html", ".htm", ".txt", ".md", ".markdown"):
        raise InputError("unsupported source (expected an http(s) URL, .html, .txt or .md file)", source=source)
    if path.stat().st_size > MAX_BYTES:
        raise InputError(f"file is larger than the {format_size(MAX_BYTES)} cap", source=source)
    data = path.read_bytes()
    check_not_binary(data, source)
    if suffix in (".html", ".htm"):
        draft = _from_html(decode_html(data, source), source, fallback_url=None)
    else:
        text = _decode_text(data, source)
        draft = _from_markdown(text, source) if suffix in (".md", ".markdown") else _from_text(text, source)
    if suffix in (".md", ".markdown"):
        draft.fields.setdefault("source", path.name)  # re-ingesting content/<slug>.md keeps its origin
    else:
        draft.fields["source"] = path.name
    draft.fields.setdefault("slug", slugify(path.stem) or None)
    return draft


def _decode_text(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text (bad byte at offset {error.start})", source=source) from None


def _from_html(html: str, source: str, *, fallback_url: str | None) -> Draft:
    from bot.content.extract import extract_html, resolve_date

    parts = extract_html(html, source)
    meta, page = parts.meta, parts.page
    language = detect_language(" ".join(page.paragraphs), declared=meta.lang)
    context = " ".join(filter(None, [page.event, page.title, meta.text]))
    url = _absolute(meta.url, fallback_url) or fallback_url
    fields: dict[str, Any] = {
        "title": page.title or meta.title,
        "url": url,
        "event": page.event,
        "date": resolve_date(page.date, context, meta.published),
        "language": language,
        "publisher": meta.site_name,
        "description": meta.description,
        "image": _absolute(meta.image, url),
    }
    draft = Draft(fields=fields, paragraphs=list(page.paragraphs))
    _warn_undated(draft, page)
    return draft


def _absolute(address: str | None, base: str | None) -> str | None:
    """A page's (possibly relative) canonical/og:image address as an absolute http(s) URL in ASCII, or None
    when it is not one: a bad image tag should drop the image, not fail the ingest."""
    if not address:
        return None
    absolute = urljoin(base, address.strip()) if base and is_http_url(base) else address.strip()
    return ascii_url(absolute) if is_http_url(absolute) else None


def _from_text(text: str, source: str) -> Draft:
    """Plain text as a reader sees the page; without the report header the first short line is the title."""
    from bot.content.extract import resolve_date

    language = detect_language(text)
    page = parse_page_blocks(_text_blocks(text, joiner="" if language == "ja" else " "))
    if not page.event_report and page.paragraphs and _looks_like_heading(page.paragraphs[0]):
        page.title = page.paragraphs.pop(0)
    context = " ".join(filter(None, [page.event, page.title]))
    fields: dict[str, Any] = {
        "title": page.title,
        "event": page.event,
        "date": resolve_date(page.date, context, None),
        "language": language,
    }
    draft = Draft(fields=fields, paragraphs=list(page.paragraphs))
    _warn_undated(draft, page)
    return draft


def _from_markdown(text: str, source: str) -> Draft:
    meta, body = split_front_matter(text, source)
    fields = validate_front_matter(meta or {}, source)
    lines = body.lstrip("\n").split("\n", 1)
    if lines[0].startswith("# ") and "title" not in fields:
        fields["title"] = lines[0][2:].strip()
    fields.setdefault("language", detect_language(body))
    return Draft(fields=fields, paragraphs=list(parse_body(body, fields["language"])))


def _text_blocks(text: str, *, joiner: str) -> list[str]:
    """Blank-line separated blocks, soft-wrapped lines joined; a bulleted block becomes one block per line."""
    blocks: list[str] = []
    for chunk in _BLANK_LINES.split(text.replace("\r\n", "\n")):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if lines and all(_BULLET_LINE.match(line) for line in lines):
            blocks.extend(_BULLET_LINE.sub("", line) for line in lines)
        elif lines:
            blocks.append(joiner.join(lines))
    return blocks


def _looks_like_heading(block: str) -> bool:
    return len(block) <= 200 and not block.rstrip().endswith((".", "。", "!", "?", "！", "？", ":"))


def _warn_undated(draft: Draft, page: PageText) -> None:
    draft.printed_date = page.date
    if page.date is not None and draft.fields.get("date") is None:
        draft.warnings.append(
            f"date '{page.date.month:02d}-{page.date.day:02d}' has no year on the page: "
            "give --meta date=YYYY-MM-DD (or year=YYYY)"
        )


def _assemble(draft: Draft, overrides: dict[str, str], source: str) -> Report:
    """Apply overrides, derive part/session/slug, validate, and build the Report."""
    fields = {k: v for k, v in draft.fields.items() if v not in (None, "")}
    if not _has_body_text(draft.paragraphs, str(overrides.get("language") or fields.get("language", "en"))):
        raise InputError("no body text found", source=source)
    year = overrides.pop("year", None)
    typed = validate_front_matter(_typed_overrides(overrides, source), source)
    fields.update(typed)
    if year is not None and "date" not in typed:
        fields["date"] = _date_in_year(draft.printed_date, year, source)
    if fields.get("date") is not None:
        draft.warnings.clear()
    if not fields.get("title"):
        raise InputError("no title found: give one with --meta title=...", source=source)
    if not fields.get("url"):
        raise InputError("no URL for this report: give the canonical address with --url", source=source)
    part, session = title_numbers(fields["title"])
    fields.setdefault("part", part)
    fields.setdefault("session", session)
    fields = {k: v for k, v in fields.items() if v is not None}
    if not fields.get("slug"):
        fields["slug"] = slug_for_report(
            fields["title"], event=fields.get("event"), part=fields.get("part"),
            session=fields.get("session"), url=fields["url"],
        )  # fmt: skip
    return build_report(fields, tuple(draft.paragraphs), source)


def _has_body_text(paragraphs: list[str], language: str) -> bool:
    """More than a stray nav word: at least 20 characters of text (10 for Japanese, which is denser)."""
    needed = 10 if language == "ja" else 20
    return sum(len("".join(p.split())) for p in paragraphs) >= needed


def _date_in_year(printed: DateParts | None, year: str, source: str) -> Any:
    if not (year.isdigit() and len(year) == 4):
        raise InputError(f"--meta year must be a four-digit year, got {year!r}", source=source)
    if printed is None:
        raise InputError("--meta year needs a date line on the page; use --meta date=YYYY-MM-DD", source=source)
    resolved = printed.resolve(int(year))
    if resolved is None:
        raise InputError(f"{year}-{printed.month:02d}-{printed.day:02d} is not a calendar date", source=source)
    return resolved


def _typed_overrides(overrides: dict[str, str], source: str) -> dict[str, Any]:
    typed: dict[str, Any] = {}
    for key, value in overrides.items():
        if key in ("part", "session"):
            if not value.strip().isdigit():
                raise InputError(f"--meta {key} must be a whole number, got {value!r}", source=source)
            typed[key] = int(value)
        elif key in ("highlights", "exclude"):
            typed[key] = [value]
        else:
            typed[key] = value
    return typed
