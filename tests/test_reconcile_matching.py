"""Reconciliation recognises a post by its text AND its links, among remote posts created after the post was
first claimed and owned by no other ledger row: near-identical posts are never taken for one another, and a
text with `&` (HTML-escaped by X) still finds itself."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from bot.ledger.claims import ClaimedPost
from bot.ledger.models import Post
from bot.publish.base import RemotePost
from bot.publish.synthetic import x_timeline_text
from bot.publish.x import remote_tweet
from bot.schedule.clock import FakeClock
from bot.schedule.reconcile import find_remote, lookup_outcome
from bot.schedule.runner import Runner
from tests.runner_support import T0, FakePublisher, add_post, factory, get, make_settings  # noqa: F401

LINK_A = "https://example.org/report-a?x=1&utm_source=x#:~:text=Ports,closed"
LINK_B = "https://example.org/report-b?x=1&utm_source=x#:~:text=Ports,closed"


def claimed(text: str, *, link: str | None = None, claimed_at: dt.datetime | None = T0, post_id: int = 7) -> ClaimedPost:
    payload = {"text": text, **({"link": link} if link else {})}
    return ClaimedPost(post_id, "k", "acct-x", "x", "highlight", payload, T0, 0, None, 0, "r", claimed_at)


def tweet(remote_id: str, sent_text: str, at: dt.datetime = T0) -> RemotePost:
    """What X's timeline gives back for a tweet the bot sent (t.co links, HTML-escaped text)."""
    return remote_tweet({"id": remote_id, **x_timeline_text(sent_text),
                         "created_at": at.strftime("%Y-%m-%dT%H:%M:%S.000Z")})


def test_same_text_different_link_is_not_the_same_post():
    post = claimed("Ports should stay open.", link=LINK_B)
    remote = [tweet("1", f"Ports should stay open. {LINK_A}")]
    assert find_remote(post, remote) is None
    assert find_remote(post, [*remote, tweet("2", f"Ports should stay open. {LINK_B}")]).remote_id == "2"


def test_text_with_ampersand_and_angle_brackets_finds_itself_through_x_escaping():
    post = claimed("R&D spending < 2% & falling > not rising", link=LINK_A)
    remote = [tweet("9", f"R&D spending < 2% & falling > not rising {LINK_A}")]
    assert "&amp;" in x_timeline_text(f"R&D {LINK_A}")["text"]  # the answer is escaped, as X does
    assert find_remote(post, remote).remote_id == "9"


def test_a_remote_post_older_than_the_claim_is_not_this_post():
    post = claimed("Same words", claimed_at=T0)
    older = tweet("3", "Same words", at=T0 - dt.timedelta(hours=1))
    skewed = tweet("4", "Same words", at=T0 - dt.timedelta(seconds=30))  # within the clock-skew margin
    assert find_remote(post, [older], since=T0) is None
    assert find_remote(post, [older, skewed], since=T0).remote_id == "4"


def test_a_remote_post_owned_by_another_row_is_skipped():
    post = claimed("Same words")
    remote = [tweet("5", "Same words"), tweet("6", "Same words")]
    assert find_remote(post, remote, owned={"5"}).remote_id == "6"
    assert find_remote(post, remote, owned={"5", "6"}) is None


def test_extra_link_or_longer_text_does_not_match():
    post = claimed("Short text")
    assert find_remote(post, [tweet("1", "Short text and more")]) is None
    assert find_remote(post, [tweet("2", f"Short text {LINK_A}")]) is None


def _abandon(factory, post_id, at):  # noqa: F811
    with factory() as session:
        session.execute(update(Post).where(Post.id == post_id).values(
            status="sending", claimed_by="elsewhere:1:gone", claimed_at=at))
        session.commit()


def test_second_repost_with_the_same_text_is_not_taken_for_the_first(factory):  # noqa: F811
    """`bot repost 1` twice on Facebook, a crash after the second claim: the first repost's remote post is
    owned by its own row, so the second is not marked posted with the first one's id — and, one text never
    going twice to one account, it is refused as a duplicate before sending."""
    pub = FakePublisher()
    first = add_post(factory, "In case you missed it", link="https://www.facebook.com/1/posts/2")
    Runner(make_settings(), factory, lambda account: pub, FakeClock(T0)).run_until_idle()
    second = add_post(factory, "In case you missed it", link="https://www.facebook.com/1/posts/2")
    _abandon(factory, second, T0 - dt.timedelta(hours=2))  # a claim on another host, long stale
    Runner(make_settings(), factory, lambda account: pub, FakeClock(T0)).run_until_idle()
    row = get(factory, second)
    assert row.remote_id is None and row.status == "duplicate"
    assert f"post {first} already carries this text" in row.last_error
    assert len(pub.sent) == 1 and get(factory, first).remote_id == pub.sent[0].remote_id


def test_lookup_outcome_uses_the_ledger_for_ownership(factory):  # noqa: F811
    pub = FakePublisher()
    sent = pub.publish_post("Twin text")
    owner = add_post(factory, "Twin text", status="posted")
    with factory() as session:
        session.execute(update(Post).where(Post.id == owner).values(remote_id=sent.remote_id))
        session.commit()
    twin = add_post(factory, "Twin text")
    post = claimed("Twin text", post_id=twin, claimed_at=None)
    assert lookup_outcome(post, pub).status == "posted"  # without the ledger: fooled
    assert lookup_outcome(post, pub, factory=factory).status == "pending"
