"""The dry-run journal: one JSON object per request the bot would have sent, secrets masked.

Lines are appended with a single `write` on an O_APPEND descriptor and fsync'd, so several processes can
share one file and a request recorded just before a SIGKILL survives it. The dry-run transport answers the
"recent posts" lookup from this file, which is what lets a restarted runner find a post it "sent" before dying.

Entry fields: ts, account, platform, method, url, headers, body, response_status, response_body, synthetic_id.
"""

from __future__ import annotations

import datetime as dt
import email.parser
import email.policy
import json
import os
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.logs import mask_secrets

MASK = "****"
JOURNAL_ENV = "BOT_DRYRUN_JOURNAL"
# Parameter names whose values are secrets wherever they appear (query string, form body, JSON).
SECRET_FIELDS = frozenset({"access_token", "input_token", "client_secret", "fb_exchange_token", "appsecret_proof"})
# OAuth 1.0a header parameters that are not secret and help a reader check the signing.
_PUBLIC_OAUTH = frozenset({"oauth_signature_method", "oauth_version"})
_OAUTH_PARAM = re.compile(r'(\w+)="([^"]*)"')
# Headers that measure the unmasked request: Content-Length of a form body with `access_token=...` gives away
# the token's length (1479 bytes recorded vs 1473 for the masked body). They are left out of the journal.
LENGTH_HEADERS = frozenset({"content-length"})


def mask_authorization(value: str) -> str:
    """`OAuth k="v", ...` keeps the names and hides the values; `Bearer x` becomes `Bearer ****`."""
    scheme, _, rest = value.partition(" ")
    if scheme.lower() == "oauth":
        params = [(k, v if k in _PUBLIC_OAUTH else MASK) for k, v in _OAUTH_PARAM.findall(rest)]
        return "OAuth " + ", ".join(f'{k}="{v}"' for k, v in params)
    return f"{scheme} {MASK}" if rest else MASK


def mask_url(url: str) -> str:
    parts = urlsplit(url)
    query = [(k, MASK if k in SECRET_FIELDS else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return mask_secrets(urlunsplit(parts._replace(query=urlencode(query, safe=",*"))))


def mask_fields(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: MASK if k in SECRET_FIELDS else mask_fields(v) for k, v in data.items()}
    if isinstance(data, list):
        return [mask_fields(v) for v in data]
    return mask_secrets(data) if isinstance(data, str) else data


def mask_headers(headers: Any) -> dict[str, str]:
    """The headers as recorded: credentials masked, and no header that measures the unmasked body."""
    masked = {}
    for name, value in headers.items():
        if name.lower() in LENGTH_HEADERS:
            continue
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        masked[name] = mask_authorization(text) if name.lower() == "authorization" else mask_secrets(text)
    return masked


def parse_body(body: bytes | str | None, content_type: str) -> Any:
    """The request body as data: JSON, form fields, or multipart fields with file summaries."""
    if body is None or body == b"" or body == "":
        return None
    raw = body.encode() if isinstance(body, str) else body
    if "json" in content_type:
        return json.loads(raw)
    if "x-www-form-urlencoded" in content_type:
        return dict(parse_qsl(raw.decode(), keep_blank_values=True))
    if "multipart/form-data" in content_type:
        return _parse_multipart(raw, content_type)
    return {"bytes": len(raw)}


def _parse_multipart(raw: bytes, content_type: str) -> dict[str, Any]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
    )
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition") or "?"
        raw_payload = part.get_payload(decode=True)
        payload = raw_payload if isinstance(raw_payload, bytes) else b""
        filename = part.get_filename()
        if filename:
            fields[str(name)] = {"file": filename, "bytes": len(payload), "content_type": part.get_content_type()}
        else:
            fields[str(name)] = payload.decode("utf-8", "replace")
    return fields


class Journal:
    """Recorded requests: kept in memory (this process) and, with a path, appended to a shared file.

    Reading the shared file is incremental: the entries parsed so far are kept with the file offset they
    end at, and each `entries()` call parses only the bytes appended since (by any process). A trailing
    line without its newline yet (a write in flight, or torn by a kill) is kept aside until it is completed.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else None
        self.recorded: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._index = _FileIndex()

    @classmethod
    def from_env(cls, path: Path | str | None = None) -> Journal:
        return cls(path or os.environ.get(JOURNAL_ENV) or None)

    def record(self, entry: dict[str, Any]) -> dict[str, Any]:
        safe = mask_fields(entry)
        line = mask_secrets(json.dumps(safe, ensure_ascii=False, default=str)) + "\n"
        with self._lock:
            self.recorded.append(safe)
            if self.path is not None:
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                    try:
                        os.write(fd, line.encode("utf-8"))
                        os.fsync(fd)
                    finally:
                        os.close(fd)
                except OSError as error:  # name the file: the runner stops on it, the post stays queued
                    raise OSError(error.errno, error.strerror, str(self.path)) from None
        return safe

    def entries(self) -> list[dict[str, Any]]:
        """Every entry, oldest first: the whole shared file when there is one, else this process's."""
        with self._lock:
            if self.path is None:
                return list(self.recorded)
            return self._index.refresh(self.path)


class _FileIndex:
    """The entries of a JSON-lines file parsed so far, and where in the file (device, inode, offset) they end."""

    def __init__(self) -> None:
        self._reset(None)

    def _reset(self, identity: tuple[int, int] | None) -> None:
        self.identity = identity
        self.offset = 0
        self.entries: list[dict[str, Any]] = []
        self.pending = b""  # bytes after the last newline read

    def refresh(self, path: Path) -> list[dict[str, Any]]:
        """Parse what was appended since the last call; start over if the file was replaced or truncated."""
        try:
            with path.open("rb") as file:
                status = os.fstat(file.fileno())
                identity = (status.st_dev, status.st_ino)
                if identity != self.identity or status.st_size < self.offset:
                    self._reset(identity)
                file.seek(self.offset)
                appended = file.read()
        except FileNotFoundError:
            self._reset(None)
            return []
        self.offset += len(appended)
        *lines, self.pending = (self.pending + appended).split(b"\n")
        self.entries.extend(entry for entry in map(_parse_line, lines) if entry is not None)
        tail = _parse_line(self.pending) if self.pending else None  # complete but for its newline: it counts
        return [*self.entries, tail] if tail is not None else list(self.entries)


def _parse_line(line: bytes) -> dict[str, Any] | None:
    try:
        entry = json.loads(line)
    except ValueError:  # JSON or UTF-8 error: a line torn by a kill mid-write (the request did not complete)
        return None
    return entry if isinstance(entry, dict) else None


def now_iso(clock: Any = None) -> str:
    now = clock.now() if clock is not None else dt.datetime.now(dt.UTC)
    return str(now.astimezone(dt.UTC).isoformat(timespec="milliseconds"))
