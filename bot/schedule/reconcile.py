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
import socket
import unicodedata
from collections.abc import Sequence

from bot.ledger.claims import ClaimedPost, Outcome
from bot.publish.base import Publisher, RemotePost
from bot.publish.errors import PublishError

_URL = re.compile(r"https?://\S+|\b[\w-]+(?:\.[\w-]+)+/\S*")
HOST = socket.gethostname()


def runner_identity(name: str) -> str:
    """`host:pid:name` — what `claimed_by` holds, so a restarted runner can tell a dead claimant."""
    return f"{HOST}:{os.getpid()}:{name}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_abandoned(post: ClaimedPost, *, now: dt.datetime, stale_after: dt.timedelta) -> bool:
    """A claim is abandoned when its runner (same host) is no longer alive, or — for a runner on another
    host, whose process we cannot see — when it is older than `stale_after`."""
    host, _, rest = (post.claimed_by or "").partition(":")
    pid_text = rest.partition(":")[0]
    if host == HOST and pid_text.isdigit():
        return int(pid_text) != os.getpid() and not _pid_alive(int(pid_text))
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
