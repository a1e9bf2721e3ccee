"""One sweep over the configured sources: fetch → new report URLs → claim → draft → notify.

A source that fails (timeout, 5xx, malformed feed, HTML instead of XML, robots.txt) is recorded with its error
and retried later with backoff (5, 10, 20 … minutes); it never stops the other sources or the runner. A new
source with more unseen reports than `[watch] first_sweep_limit` is held until `bot watch --backfill` has
recorded its archive as seen, so switching autopilot on never drafts the whole archive.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.errors import ConfigError
from bot.ledger.claims import SessionFactory
from bot.settings import Settings
from bot.sources import store
from bot.sources.campaigns import read_template
from bot.sources.config import SourceConfig
from bot.sources.discover import report_urls
from bot.sources.drafting import DraftContext, Drafted, draft_claim, recheck
from bot.sources.http import Fetcher, SourceError
from bot.sources.notify import Sent, notify_reviewers

log = logging.getLogger("bot.autopilot")
Progress = Callable[[str, int], None]  # (source name, reports it listed): after each source


@dataclass
class SourceResult:
    name: str
    status: str  # ok | not_modified | failed | blocked | held | waiting
    listed: int = 0
    new: int = 0
    error: str | None = None


@dataclass
class SweepReport:
    sources: list[SourceResult] = field(default_factory=list)
    drafts: list[Drafted] = field(default_factory=list)
    notifications: list[Sent] = field(default_factory=list)
    backfilled: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"sources": [vars(s) for s in self.sources], "drafts": [vars(d) for d in self.drafts],
                "notifications": [vars(n) for n in self.notifications], "backfilled": self.backfilled}

    @property
    def failed(self) -> list[SourceResult]:
        return [s for s in self.sources if s.status in ("failed", "blocked", "held")]


def check_templates(settings: Settings) -> None:
    """Every source's template exists and is a template (ConfigError naming the source's field)."""
    for index, source in enumerate(settings.sources):
        read_template(settings.bot.schedules_dir, source.template, field=f"sources[{index}].template")


def make_fetcher(settings: Settings, **overrides: Any) -> Fetcher:
    watch = settings.watch
    return Fetcher(user_agent=settings.bot.user_agent, timeout=watch.timeout_seconds, max_bytes=watch.max_bytes,
                   host_delay=watch.host_delay_seconds, **overrides)


def sweep(settings: Settings, factory: SessionFactory, *, now: dt.datetime, owner: str, live: bool = False,
          backfill: bool = False, fetcher: Fetcher | None = None, progress: Progress | None = None,
          every_source: bool = False) -> SweepReport:
    """One pass over every source (those in backoff are skipped unless `every_source`)."""
    fetcher = fetcher or make_fetcher(settings)
    report = SweepReport()
    states = store.states(factory)
    claims: list[tuple[SourceConfig, store.Claim]] = []
    for source in settings.sources:
        state = states.get(source.name)
        if not every_source and state is not None and state.next_fetch_at and state.next_fetch_at > now:
            report.sources.append(SourceResult(source.name, "waiting", error=state.last_error))
        else:
            result, claimed = _visit(settings, factory, fetcher, source, state, now=now, owner=owner,
                                     backfill=backfill)
            report.sources.append(result)
            report.backfilled += claimed if backfill else 0
            claims += [] if backfill else [(source, c) for c in claimed]  # type: ignore[union-attr]
        if progress is not None:
            progress(source.name, report.sources[-1].listed)
    if backfill:
        return report
    by_name = {s.name: s for s in settings.sources}
    claims += [(by_name[c.source], c) for c in store.take_over(factory, now=now, owner=owner) if c.source in by_name]
    ctx = DraftContext(settings, factory, fetcher, owner, now)
    report.drafts = [draft_claim(ctx, claim, source) for source, claim in claims]
    watch = settings.watch
    for claim in store.due_rechecks(factory, now=now, within=dt.timedelta(days=watch.recheck_days),
                                    every=dt.timedelta(minutes=watch.recheck_minutes)):
        outcome = recheck(ctx, claim)
        if outcome.state != "unchanged":
            report.drafts.append(outcome)
    report.notifications = notify_reviewers(settings, factory, now=now, live=live)
    return report


def _visit(settings: Settings, factory: SessionFactory, fetcher: Fetcher, source: SourceConfig, state: Any, *,
           now: dt.datetime, owner: str, backfill: bool) -> tuple[SourceResult, Any]:
    """Fetch one source and claim what is new: (result, claims) — or, backfilling, (result, count recorded)."""
    retry = (settings.watch.retry_initial_minutes, settings.watch.retry_max_minutes)
    validators = {} if state is None else {"etag": state.etag, "last_modified": state.last_modified}
    try:
        document = fetcher.get(source.url, **validators)
        if document.not_modified:
            store.record_fetch(factory, source.name, source.url, now=now, status="not_modified", retry=retry,
                               etag=document.etag, last_modified=document.last_modified)
            return SourceResult(source.name, "not_modified"), 0 if backfill else []
        urls = report_urls(source, document)
    except SourceError as error:
        status = "blocked" if "disallowed by robots.txt" in str(error) else "failed"
        store.record_fetch(factory, source.name, source.url, now=now, status=status, error=str(error), retry=retry)
        log.warning("source %s: %s", source.name, error, extra={"fields": {"source": source.name, "status": status}})
        return SourceResult(source.name, status, error=str(error)), 0 if backfill else []
    fresh = [u for u in urls if u not in store.known_urls(factory, urls)]
    allowed = [u for u in fresh if fetcher.allowed(u)]
    never_swept = state is None or state.last_ok_at is None
    if not backfill and never_swept and len(allowed) > settings.watch.first_sweep_limit:
        reason = (f"{len(allowed)} reports never seen (more than [watch] first_sweep_limit = "
                  f"{settings.watch.first_sweep_limit}): run `bot watch --backfill` first to record the archive")
        store.record_fetch(factory, source.name, source.url, now=now, status="held", error=reason, retry=retry)
        return SourceResult(source.name, "held", len(urls), len(allowed), reason), []
    mode = "backfilled" if backfill else "claimed"
    claimed = [store.claim(factory, url, source=source.name, language=source.language, now=now,
                           owner=None if backfill else owner, state=mode) for url in allowed]
    mine = [c for c in claimed if c is not None]
    # Validators are stored only now: a crash before this point makes the next sweep read the document again.
    store.record_fetch(factory, source.name, source.url, now=now, status="ok", etag=document.etag,
                       last_modified=document.last_modified, retry=retry)
    return SourceResult(source.name, "ok", len(urls), len(mine)), len(mine) if backfill else mine


def validate(settings: Settings) -> None:
    if not settings.sources:
        raise ConfigError("no [[sources]] configured: add one to config/bot.toml (see README, Autopilot)",
                          source=settings.source)
    check_templates(settings)
