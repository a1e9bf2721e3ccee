"""Links back to the report: UTM tagging and text-fragment deep links (`#:~:text=`).

UTM parameters are *appended* to the report URL's own query string, which is kept byte for byte: the sample
report lives at `tgd5_final.php?8`, where `8` is a bare key that a parse-and-re-encode round trip would turn
into `8=` and break. Text fragments follow the URL Fragment Text Directives spec: the text is percent-encoded,
including the directive's syntax characters `-`, `&` and `,`; long sentences use the `textStart,textEnd` form.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit, urlunsplit

from bot.errors import ConfigError

if TYPE_CHECKING:
    from bot.settings import Settings

LINK_PLACEHOLDERS = frozenset({"platform", "event_slug"})
UTM_CAMPAIGN_MAX = 40
_UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")
_WORDS_EACH_END = 4  # words in textStart / textEnd for long sentences
_MAX_EXACT_WORDS = 10  # sentences up to this many words are matched whole
_CJK_MAX_EXACT = 40  # characters, for languages written without spaces
_CJK_MIN_END = 8  # characters at least in textStart / textEnd for such languages
_CJK_CLAUSE = re.compile(r"(?<=[、，,；;])")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_UNRESERVED_ESCAPES = {".": "%2E", "-": "%2D", "_": "%5F", "~": "%7E"}
_TRAILING_PUNCT = ".!?。！？…,;:、，\"'”’)］]）"
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"  # RFC 3986 pchar (+ "/"), with "%" kept so existing %XX escapes stay
_QUERY_SAFE = _PATH_SAFE + "?"


def ascii_url(url: str) -> str:
    """`url` in pure ASCII: IDNA (punycode) host; path, query and fragment percent-encoded per RFC 3986.

    X's URL recogniser stops at the first non-ASCII character, so `https://example.org/ja/報告.php` would be
    counted as `https://example.org/ja/` plus text; the ASCII form is one URL (23 characters). Existing `%XX`
    escapes are kept (no double encoding) and ASCII URLs come back unchanged, byte for byte (the bare `?8`
    query of the sample report included). A URL that cannot be parsed is returned as it is, for the caller's
    validation to refuse.
    """
    if url.isascii() and not _LONE_PERCENT.search(url) and " " not in url:
        return url
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return url
    netloc = parts.netloc
    if host and not host.isascii():
        userinfo = netloc.rpartition("@")[0]
        netloc = (quote(userinfo, safe=_PATH_SAFE) + "@" if "@" in netloc else "") + _idna(host)
        netloc += f":{port}" if port is not None else ""
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            _escape(parts.path, _PATH_SAFE),
            _escape(parts.query, _QUERY_SAFE),
            _escape(parts.fragment, _QUERY_SAFE),
        )
    )


def _escape(component: str, safe: str) -> str:
    return quote(_LONE_PERCENT.sub("%25", component), safe=safe)


def _idna(host: str) -> str:
    """Punycode per IDNA 2008 with UTS #46 mapping (what browsers do); Python's IDNA 2003 codec otherwise."""
    import idna

    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        try:
            return host.encode("idna").decode("ascii")
        except UnicodeError:
            return quote(host, safe="")


