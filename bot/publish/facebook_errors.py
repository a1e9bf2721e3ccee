"""Graph API failures → the bot's error tree. The only place that reads Graph error objects.

facebook-sdk ignores HTTP status codes (it only raises when a JSON body has an "error" key, and says
"Maintype was not text, image, or querystring" for anything else). So the Graph session gets a response
hook, `check_graph_response`, that raises `GraphHTTPStatus` for every error status and for unexpected
bodies *before* the SDK parses them; the translator then reads the status, the Graph error object if there
is one, and the `X-Business-Use-Case-Usage` header.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import facebook
import requests

from bot.publish.boundary import network_error, safe
from bot.publish.errors import (
    Ambiguous,
    AuthExpired,
    AuthInvalid,
    Duplicate,
    PublishError,
    RateLimited,
    Rejected,
    Transient,
)

_TRANSIENT = {1, 2}
_RATE_LIMIT = {4, 17, 32, 613, *range(80000, 80015)}
_EXPIRED_SUBCODES = {463}


class GraphHTTPStatus(Exception):
    """An HTTP error status or an unreadable body from Graph (raised by the session hook)."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def check_graph_response(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
    """requests response hook: make an error status or a non-JSON body an exception facebook-sdk never sees."""
    content_type = response.headers.get("content-type", "")
    if response.status_code >= 400 or "json" not in content_type:
        raise GraphHTTPStatus(response)
    return response


def graph_error_of(body: Any) -> dict[str, Any]:
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def regain_access_at(headers: Any, now: dt.datetime) -> dt.datetime | None:
    """From X-Business-Use-Case-Usage: now + the longest estimated_time_to_regain_access (minutes)."""
    raw = headers.get("x-business-use-case-usage") if headers is not None else None
    try:
        usage = json.loads(raw) if raw else {}
    except ValueError:
        return None
    minutes = [
        float(item.get("estimated_time_to_regain_access") or 0)
        for entries in (usage.values() if isinstance(usage, dict) else [])
        for item in (entries if isinstance(entries, list) else [])
        if isinstance(item, dict)
    ]
    longest = max(minutes, default=0.0)
    return now + dt.timedelta(minutes=longest) if longest > 0 else None


def _from_graph_error(error: dict[str, Any], status: int | None, headers: Any, now: dt.datetime) -> PublishError:
    code = error.get("code")
    code = int(code) if isinstance(code, int | str) and str(code).isdigit() else None
    subcode = error.get("error_subcode")
    label = f"Graph error {code}" + (f"/{subcode}" if subcode else "")
    trace = f" [fbtrace_id {error['fbtrace_id']}]" if error.get("fbtrace_id") else ""
    message = safe(f"Facebook {label}: {error.get('message', 'no message')}{trace}")
    kwargs: dict[str, int | None] = {"status": status, "code": code}
    if code in _RATE_LIMIT:
        return RateLimited(message, retry_at=regain_access_at(headers, now), **kwargs)
    if code in _TRANSIENT or error.get("is_transient") is True:
        return Transient(message, **kwargs)
    if code == 190 or code == 102:
        return (AuthExpired if subcode in _EXPIRED_SUBCODES else AuthInvalid)(message, **kwargs)
    if code == 506:
        return Duplicate(message, **kwargs)
    if status is not None and status >= 500 and code is None:
        return Transient(message, **kwargs)
    return Rejected(message, **kwargs)


def _from_status(response: requests.Response, *, write: bool, now: dt.datetime) -> PublishError:
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    error = graph_error_of(body)
    if error:
        return _from_graph_error(error, status, response.headers, now)
    kind = response.headers.get("content-type", "no content type").split(";")[0]
    message = f"Facebook HTTP {status} with a non-JSON body ({kind})"
    if status >= 500:
        return Transient(message, status=status)
    if status == 429:
        return RateLimited(message, retry_at=regain_access_at(response.headers, now), status=status)
    if status == 401:
        return AuthInvalid(message, status=status)
    if status >= 400:
        return Rejected(message, status=status)
    if write:  # 2xx but unreadable: the post may well exist
        return Ambiguous(message, status=status)
    return Transient(message, status=status)


def translate_graph_error(error: BaseException, *, write: bool, now: dt.datetime) -> PublishError:
    """Map anything facebook-sdk/requests raised to one error of `bot.publish.errors`."""
    if isinstance(error, PublishError):
        return error
    if isinstance(error, GraphHTTPStatus):
        return _from_status(error.response, write=write, now=now)
    if isinstance(error, requests.RequestException):
        return network_error(error, platform="Facebook", write=write)
    if isinstance(error, facebook.GraphAPIError):
        result = error.result if isinstance(error.result, dict) else {}
        graph_error = graph_error_of(result) or {"message": str(error.message or "")}
        return _from_graph_error(graph_error, None, None, now)
    return Rejected(safe(f"Facebook: {type(error).__name__}: {error}"))


def is_already_gone(error: BaseException) -> bool:
    """Graph's 'object does not exist' (code 100, subcode 33) when deleting: the wanted outcome."""
    if isinstance(error, GraphHTTPStatus):
        try:
            found = graph_error_of(error.response.json())
        except ValueError:
            return False
        return found.get("code") == 100 and found.get("error_subcode") == 33
    return False
