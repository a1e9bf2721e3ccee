"""What the X and Facebook publishers share: construction, the clock, and the one guarded call path.

Every platform call goes through `_call`: the library call runs, anything it raises is translated once
(`_translate`) into `bot.publish.errors`, and `Transient` is retried with bounded backoff (`retry.py`).
The original exception is not chained, not even as `__context__`: library messages can quote URLs that carry tokens.
"""

from __future__ import annotations

import datetime as dt
import logging
from abc import abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from bot.logs import mask_secrets
from bot.publish.base import Publisher
from bot.publish.errors import PublishError
from bot.publish.retry import Sleeper, call_with_retries

if TYPE_CHECKING:
    import requests

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

    @abstractmethod
    def _translate(self, error: BaseException, *, write: bool) -> PublishError:
        """The platform's failure as one error of the bot's tree."""

    def _call(self, fn: Callable[[], T], *, write: bool) -> T:
        def attempt() -> T:
            try:
                return fn()
            except PublishError:
                raise
            except Exception as error:  # translated once, here, and nowhere else
                translated = self._translate(error, write=write)
            raise translated  # outside the except: the library error is not even kept as __context__

        return call_with_retries(attempt, self.settings.retry, self.sleeper)

    def __repr__(self) -> str:
        mode = "dry-run" if self.dry_run else "live"
        return f"{type(self).__name__}(account={self.account.name!r}, {mode})"
