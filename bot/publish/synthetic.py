"""Realistic platform answers for the dry-run transport, so the real publisher code runs to the end: thread
parts chain on synthetic ids, deletes succeed, and the recent-posts lookup answers from the journal.

Ids look like the platforms' and are unique across processes: X-style snowflakes (milliseconds since X's
epoch, then process bits, then a per-process sequence: 19 digits), Facebook ids "{page_id}_{digits}".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

_X_EPOCH_MS = 1288834974657
_lock = threading.Lock()
_sequence = itertools.count()
_last_ms = 0
DRY_RUN_USER_ID = "1000000000000000001"
# The journal entries a responder may consult: the entries, or a function that reads them — called only by a
# recent-posts lookup, so creating a post never pays for reading the journal.
Entries = Sequence[dict[str, Any]] | Callable[[], Sequence[dict[str, Any]]]


def snowflake() -> str:
    """A 19-digit id, increasing within a process and distinct between processes (pid bits)."""
    global _last_ms
    with _lock:
        ms = max(int(time.time() * 1000) - _X_EPOCH_MS, _last_ms)
        seq = next(_sequence) % 4096
        if seq == 4095:
            ms += 1
        _last_ms = ms
        return str((ms << 22) | ((os.getpid() % 1024) << 12) | seq)


@dataclass(frozen=True)
class FakeRequest:
    """What the responder needs from a request: method, path, query, parsed body, OAuth token."""

    method: str
    url: str
    body: Any
    oauth_token: str = ""

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.url).query))

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc


@dataclass(frozen=True)
class FakeResponse:
    status: int
    body: dict[str, Any]
    synthetic_id: str | None = None


def _x_user_id(request: FakeRequest) -> str:
    token_user = request.oauth_token.partition("-")[0]
    return token_user if token_user.isdigit() else DRY_RUN_USER_ID


def _entries(entries: Entries) -> Sequence[dict[str, Any]]:
    return entries() if callable(entries) else entries


def _x_timeline(entries: Sequence[dict[str, Any]], account: str, limit: int) -> list[dict[str, Any]]:
    """The account's tweets created through the journal, newest first, minus deleted ones."""
    posts: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for entry in entries:
        if entry.get("account") != account or not 200 <= int(entry.get("response_status") or 0) < 300:
            continue
        path = _url_path(str(entry.get("url")))
        if entry.get("method") == "POST" and path == "/2/tweets":
            data = (entry.get("response_body") or {}).get("data") or {}
            if data.get("id"):
                posts[data["id"]] = (data, entry)
        elif entry.get("method") == "DELETE" and path.startswith("/2/tweets/"):
            posts.pop(path.rsplit("/", 1)[-1], None)
    newest = list(reversed(posts.values()))[:limit]  # dates are formatted for the answer only, not every post
    return [{"id": data["id"], **x_timeline_text(str(data.get("text", ""))), "created_at": _x_time(entry)}
            for data, entry in newest]


_LINK = re.compile(r"https?://\S+")


def x_timeline_text(text: str) -> dict[str, Any]:
    """A tweet's text as X's timeline gives it back: links replaced by t.co links (the real ones in
    `entities.urls[].expanded_url`), then `&`, `<`, `>` HTML-escaped."""
    urls: list[dict[str, Any]] = []
    out: list[str] = []
    position = last = 0
    for match in _LINK.finditer(text):
        out.append(text[last:match.start()])
        position += len(text[last:match.start()])
        short = "https://t.co/" + hashlib.sha256(match.group().encode()).hexdigest()[:10]
        urls.append({"start": position, "end": position + len(short), "url": short,
                     "expanded_url": match.group(), "display_url": match.group().split("://", 1)[1][:30]})
        out.append(short)
        position += len(short)
        last = match.end()
    out.append(text[last:])
    escaped = "".join(out).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return {"text": escaped, "entities": {"urls": urls}} if urls else {"text": escaped}


@lru_cache(maxsize=4096)
def _url_path(url: str) -> str:
    """The path of a journal entry's URL (cached: most entries share a few URLs)."""
    return urlsplit(url).path


