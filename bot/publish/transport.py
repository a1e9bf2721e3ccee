"""The HTTP layer under tweepy and facebook-sdk: live, or dry-run (record instead of send).

Both libraries take a `requests.Session`; the publishers give them one from `build_session`. Live, it is a
`TimeoutSession` (neither library sets a timeout on every call: tweepy sets none). Dry-run, the same session
gets a `DryRunAdapter` mounted for http(s), so every byte above the socket — URL building, OAuth signing,
JSON/form/multipart encoding — is the real code path; only the network is replaced by a recorder that
answers with realistic synthetic responses (see `synthetic.py`) and appends each request to a `Journal`.

`FaultPlan` lets tests and the kill test inject failures into the dry-run: `transient` refuses the connection
without recording (it never reached the platform); `ambiguous` records the request and then raises a read
timeout (it reached the platform, the answer was lost); `created_then_5xx` records the request (the post
exists) and then answers 502 (the server failed after creating it). Only POST requests are affected.
"""

from __future__ import annotations

import io
import json
import os
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from bot.errors import ConfigError
from bot.publish.journal import Journal, mask_headers, mask_url, now_iso, parse_body
from bot.publish.synthetic import Entries, FakeRequest, FakeResponse

FAULTS_ENV = "BOT_DRYRUN_FAULTS"
_KINDS = ("transient", "ambiguous", "created_then_5xx")
Responder = Callable[[FakeRequest, Entries], FakeResponse]


class TimeoutSession(requests.Session):
    """A Session whose every request has a timeout unless the caller gave one."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.default_timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().request(method, url, *args, **kwargs)


@dataclass
class FaultPlan:
    """Probabilities of injected failures per POST, drawn from a seeded generator (deterministic)."""

    transient: float = 0.0
    ambiguous: float = 0.0
    seed: int | None = None
    created_then_5xx: float = 0.0
    _random: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        chances = (self.transient, self.ambiguous, self.created_then_5xx)
        if not (all(0 <= p <= 1 for p in chances) and sum(chances) <= 1):
            raise ConfigError("fault probabilities must be within 0..1 and sum to at most 1", source=FAULTS_ENV)
        self._random = random.Random(self.seed)

    @classmethod
    def parse(cls, text: str) -> FaultPlan:
        """'transient=0.1,ambiguous=0.05,seed=7' → FaultPlan."""
        values: dict[str, Any] = {}
        for item in filter(None, (p.strip() for p in text.split(","))):
            key, _, value = item.partition("=")
            try:
                if key == "seed":
                    values["seed"] = int(value)
                elif key in _KINDS:
                    values[key] = float(value)
                else:
                    raise ValueError(key)
            except ValueError:
                raise ConfigError(f"bad fault {item!r} (expected transient=P, ambiguous=P, created_then_5xx=P, "
                                  "seed=N)",
                                  source=FAULTS_ENV) from None  # fmt: skip
        return cls(**values)

    @classmethod
    def from_env(cls) -> FaultPlan | None:
        text = os.environ.get(FAULTS_ENV, "").strip()
        return cls.parse(text) if text else None

    def draw(self, method: str) -> str | None:
        if method != "POST":
            return None
        with self._lock:
            roll = self._random.random()
        if roll < self.transient:
            return "transient"
        if roll < self.transient + self.ambiguous:
            return "ambiguous"
        if roll < self.transient + self.ambiguous + self.created_then_5xx:
            return "created_then_5xx"
        return None


def _response(request: requests.PreparedRequest, status: int, body: bytes, content_type: str,
              adapter: BaseAdapter) -> requests.Response:  # fmt: skip
    response = requests.Response()
    response.status_code = status
    response.reason = {200: "OK", 201: "Created", 400: "Bad Request", 404: "Not Found",
                       502: "Bad Gateway", 503: "Service Unavailable"}.get(status, "")  # fmt: skip
    response.headers = CaseInsensitiveDict({"content-type": content_type, "content-length": str(len(body))})
    response._content = body
    response._content_consumed = True  # type: ignore[attr-defined]
    response.raw = io.BytesIO(body)
    response.encoding = "utf-8"
    response.url = request.url or ""
    response.request = request
    response.connection = adapter  # type: ignore[assignment]
    return response


def _oauth_token(request: requests.PreparedRequest) -> str:
    auth = request.headers.get("Authorization", "")
    auth = auth.decode("latin-1") if isinstance(auth, bytes) else auth
    marker = 'oauth_token="'
    return auth.split(marker, 1)[1].split('"', 1)[0] if marker in auth else ""


class DryRunAdapter(BaseAdapter):
    """Records each request in the journal and answers it with the platform's synthetic response."""

    def __init__(self, *, account: str, platform: str, journal: Journal, responder: Responder,
                 faults: FaultPlan | None = None, clock: Any = None) -> None:  # fmt: skip
        super().__init__()
        self.account, self.platform, self.journal = account, platform, journal
        self.responder, self.faults, self.clock = responder, faults, clock

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:  # fmt: skip
        method = (request.method or "GET").upper()
        fault = self.faults.draw(method) if self.faults else None
        if fault == "transient":  # refused before anything was sent: a plain retry is safe
            raise requests.exceptions.ConnectionError("dry-run fault: connection refused", request=request)
        content_type = str(request.headers.get("Content-Type", ""))
        body = parse_body(request.body, content_type)
        fake = FakeRequest(method, request.url or "", body, _oauth_token(request))
        answer = self.responder(fake, self.journal.entries)  # read only if the answer needs them
        self.journal.record({
            "ts": now_iso(self.clock), "account": self.account, "platform": self.platform, "method": method,
            "url": mask_url(request.url or ""), "headers": mask_headers(request.headers), "body": body,
            "response_status": answer.status, "response_body": answer.body, "synthetic_id": answer.synthetic_id,
        })  # fmt: skip
        if fault == "ambiguous":
            raise requests.exceptions.ReadTimeout("dry-run fault: the answer was lost", request=request)
        if fault == "created_then_5xx":
            page = b"<html><body><h1>502 Bad Gateway</h1>(dry-run fault)</body></html>"
            return _response(request, 502, page, "text/html; charset=utf-8", self)
        payload = json.dumps(answer.body).encode()
        return _response(request, answer.status, payload, "application/json; charset=UTF-8", self)

    def close(self) -> None:
        pass


def build_session(*, timeout: float, dry_run: DryRunAdapter | None = None) -> requests.Session:
    """A session with a default timeout; with `dry_run`, nothing leaves the process."""
    session = TimeoutSession(timeout)
    if dry_run is not None:
        session.mount("https://", dry_run)
        session.mount("http://", dry_run)
    return session
