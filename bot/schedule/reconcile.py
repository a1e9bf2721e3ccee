"""Settling posts whose outcome is unknown: a runner died while a post was `sending`, or the platform timed
out after the request may have reached it (`Ambiguous`).

The publisher's `recent_posts` is the witness. Found (same text — HTML entities, case and spacing aside —
same links, created after the post was first claimed, and not the remote post of another ledger row) →
`posted` with its remote id; not found → back to `pending` to be sent again; the lookup itself failed →
`unconfirmed`, shown to the operator (`bot queue`) and never re-sent blindly.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import secrets
import socket
import unicodedata
from collections.abc import Collection, Sequence
from urllib.parse import unquote

from bot.ledger import claims
from bot.ledger.claims import ClaimedPost, Outcome, SessionFactory
from bot.publish.base import Publisher, RemotePost
from bot.publish.errors import PublishError

_URL = re.compile(r"https?://\S+|\b[\w-]+(?:\.[\w-]+)+/\S*")
HOST = socket.gethostname()
PROCESS_NONCE = secrets.token_hex(6)
_NONCE = re.compile(r"[0-9a-f]{12}")
# Links a platform adds or rewrites on its own (t.co in X texts, permalinks and photo pages on Facebook).
_PLATFORM_HOSTS = frozenset({"t.co", "x.com", "twitter.com", "facebook.com", "fb.com", "fb.me"})
# How far a platform's clock may be behind ours: a remote post created this long before the claim still counts.
CLOCK_SKEW = dt.timedelta(minutes=2)


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
    """Compare texts the way platforms change them: HTML entities decoded (X answers `&amp;`), NFC, links
    removed (X shows them as t.co; they are compared separately), spacing collapsed, case folded."""
    text = unicodedata.normalize("NFC", html.unescape(text))
    text = _URL.sub(" ", text)
    return " ".join(text.split()).casefold()


def normal_link(url: str) -> str:
    """A link as compared: percent-decoded, without its scheme (X expands a bare `example.org/x` to
    `http://…`), host lower-cased, trailing punctuation and `/` dropped."""
    url = unquote(html.unescape(url.strip())).rstrip(".,;:!?)]}'\"…").rstrip("/")
    rest = url.split("://", 1)[1] if "://" in url else url
    host, slash, path = rest.partition("/")
    return host.lower() + slash + path


def _is_platform_link(url: str) -> bool:
    host = normal_link(url).split("/", 1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
    return host.removeprefix("www.").removeprefix("m.") in _PLATFORM_HOSTS


def _links_in(text: str) -> list[str]:
    return [m.group() for m in _URL.finditer(text)]


def wanted_links(post: ClaimedPost) -> frozenset[str]:
    """The links this post carries: those in its text and its `link` field."""
    links = _links_in(post.text)
    if post.payload.get("link"):
        links.append(str(post.payload["link"]))
    return frozenset(normal_link(u) for u in links)


def seen_links(remote: RemotePost) -> frozenset[str]:
    """The links a remote post carries, its platform's own links (t.co, permalinks, photos) aside."""
    links = [*remote.links, *_links_in(html.unescape(remote.text))]
    return frozenset(normal_link(u) for u in links if not _is_platform_link(u))


def find_remote(
    post: ClaimedPost,
    remote: Sequence[RemotePost],
    *,
    owned: Collection[str] = (),
    since: dt.datetime | None = None,
) -> RemotePost | None:
    """The newest remote post that is this post: the same text AND the same links, created after the post
    was first claimed (`since`, less CLOCK_SKEW), and not already the remote post of another ledger row
    (`owned`) — so near-identical posts (one text, different links; a repost repeating a text) are never
    taken for one another."""
    wanted = normalise(post.text)
    links = wanted_links(post)
    if not wanted and not links:
        return None
    earliest = since - CLOCK_SKEW if since is not None else None
    for candidate in remote:  # newest first
        if candidate.remote_id in owned:
            continue
        if earliest is not None and candidate.created_at is not None and candidate.created_at < earliest:
            continue
        if normalise(candidate.text) == wanted and seen_links(candidate) == links:
            return candidate
    return None


def lookup_outcome(
    post: ClaimedPost, publisher: Publisher, *, factory: SessionFactory | None = None, limit: int = 100
) -> Outcome:
    """Decide a post's fate from the account's recent posts. With the ledger (`factory`), only remote posts
    created after the post's first claim and owned by no other row count."""
    if post.payload.get("repost_of") and not post.text:
        return Outcome("unconfirmed", "ambiguous", "a repost cannot be recognised in the timeline; check it by hand")
    try:
        remote = publisher.recent_posts(limit)
    except PublishError as error:
        return Outcome("unconfirmed", "ambiguous", f"outcome unknown and the lookup failed: {error}")
    owned: Collection[str] = ()
    since = post.claimed_at
    if factory is not None:
        owned = claims.remote_ids_owned_by_others(factory, post, [r.remote_id for r in remote])
        since = claims.first_try_at(factory, post)
    found = find_remote(post, remote, owned=owned, since=since)
    if found is not None:
        return Outcome("posted", "reconciled", "found among the account's recent posts",
                       remote_id=found.remote_id, remote_url=found.url or None)
    return Outcome("pending", "reconciled", "not found among the account's recent posts: will be sent again")
