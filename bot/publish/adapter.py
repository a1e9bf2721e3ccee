"""What the X and Facebook publishers share: construction, the clock, and the one guarded call path.

Every platform call goes through `_call`: the library call runs, anything it raises is translated once
(`_translate`) into `bot.publish.errors`, and `Transient` is retried with bounded backoff (`retry.py`).
The original exception is not chained, not even as `__context__`: library messages can quote URLs that carry tokens.
"""

from __future__ import annotations

import datetime as dt
import logging
from abc import abstractmethod
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from bot.content.textcount import length_for
from bot.errors import LocalFailure
from bot.logs import mask_secrets
from bot.publish.base import PublishedPost, Publisher
from bot.publish.errors import Ambiguous, PublishError, Rejected, Transient
from bot.publish.retry import Sleeper, call_with_retries

if TYPE_CHECKING:
    import requests

    from bot.content.draft import Media
    from bot.publish.credentials import Credentials
    from bot.publish.journal import Journal
    from bot.settings import Account, Settings

T = TypeVar("T")
# Libraries that log request headers/URLs at DEBUG (tweepy logs the Bearer header, urllib3 Graph URLs with the
# token, oauthlib the consumer key and token in its signature base string): if anyone turns their logging on,
# known secret values are masked in their records too.
_CHATTY_LOGGERS = ("tweepy.client", "urllib3.connectionpool", "requests_oauthlib.oauth1_auth", "facebook",
                   "oauthlib.oauth1.rfc5849")


class _MaskLibraryRecords(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = mask_secrets(record.getMessage()), None
        return True


for _name in _CHATTY_LOGGERS:
    logging.getLogger(_name).addFilter(_MaskLibraryRecords())


def local_failure(error: BaseException) -> LocalFailure | None:
    """An OSError that is not a network error is this machine failing (the dry-run journal on a full disk or
    unwritable): not a platform refusal, so it must not mark the post failed. requests' errors are OSErrors too."""
    import requests

    if isinstance(error, OSError) and not isinstance(error, requests.RequestException):
        return LocalFailure.from_os_error(error)
    return None


def server_error_on_create(error: PublishError) -> PublishError:
    """A 5xx answer to a create is Ambiguous, not Transient: the platform may have created the post and then
    failed to answer (seen on Graph as a 502 after the post existed; Facebook has no duplicate check)."""
    if isinstance(error, Transient) and error.status is not None and error.status >= 500:
        return Ambiguous(f"{error} (server error after a create: the post may exist)", status=error.status,
                         code=error.code)  # fmt: skip
    return error


class AdapterPublisher(Publisher):
    """A publisher over one `requests.Session` (live, or dry-run: the same code either way)."""

    def __init__(
        self,
        account: Account,
        settings: Settings,
        *,
        credentials: Credentials,
        session: requests.Session,
        clock: Any = None,
        sleeper: Sleeper | None = None,
        journal: Journal | None = None,
    ) -> None:
        self.account = account
        self.settings = settings
        self.credentials = credentials
        self.session = session
        self.clock = clock
        self.sleeper = sleeper or (clock.sleep if clock is not None and hasattr(clock, "sleep") else None)
        self.journal = journal  # set for dry-run publishers: what was recorded

    @property
    def dry_run(self) -> bool:
        return self.journal is not None

    def now(self) -> dt.datetime:
        return self.clock.now() if self.clock is not None else dt.datetime.now(dt.UTC)

    # ── creating a post: the length check, then the platform's own create ──────────────────────────────
    def publish_post(
        self,
        text: str,
        *,
        link: str | None = None,
        reply_to: str | None = None,
        media: Sequence[Media] = (),
        scheduled_at: dt.datetime | None = None,
    ) -> PublishedPost:
        """Refuse a text over the platform's limit before any request is made (live and dry-run alike: a
        dry-run must not call "posted" what the platform would refuse), then create the post."""
        self.check_length(self.text_sent(text, link=link, media=media))
        return self._create_post(text, link=link, reply_to=reply_to, media=media, scheduled_at=scheduled_at)

    def check_length(self, text: str) -> None:
        """Rejected("post is over the limit: N/MAX") under the class's Capabilities (limit and counting rule)."""
        limit = self.capabilities
        length = length_for(text, limit.counting)
        if length > limit.max_length:
            raise Rejected(f"post is over the limit: {length}/{limit.max_length}")

    def text_sent(self, text: str, *, link: str | None, media: Sequence[Media]) -> str:
        """The text the platform will count: `text` with the link where the platform puts it in the text."""
        return text

    @abstractmethod
    def _create_post(
        self,
        text: str,
        *,
        link: str | None,
        reply_to: str | None,
        media: Sequence[Media],
        scheduled_at: dt.datetime | None,
    ) -> PublishedPost:
        """Create one post (the length was checked already)."""

    @abstractmethod
    def _translate(self, error: BaseException, *, write: bool) -> PublishError:
        """The platform's failure as one error of the bot's tree."""

    def _call(self, fn: Callable[[], T], *, write: bool, create: bool = False) -> T:
        """`create`: the call makes a post (not an upload, a delete or a read), so a server error after the
        request reached the platform may hide a created post: never retried blindly."""

        def attempt() -> T:
            try:
                return fn()
            except PublishError:
                raise
            except Exception as error:  # translated once, here, and nowhere else
                translated = local_failure(error) or self._translate(error, write=write)
            if isinstance(translated, LocalFailure):
                raise translated
            if create:
                translated = server_error_on_create(translated)
            raise translated  # outside the except: the library error is not even kept as __context__

        return call_with_retries(attempt, self.settings.retry, self.sleeper)

    def __repr__(self) -> str:
        mode = "dry-run" if self.dry_run else "live"
        return f"{type(self).__name__}(account={self.account.name!r}, {mode})"
