"""The last rehearsal's ledger (what the last dry-run `bot run` or `bot rehearse` did), read-only, for the
history and queue pages: a dry-run never writes the real ledger, so what it "sent" is only visible there.
Nothing to show — no rehearsal yet, or the rehearsal module absent — is simply None."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from bot.errors import BotError
from bot.ledger.store import Ledger

if TYPE_CHECKING:
    from bot.settings import Settings


@contextmanager
def last_rehearsal(settings: Settings) -> Iterator[tuple[Ledger | None, Any]]:
    """(ledger, info) of the last rehearsal, or (None, None); the ledger's engine is closed afterwards."""
    try:
        from bot.rehearse.ledger import open_last_rehearsal, read_info
    except ImportError:
        yield None, None
        return
    try:
        factory = open_last_rehearsal(settings)
    except BotError:
        factory = None
    if factory is None:
        yield None, None
        return
    try:
        yield Ledger(factory), read_info(settings)
    finally:
        factory.kw["bind"].dispose()
