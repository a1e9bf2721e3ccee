"""The exact requests facebook-sdk sends to the Graph API (v24.0), and every Graph failure mapped once."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests
import responses

from bot.content.draft import Media
from bot.publish.base import PublishedPost
from bot.publish.errors import (
    Ambiguous,
    AuthExpired,
    AuthInvalid,
    Duplicate,
    RateLimited,
    Rejected,
    Transient,
)
from tests.publish_support import GRAPH, PAGE_ID, T0, FixedClock, live_publisher, make_settings, sent_form

FEED = f"{GRAPH}/{PAGE_ID}/feed"
PHOTOS = f"{GRAPH}/{PAGE_ID}/photos"
TOKEN = "fbpage-TESTPAGETOKEN7777"


@pytest.fixture
def mock():
    with responses.RequestsMock() as rsps:
        yield rsps


def test_feed_post_is_a_form_post_to_the_configured_version_with_the_token(mock):
    mock.add("POST", FEED, json={"id": f"{PAGE_ID}_555"})
    post = live_publisher("acct-fb").publish_post("Report from TGD", link="https://www.jiia.or.jp/en/x")
    call = mock.calls[0]
    assert call.request.url == FEED
    assert sent_form(call) == {
        "message": "Report from TGD",
        "link": "https://www.jiia.or.jp/en/x",
        "access_token": TOKEN,
    }
    assert call.request.req_kwargs["timeout"] == make_settings().facebook.timeout_seconds
    assert post.remote_id == f"{PAGE_ID}_555"
    assert post.url == f"https://www.facebook.com/{PAGE_ID}/posts/555"


def test_graph_version_comes_from_settings(mock):
    mock.add("POST", f"https://graph.facebook.com/v25.0/{PAGE_ID}/feed", json={"id": f"{PAGE_ID}_1"})
    settings = make_settings(facebook={"graph_version": "v25.0"})
    live_publisher("acct-fb", settings=settings).publish_post("hello")
    assert mock.calls[0].request.url.startswith("https://graph.facebook.com/v25.0/")


def test_photo_is_multipart_source_with_message_and_alt_text(mock, tmp_path):
    image = tmp_path / "card.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    mock.add("POST", PHOTOS, json={"id": "900", "post_id": f"{PAGE_ID}_901"})
    post = live_publisher("acct-fb").publish_post("caption", link="https://e.test/r", media=[Media(str(image), "Alt")])
    form = sent_form(mock.calls[0])
    assert form["source"] == {"file": "card.png", "bytes": 12, "content_type": "image/png"}
    assert form["message"] == "caption\n\nhttps://e.test/r"
    assert form["alt_text_custom"] == "Alt" and form["access_token"] == TOKEN
    assert post.remote_id == f"{PAGE_ID}_901"


def test_several_photos_are_attached_to_one_feed_post(mock, tmp_path):
    images = []
    for name in ("a.png", "b.png"):
        (tmp_path / name).write_bytes(b"png")
        images.append(Media(str(tmp_path / name), ""))
    mock.add("POST", PHOTOS, json={"id": "11"})
    mock.add("POST", PHOTOS, json={"id": "12"})
    mock.add("POST", FEED, json={"id": f"{PAGE_ID}_13"})
    live_publisher("acct-fb").publish_post("two images", media=images)
    assert sent_form(mock.calls[0])["published"] == "false"
    feed = sent_form(mock.calls[2])
    assert json.loads(feed["attached_media[0]"]) == {"media_fbid": "11"}
    assert json.loads(feed["attached_media[1]"]) == {"media_fbid": "12"}


def test_native_scheduling_sends_unpublished_with_unix_time(mock):
    mock.add("POST", FEED, json={"id": f"{PAGE_ID}_2"})
    when = T0 + dt.timedelta(days=2)
    live_publisher("acct-fb").publish_post("later", scheduled_at=when)
    form = sent_form(mock.calls[0])
    assert form["published"] == "false" and form["scheduled_publish_time"] == str(int(when.timestamp()))


@pytest.mark.parametrize(
    "ahead",
    [dt.timedelta(minutes=5), dt.timedelta(days=31), dt.timedelta(minutes=-1)],
    ids=["too soon", "too far", "past"],
)
def test_scheduling_outside_facebooks_window_is_refused_before_sending(mock, ahead):
    with pytest.raises(Rejected, match="10 minutes to 30 days"):
        live_publisher("acct-fb").publish_post("later", scheduled_at=T0 + ahead)
    assert len(mock.calls) == 0


def test_threads_are_refused(mock):
    with pytest.raises(Rejected, match="no threads"):
        live_publisher("acct-fb").publish_post("part 2", reply_to=f"{PAGE_ID}_1")


def test_repost_is_a_new_post_linking_the_permalink(mock):
    mock.add("POST", FEED, json={"id": f"{PAGE_ID}_3"})
    original = PublishedPost(f"{PAGE_ID}_1", f"https://www.facebook.com/{PAGE_ID}/posts/1", "facebook")
    live_publisher("acct-fb").repost(original, text="In case you missed it")
    assert sent_form(mock.calls[0])["link"] == f"https://www.facebook.com/{PAGE_ID}/posts/1"


def test_delete_and_already_deleted(mock):
    mock.add("DELETE", f"{GRAPH}/{PAGE_ID}_1", json={"success": True})
    gone = {
        "error": {
            "message": "Unsupported delete request. Object with ID does not exist",
            "type": "GraphMethodException",
            "code": 100,
            "error_subcode": 33,
            "fbtrace_id": "A1",
        }
    }
    mock.add("DELETE", f"{GRAPH}/{PAGE_ID}_2", json=gone, status=400)
    publisher = live_publisher("acct-fb")
    publisher.delete(f"{PAGE_ID}_1")
    publisher.delete(f"{PAGE_ID}_2")
    assert "access_token=" in mock.calls[0].request.url


def test_recent_posts_reads_the_page_posts(mock):
    body = {
        "data": [
            {
                "id": f"{PAGE_ID}_9",
                "message": "newest",
                "created_time": "2026-03-08T09:00:00+0000",
                "permalink_url": "https://www.facebook.com/p/9",
            },
            {"id": f"{PAGE_ID}_8"},
        ],
        "paging": {},
    }
    mock.add("GET", f"{GRAPH}/{PAGE_ID}/posts", json=body)
    posts = live_publisher("acct-fb").recent_posts(5)
    url = mock.calls[0].request.url
    assert "fields=id%2Cmessage%2Ccreated_time%2Cpermalink_url%2Clink" in url and "limit=5" in url
    assert [p.remote_id for p in posts] == [f"{PAGE_ID}_9", f"{PAGE_ID}_8"]
    assert posts[0].created_at == T0 and posts[1].text == ""


def test_recent_posts_carry_the_link_field(mock):
    """Two posts with one text and different links are told apart by Graph's `link` field."""
    body = {"data": [{"id": f"{PAGE_ID}_9", "message": "Same words & more", "created_time": "2026-03-08T09:00:00+0000",
                      "permalink_url": "https://www.facebook.com/p/9", "link": "https://example.org/b"},
                     {"id": f"{PAGE_ID}_8", "message": "Same words & more", "created_time": "2026-03-08T08:59:00+0000",
                      "link": "https://example.org/a"}], "paging": {}}
    mock.add("GET", f"{GRAPH}/{PAGE_ID}/posts", json=body)
    posts = live_publisher("acct-fb").recent_posts()
    assert [p.links for p in posts] == [("https://example.org/b",), ("https://example.org/a",)]
    assert posts[0].text == "Same words & more"  # Graph does not escape


