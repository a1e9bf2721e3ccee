"""`bot rehearse`: the campaigns' whole plan played on a virtual clock, in seconds, through the real runner.

Nothing here is a second scheduler (see ARCHITECTURE.md, "Rehearsal"): a fresh rehearsal ledger (a copy of
the real one, `bot.rehearse.ledger`) gets the campaigns synced into it exactly as `bot schedule` would, then
the real `Runner` and publishers run over the recording transport on a `FakeClock` that jumps from one due
time to the next. Announcement, highlights, every repost cycle, pacing, approvals (a draft never approved
expires, as with the real runner), retries and injected faults (`BOT_DRYRUN_FAULTS`) all behave as they
would; the real ledger is only read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.ledger.claims import ClaimedPost, Outcome
from bot.logs import quiet_changes
from bot.rehearse.timeline import Event, Rehearsal, fill_from_ledger, final_events
from bot.schedule.clock import FakeClock
from bot.schedule.runner import Runner
from bot.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from bot.publish.journal import Journal

MAX_STEPS = 100_000  # a plan that needs more clock jumps than this is cut off (reported), never looped on
OPEN = ("draft", "pending", "sending")


class _OnLedger(Settings):
    """The settings with another ledger: how `bot schedule`'s own sync is pointed at the rehearsal."""

    ledger_url: str = ""

    @property
    def database_url(self) -> str:
        return self.ledger_url


def on_ledger(settings: Settings, url: str) -> Settings:
    data = settings.model_dump()
    return _OnLedger.model_validate({**data, "source": settings.source, "ledger_url": url})


class RecordingRunner(Runner):
    """The real runner, noting for each send the requests it made (from the journal) and the outcome."""

    def __init__(self, *args: Any, journal: Journal, events: list[Event], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.journal, self.events = journal, events

    def send(self, post: ClaimedPost) -> Outcome:
        before = len(self.journal.recorded)
        started = self.clock.now()
        outcome = super().send(post)
        self.events.append(Event.of_send(post, started, outcome, self.journal.recorded[before:]))
        return outcome


@dataclass
class Window:
    start: dt.datetime
    until: dt.datetime | None  # None: until the last post of the plan is settled


def rehearse(settings: Settings, *, window: Window, directory: str | None = None) -> Rehearsal:
    """Sync the campaigns into a fresh rehearsal ledger and play it from `window.start` to `window.until`."""
    from bot.publish.journal import Journal
    from bot.rehearse.ledger import start_rehearsal
    from bot.schedule.sync import apply_campaigns

    factory = start_rehearsal(settings, made_by="bot rehearse", now=window.start)
    url = str(factory.kw["bind"].url.render_as_string(hide_password=False))
    try:
        with quiet_changes():
            synced, plan = apply_campaigns(on_ledger(settings, url), now=window.start, directory=directory)
        open_ids = _open_posts(factory)
        until = window.until or _plan_end(factory, window.start, settings)
        journal_path = Path(settings.bot.var_dir) / "rehearsal-journal.jsonl"
        journal_path.unlink(missing_ok=True)
        journal = Journal(journal_path)
        events: list[Event] = []
        clock = FakeClock(window.start)
        runner = _runner(settings, factory, clock, journal, events)
        with quiet_changes():
            steps = _play(runner, factory, clock, until)
        events += final_events(factory, open_ids, sent={e.post_id for e in events}, until=until)
        fill_from_ledger(factory, events, ZoneInfo(settings.bot.timezone))
        events.sort(key=lambda e: (e.at, e.post_id))
        later = [e for e in events if e.outcome in ("pending", "draft") and e.at > until]
        events = [e for e in events if e not in later]
        return Rehearsal(start=window.start, until=until, events=events, later=later,
                         synced=synced.as_dict(), warnings=list(plan.warnings), journal=str(journal_path),
                         ledger=str(factory.kw["bind"].url.render_as_string(hide_password=True)),
                         cut_off=steps >= MAX_STEPS)
    finally:
        factory.kw["bind"].dispose()


def _runner(settings: Settings, factory: sessionmaker[Session], clock: FakeClock, journal: Journal,
            events: list[Event]) -> RecordingRunner:
    from bot.ledger.store import Ledger
    from bot.publish.registry import create_publisher

    def make(account: Any) -> Any:
        return create_publisher(account, settings, live=False, journal=journal, clock=clock)

    return RecordingRunner(settings, factory, make, clock, name="rehearsal",
                           expire_unapproved=Ledger(factory).expire_unapproved, journal=journal, events=events)


def _play(runner: RecordingRunner, factory: sessionmaker[Session], clock: FakeClock, until: dt.datetime) -> int:
    """Jump the clock from one moment something can happen to the next, letting the runner act at each."""
    runner.start_up()
    for step in range(MAX_STEPS):
        runner.process_due_posts()
        runner.sweep()
        if runner.fatal is not None:  # disk full, database error: the rehearsal stops with one line, exit 1
            raise runner.fatal
        upcoming = _next_moment(runner, factory, clock.now())
        if upcoming is None or upcoming > until:
            return step
        clock.set(upcoming)
    return MAX_STEPS


def _next_moment(runner: Runner, factory: sessionmaker[Session], now: dt.datetime) -> dt.datetime | None:
    """The earliest later instant at which the ledger changes: a post falls due, a draft expires, a retry's
    backoff or a pacing budget ends, or an overdue post leaves its grace window (and becomes missed)."""
    from sqlalchemy import select

    from bot.ledger.models import Post

    grace = dt.timedelta(seconds=runner.settings.runner.grace_seconds)
    with factory() as session:
        dues = session.execute(select(Post.due_at).where(Post.status.in_(("pending", "draft")))).scalars().all()
    moments = [due if due > now else due + grace + dt.timedelta(seconds=1) for due in dues]
    wake = runner.next_wake()
    if wake is not None:
        moments.append(wake)
    later = [m for m in moments if m > now]
    return min(later) if later else None


def _open_posts(factory: sessionmaker[Session]) -> set[int]:
    from sqlalchemy import select

    from bot.ledger.models import Post

    with factory() as session:
        return set(session.scalars(select(Post.id).where(Post.status.in_(OPEN))))


def _plan_end(factory: sessionmaker[Session], start: dt.datetime, settings: Settings) -> dt.datetime:
    """Default end: a day after the last open post's time (room for retries, pacing and grace windows)."""
    from sqlalchemy import func, select

    from bot.ledger.models import Post

    with factory() as session:
        last = session.scalar(select(func.max(Post.due_at)).where(Post.status.in_(OPEN)))
    margin = dt.timedelta(days=1, seconds=settings.runner.grace_seconds)
    return max(last or start, start) + margin
