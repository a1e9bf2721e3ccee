"""Bounded retries at the adapter boundary, for `Transient` failures only.

`RateLimited` is raised at once with its `retry_at` (the caller decides when to come back, nothing is
hammered); `Ambiguous` is raised at once (a create that may have happened is reconciled, never resent
blindly); everything else is final. Waiting goes through an injectable `sleeper`, so tests run instantly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from bot.publish.errors import Transient

if TYPE_CHECKING:
    from bot.settings import RetrySection

T = TypeVar("T")
Sleeper = Callable[[float], None]


def retrying(policy: RetrySection, sleeper: Sleeper | None = None) -> Retrying:
    """Exponential backoff with jitter (initial × 2^n + up to 1 s, capped), `policy.attempts` tries in all."""
    return Retrying(
        retry=retry_if_exception_type(Transient),
        stop=stop_after_attempt(policy.attempts),
        wait=wait_exponential_jitter(multiplier=policy.initial_seconds, max=policy.max_seconds),
        sleep=sleeper or time.sleep,
        reraise=True,
    )


def call_with_retries(fn: Callable[[], T], policy: RetrySection, sleeper: Sleeper | None = None) -> T:
    """Run `fn`, retrying while it raises `Transient`; the last error is re-raised when tries run out."""
    return retrying(policy, sleeper)(fn)
