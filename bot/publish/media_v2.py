"""Image upload through X's v2 media endpoints (tweepy 4.17 only knows the deprecated v1.1 upload).

`POST https://api.x.com/2/media/upload` (multipart `media`, `media_category=tweet_image`) returns the id in
`data.id`; `POST https://api.x.com/2/media/metadata` with `{"id", "metadata": {"alt_text": {"text"}}}` sets
the alt text. Both are signed exactly like tweepy's own calls (requests-oauthlib OAuth1 with the same keys,
or the OAuth 2.0 bearer token) and go through the same session, so timeouts and dry-run apply.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

import requests

from bot.content.draft import Media
from bot.publish.errors import Rejected
from bot.publish.x_errors import raise_for_x_status

UPLOAD_URL = "https://api.x.com/2/media/upload"
METADATA_URL = "https://api.x.com/2/media/metadata"
ALT_TEXT_LIMIT = 1000


def read_image(media: Media) -> tuple[str, bytes, str]:
    """(file name, bytes, MIME type); a missing or unreadable file is a refusal, not a retry."""
    path = Path(media.path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise Rejected(f"image {path}: cannot read it ({error.strerror or type(error).__name__})") from None
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if not mime.startswith("image/"):
        raise Rejected(f"image {path}: not an image file ({mime})")
    return path.name, data, mime


def upload_image(session: requests.Session, auth: Any, headers: dict[str, str], media: Media) -> str:
    """Upload one image and return its media id (raises tweepy's HTTP exceptions for error statuses)."""
    name, data, mime = read_image(media)
    response = session.post(UPLOAD_URL, files={"media": (name, data, mime)}, data={"media_category": "tweet_image"},
                            auth=auth, headers=headers)  # fmt: skip
    raise_for_x_status(response)
    media_id = str((response.json().get("data") or {}).get("id") or "")
    if not media_id:
        raise Rejected("X media upload answered without a media id")
    return media_id


def set_alt_text(session: requests.Session, auth: Any, headers: dict[str, str], media_id: str, alt_text: str) -> None:
    body = {"id": media_id, "metadata": {"alt_text": {"text": alt_text[:ALT_TEXT_LIMIT]}}}
    response = session.post(METADATA_URL, json=body, auth=auth, headers=headers)
    raise_for_x_status(response)