def _x_time(entry: dict[str, Any]) -> str:
    when = dt.datetime.fromisoformat(str(entry.get("ts")))
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def x_response(request: FakeRequest, entries: Entries, account: str) -> FakeResponse:
    method, path, body = request.method, request.path, request.body or {}
    if method == "POST" and path == "/2/tweets":
        new_id = snowflake()
        data = {"id": new_id, "text": body.get("text", ""), "edit_history_tweet_ids": [new_id]}
        return FakeResponse(201, {"data": data}, new_id)
    if method == "DELETE" and re.fullmatch(r"/2/tweets/\d+", path):
        return FakeResponse(200, {"data": {"deleted": True}})
    if method == "POST" and re.fullmatch(r"/2/users/\d+/retweets", path):
        new_id = snowflake()
        return FakeResponse(200, {"data": {"retweeted": True, "rest_id": new_id}}, new_id)
    if method == "DELETE" and re.fullmatch(r"/2/users/\d+/retweets/\d+", path):
        return FakeResponse(200, {"data": {"retweeted": False}})
    if method == "GET" and path == "/2/users/me":
        return FakeResponse(200, {"data": {"id": _x_user_id(request), "name": "Dry run", "username": "dry_run"}})
    if method == "GET" and re.fullmatch(r"/2/users/\d+/tweets", path):
        tweets = _x_timeline(_entries(entries), account, int(request.query.get("max_results", 10)))
        meta = {"result_count": len(tweets)}
        if tweets:
            meta.update(newest_id=tweets[0]["id"], oldest_id=tweets[-1]["id"])
        return FakeResponse(200, {"data": tweets, "meta": meta} if tweets else {"meta": meta})
    if method == "POST" and path == "/2/media/upload":
        media_id = snowflake()
        size = (body.get("media") or {}).get("bytes", 0) if isinstance(body.get("media"), dict) else 0
        data = {"id": media_id, "media_key": f"3_{media_id}", "size": size, "expires_after_secs": 86400}
        return FakeResponse(200, {"data": data}, media_id)
    if method == "POST" and path == "/2/media/metadata":
        return FakeResponse(200, {"data": {"id": body.get("id"), "associated_metadata": body.get("metadata", {})}})
    problem = {"title": "Not Found Error", "detail": f"dry-run has no answer for {method} {path}",
               "type": "https://api.twitter.com/2/problems/resource-not-found", "status": 404}  # fmt: skip
    return FakeResponse(404, problem)


def _facebook_posts(entries: Sequence[dict[str, Any]], account: str, page_id: str, limit: int) -> list[dict[str, Any]]:
    posts: dict[str, dict[str, Any]] = {}  # post id → the entry that created it
    for entry in entries:
        if entry.get("account") != account or not 200 <= int(entry.get("response_status") or 0) < 300:
            continue
        body = entry.get("body") or {}
        post_id = entry.get("synthetic_id")
        if entry.get("method") == "POST" and post_id and str(body.get("published", "true")).lower() != "false":
            posts[post_id] = entry
        elif entry.get("method") == "DELETE":
            posts.pop(_url_path(str(entry.get("url"))).rsplit("/", 1)[-1], None)
    newest = list(reversed(posts.items()))[:limit]  # dates are formatted for the answer only, not every post
    return [_facebook_post(post_id, entry, page_id) for post_id, entry in newest]


def _facebook_post(post_id: str, entry: dict[str, Any], page_id: str) -> dict[str, Any]:
    created = dt.datetime.fromisoformat(str(entry["ts"])).astimezone(dt.UTC)
    body = entry.get("body") or {}
    link = {"link": body["link"]} if body.get("link") else {}
    return {
        "id": post_id,
        "message": body.get("message", ""),
        **link,
        "created_time": created.strftime("%Y-%m-%dT%H:%M:%S+0000"),
        "permalink_url": permalink(post_id, page_id),
    }


def permalink(post_id: str, page_id: str) -> str:
    page, _, post = post_id.partition("_")
    return f"https://www.facebook.com/{page or page_id}/posts/{post or post_id}"


def facebook_response(request: FakeRequest, entries: Entries, account: str, page_id: str) -> FakeResponse:
    method, body = request.method, request.body or {}
    segments = request.path.strip("/").split("/")[1:]  # drop the version
    if method == "POST" and segments == [page_id, "feed"]:
        post_id = f"{page_id}_{snowflake()}"
        return FakeResponse(200, {"id": post_id}, post_id)
    if method == "POST" and segments == [page_id, "photos"]:
        photo_id = snowflake()
        if str(body.get("published", "true")).lower() == "false":
            return FakeResponse(200, {"id": photo_id})
        post_id = f"{page_id}_{snowflake()}"
        return FakeResponse(200, {"id": photo_id, "post_id": post_id}, post_id)
    if method == "DELETE" and len(segments) == 1:
        return FakeResponse(200, {"success": True})
    if method == "GET" and segments in ([page_id, "posts"], [page_id, "feed"]):
        posts = _facebook_posts(_entries(entries), account, page_id, int(request.query.get("limit", 25)))
        return FakeResponse(200, {"data": posts, "paging": {}})
    if method == "GET" and segments == ["debug_token"]:
        data = {"is_valid": True, "type": "PAGE", "profile_id": page_id, "expires_at": 0,
                "scopes": ["pages_manage_posts", "pages_read_engagement"]}  # fmt: skip
        return FakeResponse(200, {"data": data})
    if method == "GET" and segments in (["me"], [page_id]):
        return FakeResponse(200, {"id": page_id, "name": "Dry-run Page"})
    error = {"message": f"dry-run has no answer for {method} {request.path}", "type": "GraphMethodException",
             "code": 100, "error_subcode": 33, "fbtrace_id": "DRYRUN"}  # fmt: skip
    return FakeResponse(400, {"error": error})
