"""`bot post`: publish a report's drafts (or drafts saved as JSON) now, dry-run unless live.

Live publishing checks every selected account's credentials first and stops before sending anything if
one is missing (MissingCredentials names the variables). Each draft is published through the same
`Publisher.publish` the runner uses; a failure is recorded and the next draft still goes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import InputError, MissingCredentials
from bot.publish.errors import Ambiguous, PublishError

if TYPE_CHECKING:
    from bot.content.draft import Draft
    from bot.publish.base import Publisher
    from bot.publish.journal import Journal
    from bot.settings import Account, Settings


@dataclass
class PostOutcome:
    account: str
    platform: str
    kind: str
    status: str  # posted | failed | unknown
    posts: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"account": self.account, "platform": self.platform, "kind": self.kind, "status": self.status,
                "posts": self.posts, "error": self.error}  # fmt: skip


@dataclass
class PostRun:
    live: bool
    outcomes: list[PostOutcome]
    requests: list[dict[str, Any]]
    skipped: list[str]
    placeholders: list[str] = field(default_factory=list)  # dry-run accounts signed with stand-in secrets

    @property
    def failed(self) -> bool:
        return any(o.status != "posted" for o in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        return {"mode": "live" if self.live else "dry-run", "requests": self.requests,
                "results": [o.to_dict() for o in self.outcomes], "skipped": self.skipped,
                "placeholder_credentials": self.placeholders}  # fmt: skip


def load_drafts(source: str, settings: Settings, platforms: Sequence[str]) -> list[Draft]:
    """A report (path or slug) composed now, or a JSON file of Draft.to_dict() (one or a list)."""
    from bot.content.draft import Draft

    if source.endswith(".json"):
        try:
            data = json.loads(Path(source).read_text(encoding="utf-8"))
            items = data if isinstance(data, list) else [data]
            drafts = [Draft.from_dict(item) for item in items]
        except FileNotFoundError:
            raise InputError("draft file not found", source=source) from None
        except (ValueError, TypeError, KeyError) as error:
            problem = f"not a draft or list of drafts ({type(error).__name__}: {error})"
            raise InputError(problem, source=source) from None
        return [d for d in drafts if d.platform in platforms]
    from bot.content.compose import draft_report

    return draft_report(source, settings, platforms=tuple(platforms))


def select_accounts(settings: Settings, platforms: Sequence[str], account: str | None) -> list[Account]:
    if account:
        chosen = settings.account(account)
        if chosen.platform not in platforms:
            raise InputError(f"account {account!r} is a {chosen.platform} account, not {'/'.join(platforms)}")
        return [chosen]
    accounts = [a for a in settings.accounts if a.platform in platforms]
    if not accounts:
        raise InputError(f"no {'/'.join(platforms)} account configured", source=settings.source)
    return accounts


def check_live_credentials(accounts: Sequence[Account]) -> None:
    """Before anything is sent: every account has its secrets, or MissingCredentials lists them all."""
    from bot.publish.credentials import load_credentials

    problems = []
    for account in accounts:
        try:
            load_credentials(account)
        except MissingCredentials as error:
            problems.append(str(error))
    if problems:
        raise MissingCredentials("; ".join(problems) + " — nothing was sent")


def _publish_one(publisher: Publisher, account: Account, draft: Draft) -> PostOutcome:
    outcome = PostOutcome(account.name, account.platform, draft.kind, "posted")
    try:
        posts = publisher.publish(draft)
    except PublishError as error:
        outcome.status = "unknown" if isinstance(error, Ambiguous) else "failed"
        outcome.error = f"{type(error).__name__}: {error}"
        return outcome
    outcome.posts = [{"remote_id": p.remote_id, "url": p.url} for p in posts]
    return outcome


def post_now(
    source: str,
    settings: Settings,
    *,
    platforms: Sequence[str] = ("x", "facebook"),
    account: str | None = None,
    kind: str = "all",
    live: bool = False,
    journal: Journal | None = None,
    make_publisher: Callable[[Account], Publisher] | None = None,
) -> PostRun:
    """Publish the selected drafts now and return what happened (and, in dry-run, what would be sent)."""
    from bot.publish.journal import Journal
    from bot.publish.registry import create_publisher

    accounts = select_accounts(settings, platforms, account)
    if live:
        check_live_credentials(accounts)
    drafts = [d for d in load_drafts(source, settings, platforms) if kind == "all" or d.kind == kind]
    recorder = journal or Journal.from_env()
    factory = make_publisher or (lambda acct: create_publisher(acct, settings, live=live, journal=recorder))
    publishers: dict[str, Publisher] = {}
    outcomes, skipped = [], []
    for draft in drafts:
        targets = [a for a in accounts if a.platform == draft.platform]
        if not targets:
            skipped.append(f"{draft.platform} {draft.kind}: no selected {draft.platform} account")
        for target in targets:
            if target.name not in publishers:
                publishers[target.name] = factory(target)
            publisher = publishers[target.name]
            outcomes.append(_publish_one(publisher, target, draft))
    placeholders = [
        name for name, p in publishers.items() if getattr(getattr(p, "credentials", None), "placeholder", 0)
    ]
    return PostRun(live, outcomes, list(recorder.recorded) if not live else [], skipped, placeholders)
