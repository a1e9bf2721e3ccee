"""The runner: claim a due post, publish it, record the outcome — one post at a time, exactly once.

`Runner.process_due_posts()` is the single code path: `bot run --until-idle` calls it in a loop, and in
long-running mode the APScheduler jobs (`bot.schedule.jobs`) call it when a post falls due. The ledger is the
truth; jobs are only alarm clocks, so a lost job can delay a post until the next sweep but never lose it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections import Counter
from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.content.draft import Media
from bot.errors import BotError, LocalFailure
from bot.ledger import claims
from bot.ledger.claims import ClaimedPost, Outcome, SessionFactory
from bot.ledger.db import LedgerFile
from bot.ledger.sent_texts import reserve_text
from bot.publish.base import PublishedPost, Publisher
from bot.publish.errors import Ambiguous, AuthExpired, AuthInvalid, Duplicate, PublishError, RateLimited
from bot.schedule.clock import Clock
from bot.schedule.outcomes import describe, give_up_if_exhausted, outcome_for_error
from bot.schedule.pacing import Pacer
from bot.schedule.reconcile import is_abandoned, lookup_outcome, runner_identity
from bot.settings import Account, Settings

log = logging.getLogger("bot.runner")
# A claim on another host older than this is treated as abandoned (publisher timeouts are far shorter).
STALE_CLAIM = dt.timedelta(minutes=10)
EXPIRE_EVERY = dt.timedelta(seconds=1)


class CannotSend(Exception):
    """The post cannot be sent as stored (a repost whose original is not posted, a thread missing a part)."""


def log_change(post: ClaimedPost | int, status: str, **fields: Any) -> None:
    """One structured log line per state change (no payload text, no secrets)."""
    base = {"post_id": post, "status": status} if isinstance(post, int) else {
        "post_id": post.id, "key": post.key, "account": post.account, "status": status}
    base.update({k: v for k, v in fields.items() if v is not None})
    log.info("post %s → %s", base["post_id"], status, extra={"fields": base})


class Runner:
    """Publishes due posts from the ledger for the configured accounts."""

    def __init__(
        self,
        settings: Settings,
        factory: SessionFactory,
        make_publisher: Callable[[Account], Publisher],
        clock: Clock,
        *,
        name: str = "default",
        expire_unapproved: Callable[[dt.datetime], Any] | None = None,
        only_posts: Collection[int] | None = None,
    ) -> None:
        self.settings = settings
        self.factory = factory
        self.clock = clock
        self.runner_id = runner_identity(name)
        self.pacer = Pacer(settings.pacing, {a.name: a.platform for a in settings.accounts})
        self.summary: Counter[str] = Counter()
        self._make_publisher = make_publisher
        self._publishers: dict[str, Publisher] = {}
        self._expire_unapproved = expire_unapproved
        self.only_posts = only_posts  # claim only these (`bot post --live`'s own rows), None: every due post
        self._last_expire: dt.datetime | None = None
        self._disabled: dict[str, str] = {}
        self._retrying: dict[int, dt.datetime] = {}
        self._deferred: dict[int, dt.datetime] = {}  # posts this run moved forward for its own pacing
        self._stop = threading.Event()
        self._busy = threading.Lock()
        self._again = threading.Event()
        # Called with (post id, new due time) when a post goes back to pending: the scheduler sets its alarm.
        self.on_rescheduled: Callable[[int, dt.datetime], None] | None = None
        # A local failure (disk full, journal unwritable, ledger gone) that stopped this run: `bot run` exits 1.
        self.fatal: LocalFailure | None = None
        self.on_halt: Callable[[], None] | None = None  # the long-running service stops its scheduler
        self._ledger_file = LedgerFile.of(factory)

    # ── life cycle ──────────────────────────────────────────────────────────────────────────────────
    def start_up(self) -> None:
        """Seed the pacing budgets from the ledger, settle abandoned claims, close what is overdue."""
        now = self.clock.now()
        self.pacer.seed(claims.posted_times(self.factory, since=now - dt.timedelta(hours=24)))
        self.reconcile_abandoned()
        self.sweep()

    def request_stop(self) -> None:
        """Finish the post in flight, record it, then stop (SIGTERM/SIGINT)."""
        self._stop.set()
        wake = getattr(self.clock, "wake", None)
        if wake:
            wake()

    @property
    def paused_accounts(self) -> dict[str, str]:
        """Accounts this run stopped using (credentials refused or missing), with the reason."""
        return dict(self._disabled)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def wait_until_done(self) -> None:
        with self._busy:
            pass

    # ── the one code path ───────────────────────────────────────────────────────────────────────────
    def process_due_posts(self) -> int:
        """Publish every post due now (within pacing). Re-entrant calls while busy just ask for one more pass."""
        if not self._busy.acquire(blocking=False):
            self._again.set()
            return 0
        sent = 0
        try:
            while True:
                self._again.clear()
                sent += self._drain()
                if self.stopping or not self._again.is_set():
                    return sent
        except (LocalFailure, SQLAlchemyError) as error:
            self.halt(error)
            return sent
        finally:
            self._busy.release()

    def halt(self, error: BaseException) -> None:
        """A local failure is not the post's fault nor the platform's: stop this run (exit 1), posts untouched."""
        failure = error if isinstance(error, LocalFailure) else LocalFailure.from_database(error)
        if self.fatal is None:
            self.fatal = failure
            # DEBUG only: `bot run` itself ends with this reason as its one error line (exit 1)
            log.debug("bot run stopped: %s", failure, extra={"fields": {"status": "stopped", "reason": str(failure)}})
        self.request_stop()
        if self.on_halt is not None:
            self.on_halt()

    def _drain(self) -> int:
        sent = 0
        while not self.stopping:
            self._ledger_file.check()
            self._expire_drafts()
            now = self.clock.now()
            blocked = {a: ready for a, ready in self.pacer.blocked(now).items() if a not in self._disabled}
            self._defer_held_back(blocked, now)
            excluded = set(self._disabled) | set(blocked)
            batch = claims.claim_due_posts(
                self.factory, runner_id=self.runner_id, now=now,
                grace_seconds=self.settings.runner.grace_seconds, exclude_accounts=sorted(excluded),
                only_ids=self.only_posts,
            )
            if not batch:
                return sent
            for post in batch:
                self.send(post)
                sent += 1
        return sent

    def _defer_held_back(self, blocked: dict[str, dt.datetime], now: dt.datetime) -> None:
        """Due posts of accounts this run holds back are moved to when the account may publish again, so the
        grace window (meant for time the bot was down) never turns the bot's own pacing into `missed`."""
        if not blocked:
            return
        paused = {a: f"account {a} rate-limited until {ready.isoformat()}: deferred until then"
                  for a, ready in blocked.items() if (self.pacer.paused_until(a) or now) > now}
        moved = claims.defer_held_back(self.factory, blocked, now=now,
                                       grace_seconds=self.settings.runner.grace_seconds, reasons=paused)
        for post_id, account, ready in moved:
            why = "rate-limit pause" if account in paused else "pacing"
            log.info("post %s deferred by %s until %s", post_id, why, ready.isoformat(),
                     extra={"fields": {"post_id": post_id, "account": account, "status": "pending",
                                       "deferred_until": ready.isoformat(), "reason": why}})
            if account not in paused:
                self._deferred[post_id] = ready
            if self.on_rescheduled is not None:
                self.on_rescheduled(post_id, ready)

    def sweep(self) -> None:
        """Ledger housekeeping: overdue heads → missed, parts after a dead end → failed, drafts → expired."""
        try:
            self._ledger_file.check()
            self._sweep()
        except (LocalFailure, SQLAlchemyError) as error:
            self.halt(error)

    def _sweep(self) -> None:
        now = self.clock.now()
        self._expire_drafts(force=True)
        grace = self.settings.runner.grace_seconds
        for post_id, reason in claims.mark_missed(self.factory, now=now, grace_seconds=grace):
            self.summary["missed"] += 1
            log_change(post_id, "missed", reason=reason)
        for post_id, reason in claims.fail_stranded_parts(self.factory, now=now):
            self.summary["failed"] += 1
            log_change(post_id, "failed", reason=reason)

    def _expire_drafts(self, *, force: bool = False) -> None:
        now = self.clock.now()
        if not force and self._last_expire and now - self._last_expire < EXPIRE_EVERY:
            return
        self._last_expire = now
        if self._expire_unapproved is not None:
            expired = self._expire_unapproved(now)
            count = len(expired) if isinstance(expired, list | tuple) else int(expired or 0)
            if count:
                self.summary["expired"] += count
                fields = {"status": "expired", "count": count}
                log.info("%d unapproved post(s) expired", count, extra={"fields": fields})

    # ── one post ────────────────────────────────────────────────────────────────────────────────────
    def send(self, post: ClaimedPost) -> Outcome:
        started = self.clock.now()
        log_change(post, "sending", runner=self.runner_id, attempt=post.attempts + 1, part=post.part_index or None)
        try:
            publisher = self.publisher(post.account)
        except BotError as error:  # unknown account, missing credentials: not this post's fault
            return self._cannot_publish_for(post, started, str(error))
        other = reserve_text(self.factory, post)
        if other is not None:
            holder = f"post {other}" if other else "another runner's post"
            outcome = Outcome("duplicate", "duplicate", f"refused before sending: {holder} already carries this "
                              f"text (and link) on {post.account}; one text is never sent twice to one account")
            self._record(post, outcome, started)
            return outcome
        try:
            published = self._publish(post, publisher)
            outcome = Outcome("posted", "posted", remote_id=published.remote_id, remote_url=published.url or None)
            self.pacer.record(post.account, self.clock.now())
        except Ambiguous as error:
            self.pacer.record(post.account, self.clock.now())
            outcome = lookup_outcome(post, publisher, factory=self.factory)
            outcome = Outcome(outcome.status, "ambiguous", f"{describe(error)}; {outcome.detail}",
                              outcome.remote_id, outcome.remote_url)
        except Duplicate as error:
            outcome = self._after_duplicate(post, publisher, error)
        except PublishError as error:
            outcome = self._policy(post, error)
        except CannotSend as error:
            outcome = Outcome("failed", "failed", str(error))
        except (LocalFailure, SQLAlchemyError) as error:  # the machine failed, not the post: stop, put it back
            self._put_back(post, started, error)
            raise
        except Exception as error:  # a bug must not stop the other posts
            log.exception("unexpected error while publishing post %s", post.id)
            outcome = Outcome("failed", "failed", f"internal error: {describe(error)}")
        outcome = give_up_if_exhausted(outcome, post, max_attempts=self.settings.runner.max_attempts)
        self._record(post, outcome, started)
        return outcome

    def _after_duplicate(self, post: ClaimedPost, publisher: Publisher, error: Duplicate) -> Outcome:
        """A duplicate after an earlier unsettled try (crash, ambiguous timeout) is most likely our own post
        showing up late in the timeline: look once more before calling it a duplicate."""
        if post.attempts > 0:
            found = lookup_outcome(post, publisher, factory=self.factory)
            if found.status == "posted":
                return Outcome("posted", "duplicate", f"{describe(error)}; {found.detail}", found.remote_id,
                               found.remote_url)
        return self._policy(post, error)

    def _put_back(self, post: ClaimedPost, started: dt.datetime, error: BaseException) -> None:
        """Back to pending, untouched (same due time, no attempt counted). If the ledger itself is what failed,
        the post stays `sending` and the next start reconciles it (its request never completed)."""
        reason = f"not sent: local failure ({describe(error)})"
        with contextlib.suppress(SQLAlchemyError):
            claims.record_outcome(self.factory, post, Outcome("pending", "not_sent", reason, due_at=post.due_at,
                                  counts=False), runner_id=self.runner_id, started_at=started, now=self.clock.now())

    def _cannot_publish_for(self, post: ClaimedPost, started: dt.datetime, reason: str) -> Outcome:
        """Put the post back untouched (same due time, no attempt counted) and pause its account for the run."""
        self._disabled.setdefault(post.account, reason)
        log.error("account %s paused for this run: %s", post.account, reason,
                  extra={"fields": {"account": post.account, "reason": reason}})
        outcome = Outcome("pending", "not_sent", reason, due_at=post.due_at, counts=False)
        self._record(post, outcome, started)
        return outcome

    def _policy(self, post: ClaimedPost, error: PublishError) -> Outcome:
        now = self.clock.now()
        outcome = outcome_for_error(error, post, now=now, settings=self.settings)
        if isinstance(error, RateLimited) and outcome.due_at:
            self.pacer.pause(post.account, outcome.due_at)
            self.summary["rate_limited"] += 1
        if isinstance(error, AuthExpired | AuthInvalid) and post.account not in self._disabled:
            self._disabled[post.account] = outcome.detail or "credentials refused"
            log.error("account %s paused for this run: %s", post.account, outcome.detail,
                      extra={"fields": {"account": post.account, "reason": outcome.detail}})
        return outcome

    def _record(self, post: ClaimedPost, outcome: Outcome, started: dt.datetime) -> None:
        now = self.clock.now()
        recorded = claims.record_outcome(
            self.factory, post, outcome, runner_id=self.runner_id, started_at=started, now=now
        )
        if not recorded:
            log.warning("post %s: claim lost before its outcome was recorded", post.id,
                        extra={"fields": {"post_id": post.id, "outcome": outcome.status}})
            return
        if outcome.status == "pending" and outcome.attempt not in ("rate_limited", "not_sent"):
            self._retrying[post.id] = outcome.due_at or now
            self.summary["retried"] += 1
        else:
            self._retrying.pop(post.id, None)
        if outcome.status != "pending":
            self.summary[outcome.status] += 1
        elif self.on_rescheduled is not None:
            self.on_rescheduled(post.id, outcome.due_at or now)
        log_change(post, outcome.status, outcome=outcome.attempt, remote_id=outcome.remote_id,
                   url=outcome.remote_url, due_at=outcome.due_at.isoformat() if outcome.due_at else None,
                   reason=outcome.detail)

    def _publish(self, post: ClaimedPost, publisher: Publisher) -> PublishedPost:
        payload = post.payload
        if payload.get("repost_of") is not None:
            original = claims.find_post(self.factory, payload["repost_of"])
            if original is None or original.status != "posted" or not original.remote_id:
                state = "does not exist" if original is None else f"is {original.status}, not posted"
                raise CannotSend(f"repost of {payload['repost_of']!r}: the original {state}")
            text = None if payload.get("mode") == "retweet" else (payload.get("text") or None)
            source = PublishedPost(original.remote_id, original.remote_url or "", original.platform,
                                   text=str(original.payload.get("text") or ""))
            return publisher.repost(source, text=text)
        reply_to = claims.remote_id_of(self.factory, claims.previous_part_id(self.factory, post))
        if post.part_index > 0 and not reply_to:
            raise CannotSend(f"thread part {post.part_index}: the part before it has no remote id")
        media = tuple(Media(path=m["path"], alt_text=m.get("alt_text", "")) for m in payload.get("media") or ())
        return publisher.publish_post(post.text, link=payload.get("link"), reply_to=reply_to, media=media)

    def publisher(self, account: str) -> Publisher:
        if account not in self._publishers:
            self._publishers[account] = self._make_publisher(self.settings.account(account))
        return self._publishers[account]

    # ── crash safety ────────────────────────────────────────────────────────────────────────────────
    def reconcile_abandoned(self) -> None:
        """Posts left `sending` by a dead runner are settled through the publisher's recent posts."""
        now = self.clock.now()
        for post in claims.posts_in_flight(self.factory):
            if not is_abandoned(post, now=now, stale_after=STALE_CLAIM):
                continue
            if not claims.take_over_claim(self.factory, post, runner_id=self.runner_id, now=now):
                continue
            log_change(post, "reconciling", previous_runner=post.claimed_by)
            try:
                outcome = lookup_outcome(post, self.publisher(post.account), factory=self.factory)
            except Exception as error:  # a broken account must not keep the others from starting
                outcome = Outcome("unconfirmed", "reconciled", f"lookup impossible: {describe(error)}")
            outcome = give_up_if_exhausted(outcome, post, max_attempts=self.settings.runner.max_attempts)
            self.summary["reconciled"] += 1
            self._record(post, outcome, now)

    # ── --until-idle ────────────────────────────────────────────────────────────────────────────────
    def run_until_idle(self) -> Counter[str]:
        """Publish until nothing is due: no post due now, no retry of this run still waiting for its backoff,
        no due post held back only by a pacing budget. Rate-limit pauses are not waited for (reported)."""
        self.start_up()
        while not self.stopping:
            self.process_due_posts()
            wake_at = None if self.stopping else self.next_wake()
            if wake_at is None:
                break
            self.clock.sleep(max((wake_at - self.clock.now()).total_seconds(), 0.0))
        return self.summary

    def next_wake(self) -> dt.datetime | None:
        """When something held back by this run (a backoff, a pacing budget) can go: the alarm to set."""
        now = self.clock.now()
        still_pending = claims.pending_due_at(self.factory, self._retrying)
        self._retrying = dict(still_pending)
        self._deferred = claims.pending_due_at(self.factory, self._deferred)
        candidates = list(still_pending.values()) + list(self._deferred.values())
        blocked = {
            account: ready
            for account, ready in self.pacer.blocked(now).items()
            if account not in self._disabled and not (self.pacer.paused_until(account) or now) > now
        }
        if blocked:
            due = claims.due_accounts(self.factory, now=now, grace_seconds=self.settings.runner.grace_seconds)
            candidates += [ready for account, ready in blocked.items() if account in due]
        return min(candidates) if candidates else None
