"""X failures → the bot's error tree. The only place that reads tweepy's exceptions and X's error bodies.

X answers errors in two shapes: v2 problem objects (`{"title","detail","type","status"}`, `api_codes` empty)
and v1-style `{"errors":[{"code","message"}]}`; 5xx pages may be HTML. Rate limits come with
`x-rate-limit-*` (15-minute window) and, undocumented, `x-user-limit-24hour-*` / `x-app-limit-24hour-*`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests
import tweepy

from bot.publish.boundary import epoch, network_error, safe
from bot.publish.errors import (
    AuthExpired,
    AuthInvalid,
    Duplicate,
    PublishError,
    RateLimited,
    Rejected,
    Transient,
)

_DUPLICATE_CODES = {187}  # v1 "Status is a duplicate"
_WINDOWS = ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour")


def raise_for_x_status(response: requests.Response) -> None:
    """Raise the tweepy exception tweepy itself would raise, for calls tweepy cannot make (v2 media)."""
    status = response.status_code
    classes: dict[int, type[tweepy.HTTPException]] = {
        400: tweepy.BadRequest, 401: tweepy.Unauthorized, 403: tweepy.Forbidden, 404: tweepy.NotFound}  # fmt: skip
    if status in classes:
        raise classes[status](response)
    if status == 429:
        reset = response.headers.get("x-rate-limit-reset")
        raise tweepy.TooManyRequests(response, reset_time=int(reset) if reset and reset.isdigit() else None)
    if status >= 500:
        raise tweepy.TwitterServerError(response)
    if not 200 <= status < 300:
        raise tweepy.HTTPException(response)


def x_retry_at(headers: Any, now: dt.datetime) -> dt.datetime | None:
    """When X allows the next call: the latest reset of the exhausted windows (remaining 0 or not given)."""
    resets = []
    for window in _WINDOWS:
        reset = epoch(headers.get(f"{window}-reset"))
        remaining = headers.get(f"{window}-remaining")
        if reset is not None and (remaining is None or str(remaining).strip() == "0"):
            resets.append(reset)
    if resets:
        return max(resets)
    retry_after = headers.get("retry-after")
    if retry_after and str(retry_after).isdigit():
        return now + dt.timedelta(seconds=int(retry_after))
    return epoch(headers.get("x-rate-limit-reset"))


def _problem(error: tweepy.HTTPException) -> dict[str, Any]:
    try:
        body = error.response.json()
    except (ValueError, AttributeError):
        return {}
    return body if isinstance(body, dict) else {}


def _summary(error: tweepy.HTTPException, status: int) -> str:
    problem = _problem(error)
    parts = [f"{code} {msg}" for code, msg in zip(error.api_codes, error.api_messages, strict=False)]
    parts = parts or [str(m) for m in error.api_messages]
    if not parts and problem.get("title"):
        parts = [str(problem["title"])]
    kind = str(problem.get("type", "")).rsplit("/", 1)[-1]
    detail = "; ".join(parts) or (error.response.reason if error.response is not None else "") or "no detail"
    return safe(f"X HTTP {status}{f' ({kind})' if kind and kind != 'about:blank' else ''}: {detail}")


def _is_duplicate(error: tweepy.HTTPException) -> bool:
    if _DUPLICATE_CODES & set(error.api_codes):
        return True
    return any("duplicate" in str(m).lower() for m in error.api_messages)


def translate_x_error(error: BaseException, *, write: bool, now: dt.datetime, oauth2: bool = False) -> PublishError:
    """Map anything tweepy/requests raised to one error of `bot.publish.errors`."""
    if isinstance(error, PublishError):
        return error
    if isinstance(error, requests.RequestException):
        return network_error(error, platform="X", write=write)
    if not isinstance(error, tweepy.HTTPException):
        return Rejected(safe(f"X: {type(error).__name__}: {error}"))
    status = error.response.status_code if error.response is not None else 0
    code = error.api_codes[0] if error.api_codes else None
    message = _summary(error, status)
    if isinstance(error, tweepy.TooManyRequests):
        headers = error.response.headers if error.response is not None else {}
        return RateLimited(message, retry_at=x_retry_at(headers, now), status=status, code=code)
    if isinstance(error, tweepy.Unauthorized):
        cls = AuthExpired if oauth2 else AuthInvalid
        return cls(message, status=status, code=code)
    if isinstance(error, tweepy.Forbidden) and _is_duplicate(error):
        return Duplicate(message, status=status, code=code)
    if status >= 500:
        return Transient(message, status=status, code=code)
    return Rejected(message, status=status, code=code)