def test_check_credentials_reads_page_me_and_token_expiry(mock):
    mock.add("GET", f"{GRAPH}/{PAGE_ID}", json={"id": PAGE_ID, "name": "JIIA"})
    mock.add("GET", f"{GRAPH}/me", json={"id": PAGE_ID, "name": "JIIA"})
    mock.add("GET", f"{GRAPH}/debug_token", json={"data": {"is_valid": True, "expires_at": 1900000000}})
    status = live_publisher("acct-fb").check_credentials()
    assert status.ok and status.identity == f"JIIA (page {PAGE_ID})"
    assert status.expires_at == dt.datetime.fromtimestamp(1900000000, dt.UTC)
    assert "input_token=" in mock.calls[2].request.url


def test_check_credentials_with_a_user_token_is_not_ok(mock):
    mock.add("GET", f"{GRAPH}/{PAGE_ID}", json={"id": PAGE_ID, "name": "JIIA"})
    mock.add("GET", f"{GRAPH}/me", json={"id": "12345", "name": "Someone"})
    status = live_publisher("acct-fb").check_credentials()
    assert not status.ok and "not this Page's token" in status.detail


def _graph(code: int, subcode: int | None = None, message: str = "msg") -> dict:
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbC"}
    if subcode:
        error["error_subcode"] = subcode
    return {"error": error}


