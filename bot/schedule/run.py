"""`bot run` as one function: build the runner for the configured accounts and run it until idle or stopped."""

from __future__ import annotations

import datetime as dt
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bot.ledger import claims
from bot.ledger.db import open_ledger
from bot.logs import log_mode
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
                "ledger": self.ledger, "ledger_mode": self.ledger_mode, "rehearsal_ledger": self.rehearsal_ledger,
                "next_due": self.next_due, "paused_accounts": self.paused_accounts}

    @property
    def ledger_mode(self) -> str:
        """"live": the counts are the real ledger's; "rehearsal": a dry-run's own copy (the real one untouched)."""
        return "live" if self.mode == "live" else "rehearsal"

    @property
    def rehearsal_ledger(self) -> str | None:
        return self.extra.get("rehearsal_ledger")

    @property
    def next_due(self) -> dict[str, Any] | None:
        """The next post still to go (id, account, kind, due_at), or None when nothing is scheduled."""
        return self.extra.get("next_due")

    @property
    def idle(self) -> bool:
        """Nothing happened in this run."""
        return not any(self.counts.values())

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
    resume: bool = False,
) -> RunReport:
    """Publish due posts: until idle (for scripts, tests and `make demo`) or as a long-running service.

    Live works on the real ledger. A dry-run works on the rehearsal ledger (`bot.rehearse.ledger`): a fresh
    copy of the real one, or with `resume` the last rehearsal as it was left; the real ledger is only read."""
    clock = clock or SystemClock()
    extra: dict[str, Any] = {}
    if live:
        url = settings.database_url
        factory = open_ledger(url)
    else:
        from bot.rehearse.ledger import open_for_dry_run

        journal = journal or default_journal(settings)
        factory, url = open_for_dry_run(settings, resume=resume, made_by="bot run", now=clock.now())
        extra["rehearsal_ledger"] = make_url(url).render_as_string(hide_password=True)
    runner = Runner(settings, factory, publisher_factory(settings, live=live, journal=journal),
                    clock, name=runner_name, expire_unapproved=expirer(factory))
    with log_mode(None if live else "rehearsal"):  # a dry-run's change lines say they are a rehearsal
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
            from bot.sources.autopilot import autopilot_hook

            service = RunnerService(runner, url, runner_name)
            service.periodic = autopilot_hook(settings, live=live, clock=clock)  # None without [[sources]]
            service.serve()
    if runner.fatal is not None:  # disk full, journal unwritable, ledger gone: exit 1, posts left queued
        raise runner.fatal
    counts = {key: runner.summary.get(key, 0) for key in SUMMARY_KEYS}
    extra.update(paused_accounts=runner.paused_accounts, next_due=next_due(factory))
    ledger = claims.status_counts(factory)
    factory.kw["bind"].dispose()
    return RunReport(counts, ledger, "live" if live else "dry-run", str(journal) if journal else None,
                     runner.runner_id, extra=extra)


def next_due(factory: claims.SessionFactory) -> dict[str, Any] | None:
    """The next post waiting for its time (pending, or a draft awaiting approval), for "nothing due" messages."""
    from sqlalchemy import select

    from bot.ledger.models import Post

    with factory() as session:
        post = session.scalars(select(Post).where(Post.status.in_(("pending", "draft")))
                               .order_by(Post.due_at, Post.id).limit(1)).first()
        if post is None:
            return None
        return {"id": post.id, "account": post.account, "kind": post.kind, "finding_rank": post.finding_rank,
                "status": post.status, "due_at": post.due_at.isoformat()}
