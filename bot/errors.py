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


class LocalFailure(BotError):
    """This machine failed while working — disk full, a file that cannot be written, the ledger database gone
    or broken. Not a platform's refusal and not the post's fault: the run stops (exit 1), posts stay queued."""

    @classmethod
    def from_os_error(cls, error: OSError, what: str = "local I/O error") -> LocalFailure:
        where = f" ({error.filename})" if error.filename else ""
        return cls(f"{what}{where}: {error.strerror or type(error).__name__}")

    @classmethod
    def from_database(cls, error: BaseException) -> LocalFailure:
        """One line for a database error: the driver's first line (never the URL, the SQL or its parameters)."""
        original = getattr(error, "orig", None) or error
        lines = str(original).strip().splitlines()
        return cls(f"BOT_DATABASE_URL: ledger database error: {lines[0][:200] if lines else 'no detail'}")


def local_failure_of(error: BaseException) -> LocalFailure | None:
    """A database or file-system error that escaped a command, as one line (the CLI exits 1 with it); None for
    anything else (a bug keeps its traceback)."""
    if type(error).__module__.split(".")[0] in ("sqlalchemy", "psycopg", "sqlite3"):
        return LocalFailure.from_database(error)
    if isinstance(error, OSError) and type(error).__module__.split(".")[0] not in ("requests", "urllib3"):
        return LocalFailure.from_os_error(error)
    return None