BUC = json.dumps(
    {
        PAGE_ID: [
            {
                "type": "pages",
                "call_count": 100,
                "total_cputime": 30,
                "total_time": 40,
                "estimated_time_to_regain_access": 22,
            }
        ]
    }
)
ERROR_CASES = [
    # (name, status, body or text, headers, expected, retry_at minutes)
    (
        "expired token 190/463",
        400,
        _graph(190, 463, "Error validating access token: Session has expired"),
        {},
        AuthExpired,
        None,
    ),
    ("invalid token 190/467", 400, _graph(190, 467), {}, AuthInvalid, None),
    ("password changed 190/460", 400, _graph(190, 460), {}, AuthInvalid, None),
    ("app rate limit 4", 400, _graph(4), {}, RateLimited, None),
    ("user rate limit 17", 400, _graph(17), {}, RateLimited, None),
    ("page rate limit 32 with BUC", 400, _graph(32), {"X-Business-Use-Case-Usage": BUC}, RateLimited, 22),
    ("613", 400, _graph(613), {}, RateLimited, None),
    ("page BUC 80001", 400, _graph(80001), {"X-Business-Use-Case-Usage": BUC}, RateLimited, 22),
    ("duplicate 506", 400, _graph(506, None, "Duplicate status message"), {}, Duplicate, None),
    ("policy block 368", 400, _graph(368), {}, Rejected, None),
    ("permission 200", 403, _graph(200), {}, Rejected, None),
    ("permission 10", 400, _graph(10), {}, Rejected, None),
    ("bad link 1609005", 400, _graph(1609005), {}, Rejected, None),
    # A 5xx answer to a create may hide a created post (Graph has no duplicate check): Ambiguous, not retried.
    ("unknown 1 at 500", 500, _graph(1, None, "An unknown error has occurred."), {}, Ambiguous, None),
    ("service 2 at 503", 503, _graph(2), {}, Ambiguous, None),
    ("502 html page", 502, "<html><body>Bad Gateway</body></html>", {}, Ambiguous, None),
    ("transient 2 without a 5xx", 400, _graph(2), {}, Transient, None),
    ("400 non-JSON", 400, "<html>Bad request</html>", {}, Rejected, None),
    ("401 non-JSON", 401, "Unauthorized", {}, AuthInvalid, None),
    ("200 with error object", 200, _graph(100, None, "Invalid parameter"), {}, Rejected, None),
]


@pytest.mark.parametrize(
    ("name", "status", "body", "headers", "expected", "minutes"), ERROR_CASES, ids=[c[0] for c in ERROR_CASES]
)
def test_graph_errors_map_to_the_bot_error_tree(mock, name, status, body, headers, expected, minutes):
    if isinstance(body, dict):
        mock.add("POST", FEED, json=body, status=status, headers=headers)
    else:
        mock.add("POST", FEED, body=body, status=status, headers=headers, content_type="text/html")
    clock = FixedClock()
    with pytest.raises(expected) as caught:
        live_publisher("acct-fb", clock=clock).publish_post("hello")
    assert type(caught.value) is expected
    assert "GraphAPIError" not in str(caught.value) and "Maintype" not in str(caught.value)
    assert len(mock.calls) == (3 if expected is Transient else 1)
    if expected is RateLimited:
        assert caught.value.retry_at == (T0 + dt.timedelta(minutes=minutes) if minutes else None)
    if isinstance(body, dict) and status != 200:
        assert caught.value.code == body["error"]["code"]


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_on_a_read_is_transient_and_retried(mock, status):
    mock.add("GET", f"{GRAPH}/{PAGE_ID}/posts", body="<html>busy</html>", status=status, content_type="text/html")
    with pytest.raises(Transient):
        live_publisher("acct-fb", clock=FixedClock()).recent_posts()
    assert len(mock.calls) == 3


def test_a_2xx_html_answer_to_a_post_is_ambiguous(mock):
    mock.add("POST", FEED, body="<html>ok?</html>", status=200, content_type="text/html")
    with pytest.raises(Ambiguous):
        live_publisher("acct-fb").publish_post("hello")
    assert len(mock.calls) == 1


def test_read_timeout_on_a_post_is_ambiguous_and_not_retried(mock):
    mock.add("POST", FEED, body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(Ambiguous):
        live_publisher("acct-fb").publish_post("hello")
    assert len(mock.calls) == 1


def test_connection_errors_never_quote_the_url_with_the_token(mock):
    error = requests.exceptions.ConnectionError(f"Max retries exceeded with url: /me?access_token={TOKEN}")
    mock.add("GET", f"{GRAPH}/{PAGE_ID}/posts", body=error)
    with pytest.raises(Transient) as caught:
        live_publisher("acct-fb").recent_posts()
    assert TOKEN not in str(caught.value) and caught.value.__cause__ is None and caught.value.__context__ is None
