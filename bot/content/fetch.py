"""Fetching a report page over HTTP(S), defensively, and decoding HTML bytes (fetched or saved) to text.

A report URL comes from a person, so everything about the response is checked before it is trusted: connect
and read timeouts (requests has none by default), a size cap enforced while streaming (Content-Length can lie
or be absent), an HTML content type, and at most a few redirects, followed by hand so that a loop or a jump to
a non-HTTP scheme is named in the error. The whole fetch has a deadline too: a server that trickles a few
bytes a second resets every read timeout and would otherwise hold `bot ingest` for hours. Every failure is an
InputError naming the URL and the cause.
"""

from __future__ import annotations

import codecs
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from bot.errors import InputError

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
FETCH_DEADLINE = 60.0  # seconds for the whole fetch: every redirect and every byte
CHUNK = 64 * 1024
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-:.]+)""", re.I)


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A fetched HTML page: `url` is the address after redirects."""

    url: str
    html: str
    content_type: str


def fetch_html(
    url: str,
    *,
    user_agent: str,
    session: requests.Session | None = None,
    timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    deadline: float = FETCH_DEADLINE,
    clock: Callable[[], float] = time.monotonic,
) -> FetchedPage:
    """GET an HTML page; raise InputError(source=url) on timeout, HTTP error, oversize, non-HTML, bad redirect,
    or when the whole fetch takes longer than `deadline` seconds (`clock` is injectable for tests)."""
    started = clock()

    def in_time() -> None:
        if clock() - started > deadline:
            raise InputError(f"the whole fetch took longer than {deadline:g}s (the server sends too slowly)",
                             source=url)

    http = session or requests.Session()
    headers = {"User-Agent": user_agent, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"}
    seen = {url}
    current = url
    try:
        for _ in range(max_redirects + 1):
            in_time()
            response = http.get(current, headers=headers, timeout=timeout, stream=True, allow_redirects=False)
            with response:
                if response.status_code in _REDIRECTS and response.headers.get("Location"):
                    current = _next_hop(url, current, response.headers["Location"], seen)
                    continue
                return _read_page(url, current, response, max_bytes, in_time)
    except requests.exceptions.ConnectTimeout:
        raise InputError(f"connection timed out after {timeout[0]:g}s", source=url) from None
    except urllib3.exceptions.ReadTimeoutError:
        raise InputError(f"read timed out after {timeout[1]:g}s", source=url) from None
    except urllib3.exceptions.HTTPError as error:
        raise InputError(f"request failed ({type(error).__name__})", source=url) from None
    except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError) as error:
        if isinstance(error, requests.exceptions.ReadTimeout) or "timed out" in str(error).lower():
            raise InputError(f"read timed out after {timeout[1]:g}s", source=url) from None
        raise InputError("cannot connect to the server", source=url) from None
    except requests.exceptions.RequestException as error:
        raise InputError(f"request failed ({type(error).__name__})", source=url) from None
    except ValueError:
        # requests parses a redirect's Location eagerly, even with allow_redirects=False.
        raise InputError("the server sent a malformed address (redirect Location)", source=url) from None
    raise InputError(f"more than {max_redirects} redirects", source=url)


def _next_hop(origin: str, current: str, location: str, seen: set[str]) -> str:
    try:
        target = urljoin(current, location)
        scheme = urlsplit(target).scheme
    except ValueError:
        raise InputError(f"redirected to a malformed address {location!r}", source=origin) from None
    if scheme not in ("http", "https"):
        raise InputError(f"redirected to a non-HTTP address ({scheme}:)", source=origin)
    if target in seen:
        raise InputError(f"redirect loop at {target}", source=origin)
    seen.add(target)
    return target


def _chunks(response: requests.Response) -> Iterator[bytes]:
    """The body as it arrives: `read1` returns whatever one read got (a trickle gives tiny chunks), so the
    deadline is checked between reads instead of after a 64 KB chunk that a slow server never completes."""
    read1 = getattr(response.raw, "read1", None)
    if read1 is None:
        yield from response.iter_content(chunk_size=CHUNK)
        return
    while chunk := read1(CHUNK, decode_content=True):
        yield chunk


def _read_page(origin: str, final_url: str, response: requests.Response, max_bytes: int,
               in_time: Callable[[], None]) -> FetchedPage:  # fmt: skip
    if response.status_code >= 400:
        reason = response.reason or "error"
        raise InputError(f"HTTP {response.status_code} {reason}", source=origin)
    if response.status_code != 200:
        raise InputError(f"unexpected HTTP {response.status_code}", source=origin)
    content_type, _, params = response.headers.get("Content-Type", "").partition(";")
    content_type = content_type.strip().lower()
    if content_type and content_type not in HTML_TYPES:
        raise InputError(f"not an HTML page (Content-Type {content_type})", source=origin)
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise InputError(f"page is larger than the {format_size(max_bytes)} cap", source=origin)
    data = bytearray()
    for chunk in _chunks(response):
        in_time()
        data += chunk
        if len(data) > max_bytes:
            raise InputError(f"page is larger than the {format_size(max_bytes)} cap", source=origin)
    charset = _header_charset(params)
    html = decode_html(bytes(data), origin, charset=charset)
    return FetchedPage(url=final_url, html=html, content_type=content_type or "text/html")


def _header_charset(params: str) -> str | None:
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def decode_html(data: bytes, source: str, *, charset: str | None = None) -> str:
    """Bytes → text using the BOM, the HTTP charset or <meta charset>, else UTF-8; strict, never guessing."""
    check_not_binary(data, source)
    if data.startswith(codecs.BOM_UTF8):
        charset, data = "utf-8", data[len(codecs.BOM_UTF8) :]
    if charset is None:
        match = _META_CHARSET.search(data[:4096])
        charset = match.group(1).decode("ascii") if match else "utf-8"
    try:
        return data.decode(charset)
    except LookupError:
        raise InputError(f"unknown character set {charset!r}", source=source) from None
    except UnicodeDecodeError as error:
        raise InputError(f"cannot decode as {charset} (bad byte at offset {error.start})", source=source) from None


def format_size(size: int) -> str:
    """5242880 → "5 MB"; small caps (in tests) stay readable as bytes."""
    return f"{size / (1024 * 1024):g} MB" if size >= 1024 * 1024 else f"{size} bytes"


def check_not_binary(data: bytes, source: str) -> None:
    """Refuse empty input and binary files (a NUL byte early on: images, PDFs, archives)."""
    if not data.strip():
        raise InputError("is empty", source=source)
    if b"\x00" in data[:8192]:
        raise InputError("looks like a binary file, not text or HTML", source=source)
