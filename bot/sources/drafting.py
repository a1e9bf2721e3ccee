"""One discovery → a report in content/ and a campaign waiting for approval in the ledger.

Every step is idempotent, which is what makes a claim safe to redo after a crash: ingesting the same page
writes the same file, the campaign file is written once and then left alone, and the ledger sync changes
nothing the second time. A page that changed since it was drafted is re-ingested and the campaign re-applied:
the sync updates only unpublished posts (an approved one whose text changed goes back to draft).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import hashlib
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.content.markdown_io import dump_report, load_report
from bot.errors import ConfigError, InputError
from bot.sources import store
from bot.sources.campaigns import (
    AUTO_DIR,
    auto_path,
    campaign_name,
    read_template,
    render_campaign,
    write_once,
)
from bot.sources.canonical import canonical_url
from bot.sources.config import SourceConfig

if TYPE_CHECKING:
    from bot.content.report import Report
    from bot.ledger.claims import SessionFactory
    from bot.settings import Settings
    from bot.sources.http import Fetcher


@dataclass(frozen=True)
class Drafted:
    url: str
    state: str  # drafted | updated | unchanged | duplicate | covered | failed | refused
    campaign: str | None = None
    detail: str | None = None


@dataclass
class DraftContext:
    settings: Settings
    factory: SessionFactory
    fetcher: Fetcher
    owner: str
    now: dt.datetime


def report_hash(report: Report) -> str:
    return hashlib.sha256(dump_report(report).encode("utf-8")).hexdigest()


def _read(ctx: DraftContext, url: str, slug: str | None) -> Report:
    from bot.content.sources import read_source

    if not ctx.fetcher.allowed(url):
        raise InputError("disallowed by robots.txt", source=url)
    ctx.fetcher.pace(url)
    report, _ = read_source(url, meta={"slug": slug} if slug else None, user_agent=ctx.settings.bot.user_agent,
                            session=ctx.fetcher.session)
    return report


def _ingest(ctx: DraftContext, url: str, slug: str) -> None:
    """Write content/<slug>.md from the page (force: the page is the truth for autopilot's own reports)."""
    from bot.content.ingest import ingest

    ctx.fetcher.pace(url)
    ingest(url, content_dir=Path(ctx.settings.bot.content_dir), force=True, settings=ctx.settings,
           session=ctx.fetcher.session, meta={"slug": slug})


def draft_claim(ctx: DraftContext, claim: store.Claim, source: SourceConfig) -> Drafted:
    """Draft one claimed discovery; any failure is recorded on the claim (retried with backoff), never raised."""
    try:
        return _draft(ctx, claim, source)
    except (InputError, ConfigError) as error:
        state = store.fail(ctx.factory, claim.id, owner=ctx.owner, now=ctx.now, error=str(error))
        return Drafted(claim.url, state, detail=str(error))
    except Exception as error:  # a bug or a database hiccup must not stop the other discoveries
        detail = f"internal error: {type(error).__name__}: {error}"
        state = store.fail(ctx.factory, claim.id, owner=ctx.owner, now=ctx.now, error=detail)
        return Drafted(claim.url, state, detail=detail)


def _draft(ctx: DraftContext, claim: store.Claim, source: SourceConfig) -> Drafted:
    report = _read(ctx, claim.url, claim.slug)
    own_url = _canonical_or_none(report.url)
    if own_url and own_url != claim.url and store.known_urls(ctx.factory, [own_url]):
        store.finish(ctx.factory, claim.id, owner=ctx.owner, now=ctx.now, state="duplicate", claimed_by=None,
                     last_error=f"the page's canonical URL {own_url} was found before")
        return Drafted(claim.url, "duplicate", detail=own_url)
    slug = claim.slug or _free_slug(ctx, report.slug, claim.url)
    if slug in _hand_written_reports(ctx.settings):
        store.finish(ctx.factory, claim.id, owner=ctx.owner, now=ctx.now, state="covered", slug=slug,
                     claimed_by=None, last_error="a campaign in schedules/ already has this report")
        return Drafted(claim.url, "covered", detail=slug)
    report = dataclasses.replace(report, slug=slug)
    _ingest(ctx, claim.url, slug)
    name = _write_campaign(ctx, claim, source, slug)
    _apply(ctx)
    store.finish(ctx.factory, claim.id, owner=ctx.owner, now=ctx.now, state="drafted", slug=slug, campaign=name,
                 content_hash=report_hash(report), checked_at=ctx.now, claimed_by=None, last_error=None)
    return Drafted(claim.url, "drafted", name)


def recheck(ctx: DraftContext, claim: store.Claim) -> Drafted:
    """Re-read a drafted report's page; when its report changed, re-ingest and re-apply (unpublished only)."""
    try:
        report = _read(ctx, claim.url, claim.slug)
        digest = report_hash(report)
        if digest == claim.content_hash or claim.slug is None:
            store.finish(ctx.factory, claim.id, owner=None, now=ctx.now, checked_at=ctx.now)
            return Drafted(claim.url, "unchanged")
        _ingest(ctx, claim.url, claim.slug)
        _apply(ctx)
    except (InputError, ConfigError) as error:  # a page gone or broken for now: try again next time
        store.finish(ctx.factory, claim.id, owner=None, now=ctx.now, checked_at=ctx.now, last_error=str(error))
        return Drafted(claim.url, "failed", detail=str(error))
    store.finish(ctx.factory, claim.id, owner=None, now=ctx.now, checked_at=ctx.now, content_hash=digest,
                 last_error=None)
    return Drafted(claim.url, "updated", campaign_name(claim.slug))


def _canonical_or_none(url: str | None) -> str | None:
    try:
        return canonical_url(url) if url else None
    except ValueError:
        return None


def _free_slug(ctx: DraftContext, slug: str, url: str) -> str:
    """The report's slug, unless another report (another URL) has it already: then slug-<hash of url>."""
    path = Path(ctx.settings.bot.content_dir) / f"{slug}.md"
    owner = store.slug_owner(ctx.factory, slug)
    taken = owner is not None and owner != url
    if not taken and path.exists():
        try:
            taken = _canonical_or_none(load_report(path).url) not in (None, url)
        except InputError:
            taken = True
    return f"{slug[:60]}-{hashlib.sha1(url.encode()).hexdigest()[:8]}" if taken else slug


def _hand_written_reports(settings: Settings) -> set[str]:
    """Reports of the campaigns in schedules/*.toml (read lightly: a broken file is `bot schedule`'s to report)."""
    reports: set[str] = set()
    for path in Path(settings.bot.schedules_dir).glob("*.toml"):
        try:
            report = tomllib.loads(path.read_text(encoding="utf-8")).get("campaign", {}).get("report")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        if isinstance(report, str):
            reports.add(report)
    return reports


def _write_campaign(ctx: DraftContext, claim: store.Claim, source: SourceConfig, slug: str) -> str:
    """Write schedules/auto/<slug>.toml once, and check it loads (a broken one is removed, never applied)."""
    from bot.schedule.campaign import parse_campaign

    schedules = ctx.settings.bot.schedules_dir
    template = read_template(schedules, source.template, field=f"sources[{source.name}].template")
    path = auto_path(schedules, slug)
    text = render_campaign(template, source=source, template_name=source.template, slug=slug, url=claim.url,
                           anchor=claim.first_seen)
    written = write_once(path, text)
    try:
        return parse_campaign(path, ctx.settings).name
    except ConfigError:
        if written:
            path.unlink(missing_ok=True)
        raise


def _apply(ctx: DraftContext) -> None:
    """What `bot schedule` does: the ledger mirrors schedules/ (with schedules/auto/).

    One at a time: two runners applying at once could each plan from the files it saw, and the one that saw
    fewer would cancel the other's newest campaign (revived by the next apply, but maybe much later)."""
    from bot.schedule.sync import apply_campaigns

    with apply_lock(ctx.settings):
        apply_campaigns(ctx.settings, now=ctx.now)


@contextmanager
def apply_lock(settings: Settings) -> Iterator[None]:
    """PostgreSQL: an advisory lock (every host); SQLite: a lock file beside the ledger (one host)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from bot.ledger.db import make_engine

    url = settings.database_url
    if make_url(url).get_backend_name() == "postgresql":
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(hashtext('bot-autopilot-apply'))"))
                try:
                    yield
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(hashtext('bot-autopilot-apply'))"))
        finally:
            engine.dispose()
        return
    path = Path(settings.bot.var_dir) / "autopilot-apply.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes (or the process dies)
        yield


__all__ = ["AUTO_DIR", "DraftContext", "Drafted", "draft_claim", "recheck", "report_hash"]
