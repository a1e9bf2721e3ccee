"""Fetching a source's document politely: conditional requests, robots.txt, a delay per host, and the same
timeouts and size cap as `bot ingest` (bot/content/fetch.py).

- Conditional: the ETag / Last-Modified of the previous answer are sent back; `304 Not Modified` costs no
  parsing at all, which is what keeps a sweep over hundreds of unchanged sources cheap.
- robots.txt (RFC 9309, read by Protego): fetched once per host per sweep; a missing file (4xx) allows
  everything, an unreachable one (5xx, timeout) disallows everything for this sweep, as the RFC asks.
- Every failure is a SourceError with one line naming the URL and the cause; it never stops other sources.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
import urllib3

from bot.content.fetch import CONNECT_TIMEOUT, format_size
from bot.sources.canonical import host_of

ROBOTS_AGENT = "session-report-bot"


class SourceError(Exception):
    """A source could not be read this time (network, HTTP status, size, format, robots.txt)."""


@dataclass(frozen=True, slots=True)
class Document:
    """A source's answer: `body` is None when the server said 304 Not Modified."""

    url: str
    body: bytes | None
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.body is None


@dataclass
class Fetcher:
    """One sweep's HTTP client: a shared session (keep-alive), robots.txt per host, a delay per host."""

    user_agent: str
    timeout: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    host_delay: float = 2.0
    session: requests.Session = field(default_factory=requests.Session)
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    _robots: dict[str, object] = field(default_factory=dict)
    _last_request: dict[str, float] = field(default_factory=dict)

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Document:
        """GET `url` (conditionally when validators are given), after checking robots.txt and pacing the host."""
        if not self.allowed(url):
            problem = self._robots.get(host_of(url))
            if isinstance(problem, SourceError):  # unreachable: RFC 9309 says assume everything is disallowed
                raise SourceError(f"{url}: robots.txt could not be read ({str(problem).split(': ', 1)[-1]})")
            raise SourceError(f"{url}: disallowed by robots.txt")
        headers = {"If-None-Match": etag} if etag else {}
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._request(url, headers)

    def allowed(self, url: str) -> bool:
        host = host_of(url)
        if host not in self._robots:
            self._robots[host] = self._read_robots(host)
        rules = self._robots[host]
        if isinstance(rules, bool | SourceError):
            return rules is True
        return bool(rules.can_fetch(url, ROBOTS_AGENT))  # type: ignore[attr-defined]

    def _read_robots(self, host: str) -> object:
        from protego import Protego

        try:
            document = self._request(f"{host}/robots.txt", {}, accept_errors=True)
        except SourceError as error:
            return error  # unreachable: assume complete disallow (RFC 9309 §2.3.1.4), and say why
        if document.body is None:
            return True  # a 4xx: no rules
        return Protego.parse(document.body.decode("utf-8", errors="replace"))

    def pace(self, url: str) -> None:
        """Wait until this host may be asked again (also for report pages, fetched by `bot ingest` code)."""
        host = host_of(url)
        last = self._last_request.get(host)
        if last is not None and self.host_delay > 0:
            wait = self.host_delay - (self.monotonic() - last)
            if wait > 0:
                self.sleep(wait)
        self._last_request[host] = self.monotonic()

    def _request(self, url: str, extra: dict[str, str], *, accept_errors: bool = False) -> Document:
        self.pace(url)
        headers = {"User-Agent": self.user_agent, **extra}
        try:
            timeout = (min(CONNECT_TIMEOUT, self.timeout), self.timeout)
            response = self.session.get(url, headers=headers, timeout=timeout, stream=True)
            with response:
                return self._read(url, response, accept_errors)
        except requests.exceptions.Timeout:
            raise SourceError(f"{url}: timed out after {self.timeout:g}s") from None
        except requests.exceptions.TooManyRedirects:
            raise SourceError(f"{url}: too many redirects") from None
        except requests.exceptions.ConnectionError:
            raise SourceError(f"{url}: cannot connect to the server") from None
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError) as error:
            raise SourceError(f"{url}: request failed ({type(error).__name__})") from None

    def _read(self, url: str, response: requests.Response, accept_errors: bool) -> Document:
        if response.status_code == 304:
            return Document(url, None, etag=response.headers.get("ETag"),
                            last_modified=response.headers.get("Last-Modified"))
        if accept_errors and 400 <= response.status_code < 500:
            return Document(url, None)
        if response.status_code != 200:
            raise SourceError(f"{url}: HTTP {response.status_code} {response.reason or ''}".rstrip())
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise SourceError(f"{url}: larger than the {format_size(self.max_bytes)} cap")
        deadline = self.monotonic() + self.timeout  # the whole body, not each read, within the timeout
        data = bytearray()
        for chunk in response.iter_content(chunk_size=64 * 1024):
            data += chunk
            if len(data) > self.max_bytes:
                raise SourceError(f"{url}: larger than the {format_size(self.max_bytes)} cap")
            if self.monotonic() > deadline:
                raise SourceError(f"{url}: timed out after {self.timeout:g}s (slow body)")
        content_type = response.headers.get("Content-Type", "").partition(";")[0].strip().lower()
        return Document(response.url or url, bytes(data), content_type, response.headers.get("ETag"),
                        response.headers.get("Last-Modified"))
