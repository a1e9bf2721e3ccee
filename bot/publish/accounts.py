"""`bot accounts check`: are the configured accounts' credentials present, and does the platform accept them?

Without live: which variables are set or missing (names only) and the dry-run requests the check would make.
Live: each account with its secrets set asks its platform (X: GET /2/users/me; Facebook: the Page, /me and
/debug_token); refused credentials are reported per account, never raised through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.errors import MissingCredentials
from bot.publish.errors import PublishError

if TYPE_CHECKING:
    from bot.settings import Account, Settings


DRY_RUN_IDENTITY = "dry-run: identity not checked (no request sent: the requests below were only recorded)"


@dataclass
class AccountCheck:
    account: str
    platform: str
    variables: dict[str, str]
    status: str  # ok | refused | missing | error | dry-run
    identity: str = ""
    expires_at: str | None = None
    detail: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _check_one(account: Account, settings: Settings, live: bool) -> AccountCheck:
    from bot.publish.credentials import variable_report
    from bot.publish.journal import Journal
    from bot.publish.registry import create_publisher

    result = AccountCheck(account.name, account.platform, variable_report(account), "dry-run")
    journal = Journal()
    try:
        publisher = create_publisher(account, settings, live=live, journal=journal)
    except MissingCredentials as error:
        result.status, result.detail = "missing", str(error)
        return result
    try:
        status = publisher.check_credentials()
    except PublishError as error:
        result.status, result.detail = "error", f"{type(error).__name__}: {error}"
        return result
    finally:
        result.requests = list(journal.recorded)
    if not live:  # the answer is the recording transport's stand-in, not the platform's: never show it as real
        result.identity = DRY_RUN_IDENTITY
        return result
    result.status = "ok" if status.ok else "refused"
    result.identity, result.detail = status.identity, status.detail
    result.expires_at = status.expires_at.isoformat() if status.expires_at else None
    return result


def check_accounts(settings: Settings, *, live: bool = False, account: str | None = None) -> list[AccountCheck]:
    accounts = [settings.account(account)] if account else list(settings.accounts)
    return [_check_one(a, settings, live) for a in accounts]
