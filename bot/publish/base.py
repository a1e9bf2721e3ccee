"""The Publisher interface: one abstract class, its capabilities, and the results it returns.

Contract (every implementation, live or dry-run, honours it; `tests/test_publisher_contract.py` checks it):

- `publish_post(text, ...)` creates ONE post and returns a `PublishedPost`. Threads are chains of calls with
  `reply_to` set to the previous part's id; `publish(draft)` does that chaining for a whole Draft.
- `repost(post)` republishes an earlier post (X: a retweet; Facebook: a new feed post linking its permalink).
- `delete(remote_id)` removes a post; deleting one that is already gone is not an error.
- `recent_posts(limit)` lists the account's latest posts, newest first, so a caller can tell whether an
  `Ambiguous` create actually went through before trying again.
- `check_credentials()` asks the platform who the credentials belong to.
- Failures raise only the errors of `bot.publish.errors`; nothing of tweepy/facebook/requests leaks out.
- Nothing here retries a create after `Ambiguous`; `Transient` may be retried inside with bounded backoff.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:
    from bot.content.draft import Draft, Media


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a platform allows; the composer and the scheduler read these instead of branching on names.

    `counting` names the length rule: "twitter" (twitter-text v3 weighted length) or "chars" (code points).
    Prices are in US dollars per created post; `price_per_post_with_url` applies when the text has a URL.
    """

    max_length: int
    counting: Literal["twitter", "chars"]
    max_images: int
    supports_threads: bool
    supports_native_scheduling: bool
    link_field: bool  # True: the link goes in its own field (preview card); False: inside the text
    price_per_post: float = 0.0
    price_per_post_with_url: float = 0.0


@dataclass(frozen=True, slots=True)
class PublishedPost:
    """A post that exists on the platform."""

    remote_id: str
    url: str
    platform: str
    text: str = ""
    created_at: dt.datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RemotePost:
    """A post as listed by `recent_posts`, used to reconcile ambiguous outcomes."""

    remote_id: str
    text: str
    created_at: dt.datetime | None
    url: str = ""
    # The links the platform says the post carries (X: entities.urls[].expanded_url, Graph: `link`): X shows
    # t.co links in the text, so the text alone cannot tell two posts that differ only by their link.
    links: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AccountStatus:
    """Result of `check_credentials`: who we are, and when the token expires if the platform says."""

    ok: bool
    account: str
    platform: str
    identity: str = ""
    expires_at: dt.datetime | None = None
    detail: str = ""


class Publisher(ABC):
    """Publishes to one account of one platform. See the module docstring for the contract."""

    platform: ClassVar[str]
    capabilities: ClassVar[Capabilities]

    @abstractmethod
    def publish_post(
        self,
        text: str,
        *,
        link: str | None = None,
        reply_to: str | None = None,
        media: Sequence[Media] = (),
        scheduled_at: dt.datetime | None = None,
    ) -> PublishedPost:
        """Create one post. `scheduled_at` asks for native scheduling where `supports_native_scheduling`."""

    def publish(self, draft: Draft, *, resume_after: Sequence[PublishedPost] = ()) -> list[PublishedPost]:
        """Publish every part of a draft, chaining thread parts; skip the parts in `resume_after`
        (already confirmed) and reply to the last of them."""
        posted = list(resume_after)
        for index, part in enumerate(draft.parts):
            if index < len(posted):
                continue
            reply_to = posted[-1].remote_id if posted else None
            posted.append(
                self.publish_post(
                    part,
                    link=draft.link if index == 0 else None,
                    reply_to=reply_to,
                    media=draft.media if index == 0 else (),
                )
            )
        return posted

    @abstractmethod
    def repost(self, original: PublishedPost, *, text: str | None = None) -> PublishedPost:
        """Republish `original`. On X a retweet (or, with `text`, a new post with visibly different text)."""

    @abstractmethod
    def delete(self, remote_id: str) -> None:
        """Delete a post. Already deleted is fine."""

    @abstractmethod
    def recent_posts(self, limit: int = 20) -> list[RemotePost]:
        """The account's latest posts, newest first."""

    @abstractmethod
    def check_credentials(self) -> AccountStatus:
        """Ask the platform whose credentials these are."""
