"""`bot run` as one function: build the runner for the configured accounts and run it until idle or stopped."""

from __future__ import annotations

import datetime as dt
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.ledger import claims
from bot.ledger.db import open_ledger
from bot.schedule.clock import Clock, SystemClock
from bot.schedule.runner import Runner
from bot.settings import Account, Settings

SUMMARY_KEYS = ("posted", "failed", "duplicate", "unconfirmed", "missed", "expired", "retried", "rate_limited",
                "reconciled")


@dataclass
class RunReport:
    """What one `bot run` did, and what is left in the ledger."""

    counts: dict[str, int]
    ledger: dict[str, int]
    mode: str
    journal: str | None = None
    runner: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "runner": self.runner, "journal": self.journal, "this_run": self.counts,
                "ledger": self.ledger, "paused_accounts": self.paused_accounts}

    @property
    def paused_accounts(self) -> dict[str, str]:
        return dict(self.extra.get("paused_accounts", {}))


def default_journal(settings: Settings) -> Path:
    """Dry-run requests are recorded here, so a restarted dry-run can reconcile against what it 'sent'."""
    return Path(os.environ.get("BOT_DRYRUN_JOURNAL") or Path(settings.bot.var_dir) / "dryrun-journal.jsonl")


def publisher_factory(settings: Settings, *, live: bool, journal: Path | None) -> Callable[[Account], Any]:
    from bot.publish.registry import create_publisher

    def make(account: Account) -> Any:
        return create_publisher(account, settings, live=live, journal=journal)

    return make


def expirer(factory: claims.SessionFactory) -> Callable[[dt.datetime], int]:
    """The ledger store's `expire_unapproved`, on the runner's own session factory."""
    from bot.ledger.store import Ledger

    return Ledger(factory).expire_unapproved


def run_bot(
    settings: Settings,
    *,
    live: bool = False,
    until_idle: bool = False,
    journal: Path | None = None,
    runner_name: str = "default",
    clock: Clock | None = None,
) -> RunReport:
    """Publish due posts: until idle (for scripts, tests and `make demo`) or as a long-running service."""
    if journal is None and not live:
        journal = default_journal(settings)
    url = settings.database_url
    factory = open_ledger(url)
    runner = Runner(settings, factory, publisher_factory(settings, live=live, journal=journal),
                    clock or SystemClock(), name=runner_name, expire_unapproved=expirer(factory))
    if until_idle:
        signals = (signal.SIGTERM, signal.SIGINT)
        previous = {sig: signal.signal(sig, lambda *_: runner.request_stop()) for sig in signals}
        try:
            runner.run_until_idle()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    else:
        from bot.schedule.scheduler import RunnerService

        RunnerService(runner, url, runner_name).serve()
    counts = {key: runner.summary.get(key, 0) for key in SUMMARY_KEYS}
    return RunReport(counts, claims.status_counts(factory), "live" if live else "dry-run",
                     str(journal) if journal else None, runner.runner_id,
                     extra={"paused_accounts": runner.paused_accounts})
