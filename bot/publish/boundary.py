"""Translation helpers shared by the X and Facebook adapters: network failures and safe messages.

A network failure is judged by whether the request may have reached the platform: a connect timeout or a
refused/unresolvable connection never sent anything (`Transient`); a read timeout, or a connection dropped
after sending, may have created the post (`Ambiguous` for writes — a read is simply retried). Messages are
built here, never copied from `requests` (its messages quote URLs, and Graph URLs carry the token).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests
from urllib3.exceptions import ProtocolError

from bot.logs import mask_secrets
from bot.publish.errors import Ambiguous, PublishError, Transient


def safe(text: Any, limit: int = 300) -> str:
    """Platform text fit for a message: known secrets masked, one line, bounded."""
    return mask_secrets(" ".join(str(text).split()))[:limit]


def network_error(error: requests.RequestException, *, platform: str, write: bool) -> PublishError:
    """Map a `requests` failure (no HTTP status) to Transient or Ambiguous."""
    kind = type(error).__name__
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return Transient(f"{platform}: connection timed out before sending ({kind})")
    if isinstance(error, requests.exceptions.ReadTimeout):
        if write:
            return Ambiguous(f"{platform}: no answer in time after sending ({kind}); the post may exist")
        return Transient(f"{platform}: no answer in time ({kind})")
    if isinstance(error, requests.exceptions.ConnectionError):
        dropped = any(isinstance(arg, ProtocolError) for arg in error.args)
        if dropped and write:
            return Ambiguous(f"{platform}: connection dropped after sending ({kind}); the post may exist")
        return Transient(f"{platform}: connection failed ({kind})")
    if isinstance(error, requests.exceptions.JSONDecodeError | requests.exceptions.ChunkedEncodingError):
        if write:
            return Ambiguous(f"{platform}: unreadable answer to a write ({kind}); the post may exist")
        return Transient(f"{platform}: unreadable answer ({kind})")
    return Transient(f"{platform}: request failed ({kind})")


def epoch(value: Any) -> dt.datetime | None:
    """A Unix-seconds header value as an aware UTC datetime (None if absent or malformed)."""
    try:
        return dt.datetime.fromtimestamp(int(str(value).strip()), dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
