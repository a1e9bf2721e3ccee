"""Logging setup: one line per event, text or JSON, with every known secret value masked."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

_secret_values: set[str] = set()


def register_secrets(values: Iterable[str]) -> None:
    """Remember secret values so any log line that contains one is masked (defence in depth).

    Their URL-encoded forms too: an OAuth header or a form body carries the value percent-encoded, and a
    platform error that quotes the request back would otherwise slip through."""
    from urllib.parse import quote, quote_plus

    for value in values:
        if value and len(value) >= 4:
            encoded = quote(value, safe="")
            _secret_values.update({value, encoded, quote_plus(value), quote(encoded, safe="")})


def mask_secrets(text: str) -> str:
    for value in sorted(_secret_values, key=len, reverse=True):
        if value in text:
            text = text.replace(value, "****")
    return text


class _MaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_secrets(record.getMessage())
        record.args = None
        return True


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        data.update(getattr(record, "fields", {}) or {})
        if _mode:
            data["mode"] = _mode
        return mask_secrets(json.dumps(data, ensure_ascii=False, default=str))


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = getattr(record, "fields", None)
        if fields:
            line += " " + " ".join(f"{k}={v}" for k, v in fields.items())
        return mask_secrets(line)


# Set by `bot.cli.main` when the command prints JSON on stdout: the state changes then go to stderr.
_machine_output = False
# "rehearsal" while a dry-run works on the rehearsal ledger: every change line says so (and JSON lines carry it).
_mode: str | None = None
# Intermediate states: the concise output shows where a post ended up, once.
_NOT_SHOWN = frozenset({"sending", "reconciling"})
LOG_FILE_ENV = "BOT_LOG_FILE"


def machine_output(enabled: bool) -> None:
    """The command's stdout is machine-readable (--json): keep the change lines off it."""
    global _machine_output
    _machine_output = enabled


class _ChangeFormatter(logging.Formatter):
    """A state change as a line of the command's output: "post 3 → posted  jiia-x  https://…" (no
    timestamp, no logger name); warnings and errors as "warning: …"."""

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", None) or {}
        line = record.getMessage()
        if record.levelno >= logging.WARNING:
            return mask_secrets(f"{record.levelname.lower()}: {line}")
        detail = [str(fields[k]) for k in ("account", "url", "reason") if fields.get(k)]
        if fields.get("due_at") and fields.get("status") == "pending":
            detail.append(f"due {fields['due_at']}")
        prefix = f"{_mode}: " if _mode else ""
        return mask_secrets(prefix + "  ".join([line, *detail]))


class _ChangeFilter(logging.Filter):
    """Only what a reader of the command's output wants once: final state changes, warnings, errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        status = (getattr(record, "fields", None) or {}).get("status")
        return status is not None and status not in _NOT_SHOWN


class _OutputHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the command's stdout (looked up at each line, so redirections and test captures apply), or to
    stderr when stdout carries JSON or the line is a warning."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    def emit(self, record: logging.LogRecord) -> None:
        # Assigned, not setStream(): that flushes the previous stream, which may be closed by now.
        self.stream = sys.stderr if _machine_output or record.levelno >= logging.WARNING else sys.stdout
        super().emit(record)


def configure_logging(*, json_lines: bool = False, verbosity: int = 0, log_file: str | None = None) -> None:
    """Where the bot's log goes. Structured fields go in `extra={"fields": {...}}`.

    - `--log-json`: one JSON object per line on stderr (for collectors); `-v`/`-vv`: timestamped text lines
      with every field on stderr (INFO/DEBUG).
    - Neither: each state change is printed once as part of the command's output (stdout, no timestamp),
      so it does not interleave with the command's own lines; warnings and errors go to stderr.
    - `BOT_LOG_FILE` (or `log_file`): the full structured log (JSON lines) is also appended to that file.
    """
    import os

    handlers: list[logging.Handler] = []
    if json_lines:
        handler: logging.Handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_JsonFormatter())
    elif verbosity:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    else:
        handler = _OutputHandler()
        handler.setFormatter(_ChangeFormatter())
        handler.addFilter(_ChangeFilter())
    handlers.append(handler)
    path = log_file or os.environ.get(LOG_FILE_ENV)
    if path:
        file_handler = logging.FileHandler(path, encoding="utf-8")
        file_handler.setFormatter(_JsonFormatter())
        handlers.append(file_handler)
    for each in handlers:
        each.addFilter(_MaskingFilter())
    root = logging.getLogger("bot")
    for old in root.handlers:
        if isinstance(old, logging.FileHandler):
            old.close()
    root.handlers[:] = handlers
    root.setLevel(logging.WARNING - 10 * min(verbosity, 2) if verbosity else logging.INFO)
    root.propagate = False


def concise_output() -> bool:
    """Whether state changes are printed as the command's output (no `-v`, no `--log-json`)."""
    return any(isinstance(h, _OutputHandler) for h in logging.getLogger("bot").handlers)


@contextmanager
def quiet_changes() -> Iterator[None]:
    """Hold back the per-post change lines while a command prints its own account of the same changes (a
    rehearsal's timeline, `bot post`'s outcomes): said once. Kept with `-v`/`--log-json` (a log was asked for)."""
    if not concise_output():
        yield
        return
    loggers = [logging.getLogger(name) for name in ("bot.runner", "bot.sync", "bot.ledger")]
    levels = [each.level for each in loggers]
    for each in loggers:
        each.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for each, level in zip(loggers, levels, strict=True):
            each.setLevel(level)


@contextmanager
def log_mode(mode: str | None) -> Iterator[None]:
    """Label every change line logged inside (`rehearsal: post 3 → posted …`; JSON lines get `"mode"`)."""
    global _mode
    previous, _mode = _mode, mode
    try:
        yield
    finally:
        _mode = previous
