"""One contract, every publisher: X and Facebook live (over `responses` with a fake platform behind it) and
X and Facebook dry-run (the recording transport), through the same parametrised cases."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import responses

from bot.content.draft import Draft, Media
from bot.publish.base import AccountStatus, PublishedPost, Publisher
from bot.publish.capabilities import capabilities_for
from bot.publish.errors import Ambiguous, PublishError, Rejected, Transient
from bot.publish.journal import Journal
from bot.publish.transport import FaultPlan
from tests.publish_support import FakePlatform, dry_publisher, live_publisher

ACCOUNTS = {"x": "acct-x", "facebook": "acct-fb"}


@dataclass
class Subject:
    publisher: Publisher
    entries: Callable[[], list[dict[str, Any]]]
    break_platform: Callable[[], Publisher]  # a publisher of the same kind whose platform answers 503


@pytest.fixture(params=["x-live", "facebook-live", "x-dryrun", "facebook-dryrun"])
def subject(request: pytest.FixtureRequest) -> Iterator[Subject]:
    platform, mode = request.param.split("-")
    account = ACCOUNTS[platform]
    if mode == "live":
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            fake = FakePlatform(mock, account, platform)

            def broken() -> Publisher:
                fake.outage = 503
                return live_publisher(account)  # type: ignore[no-any-return]

            yield Subject(live_publisher(account), fake.journal.entries, broken)
    else:
        journal = Journal()
        yield Subject(
            dry_publisher(account, journal=journal),
            journal.entries,
            lambda: dry_publisher(account, faults=FaultPlan(transient=1.0, seed=1)),
        )


def test_capabilities_come_from_the_one_place(subject):
    assert subject.publisher.capabilities == capabilities_for(subject.publisher.platform)


def test_publish_post_returns_the_remote_post(subject):
    post = subject.publisher.publish_post("Contract single post", link="https://e.test/r")
    assert isinstance(post, PublishedPost)
    assert post.remote_id and post.platform == subject.publisher.platform
    assert post.url.startswith("https://") and post.remote_id.split("_")[-1] in post.url
    assert "https://e.test/r" in (post.text + str(subject.entries()[-1]["body"]))


def test_recent_posts_are_newest_first(subject):
    first = subject.publisher.publish_post("Contract first")
    second = subject.publisher.publish_post("Contract second")
    recent = subject.publisher.recent_posts(10)
    assert [p.remote_id for p in recent[:2]] == [second.remote_id, first.remote_id]
    assert recent[0].text.startswith("Contract second")


def test_delete_removes_the_post_and_is_idempotent(subject):
    keep = subject.publisher.publish_post("Contract keep")
    gone = subject.publisher.publish_post("Contract gone")
    subject.publisher.delete(gone.remote_id)
    assert [p.remote_id for p in subject.publisher.recent_posts()] == [keep.remote_id]


def test_threads_chain_where_supported_and_are_refused_elsewhere(subject):
    publisher = subject.publisher
    if publisher.capabilities.supports_threads:
        posts = publisher.publish(Draft(publisher.platform, "highlight", "r", ("Part one", "Part two")))
        reply = subject.entries()[-1]["body"]["reply"]["in_reply_to_tweet_id"]
        assert len(posts) == 2 and reply == posts[0].remote_id
    else:
        with pytest.raises(Rejected):
            publisher.publish_post("Part two", reply_to="123_456")


def test_a_post_with_an_image_carries_its_alt_text(subject, tmp_path):
    image = tmp_path / "card.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\ncontract")
    post = subject.publisher.publish_post("Contract with image", media=[Media(str(image), "Alt for the card")])
    assert post.remote_id
    assert "Alt for the card" in str(subject.entries())


def test_repost_makes_a_new_post(subject):
    original = subject.publisher.publish_post("Contract original")
    again = subject.publisher.repost(original, text="Contract: in case you missed it")
    assert again.remote_id != original.remote_id


def test_check_credentials_names_the_account(subject):
    status = subject.publisher.check_credentials()
    assert isinstance(status, AccountStatus) and status.ok and status.identity


def test_platform_outage_on_a_create_is_ambiguous_or_transient_and_only_bot_errors_escape(subject):
    publisher = subject.break_platform()
    with pytest.raises(PublishError) as caught:
        publisher.publish_post("Contract outage")
    # A 5xx answer to a create may hide a created post: Ambiguous (reconciled, never retried blindly). A
    # refused connection (the dry-run's transient fault) never reached the platform: Transient.
    assert isinstance(caught.value, Ambiguous if caught.value.status else Transient)
