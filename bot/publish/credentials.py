"""Secrets for one account, from the environment or a private `.env` file — never from config files.

Variables (prefix = `Account.env_prefix`, e.g. BOT_JIIA_X_):
  X, OAuth 1.0a user context (default):  <prefix>API_KEY  <prefix>API_SECRET  <prefix>ACCESS_TOKEN
                                         <prefix>ACCESS_TOKEN_SECRET
  X, OAuth 2.0 user token (auth="oauth2"): <prefix>OAUTH2_TOKEN
  Facebook Page:                         <prefix>PAGE_TOKEN

The environment wins over `.env`. A `.env` readable by group or others is refused: a token file anyone on the
machine can read is a leaked token. Every loaded value is registered with `bot.logs.register_secrets`, and
`Credentials` never shows a value in its repr/str.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import InputError, MissingCredentials
from bot.logs import register_secrets

if TYPE_CHECKING:
    from bot.settings import Account

_X_OAUTH1 = ("API_KEY", "API_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET")
_X_OAUTH2 = ("OAUTH2_TOKEN",)
_FACEBOOK = ("PAGE_TOKEN",)
MASK = "****"


def variable_suffixes(account: Account) -> tuple[str, ...]:
    """The secret names this account needs, without the prefix."""
    if account.platform == "facebook":
        return _FACEBOOK
    return _X_OAUTH2 if account.auth == "oauth2" else _X_OAUTH1


def required_variables(account: Account) -> list[str]:
    """Full environment variable names, e.g. ['BOT_JIIA_X_API_KEY', ...]."""
    return [account.env_prefix + suffix for suffix in variable_suffixes(account)]


def missing_credentials(account: Account, environ: Mapping[str, str]) -> list[str]:
    """Names of the required variables that are unset or empty in `environ`."""
    return [name for name in required_variables(account) if not environ.get(name, "").strip()]


@dataclass(frozen=True)
class Credentials:
    """One account's secrets, keyed by suffix ("API_KEY", "PAGE_TOKEN", ...). Values never print.

    `placeholder` marks the stand-ins dry-run uses when no real secrets are configured.
    """

    account: str
    platform: str
    auth: str
    values: Mapping[str, str] = field(repr=False)
    placeholder: bool = False

    def __getitem__(self, suffix: str) -> str:
        return self.values[suffix]

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={MASK!r}" for name in self.values)
        kind = ", placeholder" if self.placeholder else ""
        return f"Credentials(account={self.account!r}, platform={self.platform!r}{kind}, {shown})"

    __str__ = __repr__

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("Credentials are not picklable: secrets must not be written anywhere")


def _read_dotenv(path: Path) -> dict[str, str]:
    """Values from a private .env file ({} when there is none).

    Refuses (InputError naming the file) a path that is not a regular file, a file others can read, a file that
    is not UTF-8, and a line python-dotenv cannot parse — reported once, with its line number, instead of the
    library's anonymous warning repeated on every read.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return {}
    if not stat.S_ISREG(mode):
        raise InputError("is not a file (expected a private KEY=value file)", source=str(path))
    if mode & 0o077:
        raise InputError(
            f"refusing to read secrets from a file readable by group/others (mode {stat.filemode(mode)}); "
            f"run: chmod 600 {path}",
            source=str(path),
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text (bad byte at offset {error.start})", source=str(path)) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", source=str(path)) from None
    return _parse_dotenv(text, str(path))


def _parse_dotenv(text: str, source: str) -> dict[str, str]:
    import io

    from dotenv import dotenv_values
    from dotenv.parser import parse_stream

    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            # The line number only: the line itself may hold a secret.
            raise InputError(f"line {binding.original.line}: not a KEY=value line", source=source)
    return {k: v for k, v in dotenv_values(stream=io.StringIO(text)).items() if v is not None}


def load_credentials(
    account: Account, *, environ: Mapping[str, str] | None = None, dotenv_path: Path | None = Path(".env")
) -> Credentials:
    """The account's secrets from `environ` (default os.environ) over `dotenv_path`.

    Raises MissingCredentials listing the missing variable names, InputError for an unsafe .env file.
    """
    env = os.environ if environ is None else environ
    merged: dict[str, str] = _read_dotenv(dotenv_path) if dotenv_path is not None else {}
    merged.update({k: v for k, v in env.items() if k.startswith(account.env_prefix)})
    missing = missing_credentials(account, merged)
    if missing:
        raise MissingCredentials(
            f"account {account.name!r} ({account.platform}) needs {', '.join(missing)} "
            "(set them in the environment or a private .env file)"
        )
    values = {suffix: merged[account.env_prefix + suffix].strip() for suffix in variable_suffixes(account)}
    register_secrets(values.values())
    return Credentials(account.name, account.platform, account.auth, values)


def placeholder_credentials(account: Account) -> Credentials:
    """Stand-in secrets for a dry-run without configured credentials (the requests are still signed)."""
    values = {suffix: f"dry-run-{suffix.lower().replace('_', '-')}" for suffix in variable_suffixes(account)}
    if "ACCESS_TOKEN" in values:
        values["ACCESS_TOKEN"] = "1000000000000000001-dry-run-access-token"  # "<user id>-<token>" like X's
    return Credentials(account.name, account.platform, account.auth, values, placeholder=True)


def variable_report(account: Account, environ: Mapping[str, str] | None = None,
                    dotenv_path: Path | None = Path(".env")) -> dict[str, str]:  # fmt: skip
    """{variable name: "set" | "missing"} for display; values are never returned."""
    env = dict(_read_dotenv(dotenv_path)) if dotenv_path is not None else {}
    env.update(os.environ if environ is None else environ)
    missing = set(missing_credentials(account, env))
    return {name: ("missing" if name in missing else "set") for name in required_variables(account)}
