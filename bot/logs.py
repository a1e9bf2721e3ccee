"""Logging setup: one line per event, text or JSON, with every known secret value masked."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable

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
        return mask_secrets(json.dumps(data, ensure_ascii=False, default=str))


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = getattr(record, "fields", None)
        if fields:
            line += " " + " ".join(f"{k}={v}" for k, v in fields.items())
        return mask_secrets(line)


def configure_logging(*, json_lines: bool = False, verbosity: int = 0) -> None:
    """Log to stderr. Structured fields go in `extra={"fields": {...}}`."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_MaskingFilter())
    if json_lines:
        handler.setFormatter(_JsonFormatter())
    else:
        handler.setFormatter(_TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("bot")
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING - 10 * min(verbosity, 2) if verbosity else logging.INFO)
    root.propagate = False
