"""File names for content/<slug>.md: stable, ASCII, short, and the same whichever way a report arrives.

A saved page or text file keeps its file stem (editors name files deliberately). A URL gets a slug built from
the report itself: the event's initials and ordinal ("The 5th Tokyo Global Dialogue" → tgd5), part and
session ("part3-2"), and the session's own title, so the sample URL and the sample file map to the same
`tgd5-part3-2-future-of-international-security`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit

from bot.errors import InputError

MAX_SLUG = 48  # what the bot makes
MAX_GIVEN_SLUG = 80  # what an editor may give (front matter `slug:`, `--meta slug=`)
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_LEADING_ARTICLE = re.compile(r"^(the|a|an)-")
_TRAILING_WEAK = re.compile(r"-(and|of|the|a|an|in|on|for|to|with)$")
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b", re.I)
_SESSION_MARK = re.compile(r"\(\d+\)|（\d+）")


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """Lower-case ASCII words joined by '-', cut at a word boundary, without dangling 'and'/'of'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[: max_length + 1].rsplit("-", 1)[0]
    while True:
        trimmed = _TRAILING_WEAK.sub("", slug)
        if trimmed == slug:
            return slug
        slug = trimmed


def event_code(event: str | None) -> str:
    """Initials of the event's capitalised words plus its ordinal: "The 5th Tokyo Global Dialogue" → "tgd5"."""
    if not event:
        return ""
    ordinal = _ORDINAL.search(event)
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", event) if w[0].isupper() and w.lower() != "the"]
    initials = "".join(w[0] for w in words if not _ORDINAL.fullmatch(w)).lower()
    return initials + (ordinal.group(1) if ordinal and initials else "")


def slug_for_report(title: str, *, event: str | None, part: int | None, session: int | None, url: str | None) -> str:
    """A slug from the report's metadata; falls back to the URL's path, then to a hash of the URL."""
    own_title = _SESSION_MARK.split(title, maxsplit=1)[-1] if _SESSION_MARK.search(title) else title
    numbers = f"part{part}-{session}" if part and session else (f"part{part}" if part else "")
    title_slug = _LEADING_ARTICLE.sub("", slugify(own_title, MAX_SLUG))
    if title_slug:
        prefix = "-".join(p for p in (event_code(event), numbers) if p)
        room = MAX_SLUG - len(prefix) - 1 if prefix else MAX_SLUG
        return "-".join(p for p in (prefix, slugify(title_slug, max(room, 12))) if p)
    if url:
        parts = urlsplit(url)
        path_slug = slugify(parts.path.rsplit("/", 1)[-1].rsplit(".", 1)[0] + "-" + parts.query)
        if path_slug:
            return path_slug
        return "report-" + hashlib.sha1(url.encode()).hexdigest()[:10]
    return "report"


def check_slug(value: str, *, source: str, key: str = "slug") -> str:
    """A slug names a file (content/<slug>.md, cards): lower-case a-z, 0-9 and single '-' between them, at most
    MAX_GIVEN_SLUG characters. Anything else (`../../evil`, `/tmp/abs`, spaces) is refused naming the field."""
    if not (_SLUG.fullmatch(value) and len(value) <= MAX_GIVEN_SLUG):
        shown = value if len(value) <= 60 else value[:60] + "…"
        raise InputError(f"{key}: {shown!r} is not a valid slug (a-z, 0-9 and '-', at most {MAX_GIVEN_SLUG} "
                         "characters)", source=source)
    return value
