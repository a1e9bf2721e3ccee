"""platform name → Publisher class, and the one function that builds a publisher for an account.

Dry-run is not another class: `create_publisher(live=False)` builds the SAME publisher over a session whose
transport records instead of sending (`transport.DryRunAdapter`). The journal path comes from the argument
or `BOT_DRYRUN_JOURNAL`; injected faults from the argument or `BOT_DRYRUN_FAULTS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import ConfigError, MissingCredentials
from bot.publish.base import Publisher
from bot.publish.credentials import Credentials, load_credentials, placeholder_credentials
from bot.publish.facebook import FacebookPublisher
from bot.publish.journal import Journal
from bot.publish.synthetic import facebook_response, x_response
from bot.publish.transport import DryRunAdapter, FaultPlan, Responder, build_session
from bot.publish.x import XPublisher

if TYPE_CHECKING:
    from bot.publish.adapter import AdapterPublisher
    from bot.publish.retry import Sleeper
    from bot.settings import Account, Settings

PUBLISHERS: dict[str, type[AdapterPublisher]] = {"x": XPublisher, "facebook": FacebookPublisher}


def publisher_class(platform: str) -> type[AdapterPublisher]:
    """The class for `platform`; an unknown name is a ConfigError (a LookupError too) naming it."""
    try:
        return PUBLISHERS[platform]
    except KeyError:
        raise UnknownPlatform(f"unknown platform {platform!r} (known: {', '.join(PUBLISHERS)})") from None


class UnknownPlatform(ConfigError, LookupError):
    pass


def _responder(account: Account) -> Responder:
    if account.platform == "facebook":
        return partial(facebook_response, account=account.name, page_id=account.page_id or "")
    return partial(x_response, account=account.name)


def _dry_run_credentials(account: Account, environ: Mapping[str, str] | None, dotenv_path: Path | None) -> Credentials:
    """Real credentials when configured (so the requests are signed as they would be), else placeholders."""
    try:
        return load_credentials(account, environ=environ, dotenv_path=dotenv_path)
    except MissingCredentials:
        return placeholder_credentials(account)


def create_publisher(
    account: Account,
    settings: Settings,
    *,
    live: bool = False,
    journal: Path | Journal | None = None,
    faults: FaultPlan | None = None,
    sleeper: Sleeper | None = None,
    clock: Any = None,
    environ: Mapping[str, str] | None = None,
    dotenv_path: Path | None = Path(".env"),
) -> Publisher:
    """A publisher for `account`. Live needs credentials (MissingCredentials names the variables)."""
    cls = publisher_class(account.platform)
    timeout = settings.facebook.timeout_seconds if account.platform == "facebook" else settings.x.timeout_seconds
    if live:
        credentials = load_credentials(account, environ=environ, dotenv_path=dotenv_path)
        session = build_session(timeout=timeout)
        return cls(account, settings, credentials=credentials, session=session, clock=clock, sleeper=sleeper)
    recorder = journal if isinstance(journal, Journal) else Journal.from_env(journal)
    adapter = DryRunAdapter(
        account=account.name, platform=account.platform, journal=recorder, responder=_responder(account),
        faults=faults if faults is not None else FaultPlan.from_env(), clock=clock,
    )  # fmt: skip
    credentials = _dry_run_credentials(account, environ, dotenv_path)
    session = build_session(timeout=timeout, dry_run=adapter)
    return cls(account, settings, credentials=credentials, session=session, clock=clock,
               sleeper=sleeper if sleeper is not None else _no_wait, journal=recorder)  # fmt: skip


def _no_wait(seconds: float) -> None:
    """Dry-run backoff does not wait: nothing real is being retried."""
