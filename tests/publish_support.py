"""Helpers for the publisher tests: settings with two accounts, fake credentials, live publishers over
`responses`, and a fake platform server (the dry-run's synthetic responder behind `responses`)."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import partial
from pathlib import Path
from typing import Any

import requests
import responses

from bot.publish.journal import Journal, parse_body
from bot.publish.registry import create_publisher
from bot.publish.synthetic import FakeRequest, facebook_response, x_response
from bot.settings import Settings, settings_from_dict

PAGE_ID = "100064766417470"
X_ENV = {
    "BOT_ACCT_X_API_KEY": "ck-TESTKEY1234",
    "BOT_ACCT_X_API_SECRET": "cs-TESTSECRET5678",
    "BOT_ACCT_X_ACCESS_TOKEN": "2244994945-TESTACCESSTOKEN9999",
    "BOT_ACCT_X_ACCESS_TOKEN_SECRET": "ats-TESTTOKENSECRET0000",
}
X2_ENV = {"BOT_ACCT_X2_OAUTH2_TOKEN": "oauth2-TESTUSERTOKEN4444"}
FB_ENV = {"BOT_ACCT_FB_PAGE_TOKEN": "fbpage-TESTPAGETOKEN7777"}
ALL_ENV = {**X_ENV, **X2_ENV, **FB_ENV}
T0 = dt.datetime(2026, 3, 8, 9, 0, tzinfo=dt.UTC)
TWEETS = "https://api.twitter.com/2/tweets"
GRAPH = "https://graph.facebook.com/v24.0"


class FixedClock:
    def __init__(self, now: dt.datetime = T0) -> None:
        self._now = now
        self.slept: list[float] = []

    def now(self) -> dt.datetime:
        return self._now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def make_settings(**sections: Any) -> Settings:
    data: dict[str, Any] = {
        "accounts": [
            {"name": "acct-x", "platform": "x"},
            {"name": "acct-x2", "platform": "x", "auth": "oauth2"},
            {"name": "acct-fb", "platform": "facebook", "page_id": PAGE_ID},
        ],
        "retry": {"attempts": 3, "initial_seconds": 1, "max_seconds": 10},
    }
    data.update(sections)
    return settings_from_dict(data)


def live_publisher(name: str, settings: Settings | None = None, clock: FixedClock | None = None) -> Any:
    settings = settings or make_settings()
    clock = clock or FixedClock()
    return create_publisher(settings.account(name), settings, live=True, environ=ALL_ENV, dotenv_path=None,
                            clock=clock, sleeper=clock.sleep)  # fmt: skip


def dry_publisher(name: str, journal: Journal | Path | None = None, settings: Settings | None = None, **kw: Any) -> Any:
    settings = settings or make_settings()
    return create_publisher(settings.account(name), settings, live=False, journal=journal or Journal(),
                            environ=ALL_ENV, dotenv_path=None, **kw)  # fmt: skip


def sent_json(call: Any) -> Any:
    return json.loads(call.request.body)


def sent_form(call: Any) -> dict[str, str]:
    body = call.request.body
    return parse_body(body, call.request.headers.get("Content-Type", ""))  # type: ignore[no-any-return]


class FakePlatform:
    """A platform behind `responses`: the synthetic responder answers, a journal remembers."""

    def __init__(self, mock: responses.RequestsMock, account: str, platform: str) -> None:
        self.journal = Journal()
        self.account, self.platform = account, platform
        self.outage: int | None = None  # set to a status to answer every request with an HTML error page
        if platform == "x":
            self.responder: Any = partial(x_response, account=account)
            hosts = [r"https://api\.twitter\.com/.*", r"https://api\.x\.com/.*"]
        else:
            self.responder = partial(facebook_response, account=account, page_id=PAGE_ID)
            hosts = [r"https://graph\.facebook\.com/.*"]
        for method in ("GET", "POST", "DELETE"):
            for host in hosts:
                mock.add_callback(method, re.compile(host), callback=self._answer)

    def _answer(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        if self.outage:
            return self.outage, {"content-type": "text/html"}, "<html><body>Service Unavailable</body></html>"
        body = parse_body(request.body, str(request.headers.get("Content-Type", "")))
        auth = str(request.headers.get("Authorization", ""))
        token = auth.split('oauth_token="', 1)[1].split('"', 1)[0] if 'oauth_token="' in auth else ""
        answer = self.responder(FakeRequest(request.method or "GET", request.url or "", body, token),
                                self.journal.entries())  # fmt: skip
        self.journal.record({"ts": T0.isoformat(), "account": self.account, "method": request.method,
                             "url": request.url, "body": body, "response_status": answer.status,
                             "response_body": answer.body, "synthetic_id": answer.synthetic_id})  # fmt: skip
        return answer.status, {"content-type": "application/json; charset=UTF-8"}, json.dumps(answer.body)
