"""Find URLs the way X does (twitter-text's `extractURLsWithIndices`), because each one counts 23.

X also recognises bare domains ending in a known top-level domain ("example.com", "foo.co.jp"), so a post that
mentions a domain costs 23 for it. The TLDs come from the Public Suffix List shipped by the `tld` package (ICANN
section) rather than a hand-kept list; a short fallback list is used if it cannot be read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import regex

MAX_URL_LENGTH = 4096
_FALLBACK_TLDS = frozenset(
    "com net org info biz edu gov mil int io co tv me app dev news online site xyz jp us uk de fr it es nl eu "
    "ca au kr cn tw hk sg in ru br ch se no fi dk be at pl cz nz za mx ar".split()
)
_LATIN_ACCENTS = (
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b\u0263\u0268"
    "\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
_DOMAIN_CHAR = r"[^\s!-/:-@\[-`{-~\p{Cc}\ufffe\ufeff\uffff\u202a-\u202e\u2066-\u2069]"
_PATH_CHAR = rf"[a-z\u0400-\u04ff0-9!*';:=+,.$/%#\[\]\-\u2013_~|&@{_LATIN_ACCENTS}]"
_BALANCED_PARENS = rf"\((?:{_PATH_CHAR}+|(?:{_PATH_CHAR}*\({_PATH_CHAR}+\){_PATH_CHAR}*))\)"
_PATH_END = rf"(?:[+\-a-z\u0400-\u04ff0-9=_#/{_LATIN_ACCENTS}]|{_BALANCED_PARENS})"
_PATH = rf"(?:{_PATH_CHAR}*(?:{_BALANCED_PARENS}{_PATH_CHAR}*)*{_PATH_END}|@{_PATH_CHAR}+/)"
_QUERY_CHARS = r"[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]"
_QUERY_END = r"[a-z0-9\-_&=#/]"
_RUN = regex.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class UrlSpan:
    """A URL X would shorten: `text[start:end]`."""

    start: int
    end: int
    url: str


@lru_cache(maxsize=1)
def known_tlds() -> frozenset[str]:
    """Every top-level label of the Public Suffix List's ICANN section, lower-cased (Unicode form)."""
    try:
        res = resources.files("tld") / "res" / "effective_tld_names_public_only.dat.txt"
        text = res.read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return _FALLBACK_TLDS
    rules = (line.strip() for line in text.splitlines())
    tlds = {rule.lstrip("!*.").rsplit(".", 1)[-1].lower() for rule in rules if rule and not rule.startswith("//")}
    return frozenset(tlds) or _FALLBACK_TLDS


def _is_country_code(tld: str) -> bool:
    """twitter-text refuses `name.cc` (a ccTLD) without scheme or path, except the short-link TLDs co and tv."""
    return len(tld) == 2 and tld.isascii() and tld.lower() not in {"co", "tv"}


@lru_cache(maxsize=1)
def _patterns() -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    alternatives = "|".join(regex.escape(t) for t in sorted(known_tlds(), key=lambda t: (-len(t), t)))
    tld = rf"(?:(?i:{alternatives})(?=[^0-9a-zA-Z@+\-]|$)|(?i:xn--[\-0-9a-z]+))"
    subdomain = rf"(?:(?:{_DOMAIN_CHAR}(?:[_\-]|{_DOMAIN_CHAR})*)?{_DOMAIN_CHAR}\.)"
    name = rf"(?:(?:{_DOMAIN_CHAR}(?:-|{_DOMAIN_CHAR})*)?{_DOMAIN_CHAR}\.)"
    url = (
        r"(?<![A-Za-z0-9@＠$#＃])"
        r"(?P<protocol>(?i:https?://))?"
        rf"(?P<domain>{subdomain}*{name}{tld})"
        r"(?::(?P<port>[0-9]+))?"
        rf"(?P<path>(?i:/{_PATH}*))?"
        rf"(?P<query>(?i:\?{_QUERY_CHARS}*{_QUERY_END}))?"
    )
    ascii_domain = rf"(?i:(?:[\-a-z0-9{_LATIN_ACCENTS}]+\.)+{tld})"
    return regex.compile(url), regex.compile(ascii_domain)


def _valid_host(domain: str, protocol: str, url: str) -> bool:
    """twitter-text's isValidUrl: the host must IDNA-encode (labels ≤ 63) and the URL stay ≤ 4096."""
    try:
        encoded = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return bool(encoded) and len(protocol or "https://") + len(url) + len(encoded) - len(domain) <= MAX_URL_LENGTH


def _without_protocol(text: str, match: regex.Match[str], ascii_domain: regex.Pattern[str]) -> list[UrlSpan]:
    """Bare domains: only ASCII hosts count, not after '-_./', and `name.cc` only with a path."""
    start = match.start()
    if start > 0 and text[start - 1] in "-_./":
        return []
    domain, path = match.group("domain"), match.group("path")
    spans: list[UrlSpan] = []
    last: UrlSpan | None = None
    for found in ascii_domain.finditer(domain):
        host = found.group()
        last = UrlSpan(start + found.start(), start + found.end(), host)
        labels = host.split(".")
        short_cc = len(labels) == 2 and _is_country_code(labels[1])
        if path or not short_cc:
            spans.append(last)
    if last is not None and path and spans and spans[-1] is last:
        spans[-1] = UrlSpan(last.start, match.end(), text[last.start : match.end()])
    return spans


def _candidate_matches(url_pattern: regex.Pattern[str], text: str) -> Iterator[regex.Match[str]]:
    """The URL pattern's matches, found only in runs of non-space text that hold a dot: a match never spans
    whitespace (no part of the pattern accepts it) and always holds a dot (before its TLD), so this yields the
    same matches as `url_pattern.finditer(text)` without trying the slow pattern at every offset."""
    for run in _RUN.finditer(text):
        if "." in run.group():
            yield from url_pattern.finditer(text, run.start(), run.end())


def find_urls(text: str) -> tuple[UrlSpan, ...]:
    """Every URL X would recognise in `text`, in order, as code-point offsets."""
    url_pattern, ascii_domain = _patterns()
    spans: list[UrlSpan] = []
    for match in _candidate_matches(url_pattern, text):
        protocol = match.group("protocol")
        if not _valid_host(match.group("domain"), protocol, match.group()):
            continue
        if protocol:
            spans.append(UrlSpan(match.start(), match.end(), match.group()))
        else:
            spans.extend(_without_protocol(text, match, ascii_domain))
    return tuple(spans)
