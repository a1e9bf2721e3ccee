"""Settling posts whose outcome is unknown: a runner died while a post was `sending`, or the platform timed
out after the request may have reached it (`Ambiguous`).

The publisher's `recent_posts` is the witness. Found (same text, URLs and spacing aside) → `posted` with its
remote id; not found → back to `pending` to be sent again; the lookup itself failed → `unconfirmed`, shown to
the operator (`bot queue`) and never re-sent blindly.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import socket
import unicodedata
from collections.abc import Sequence

from bot.ledger.claims import ClaimedPost, Outcome
from bot.publish.base import Publisher, RemotePost
from bot.publish.errors import PublishError

_URL = re.compile(r"https?://\S+|\b[\w-]+(?:\.[\w-]+)+/\S*")
HOST = socket.gethostname()
PROCESS_NONCE = secrets.token_hex(6)
_NONCE = re.compile(r"[0-9a-f]{12}")


def runner_identity(name: str) -> str:
    """`host:pid:nonce:name` — what `claimed_by` holds, so a restarted runner can tell a dead claimant. The
    nonce (random, once per process) tells this process from an earlier one that had the same pid (a container
    restart makes the bot PID 1 again)."""
    return f"{HOST}:{os.getpid()}:{PROCESS_NONCE}:{name}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _claimant(claimed_by: str) -> tuple[str, int | None, str | None]:
    """(host, pid, nonce) of a `claimed_by`; nonce None for the older `host:pid:name` form."""
    parts = claimed_by.split(":", 3)
    pid = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    nonce = parts[2] if len(parts) == 4 and _NONCE.fullmatch(parts[2]) else None
    return parts[0], pid, nonce


def is_abandoned(post: ClaimedPost, *, now: dt.datetime, stale_after: dt.timedelta) -> bool:
    """A claim is abandoned when its runner (same host) is no longer alive, or — for a runner on another
    host, whose process we cannot see — when it is older than `stale_after`.

    Same host: our own pid with our nonce is this process (alive); our own pid with another nonce is an
    earlier process that had our pid (dead: PID reuse after a restart); another pid is alive or not as the
    OS says (a live pid that is not us is treated as a live runner: never steal from a running process)."""
    host, pid, nonce = _claimant(post.claimed_by or "")
    if host == HOST and pid is not None:
        if pid == os.getpid():
            return nonce is not None and nonce != PROCESS_NONCE
        return not _pid_alive(pid)
    return post.claimed_at is None or post.claimed_at < now - stale_after


def normalise(text: str) -> str:
    """Compare texts the way platforms change them: NFC, URLs shortened (t.co), spacing collapsed."""
    text = unicodedata.normalize("NFC", text)
    text = _URL.sub("<url>", text)
    return " ".join(text.split()).casefold()


def find_remote(post: ClaimedPost, remote: Sequence[RemotePost]) -> RemotePost | None:
    """The newest remote post carrying this post's text (the platform may have appended the link)."""
    wanted = normalise(post.text)
    if not wanted:
        return None
    for candidate in remote:  # newest first
        seen = normalise(candidate.text)
        if seen == wanted or seen.startswith(wanted + " "):
            return candidate
    return None


def lookup_outcome(post: ClaimedPost, publisher: Publisher, *, limit: int = 100) -> Outcome:
    """Decide a post's fate from the account's recent posts."""
    if post.payload.get("repost_of") and not post.text:
        return Outcome("unconfirmed", "ambiguous", "a repost cannot be recognised in the timeline; check it by hand")
    try:
        remote = publisher.recent_posts(limit)
    except PublishError as error:
        return Outcome("unconfirmed", "ambiguous", f"outcome unknown and the lookup failed: {error}")
    found = find_remote(post, remote)
    if found is not None:
        return Outcome("posted", "reconciled", "found among the account's recent posts",
                       remote_id=found.remote_id, remote_url=found.url or None)
    return Outcome("pending", "reconciled", "not found among the account's recent posts: will be sent again")
