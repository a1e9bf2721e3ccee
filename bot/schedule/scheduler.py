"""Long-running `bot run`: APScheduler 3.x (BlockingScheduler) wakes the runner when posts fall due.

Decisions (see PLATFORMS.md, APScheduler traps):
- The job store is a `SQLAlchemyJobStore` in the ledger's database, in a table of its own per runner name
  (`apscheduler_jobs_<name>`): "job stores must never be shared between schedulers", so two runners on one
  PostgreSQL database each keep their own job rows, and a lock (PostgreSQL advisory lock / SQLite lock file)
  refuses a second process with the same runner name. Exactly-once comes from the ledger's claims, not jobs.
- Jobs are rebuilt from the ledger at start-up (explicit id `post-<id>`, `replace_existing=True`), so a lost or
  stale job never loses a post. A periodic sweep adds wake-ups for posts scheduled while running.
- Misfires are explicit: `misfire_grace_time = runner.grace_seconds`, and the ledger sweep marks a post
  `missed` when it is beyond the grace window — a dropped job is never a silently dropped post.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import re
import signal
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

from bot.errors import BotError
from bot.ledger import claims
from bot.ledger.db import make_engine
from bot.schedule import jobs
from bot.schedule.runner import Runner

log = logging.getLogger("bot.runner")


def job_table(runner_name: str) -> str:
    return "apscheduler_jobs_" + re.sub(r"[^a-z0-9_]", "_", runner_name.lower())


class RunnerLock:
    """Only one process per runner name (and so per job table): advisory lock or lock file, released on exit."""

    def __init__(self, url: str, name: str) -> None:
        self.url, self.name = url, name
        self._handle: IO[str] | Connection | None = None

    def acquire(self, engine: Engine) -> None:
        parsed = make_url(self.url)
        if parsed.get_backend_name() == "postgresql":
            conn = engine.connect()
            locked = conn.execute(text("SELECT pg_try_advisory_lock(hashtext(:n))"), {"n": job_table(self.name)})
            if not locked.scalar():
                conn.close()
                raise self._busy()
            conn.commit()
            self._handle = conn
            return
        base = Path(parsed.database or "ledger") if parsed.database not in (None, ":memory:") else Path("var/memory")
        handle = open(f"{base}.{job_table(self.name)}.lock", "w")  # noqa: SIM115 - held for the process life
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise self._busy() from None
        self._handle = handle

    def _busy(self) -> BotError:
        return BotError(f"another `bot run` already uses runner name {self.name!r} on this database; "
                        "start this one with a different --runner-name")

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _bulk_job_store(engine: Engine, tablename: str) -> Any:
    """A SQLAlchemyJobStore that can write the start-up rebuild in one transaction: row for row what
    `SQLAlchemyJobStore.add_job` writes, but 10,000 wake-ups take one commit instead of 10,000."""
    import pickle

    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.util import datetime_to_utc_timestamp

    class BulkJobStore(SQLAlchemyJobStore):  # type: ignore[misc]
        buffer: dict[str, dict[str, Any]] | None = None

        def add_job(self, job: Any) -> None:
            if self.buffer is None:
                super().add_job(job)
                return
            # Keyed by job id, last one wins: the same `post-<id>` may be added twice before the scheduler
            # starts (a retry during start-up, then the rebuild), and the table's id is unique.
            self.buffer[job.id] = {"id": job.id, "next_run_time": datetime_to_utc_timestamp(job.next_run_time),
                                   "job_state": pickle.dumps(job.__getstate__(), self.pickle_protocol)}

        def flush(self) -> None:
            rows, self.buffer = self.buffer, None
            if rows:
                with self.engine.begin() as connection:
                    connection.execute(self.jobs_t.insert(), list(rows.values()))

    return BulkJobStore(engine=engine, tablename=tablename)


class RunnerService:
    """Owns the scheduler and keeps its wake-up jobs in step with the ledger."""

    def __init__(self, runner: Runner, url: str, name: str) -> None:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.blocking import BlockingScheduler

        self.runner = runner
        self.engine = make_engine(url)  # its own engine: the job store disposes of it on shutdown
        self.lock = RunnerLock(url, name)
        self.grace = runner.settings.runner.grace_seconds
        self._scheduled: dict[int, dt.datetime] = {}
        self._failure: BaseException | None = None
        self.periodic: Callable[[], None] | None = None  # called after each ledger sweep; must not raise
        self.store = _bulk_job_store(self.engine, job_table(name))
        self.scheduler = BlockingScheduler(
            jobstores={"default": self.store},
            executors={"default": ThreadPoolExecutor(1)},  # one post at a time; the runner serialises anyway
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": self.grace},
            timezone=dt.UTC,
        )

    def schedule_wake(self, post_id: int, due: dt.datetime) -> None:
        self.scheduler.add_job(jobs.WAKE, "date", run_date=due, args=[post_id], id=f"post-{post_id}",
                               replace_existing=True, misfire_grace_time=self.grace)
        self._scheduled[post_id] = due

    def rebuild_jobs(self) -> int:
        """Replace every wake-up job with one per pending post, from the ledger (before the scheduler starts;
        this runner's job table is its own and locked, so dropping stale rows is safe)."""
        self.store.jobs_t.drop(self.engine, checkfirst=True)
        self.store.buffer = {}  # written in one transaction when the scheduler starts (see _on_started)
        self._scheduled.clear()
        self.scheduler.add_job(jobs.SWEEP, "interval", seconds=self.runner.settings.runner.poll_seconds,
                               id="ledger-sweep", replace_existing=True)
        return self.sync_jobs()

    def sync_jobs(self) -> int:
        """Add wake-ups for pending posts that have none (new, or rescheduled after a retry)."""
        added = 0
        for post_id, due in claims.pending_due_times(self.runner.factory):
            if self._scheduled.get(post_id) != due:
                self.schedule_wake(post_id, due)
                added += 1
        return added

    def on_wake(self, post_id: int | None) -> None:
        if post_id is not None:
            self._scheduled.pop(post_id, None)
        self.runner.process_due_posts()
        self._set_alarm()

    def on_sweep(self) -> None:
        self.runner.reconcile_abandoned()
        self.runner.sweep()
        self.runner.process_due_posts()
        self.sync_jobs()
        self._set_alarm()
        if self.periodic is not None:
            self.periodic()  # autopilot (bot/sources/autopilot.py): starts a source sweep when one is due

    def _set_alarm(self) -> None:
        """One wake-up for what this run holds back (a retry's backoff, a pacing budget, a rate-limit pause
        ending): without it those would wait for the next periodic sweep."""
        wake_at = self.runner.next_wake()
        if wake_at is not None and not self.runner.stopping:
            self.scheduler.add_job(jobs.WAKE_UP, "date", run_date=wake_at, id="held-back", replace_existing=True,
                                   misfire_grace_time=self.grace)

    def _on_missed(self, event: Any) -> None:
        # The job is gone, the post is not: the ledger sweep (run in the executor, like every job) decides
        # between late and missed.
        log.warning("wake-up %s missed its time; settling it from the ledger", event.job_id,
                    extra={"fields": {"job_id": event.job_id}})
        self.scheduler.add_job(jobs.SWEEP, "date", id="sweep-now", replace_existing=True)

    def _on_started(self, _event: Any) -> None:
        try:
            self.store.flush()
        except Exception as error:  # without its jobs the service would idle forever: stop, exit 1
            self._failure = error
            log.error("could not store the wake-up jobs: %s; stopping", error,
                      extra={"fields": {"error": type(error).__name__}})
            self.scheduler.shutdown(wait=False)
            return
        # A stop signal that came while start() was still storing the jobs could not shut it down then.
        count = len(self._scheduled)
        log.info("scheduler ready with %d wake-up job(s)", count, extra={"fields": {"jobs": count}})
        if self.runner.stopping:
            self.scheduler.shutdown(wait=False)

    def stop(self, *_: Any) -> None:
        """SIGTERM/SIGINT: the post in flight is finished and recorded, then the scheduler stops."""
        self.runner.request_stop()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def serve(self) -> None:
        """Run until stopped. Start-up: lock, settle the ledger, send what is due, rebuild jobs, wait."""
        from apscheduler.events import EVENT_JOB_MISSED, EVENT_SCHEDULER_STARTED

        self.lock.acquire(self.engine)
        jobs.install(self)
        self.runner.on_halt = self.stop  # a local failure (disk full, ledger file gone) ends the service
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        try:
            self.runner.start_up()
            self.runner.process_due_posts()
            self.scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED)
            self.scheduler.add_listener(self._on_started, EVENT_SCHEDULER_STARTED)
            self.rebuild_jobs()
            # Only now: a post rescheduled during start-up is already covered by the rebuild (from the ledger).
            self.runner.on_rescheduled = self.schedule_wake
            if not self.runner.stopping:
                self.scheduler.start()
            if self._failure is not None:
                raise BotError(f"`bot run` stopped: its wake-up jobs could not be stored ({self._failure})")
        finally:
            self.runner.wait_until_done()
            jobs.install(None)
            self.lock.release()
