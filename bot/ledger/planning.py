"""What planning reads from the ledger: highlights already posted, the campaigns' anchors, the status of every
campaign post. Read with SQLAlchemy Core only — `bot plan` is interactive, and the ORM and the models cost a
tenth of a second to import — and never creating anything (`bot plan` changes nothing)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from bot.settings import Settings

Posted = dict[tuple[str, str], dict[int, str | None]]  # (report, account) → {finding_rank: campaign}
# The mark of a row `bot schedule` cancelled itself (and revives when the campaign wants it again); `bot
# cancel` writes a different one.
SYNC_CANCELLED = "no longer in the campaign files"
# How the view reports such a row: not a final "cancelled", since the next sync may bring it back.
CANCELLED_BY_SYNC = "cancelled by sync"


@dataclass(frozen=True)
class LedgerView:
    """Highlights already posted (`posted`), campaign anchors (origin of relative times), and the status of
    every campaign post by key (`CANCELLED_BY_SYNC` for a row the sync cancelled and may revive)."""

    posted: Posted = field(default_factory=dict)
    anchors: dict[str, dt.datetime] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)


def planning_view(connection: Connection) -> LedgerView:
    """The view, from an open connection on a migrated ledger."""
    from sqlalchemy import DateTime, String, bindparam, column, inspect, text

    posted: Posted = {}
    for report, account, rank, campaign in connection.execute(text(
            "SELECT report, account, finding_rank, campaign FROM posts "
            "WHERE status = 'posted' AND kind = 'highlight' AND finding_rank IS NOT NULL")):
        posted.setdefault((report, account), {})[rank] = campaign
    anchors: dict[str, dt.datetime] = {}
    if inspect(connection).has_table("campaign_anchors"):  # a ledger of the first version: no anchor yet
        anchors_query = text("SELECT campaign, anchored_at FROM campaign_anchors").columns(
            column("campaign", String), column("anchored_at", DateTime(timezone=True)))
        anchors = {name: _utc(when) for name, when in connection.execute(anchors_query)}
    statuses_query = text(
        "SELECT key, CASE WHEN status = 'cancelled' AND last_error = :mark THEN :by_sync ELSE status END "
        "FROM posts WHERE campaign IS NOT NULL").bindparams(bindparam("mark", SYNC_CANCELLED),
                                                            bindparam("by_sync", CANCELLED_BY_SYNC))
    statuses = {key: status for key, status in connection.execute(statuses_query)}
    return LedgerView(posted=posted, anchors=anchors, statuses=statuses)


def read_planning_view(settings: Settings) -> LedgerView:
    """The view of the ledger at settings.database_url; empty when it does not exist yet (nothing is created)."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.ledger.db import current_revision, make_engine, parse_database_url, unusable_database

    url = parse_database_url(settings.database_url)
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database not in ("", ":memory:") and not Path(database).exists():
        return LedgerView()
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            if current_revision(connection) is None:
                return LedgerView()
            return planning_view(connection)
    except SQLAlchemyError as error:
        raise unusable_database(error) from None
    finally:
        engine.dispose()


def _utc(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
