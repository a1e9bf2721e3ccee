"""The bot's own errors, each carrying the exit code the CLI turns it into.

Exit codes (documented in the README):
  0  ok
  1  failure while doing the work (a platform refused, the database is unreachable, ...)
  2  bad input or usage (a broken report, a malformed schedule, a missing credential, a bad time zone)

Messages name the file or field at fault and never contain a secret.
"""

from __future__ import annotations


class BotError(Exception):
    """A failure while doing the work (exit code 1)."""

    exit_code = 1


class InputError(BotError):
    """Bad input or usage: nothing was changed (exit code 2).

    `source` names the file, URL or setting at fault so the one-line message can lead with it.
    """

    exit_code = 2

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class ConfigError(InputError):
    """config/bot.toml, a schedule file or the environment is invalid."""


class MissingCredentials(InputError):
    """A live action needs secrets that are not set; the message lists the variable *names*."""
