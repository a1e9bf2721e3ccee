"""An injectable clock, so the runner's timing (due posts, backoff, pacing, grace windows) is testable
without sleeping: tests pass a `FakeClock` whose `sleep` just moves time forward."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, aware, in UTC."""

    def sleep(self, seconds: float) -> None:
        """Wait `seconds` (a fake clock advances instead)."""


class SystemClock:
    """The real clock. `sleep` can be cut short by `wake()` so a stop signal is not held up by a wait."""

    def __init__(self) -> None:
        self._wakeup = threading.Event()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._wakeup.wait(seconds)
            self._wakeup.clear()

    def wake(self) -> None:
        self._wakeup.set()

    def monotonic(self) -> float:
        return time.monotonic()


class FakeClock:
    """A clock for tests: starts at `start` and only moves when told (or when something sleeps)."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(dt.UTC)
        self.slept: list[float] = []

    def now(self) -> dt.datetime:
        return self._now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self._now += dt.timedelta(seconds=max(seconds, 0.0))

    def set(self, when: dt.datetime) -> None:
        self._now = when.astimezone(dt.UTC)
