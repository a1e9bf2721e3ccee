"""Per-account publishing budgets, so a burst of due posts is spread out instead of running into 429s.

Budgets come from `settings.pacing` (defaults = the documented limits: X `POST /2/tweets` 100 per 15 min per
user and 10,000 per 24 h per app — applied per account here, which is stricter when one app has one account;
Facebook a conservative 200 per hour). A `RateLimited.retry_at` from the platform pauses that account until
then; the other accounts go on. The pacer is seeded from the ledger's `posted_at` times at start-up, so a
restart (or a second runner) does not start with a fresh budget.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.settings import PacingSection


@dataclass(frozen=True, slots=True)
class Window:
    limit: int
    seconds: float


def windows_for(platform: str, pacing: PacingSection) -> tuple[Window, ...]:
    if platform == "x":
        return (Window(pacing.x_posts_per_15min, 15 * 60), Window(pacing.x_posts_per_24h, 24 * 3600))
    return (Window(pacing.facebook_posts_per_hour, 3600),)


class Pacer:
    """Sliding-window budgets per account, plus pauses ordered by the platform."""

    def __init__(self, pacing: PacingSection, platforms: Mapping[str, str]) -> None:
        self._pacing = pacing
        self._windows = {account: windows_for(platform, pacing) for account, platform in platforms.items()}
        self._sent: dict[str, list[dt.datetime]] = {account: [] for account in platforms}
        self._paused_until: dict[str, dt.datetime] = {}

    def seed(self, times: Mapping[str, Iterable[dt.datetime]]) -> None:
        for account, when in times.items():
            if account in self._sent:
                for moment in when:
                    bisect.insort(self._sent[account], moment)

    def record(self, account: str, when: dt.datetime) -> None:
        bisect.insort(self._sent.setdefault(account, []), when)

    def pause(self, account: str, until: dt.datetime) -> None:
        self._paused_until[account] = max(until, self._paused_until.get(account, until))

    def paused_until(self, account: str) -> dt.datetime | None:
        return self._paused_until.get(account)

    def ready_at(self, account: str, now: dt.datetime) -> dt.datetime:
        """The earliest time `account` may publish again (`now` if it may publish now)."""
        sent = self._sent.get(account, [])
        windows = self._windows.get(account, ())
        longest = max((w.seconds for w in windows), default=0.0)
        expired = bisect.bisect_right(sent, now - dt.timedelta(seconds=longest))
        if expired:
            del sent[:expired]
        ready = max(now, self._paused_until.get(account, now))
        if sent and self._pacing.min_gap_seconds:
            ready = max(ready, sent[-1] + dt.timedelta(seconds=self._pacing.min_gap_seconds))
        for window in windows:
            start = now - dt.timedelta(seconds=window.seconds)
            first_inside = bisect.bisect_right(sent, start)
            if len(sent) - first_inside >= window.limit:
                # The window frees a slot when the oldest post that keeps it full leaves it.
                ready = max(ready, sent[len(sent) - window.limit] + dt.timedelta(seconds=window.seconds))
        return ready

    def blocked(self, now: dt.datetime) -> dict[str, dt.datetime]:
        """Accounts that may not publish now, with the time each may publish again."""
        result = {}
        for account in self._sent.keys() | self._paused_until.keys():
            ready = self.ready_at(account, now)
            if ready > now:
                result[account] = ready
        return result
