"""Dry-run is the real publisher code over a recording transport: the journal, masking, synthetic ids,
the recent-posts lookup from the journal (also across processes) and injected faults."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.content.draft import Draft, Media
from bot.errors import ConfigError
from bot.publish.errors import Ambiguous, Transient
from bot.publish.journal import Journal, mask_authorization, mask_url
from bot.publish.registry import UnknownPlatform, create_publisher, publisher_class
from bot.publish.synthetic import snowflake
from bot.publish.transport import FaultPlan
from bot.publish.x import XPublisher
from tests.publish_support import ALL_ENV, PAGE_ID, X_ENV, dry_publisher, make_settings

ROOT = Path(__file__).resolve().parent.parent
FIELDS = {
    "ts",
    "account",
    "platform",
    "method",
    "url",
    "headers",
    "body",
    "response_status",
    "response_body",
    "synthetic_id",
}


def test_registry_maps_names_to_classes_and_names_unknown_ones():
    assert publisher_class("x") is XPublisher
    with pytest.raises(LookupError, match="'mastodon'"):
        publisher_class("mastodon")
    assert issubclass(UnknownPlatform, ConfigError)


def test_dry_run_is_the_same_class_as_live():
    assert type(dry_publisher("acct-x")) is XPublisher


def test_journal_file_has_one_masked_json_object_per_request(tmp_path):
    path = tmp_path / "journal.jsonl"
    publisher = dry_publisher("acct-x", journal=path)
    first = publisher.publish_post("hello")
    publisher.publish_post("part two", reply_to=first.remote_id)
    lines = path.read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    assert len(entries) == 2 and set(entries[0]) == FIELDS
    assert entries[1]["body"] == {"text": "part two", "reply": {"in_reply_to_tweet_id": first.remote_id}}
    assert entries[0]["synthetic_id"] == first.remote_id and entries[0]["response_status"] == 201
    auth = entries[0]["headers"]["Authorization"]
    assert 'oauth_consumer_key="****"' in auth and 'oauth_signature="****"' in auth
    assert 'oauth_signature_method="HMAC-SHA1"' in auth
    text = path.read_text()
    assert not [v for v in X_ENV.values() if v in text]
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_facebook_token_is_masked_in_body_and_url():
    journal = Journal()
    publisher = dry_publisher("acct-fb", journal=journal)
    publisher.publish_post("hello", link="https://e.test/")
    publisher.recent_posts()
    post, lookup = journal.recorded
    assert post["url"] == f"https://graph.facebook.com/v24.0/{PAGE_ID}/feed"
    assert post["body"] == {"message": "hello", "link": "https://e.test/", "access_token": "****"}
    assert "access_token=****" in lookup["url"]
    assert ALL_ENV["BOT_ACCT_FB_PAGE_TOKEN"] not in json.dumps(journal.recorded)


@pytest.mark.parametrize(
    ("header", "masked"),
    [
        (
            'OAuth oauth_consumer_key="k", oauth_token="1-t", oauth_signature_method="HMAC-SHA1", oauth_signature="s"',
            'OAuth oauth_consumer_key="****", oauth_token="****", oauth_signature_method="HMAC-SHA1", oauth_signature="****"',
        ),
        ("Bearer abc.def", "Bearer ****"),
        ("opaque", "****"),
    ],
)
def test_authorization_masking(header, masked):
    assert mask_authorization(header) == masked


def test_url_masking_keeps_other_parameters():
    assert mask_url("https://g.test/v1/debug_token?input_token=a&access_token=b&fields=id,name") == (
        "https://g.test/v1/debug_token?input_token=****&access_token=****&fields=id,name"
    )


def test_synthetic_ids_look_like_the_platforms():
    ids = {snowflake() for _ in range(5000)}
    assert len(ids) == 5000 and all(re.fullmatch(r"\d{19}", i) for i in ids)
    post = dry_publisher("acct-fb").publish_post("hello")
    assert re.fullmatch(rf"{PAGE_ID}_\d{{19}}", post.remote_id)


def test_ids_differ_between_processes():
    code = "from bot.publish.synthetic import snowflake; print(snowflake())"
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                           check=True).stdout.strip() for _ in range(3)}  # fmt: skip
    assert len(outs) == 3


def test_recent_posts_come_from_the_journal_newest_first_without_deleted(tmp_path):
    path = tmp_path / "j.jsonl"
    writer = dry_publisher("acct-x", journal=path)
    a, b, c = (writer.publish_post(t) for t in ("a", "b", "c"))
    writer.delete(b.remote_id)
    dry_publisher("acct-fb", journal=path).publish_post("other account")
    # a "restarted process": a new publisher over the same file
    reader = dry_publisher("acct-x", journal=Journal(path))
    assert [(p.remote_id, p.text) for p in reader.recent_posts()] == [(c.remote_id, "c"), (a.remote_id, "a")]


def test_a_post_recorded_by_a_killed_process_is_found_after_restart(tmp_path):
    path = tmp_path / "j.jsonl"
    script = textwrap.dedent(f"""
        import os
        from tests.publish_support import dry_publisher
        from pathlib import Path
        dry_publisher("acct-x", journal=Path({str(path)!r})).publish_post("sent just before the kill")
        os.kill(os.getpid(), 9)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True)
    assert done.returncode == -9
    found = dry_publisher("acct-x", journal=path).recent_posts()
    assert [p.text for p in found] == ["sent just before the kill"]


