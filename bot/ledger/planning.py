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


@dataclass(frozen=True)
class LedgerView:
    """Highlights already posted (`posted`), campaign anchors (origin of relative times), and the status of
    every campaign post by key."""

    posted: Posted = field(default_factory=dict)
    anchors: dict[str, dt.datetime] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)


def planning_view(connection: Connection) -> LedgerView:
    """The view, from an open connection on a migrated ledger."""
    from sqlalchemy import DateTime, String, column, text

    posted: Posted = {}
    for report, account, rank, campaign in connection.execute(text(
            "SELECT report, account, finding_rank, campaign FROM posts "
            "WHERE status = 'posted' AND kind = 'highlight' AND finding_rank IS NOT NULL")):
        posted.setdefault((report, account), {})[rank] = campaign
    anchors_query = text("SELECT campaign, anchored_at FROM campaign_anchors").columns(
        column("campaign", String), column("anchored_at", DateTime(timezone=True)))
    anchors = {name: _utc(when) for name, when in connection.execute(anchors_query)}
    statuses = {key: status for key, status in connection.execute(
        text("SELECT key, status FROM posts WHERE campaign IS NOT NULL"))}
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
