"""Facebook Pages through facebook-sdk's GraphAPI, on a configurable Graph API version.

facebook-sdk 3.1.0 only accepts versions 2.8–3.1 in its constructor, so the client is built without one and
`graph.version` is set afterwards (URLs are built from it at call time). Posts go to the Page feed
(`message`, `link`); images to `/{page}/photos` (one image with the message, several as unpublished photos
attached to one feed post); native scheduling uses `published=false` + `scheduled_publish_time`, checked
against Facebook's 10-minute-to-30-day window before anything is sent. There is no share endpoint: a repost
is a new feed post linking the original's permalink. Threads are not supported (`reply_to` is refused).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any, ClassVar

import facebook

from bot.content.draft import Media
from bot.publish.adapter import AdapterPublisher
from bot.publish.base import AccountStatus, Capabilities, PublishedPost, RemotePost
from bot.publish.capabilities import capabilities_for
from bot.publish.errors import AuthExpired, AuthInvalid, PublishError, Rejected
from bot.publish.facebook_errors import check_graph_response, is_already_gone, translate_graph_error
from bot.publish.media_v2 import read_image
from bot.publish.synthetic import permalink

SCHEDULE_MIN = dt.timedelta(minutes=10)
SCHEDULE_MAX = dt.timedelta(days=30)


def message_with_link(text: str, link: str | None) -> str:
    """A photo post has no link field: the link goes after the text unless the text already has it."""
    return text if not link or link in text else f"{text}\n\n{link}"


def _parse_time(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S%z") if value else None
    except ValueError:
        return None


class FacebookPublisher(AdapterPublisher):
    platform: ClassVar[str] = "facebook"
    capabilities: ClassVar[Capabilities] = capabilities_for("facebook")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.account.page_id:
            raise Rejected(f"account {self.account.name!r} has no page_id")
        self.page_id = self.account.page_id
        self.session.hooks["response"].append(check_graph_response)
        self.graph = facebook.GraphAPI(
            access_token=self.credentials["PAGE_TOKEN"], timeout=self.settings.facebook.timeout_seconds,
            session=self.session,
        )  # fmt: skip
        self.graph.version = self.settings.facebook.graph_version

    def _translate(self, error: BaseException, *, write: bool) -> PublishError:
        return translate_graph_error(error, write=write, now=self.now())

    def _schedule_fields(self, scheduled_at: dt.datetime | None) -> dict[str, str]:
        if scheduled_at is None:
            return {}
        if scheduled_at.tzinfo is None:
            raise Rejected("scheduled_at must be time-zone aware")
        ahead = scheduled_at - self.now()
        if not SCHEDULE_MIN <= ahead <= SCHEDULE_MAX:
            raise Rejected(f"Facebook schedules 10 minutes to 30 days ahead; {scheduled_at.isoformat()} is "
                           f"{ahead.total_seconds() / 60:.0f} minutes away")  # fmt: skip
        return {"published": "false", "scheduled_publish_time": str(int(scheduled_at.timestamp()))}

    def _post(self, post_id: str, text: str, data: dict[str, Any]) -> PublishedPost:
        return PublishedPost(post_id, permalink(post_id, self.page_id), "facebook", text=text,
                             created_at=self.now(), raw=data)  # fmt: skip

    def _photo(self, media: Media, **fields: str) -> dict[str, Any]:
        name, data, mime = read_image(media)
        if media.alt_text.strip():
            fields["alt_text_custom"] = media.alt_text
        album = f"{self.page_id}/photos"
        creates_post = str(fields.get("published", "true")).lower() != "false"  # an unpublished photo is no post
        result: dict[str, Any] = self._call(
            lambda: self.graph.put_photo((name, data, mime), album_path=album, **fields), write=True,
            create=creates_post,
        )
        return result

    # ── the contract ────────────────────────────────────────────────────────────────────────────────
    def text_sent(self, text: str, *, link: str | None, media: Sequence[Media]) -> str:
        return message_with_link(text, link) if len(media) == 1 else text

    def _create_post(
        self,
        text: str,
        *,
        link: str | None,
        reply_to: str | None,
        media: Sequence[Media],
        scheduled_at: dt.datetime | None,
    ) -> PublishedPost:
        if reply_to is not None:
            raise Rejected("Facebook Pages have no threads: publish a single post")
        if len(media) > self.capabilities.max_images:
            raise Rejected(f"Facebook takes at most {self.capabilities.max_images} images, got {len(media)}")
        schedule = self._schedule_fields(scheduled_at)
        if len(media) == 1:
            message = message_with_link(text, link)
            result = self._photo(media[0], message=message, **schedule)
            return self._post(str(result.get("post_id") or result["id"]), message, result)
        fields: dict[str, str] = {"message": text, **schedule}
        if link:
            fields["link"] = link
        for index, image in enumerate(media):
            photo = self._photo(image, published="false")
            fields[f"attached_media[{index}]"] = json.dumps({"media_fbid": str(photo["id"])})
        result = self._call(lambda: self.graph.put_object(self.page_id, "feed", **fields), write=True, create=True)
        return self._post(str(result["id"]), text, result)

    def repost(self, original: PublishedPost, *, text: str | None = None) -> PublishedPost:
        """A new feed post linking the original's permalink (Graph has no share endpoint)."""
        return self.publish_post(text or "", link=original.url or permalink(original.remote_id, self.page_id))

    def delete(self, remote_id: str) -> None:
        def remove() -> None:
            try:
                self.graph.delete_object(remote_id)
            except Exception as error:
                if not is_already_gone(error):
                    raise

        self._call(remove, write=True)

    def recent_posts(self, limit: int = 20) -> list[RemotePost]:
        fields = "id,message,created_time,permalink_url,link"
        answer = self._call(
            lambda: self.graph.get_connections(self.page_id, "posts", fields=fields, limit=min(max(limit, 1), 100)),
            write=False,
        )
        return [
            RemotePost(
                str(p["id"]),
                str(p.get("message", "")),
                _parse_time(p.get("created_time")),
                str(p.get("permalink_url") or permalink(str(p["id"]), self.page_id)),
                (str(p["link"]),) if p.get("link") else (),
            )
            for p in (answer.get("data") or [])[:limit]
        ]

    def check_credentials(self) -> AccountStatus:
        """The Page (GET /{page-id}?fields=name), whose token this is (/me), and its expiry (/debug_token)."""
        name = self.account.name
        try:
            page = self._call(lambda: self.graph.get_object(self.page_id, fields="id,name"), write=False)
            me = self._call(lambda: self.graph.get_object("me", fields="id,name"), write=False)
        except (AuthExpired, AuthInvalid) as error:
            return AccountStatus(False, name, "facebook", detail=f"{type(error).__name__}: {error}")
        identity = f"{page.get('name', '?')} (page {page.get('id', self.page_id)})"
        if str(me.get("id")) != self.page_id:
            detail = f"the token is not this Page's token (it belongs to id {me.get('id')})"
            return AccountStatus(False, name, "facebook", identity=identity, detail=detail)
        expires_at, detail = self._token_expiry()
        return AccountStatus(True, name, "facebook", identity=identity, expires_at=expires_at, detail=detail)

    def _token_expiry(self) -> tuple[dt.datetime | None, str]:
        token = self.credentials["PAGE_TOKEN"]
        try:
            answer = self._call(
                lambda: self.graph.request(f"{self.graph.version}/debug_token", {"input_token": token}), write=False
            )
        except PublishError as error:
            return None, f"Page token (expiry unknown: {error})"
        data = answer.get("data") or {}
        if data.get("is_valid") is False:
            return None, "debug_token says the token is not valid"
        expires = int(data.get("expires_at") or 0)
        if not expires:
            return None, "Page token (does not expire)"
        return dt.datetime.fromtimestamp(expires, dt.UTC), "Page token"
