"""Autopilot inside `bot run`: the long-running runner's periodic ledger sweep calls `tick()`, which starts one
source sweep every `[watch] every_minutes` in a thread of its own, so slow sources never hold up a due post.

Guarded: an error (a bad template, the database briefly locked, a bug) is logged and the next tick tries
again; it never stops the runner. Like `bot watch`, it drafts campaigns into the real ledger (posts waiting
for approval, never published by it) and sends notifications only when the runner is `--live`.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.schedule.clock import Clock
    from bot.settings import Settings

log = logging.getLogger("bot.autopilot")


class Autopilot:
    def __init__(self, settings: Settings, *, live: bool, clock: Clock) -> None:
        self.settings, self.live, self.clock = settings, live, clock
        self.every = dt.timedelta(minutes=settings.watch.every_minutes)
        self._next: dt.datetime | None = None
        self._thread: threading.Thread | None = None
        self._factory: Any = None

    def tick(self) -> None:
        """Start a sweep if one is due and none is running (called from the runner's periodic sweep)."""
        now = self.clock.now()
        if (self._thread is not None and self._thread.is_alive()) or (self._next is not None and now < self._next):
            return
        self._next = now + self.every
        self._thread = threading.Thread(target=self.sweep_once, name="autopilot", daemon=True)
        self._thread.start()

    def sweep_once(self) -> None:
        from bot.ledger.db import open_ledger
        from bot.schedule.reconcile import runner_identity
        from bot.sources.watch import check_templates, sweep

        try:
            check_templates(self.settings)
            if self._factory is None:
                self._factory = open_ledger(self.settings.database_url)
            report = sweep(self.settings, self._factory, now=self.clock.now(), owner=runner_identity("autopilot"),
                           live=self.live)
        except Exception as error:  # never stop the runner: report, try again at the next tick
            log.exception("autopilot sweep failed: %s", error, extra={"fields": {"error": type(error).__name__}})
            return
        drafted = [d.campaign for d in report.drafts if d.state == "drafted"]
        log.info("autopilot: %d source(s), %d campaign(s) drafted, %d failing", len(report.sources), len(drafted),
                 len(report.failed), extra={"fields": {"drafted": drafted, "failing": [s.name for s in report.failed]}})


def autopilot_hook(settings: Settings, *, live: bool, clock: Clock) -> Callable[[], None] | None:
    """The runner's periodic hook, or None when no [[sources]] are configured."""
    return Autopilot(settings, live=live, clock=clock).tick if settings.sources else None
