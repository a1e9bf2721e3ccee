"""X (Twitter) through tweepy.Client, OAuth 1.0a user context or an OAuth 2.0 user token.

Posts and thread parts are `create_tweet` (`in_reply_to_tweet_id` chains a thread), reposts `retweet` (or a
new post when a visibly different text is given), deletes `delete_tweet`; images go through the v2 media
endpoints (`media_v2.py`). tweepy talks to `https://api.twitter.com`; its session is replaced by ours so
every request has a timeout and dry-run can record it. `wait_on_rate_limit` stays off: a 429 becomes
`RateLimited(retry_at)` and the caller decides.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from typing import Any, ClassVar

import tweepy

from bot.content.draft import Media
from bot.publish.adapter import AdapterPublisher
from bot.publish.base import AccountStatus, Capabilities, PublishedPost, RemotePost
from bot.publish.capabilities import capabilities_for
from bot.publish.errors import AuthExpired, AuthInvalid, PublishError, Rejected
from bot.publish.media_v2 import set_alt_text, upload_image
from bot.publish.x_errors import translate_x_error

RETWEET_PREFIX = "rt:"


def status_url(tweet_id: str) -> str:
    return f"https://x.com/i/status/{tweet_id}"


def with_link(text: str, link: str | None) -> str:
    """X has no link field: the link goes at the end of the text unless the text already has it."""
    return f"{text} {link}" if link and link not in text else text


def _parse_time(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def remote_tweet(tweet: dict[str, Any]) -> RemotePost:
    """A timeline tweet as the bot compares it: X answers text HTML-escaped (`&amp;`, `&lt;`, `&gt;`) with
    its links as t.co, the links themselves in `entities.urls[].expanded_url`."""
    urls = (tweet.get("entities") or {}).get("urls") or []
    links = tuple(str(u.get("expanded_url") or u.get("url")) for u in urls if isinstance(u, dict) and
                  (u.get("expanded_url") or u.get("url")))
    return RemotePost(str(tweet["id"]), html.unescape(str(tweet.get("text", ""))), _parse_time(tweet.get("created_at")),
                      status_url(tweet["id"]), links)  # fmt: skip


class XPublisher(AdapterPublisher):
    platform: ClassVar[str] = "x"
    capabilities: ClassVar[Capabilities] = capabilities_for("x")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        creds = self.credentials
        self.oauth2 = creds.auth == "oauth2"
        if self.oauth2:
            self.client = tweepy.Client(bearer_token=creds["OAUTH2_TOKEN"], return_type=dict)
        else:
            self.client = tweepy.Client(
                consumer_key=creds["API_KEY"], consumer_secret=creds["API_SECRET"],
                access_token=creds["ACCESS_TOKEN"], access_token_secret=creds["ACCESS_TOKEN_SECRET"],
                return_type=dict,
            )  # fmt: skip
        self.client.session = self.session
        self._user_id: str | None = None

    # ── the boundary ────────────────────────────────────────────────────────────────────────────────
    @property
    def _user_auth(self) -> bool:
        return not self.oauth2

    def _translate(self, error: BaseException, *, write: bool) -> PublishError:
        return translate_x_error(error, write=write, now=self.now(), oauth2=self.oauth2)

    def _media_auth(self) -> tuple[Any, dict[str, str]]:
        """How to sign the v2 media calls: the same OAuth 1.0a keys tweepy uses, or the bearer token."""
        if self.oauth2:
            return None, {"Authorization": f"Bearer {self.credentials['OAUTH2_TOKEN']}"}
        handler = tweepy.OAuth1UserHandler(
            self.credentials["API_KEY"], self.credentials["API_SECRET"],
            self.credentials["ACCESS_TOKEN"], self.credentials["ACCESS_TOKEN_SECRET"],
        )  # fmt: skip
        return handler.apply_auth(), {"User-Agent": self.client.user_agent}

    def _upload(self, media: Media) -> str:
        auth, headers = self._media_auth()
        media_id = self._call(lambda: upload_image(self.session, auth, headers, media), write=True)
        if media.alt_text.strip():
            self._call(lambda: set_alt_text(self.session, auth, headers, media_id, media.alt_text), write=True)
        return media_id

    def user_id(self) -> str:
        """The account's numeric id: the access token's prefix (OAuth 1.0a) or GET /2/users/me."""
        if self._user_id is None:
            if not self.oauth2:
                self._user_id = self.credentials["ACCESS_TOKEN"].partition("-")[0]
            else:
                me = self._call(lambda: self.client.get_me(user_auth=False), write=False)
                self._user_id = str(me["data"]["id"])
        return self._user_id

    # ── the contract ────────────────────────────────────────────────────────────────────────────────
    def text_sent(self, text: str, *, link: str | None, media: Sequence[Media]) -> str:
        return with_link(text, link)

    def _create_post(
        self,
        text: str,
        *,
        link: str | None,
        reply_to: str | None,
        media: Sequence[Media],
        scheduled_at: dt.datetime | None,
    ) -> PublishedPost:
        if scheduled_at is not None:
            raise Rejected("X has no native scheduling: let the bot's scheduler send it at the time")
        if len(media) > self.capabilities.max_images:
            raise Rejected(f"X takes at most {self.capabilities.max_images} images, got {len(media)}")
        text = with_link(text, link)
        media_ids = [self._upload(m) for m in media]
        answer = self._call(
            lambda: self.client.create_tweet(
                text=text, in_reply_to_tweet_id=reply_to, media_ids=media_ids or None, user_auth=self._user_auth
            ),
            write=True,
            create=True,
        )
        data = answer.get("data") or {}
        tweet_id = str(data.get("id") or "")
        if not tweet_id:
            raise Rejected("X answered the post without an id")
        return PublishedPost(tweet_id, status_url(tweet_id), "x", text=str(data.get("text", text)),
                             created_at=self.now(), raw=data)  # fmt: skip

    def repost(self, original: PublishedPost, *, text: str | None = None) -> PublishedPost:
        """A retweet; with `text`, a new post instead (X refuses the same text twice)."""
        if text:
            return self.publish_post(text)
        source = original.remote_id.removeprefix(RETWEET_PREFIX)
        answer = self._call(lambda: self.client.retweet(source, user_auth=self._user_auth), write=True, create=True)
        data = answer.get("data") or {}
        if data.get("retweeted") is False:
            raise Rejected(f"X did not retweet {source}")
        # X may return the retweet's own id (rest_id); without it, the retweet is named after its source.
        remote_id = str(data.get("rest_id") or data.get("id") or f"{RETWEET_PREFIX}{source}")
        return PublishedPost(remote_id, original.url or status_url(source), "x", text=original.text,
                             created_at=self.now(), raw=data)  # fmt: skip

    def delete(self, remote_id: str) -> None:
        try:
            if remote_id.startswith(RETWEET_PREFIX):
                source = remote_id.removeprefix(RETWEET_PREFIX)
                self._call(lambda: self.client.unretweet(source, user_auth=self._user_auth), write=True)
            else:
                self._call(lambda: self.client.delete_tweet(remote_id, user_auth=self._user_auth), write=True)
        except Rejected as error:
            if error.status != 404:
                raise  # 404: already gone, which is what we wanted

    def recent_posts(self, limit: int = 20) -> list[RemotePost]:
        user_id = self.user_id()
        answer = self._call(
            lambda: self.client.get_users_tweets(
                user_id, max_results=min(max(limit, 5), 100), tweet_fields=["created_at", "entities"],
                user_auth=self._user_auth,
            ),
            write=False,
        )
        return [remote_tweet(t) for t in (answer.get("data") or [])[:limit]]

    def check_credentials(self) -> AccountStatus:
        """GET /2/users/me. Refused credentials are a result (ok=False), not an exception."""
        try:
            answer = self._call(lambda: self.client.get_me(user_auth=self._user_auth), write=False)
        except (AuthExpired, AuthInvalid) as error:
            return AccountStatus(False, self.account.name, "x", detail=f"{type(error).__name__}: {error}")
        data = answer.get("data") or {}
        identity = f"@{data.get('username', '?')} (id {data.get('id', '?')})"
        detail = "OAuth 2.0 user token (expires after 2 hours unless offline.access)" if self.oauth2 else "OAuth 1.0a"
        return AccountStatus(True, self.account.name, "x", identity=identity, detail=detail)
