"""The bot's own error tree for platform failures, translated once at the adapter boundary.

    PublishError
    ├── Transient       retry later with backoff (5xx, connection reset, Graph codes 1/2)
    ├── RateLimited     retry at `retry_at` (429, Graph 4/17/32/613/80001)
    ├── AuthExpired     the token expired (Graph 190/463, OAuth 2.0 token past its 2 hours)
    ├── AuthInvalid     the credentials are wrong or revoked (401, Graph 190/467/460)
    ├── Duplicate       the platform refused duplicate content (X 403 duplicate, Graph 506): never retried
    ├── Rejected        any other refusal (policy, permission, bad request): not retried
    └── Ambiguous       the request may have reached the platform (timeout after sending): reconcile first

Messages never contain secrets: adapters build them from the platform's error text and status only.
"""

from __future__ import annotations

import datetime as dt


class PublishError(Exception):
    """Base of every platform failure. `status` is the HTTP status when there was one."""

    retryable = False

    def __init__(self, message: str, *, status: int | None = None, code: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class Transient(PublishError):
    retryable = True


class RateLimited(PublishError):
    """`retry_at` is when the platform allows the next attempt (UTC), or None if it did not say."""

    def __init__(self, message: str, *, retry_at: dt.datetime | None = None, **kwargs: int | None) -> None:
        super().__init__(message, **kwargs)
        self.retry_at = retry_at


class AuthExpired(PublishError):
    pass


class AuthInvalid(PublishError):
    pass


class Duplicate(PublishError):
    pass


class Rejected(PublishError):
    pass


class Ambiguous(PublishError):
    """The outcome is unknown: never retry a create blindly, look it up with `recent_posts` first."""
