"""APScheduler job entry points, referenced as `bot.schedule.jobs:<function>` and carrying only plain ids.

The persistent job store pickles a job as a `module:function` reference plus its arguments, so nothing but a
post id goes in. The functions find this process's runner through `install()`; the ledger decides what is
actually sent (a wake-up for a post that is no longer pending simply finds nothing to claim).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.schedule.scheduler import RunnerService

_service: RunnerService | None = None

WAKE = "bot.schedule.jobs:wake_for_post"
SWEEP = "bot.schedule.jobs:sweep_ledger"
WAKE_UP = "bot.schedule.jobs:wake_up"


def install(service: RunnerService | None) -> None:
    """Make `service` the one the jobs of this process talk to (None to detach)."""
    global _service
    _service = service


def wake_for_post(post_id: int) -> None:
    """A post's due time came: publish whatever is due (that post, and anything else that is)."""
    if _service is not None:
        _service.on_wake(post_id)


def wake_up() -> None:
    """A backoff or a pacing budget ran out: publish whatever is due now."""
    if _service is not None:
        _service.on_wake(None)


def sweep_ledger() -> None:
    """Periodic pass over the ledger: new posts get wake-ups, overdue ones are settled, due ones sent."""
    if _service is not None:
        _service.on_sweep()
