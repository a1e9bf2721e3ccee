"""The exact requests tweepy (and our v2 media calls) send to X, and every X error body mapped once."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests
import responses

from bot.content.draft import Draft, Media
from bot.publish.base import PublishedPost
from bot.publish.errors import (
    Ambiguous,
    AuthExpired,
    AuthInvalid,
    Duplicate,
    PublishError,
    RateLimited,
    Rejected,
    Transient,
)
from tests.publish_support import T0, TWEETS, FixedClock, live_publisher, make_settings, sent_json

CREATED = {"data": {"id": "1880000000000000001", "text": "hello", "edit_history_tweet_ids": ["1880000000000000001"]}}


@pytest.fixture
def mock():
    with responses.RequestsMock() as rsps:
        yield rsps


def test_create_tweet_is_a_signed_json_post_to_api_twitter_com_with_a_timeout(mock):
    mock.add("POST", TWEETS, json=CREATED, status=201)
    post = live_publisher("acct-x").publish_post("hello")
    call = mock.calls[0]
    assert sent_json(call) == {"text": "hello"}
    auth = call.request.headers["Authorization"]
    assert auth.startswith("OAuth ") and 'oauth_signature="' in auth and 'oauth_consumer_key="ck-TESTKEY1234"' in auth
    assert call.request.req_kwargs["timeout"] == make_settings().x.timeout_seconds
    assert post.remote_id == "1880000000000000001"
    assert post.url == "https://x.com/i/status/1880000000000000001"


def test_a_thread_chains_each_part_to_the_previous_id(mock):
    ids = iter(["101", "102", "103"])
    mock.add_callback(
        "POST", TWEETS, callback=lambda req: (201, {}, json.dumps({"data": {"id": next(ids), "text": "t"}}))
    )
    draft = Draft("x", "highlight", "r", ("one", "two", "three"))
    posts = live_publisher("acct-x").publish(draft)
    bodies = [sent_json(c) for c in mock.calls]
    assert bodies[0] == {"text": "one"}
    assert bodies[1] == {"text": "two", "reply": {"in_reply_to_tweet_id": "101"}}
    assert bodies[2]["reply"] == {"in_reply_to_tweet_id": "102"}
    assert [p.remote_id for p in posts] == ["101", "102", "103"]


def test_resume_after_skips_confirmed_parts(mock):
    mock.add("POST", TWEETS, json={"data": {"id": "202", "text": "two"}}, status=201)
    done = [PublishedPost("201", "u", "x", text="one")]
    posts = live_publisher("acct-x").publish(Draft("x", "highlight", "r", ("one", "two")), resume_after=done)
    assert [sent_json(c) for c in mock.calls] == [{"text": "two", "reply": {"in_reply_to_tweet_id": "201"}}]
    assert [p.remote_id for p in posts] == ["201", "202"]


def test_image_goes_through_v2_media_upload_with_alt_text(mock, tmp_path):
    image = tmp_path / "card.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    mock.add("POST", "https://api.x.com/2/media/upload", json={"data": {"id": "555", "media_key": "3_555"}})
    mock.add("POST", "https://api.x.com/2/media/metadata", json={"data": {"id": "555"}})
    mock.add("POST", TWEETS, json=CREATED, status=201)
    live_publisher("acct-x").publish_post("with card", media=[Media(str(image), "A quote card")])
    upload, meta, tweet = mock.calls
    assert upload.request.headers["Content-Type"].startswith("multipart/form-data")
    assert b'name="media"; filename="card.png"' in upload.request.body
    assert b'name="media_category"' in upload.request.body and b"tweet_image" in upload.request.body
    assert 'oauth_signature="' in upload.request.headers["Authorization"]
    assert upload.request.req_kwargs["timeout"] > 0
    assert sent_json(meta) == {"id": "555", "metadata": {"alt_text": {"text": "A quote card"}}}
    assert sent_json(tweet) == {"text": "with card", "media": {"media_ids": ["555"]}}


def test_retweet_posts_to_the_users_retweets_with_the_token_user_id(mock):
    mock.add("POST", "https://api.twitter.com/2/users/2244994945/retweets", json={"data": {"retweeted": True}})
    post = live_publisher("acct-x").repost(PublishedPost("1880000000000000001", "https://x.com/i/status/1", "x"))
    assert sent_json(mock.calls[0]) == {"tweet_id": "1880000000000000001"}
    assert post.remote_id == "rt:1880000000000000001"


def test_repost_with_text_is_a_new_post(mock):
    mock.add("POST", TWEETS, json=CREATED, status=201)
    live_publisher("acct-x").repost(PublishedPost("1", "u", "x"), text="In case you missed it: hello")
    assert sent_json(mock.calls[0]) == {"text": "In case you missed it: hello"}


def test_delete_and_already_deleted(mock):
    mock.add("DELETE", f"{TWEETS}/77", json={"data": {"deleted": True}})
    mock.add("DELETE", f"{TWEETS}/78", status=404, json={"title": "Not Found Error", "detail": "gone", "status": 404})
    publisher = live_publisher("acct-x")
    publisher.delete("77")
    publisher.delete("78")
    assert [c.request.method for c in mock.calls] == ["DELETE", "DELETE"]


def test_recent_posts_reads_the_user_timeline_newest_first(mock):
    body = {"data": [{"id": "3", "text": "c", "created_at": "2026-03-08T09:00:00.000Z"}, {"id": "2", "text": "b"}]}
    mock.add("GET", "https://api.twitter.com/2/users/2244994945/tweets", json=body)
    posts = live_publisher("acct-x").recent_posts(2)
    assert "max_results=5" in mock.calls[0].request.url and "tweet.fields=created_at" in mock.calls[0].request.url
    assert [p.remote_id for p in posts] == ["3", "2"]
    assert posts[0].created_at == dt.datetime(2026, 3, 8, 9, 0, tzinfo=dt.UTC)


def test_recent_posts_unescape_the_text_and_read_the_expanded_links(mock):
    """X answers text HTML-escaped with t.co links; the real link is in entities.urls[].expanded_url."""
    link = "https://example.org/report?a=1&b=2"
    tweet = {"id": "5", "text": "Q&amp;A: rise &lt;2% &gt; 1 https://t.co/AbCdEf1234",
             "created_at": "2026-03-08T09:00:00.000Z", "edit_history_tweet_ids": ["5"],
             "entities": {"urls": [{"start": 26, "end": 49, "url": "https://t.co/AbCdEf1234",
                                    "expanded_url": link, "display_url": "example.org/report?a=1&…"}]}}
    mock.add("GET", "https://api.twitter.com/2/users/2244994945/tweets", json={"data": [tweet]})
    [post] = live_publisher("acct-x").recent_posts()
    assert "tweet.fields=created_at%2Centities" in mock.calls[0].request.url
    assert post.text == "Q&A: rise <2% > 1 https://t.co/AbCdEf1234" and post.links == (link,)


def test_oauth2_user_token_uses_bearer_and_me_lookup(mock):
    mock.add("GET", "https://api.twitter.com/2/users/me", json={"data": {"id": "42", "username": "jiia"}})
    mock.add("GET", "https://api.twitter.com/2/users/42/tweets", json={"meta": {"result_count": 0}})
    assert live_publisher("acct-x2").recent_posts() == []
    assert mock.calls[0].request.headers["Authorization"] == "Bearer oauth2-TESTUSERTOKEN4444"


def test_check_credentials_identifies_the_user_and_reports_refusal(mock):
    mock.add("GET", "https://api.twitter.com/2/users/me", json={"data": {"id": "2244994945", "username": "jiia"}})
    mock.add(
        "GET",
        "https://api.twitter.com/2/users/me",
        status=401,
        json={"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"},
    )
    publisher = live_publisher("acct-x")
    assert publisher.check_credentials().identity == "@jiia (id 2244994945)"
    refused = publisher.check_credentials()
    assert not refused.ok and "AuthInvalid" in refused.detail


RESET = int(dt.datetime(2026, 3, 8, 9, 15, tzinfo=dt.UTC).timestamp())
DAY_RESET = int(dt.datetime(2026, 3, 9, 0, 0, tzinfo=dt.UTC).timestamp())
HTML_503 = "<html><head><title>Over capacity</title></head><body>Something is technically wrong.</body></html>"
DUPLICATE = {
    "detail": "You are not allowed to create a Tweet with duplicate content.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}
ERROR_CASES = [
    # (name, status, body, headers, expected class, expected retry_at)
    ("duplicate", 403, DUPLICATE, {}, Duplicate, None),
    ("v1 duplicate", 403, {"errors": [{"code": 187, "message": "Status is a duplicate."}]}, {}, Duplicate, None),
    (
        "forbidden policy",
        403,
        {
            "detail": "You are not permitted to perform this action.",
            "title": "Forbidden",
            "type": "about:blank",
            "status": 403,
        },
        {},
        Rejected,
        None,
    ),
    (
        "429 reset",
        429,
        {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429},
        {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(RESET)},
        RateLimited,
        RESET,
    ),
    (
        "429 v1 code 88",
        429,
        {"errors": [{"code": 88, "message": "Rate limit exceeded"}]},
        {"x-rate-limit-reset": str(RESET)},
        RateLimited,
        RESET,
    ),
    (
        "429 24-hour user cap",
        429,
        {"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429, "type": "about:blank"},
        {
            "x-rate-limit-remaining": "99",
            "x-rate-limit-reset": str(RESET),
            "x-user-limit-24hour-remaining": "0",
            "x-user-limit-24hour-reset": str(DAY_RESET),
        },
        RateLimited,
        DAY_RESET,
    ),
    (
        "429 without headers",
        429,
        {
            "type": "https://api.twitter.com/2/problems/usage-capped",
            "title": "Usage cap",
            "detail": "Usage cap exceeded: Monthly product cap",
            "status": 429,
        },
        {},
        RateLimited,
        None,
    ),
    (
        "401",
        401,
        {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"},
        {},
        AuthInvalid,
        None,
    ),
    (
        "400",
        400,
        {
            "errors": [{"message": "text too long", "parameters": {}}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        },
        {},
        Rejected,
        None,
    ),
]


@pytest.mark.parametrize(
    ("name", "status", "body", "headers", "expected", "retry_at"), ERROR_CASES, ids=[c[0] for c in ERROR_CASES]
)
def test_error_bodies_map_to_the_bot_error_tree(mock, name, status, body, headers, expected, retry_at):
    mock.add("POST", TWEETS, json=body, status=status, headers=headers)
    with pytest.raises(expected) as caught:
        live_publisher("acct-x").publish_post("hello")
    assert type(caught.value) is expected
    assert caught.value.status == status
    assert len(mock.calls) == 1  # none of these is retried
    if expected is RateLimited:
        assert caught.value.retry_at == (dt.datetime.fromtimestamp(retry_at, dt.UTC) if retry_at else None)


def test_401_with_an_oauth2_token_means_expired(mock):
    mock.add("POST", TWEETS, status=401, json={"title": "Unauthorized", "status": 401, "detail": "Unauthorized"})
    with pytest.raises(AuthExpired):
        live_publisher("acct-x2").publish_post("hello")


TIMELINE = "https://api.twitter.com/2/users/2244994945/tweets"


def test_5xx_html_on_a_read_is_transient_and_retried_with_bounded_backoff(mock):
    mock.add("GET", TIMELINE, body=HTML_503, status=503, content_type="text/html")
    clock = FixedClock()
    with pytest.raises(Transient, match="503") as caught:
        live_publisher("acct-x", clock=clock).recent_posts()
    assert len(mock.calls) == 3  # settings.retry.attempts
    assert len(clock.slept) == 2 and all(0 < s <= 10 for s in clock.slept)
    assert "<html" not in str(caught.value)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_answer_to_a_create_is_ambiguous_and_never_retried_blindly(mock, status):
    """The server may have created the tweet before failing: a retry could post it twice."""
    mock.add("POST", TWEETS, body=HTML_503, status=status, content_type="text/html")
    with pytest.raises(Ambiguous, match=str(status)) as caught:
        live_publisher("acct-x").publish_post("hello")
    assert len(mock.calls) == 1 and "<html" not in str(caught.value)


def test_transient_then_success(mock):
    mock.add("POST", TWEETS, body=requests.exceptions.ConnectionError("refused"))
    mock.add("POST", TWEETS, json=CREATED, status=201)
    assert live_publisher("acct-x").publish_post("hello").remote_id == "1880000000000000001"


NETWORK_CASES = [
    ("connect timeout on a create", "POST", requests.exceptions.ConnectTimeout("x"), Transient, 3),
    ("connection refused on a create", "POST", requests.exceptions.ConnectionError("refused"), Transient, 3),
    ("read timeout on a create", "POST", requests.exceptions.ReadTimeout("x"), Ambiguous, 1),
    ("read timeout on a lookup", "GET", requests.exceptions.ReadTimeout("x"), Transient, 3),
]


@pytest.mark.parametrize(
    ("name", "method", "exc", "expected", "calls"), NETWORK_CASES, ids=[c[0] for c in NETWORK_CASES]
)
def test_network_failures_judged_by_whether_the_request_may_have_arrived(mock, name, method, exc, expected, calls):
    url = TWEETS if method == "POST" else "https://api.twitter.com/2/users/2244994945/tweets"
    mock.add(method, url, body=exc)
    publisher = live_publisher("acct-x")
    with pytest.raises(expected):
        publisher.publish_post("hello") if method == "POST" else publisher.recent_posts()
    assert len(mock.calls) == calls


def test_nothing_but_publish_errors_escape(mock):
    mock.add("POST", TWEETS, body="not json", status=201, content_type="application/json")
    with pytest.raises(PublishError) as caught:
        live_publisher("acct-x").publish_post("hello")
    assert isinstance(caught.value, Ambiguous)  # a 2xx we cannot read: the post may exist
    assert caught.value.__cause__ is None


def test_scheduling_and_too_many_images_are_refused_before_sending(mock, tmp_path):
    publisher = live_publisher("acct-x")
    with pytest.raises(Rejected, match="native scheduling"):
        publisher.publish_post("hello", scheduled_at=T0 + dt.timedelta(hours=1))
    with pytest.raises(Rejected, match="at most 4"):
        publisher.publish_post("hello", media=[Media(str(tmp_path / "a.png"), "")] * 5)
    with pytest.raises(Rejected, match="cannot read"):
        publisher.publish_post("hello", media=[Media(str(tmp_path / "missing.png"), "")])
    assert len(mock.calls) == 0