def test_photo_in_dry_run_records_a_file_summary(tmp_path):
    image = tmp_path / "card.png"
    image.write_bytes(b"\x89PNG....")
    journal = Journal()
    dry_publisher("acct-x", journal=journal).publish_post("with card", media=[Media(str(image), "alt")])
    upload, meta, tweet = journal.recorded
    assert upload["url"] == "https://api.x.com/2/media/upload"
    assert upload["body"]["media"] == {"file": "card.png", "bytes": 8, "content_type": "image/png"}
    assert meta["body"]["metadata"] == {"alt_text": {"text": "alt"}}
    assert tweet["body"]["media"]["media_ids"] == [upload["synthetic_id"]]


def test_env_var_enables_the_journal_file(tmp_path, monkeypatch):
    path = tmp_path / "env.jsonl"
    monkeypatch.setenv("BOT_DRYRUN_JOURNAL", str(path))
    settings = make_settings()
    create_publisher(settings.account("acct-x"), settings, environ={}, dotenv_path=None).publish_post("hi")
    assert json.loads(path.read_text())["body"] == {"text": "hi"}


def test_dry_run_without_credentials_uses_placeholders():
    settings = make_settings()
    publisher = create_publisher(settings.account("acct-x"), settings, environ={}, dotenv_path=None)
    assert publisher.credentials.placeholder
    assert publisher.publish_post("hi").remote_id


@pytest.mark.parametrize(
    ("text", "plan"),
    [
        ("transient=0.1,ambiguous=0.05,seed=7", FaultPlan(0.1, 0.05, 7)),
        ("seed=3", FaultPlan(0, 0, 3)),
    ],
)
def test_fault_plan_parses(text, plan):
    parsed = FaultPlan.parse(text)
    assert (parsed.transient, parsed.ambiguous, parsed.seed) == (plan.transient, plan.ambiguous, plan.seed)


@pytest.mark.parametrize("text", ["transient=x", "boom=0.1", "transient=0.8,ambiguous=0.5", "transient=-1"])
def test_bad_fault_plans_are_config_errors(text):
    with pytest.raises(ConfigError, match="BOT_DRYRUN_FAULTS"):
        FaultPlan.parse(text)


def test_fault_plan_is_deterministic_with_a_seed():
    a, b = FaultPlan(0.3, 0.3, seed=7), FaultPlan(0.3, 0.3, seed=7)
    assert [a.draw("POST") for _ in range(50)] == [b.draw("POST") for _ in range(50)]
    assert {a.draw("POST") for _ in range(200)} == {None, "transient", "ambiguous"}
    assert FaultPlan(1.0, 0, seed=1).draw("GET") is None  # lookups are never faulted


def test_transient_fault_is_not_recorded_and_retries_run_out():
    journal = Journal()
    publisher = dry_publisher("acct-x", journal=journal, faults=FaultPlan(transient=1.0, seed=1))
    with pytest.raises(Transient, match="connection failed"):
        publisher.publish_post("never arrives")
    assert journal.recorded == []


def test_ambiguous_fault_is_recorded_then_found_by_the_lookup():
    journal = Journal()
    publisher = dry_publisher("acct-x", journal=journal, faults=FaultPlan(ambiguous=1.0, seed=1))
    with pytest.raises(Ambiguous):
        publisher.publish_post("reached the platform")
    assert len(journal.recorded) == 1  # not retried
    assert [p.text for p in publisher.recent_posts()] == ["reached the platform"]


def test_env_var_enables_faults(monkeypatch):
    monkeypatch.setenv("BOT_DRYRUN_FAULTS", "ambiguous=1,seed=2")
    with pytest.raises(Ambiguous):
        dry_publisher("acct-fb").publish_post("x")


def test_publish_a_whole_draft_in_dry_run():
    journal = Journal()
    posts = dry_publisher("acct-x", journal=journal).publish(Draft("x", "highlight", "r", ("one", "two")))
    assert journal.recorded[1]["body"]["reply"]["in_reply_to_tweet_id"] == posts[0].remote_id


@pytest.mark.parametrize("account", ["acct-x", "acct-fb"])
def test_created_then_5xx_fault_is_ambiguous_and_the_post_is_found(account):
    """The platform created the post, then answered 502: never retried blindly, found by the lookup."""
    journal = Journal()
    publisher = dry_publisher(account, journal=journal, faults=FaultPlan.parse("created_then_5xx=1,seed=3"))
    with pytest.raises(Ambiguous, match="502"):
        publisher.publish_post("R&D <up> & on", link="https://example.org/r?a=1&b=2")
    assert len(journal.recorded) == 1  # not retried
    [found] = publisher.recent_posts()
    assert found.text.startswith("R&D <up> & on") and found.links == ("https://example.org/r?a=1&b=2",)