def slugify(text: str) -> str:
    """`The 5th Tokyo Global Dialogue` → `the-5th-tokyo-global-dialogue` (ASCII words only, for campaigns)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def check_link_templates(settings: Settings) -> None:
    """Raise ConfigError naming `links.<key>` when a UTM value uses an unknown placeholder."""
    for key in _UTM_KEYS:
        value = getattr(settings.links, key)
        if value is None:
            continue
        try:
            fields = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as error:
            raise ConfigError(f"links.{key}: bad template {value!r} ({error})", source=settings.source) from None
        unknown = sorted(fields - LINK_PLACEHOLDERS)
        if unknown:
            raise ConfigError(
                f"links.{key}: unknown placeholder {{{unknown[0]}}} (known: {{platform}}, {{event_slug}})",
                source=settings.source,
            )


def _utm_values(platform: str, settings: Settings, event_slug: str, content: str | None) -> list[tuple[str, str]]:
    check_link_templates(settings)
    fill = {"platform": platform, "event_slug": event_slug}
    values = []
    for key in _UTM_KEYS:
        template = getattr(settings.links, key)
        if key == "utm_content" and content is not None:
            template = content
        if template:
            value = template.format_map(fill)
            values.append((key, _capped(value) if key == "utm_campaign" else value))
    return values


def _capped(campaign: str) -> str:
    """A utm_campaign of at most `UTM_CAMPAIGN_MAX` characters, cut at a hyphen when there is one: the value
    shows in every link and analytics report, whatever a `links.utm_campaign` template adds to the slug."""
    if len(campaign) <= UTM_CAMPAIGN_MAX:
        return campaign
    head = campaign[: UTM_CAMPAIGN_MAX + 1].rsplit("-", 1)[0]
    return (head if len(head) >= UTM_CAMPAIGN_MAX // 2 else campaign[:UTM_CAMPAIGN_MAX]).strip("-")


def tag_url(url: str, *, platform: str, settings: Settings, event_slug: str, content: str | None = None) -> str:
    """`url` with UTM parameters for `platform` appended; its own query (e.g. `?8`) and fragment are kept.

    Existing utm_* parameters are replaced so tagging twice gives the same URL. `content` overrides
    `links.utm_content` (the composer uses it to tell posts apart, e.g. `highlight-2`).
    """
    parts = urlsplit(ascii_url(url))
    kept = [p for p in parts.query.split("&") if p and p.split("=", 1)[0] not in _UTM_KEYS]
    added = [f"{key}={quote(value, safe='')}" for key, value in _utm_values(platform, settings, event_slug, content)]
    return urlunsplit(parts._replace(query="&".join(kept + added)))


def _encode(text: str) -> str:
    """Percent-encode a text-directive value: everything but ASCII letters and digits, so `-`, `&`, `,`
    (directive syntax) and a trailing `.` (which X would leave out of the link) are always encoded."""
    return "".join(c if c.isascii() and c.isalnum() else _UNRESERVED_ESCAPES.get(c) or quote(c, safe="") for c in text)


def _directive(sentence: str, context: str = "") -> str:
    """The `text=` value: the whole sentence when short, else `start,end` with a few words (or, for text
    written without spaces, the first and last clause) so the link survives small edits in between.

    The browser scrolls to the *first* match of `start`, so with `context` (the report's text) the start is
    lengthened until it occurs only once there: two sentences opening "It was emphasized that …" would
    otherwise both link to the first. When no unique start leaves room for an end, the whole sentence is used.
    """
    text = " ".join(sentence.split()).strip(_TRAILING_PUNCT + " ")
    haystack = " ".join(context.split()).casefold()
    if _CJK.search(text):
        clauses = [c for c in _CJK_CLAUSE.split(text) if c.strip()]
        end = _leading_clauses(clauses[::-1], reverse=True)
        first = len(_leading_clauses(clauses))
        for taken in range(1, len(clauses) if len(text) > _CJK_MAX_EXACT else 0):
            start = "".join(clauses[:taken])
            if len(start) < first:
                continue
            if len(start) + len(end) >= len(text):
                break
            if _unique(start.strip(_TRAILING_PUNCT + " "), haystack):
                return f"{_encode(start.strip(_TRAILING_PUNCT + ' '))},{_encode(end.strip(_TRAILING_PUNCT + ' '))}"
        return _encode(text)
    words = text.split(" ")
    if len(words) > _MAX_EXACT_WORDS:
        end = " ".join(words[-_WORDS_EACH_END:]).strip(_TRAILING_PUNCT)
        for count in range(_WORDS_EACH_END, len(words) - _WORDS_EACH_END):
            start = " ".join(words[:count]).strip(_TRAILING_PUNCT)
            if _unique(start, haystack):
                return f"{_encode(start)},{_encode(end)}"
    return _encode(text)


def _unique(term: str, haystack: str) -> bool:
    """Whether `term` occurs at most once in `haystack` (already case-folded); always True without a text."""
    return not haystack or haystack.count(" ".join(term.split()).casefold()) <= 1


def _leading_clauses(clauses: list[str], *, reverse: bool = False) -> str:
    """Whole clauses from one end until there are at least `_CJK_MIN_END` characters: a 3-character opener
    such as "さらに" would match too early on the page."""
    taken: list[str] = []
    for clause in clauses:
        taken.append(clause)
        if len("".join(taken).strip(_TRAILING_PUNCT)) >= _CJK_MIN_END:
            break
    return "".join(taken[::-1] if reverse else taken)


def text_fragment_link(url: str, sentence: str, *, context: str | Sequence[str] | None = None) -> str:
    """`url` plus a text directive that scrolls to and highlights `sentence` in supporting browsers.

    Browsers without support simply open the page. An existing `#fragment` is kept (`#frag:~:text=...`); an
    existing text directive is replaced. `context` is the report's text (a string or its paragraphs): with
    it, the directive's start is made long enough to match only this sentence.
    """
    base, _, fragment = url.partition("#")
    fragment = fragment.split(":~:", 1)[0]
    if not sentence.strip():
        return url
    text = context if isinstance(context, str) or context is None else "\n".join(context)
    return f"{base}#{fragment}:~:text={_directive(sentence, text or '')}"
