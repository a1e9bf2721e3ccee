"""The failure policy: what each publishing error does to a post. Pure functions of (error, post, now).

    Transient    → back to pending, due later with exponential backoff (attempts+1; failed once used up)
    RateLimited  → back to pending at the platform's retry_at (not counted as a failed attempt)
    Duplicate    → duplicate (never retried: the platform already has this text)
    AuthExpired / AuthInvalid / Rejected → failed with the reason (the runner also pauses the account)
    Ambiguous    → settled at once through the recent-posts lookup (see reconcile.py)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

from tenacity import wait_exponential

from bot.ledger.claims import ClaimedPost, Outcome
from bot.publish.errors import (
    AuthExpired,
    AuthInvalid,
    Duplicate,
    PublishError,
    RateLimited,
    Rejected,
    Transient,
)
from bot.settings import Settings

# When a 429 carries no reset time, wait this long before trying the post again.
DEFAULT_RATE_LIMIT_PAUSE = dt.timedelta(minutes=15)


def backoff(settings: Settings, attempt_number: int) -> dt.timedelta:
    """initial × 2^(n-1), capped at retry.max_seconds (tenacity's exponential wait, without its loop)."""
    wait = wait_exponential(multiplier=settings.retry.initial_seconds, max=settings.retry.max_seconds)
    state: Any = SimpleNamespace(attempt_number=max(attempt_number, 1))
    return dt.timedelta(seconds=wait(state))


def describe(error: BaseException) -> str:
    status = getattr(error, "status", None)
    prefix = f"{type(error).__name__}" + (f" (HTTP {status})" if status else "")
    return f"{prefix}: {error}"


def outcome_for_error(error: PublishError, post: ClaimedPost, *, now: dt.datetime, settings: Settings) -> Outcome:
    """Map a publishing error to the post's next state (Ambiguous is handled by the caller)."""
    detail = describe(error)
    if isinstance(error, RateLimited):
        retry_at = error.retry_at if error.retry_at and error.retry_at > now else now + DEFAULT_RATE_LIMIT_PAUSE
        return Outcome("pending", "rate_limited", detail, due_at=retry_at, counts=False)
    if isinstance(error, Transient):
        return Outcome("pending", "transient", detail, due_at=now + backoff(settings, post.attempts + 1))
    if isinstance(error, Duplicate):
        return Outcome("duplicate", "duplicate", detail)
    if isinstance(error, AuthExpired | AuthInvalid | Rejected):
        return Outcome("failed", "failed", detail)
    return Outcome("failed", "failed", detail)


def give_up_if_exhausted(outcome: Outcome, post: ClaimedPost, *, max_attempts: int) -> Outcome:
    """A retry that would exceed `max_attempts` becomes `failed`, keeping the last reason."""
    if outcome.status == "pending" and outcome.counts and post.attempts + 1 >= max_attempts:
        detail = f"{outcome.detail}; gave up after {post.attempts + 1} attempts"
        return replace(outcome, status="failed", detail=detail)
    return outcome
