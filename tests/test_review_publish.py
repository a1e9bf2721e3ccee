"""Review findings on publishing: over-length posts are refused before any request (live, dry-run, runner,
`bot post`), and the dry-run journal does not give away a token's length through Content-Length."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses

from bot.content.draft import Draft
from bot.content.textcount import weighted_length
from bot.publish.errors import Rejected
from bot.publish.journal import Journal
from bot.publish.registry import create_publisher
from bot.schedule.clock import FakeClock
from bot.schedule.runner import Runner
from tests import runner_support
from tests.cli_support import run_cli as run
from tests.publish_support import ALL_ENV, FixedClock, dry_publisher, live_publisher, make_settings
from tests.runner_support import T0, add_post, factory, get  # noqa: F401

LINK = "https://example.org/report"
CJK_141 = "日" * 141  # weight 2 each on X: 282; 141 characters on Facebook


def over_x(extra: int = 1) -> str:
    return "a" * (280 + extra)


# ── the publishers: refused before any request ─────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "link", "counted"),
    [
        (over_x(), None, 281),
        (CJK_141, None, 282),
        ("a" * 257, LINK, 281),  # the link is appended to the text on X and counts 23
        ("😀" * 141, None, 282),  # emoji weigh 2
    ],
    ids=["latin", "cjk", "text-plus-link", "emoji"],
)
def test_x_dry_run_refuses_over_the_limit_and_records_nothing(text: str, link: str | None, counted: int) -> None:
    journal = Journal()
    publisher = dry_publisher("acct-x", journal)
    with pytest.raises(Rejected, match=rf"^post is over the limit: {counted}/280$"):
        publisher.publish_post(text, link=link)
    assert journal.entries() == []


def test_x_exactly_at_the_limit_is_sent() -> None:
    journal = Journal()
    text = "a" * 256  # + " " + link (23) = 280
    assert weighted_length(f"{text} {LINK}") == 280
    post = dry_publisher("acct-x", journal).publish_post(text, link=LINK)
    assert post.remote_id and [e["body"]["text"] for e in journal.entries()] == [f"{text} {LINK}"]


def test_x_live_over_the_limit_makes_no_request_not_even_a_media_upload(tmp_path: Path) -> None:
    from bot.content.draft import Media

    image = tmp_path / "card.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, "https://api.twitter.com/2/tweets", json={"data": {"id": "1", "text": "x"}})
        with pytest.raises(Rejected, match="over the limit: 282/280"):
            live_publisher("acct-x").publish_post(CJK_141, media=[Media(path=str(image), alt_text="a")])
        assert len(mock.calls) == 0


def test_thread_part_over_the_limit_stops_the_thread_there() -> None:
    journal = Journal()
    draft = Draft("x", "highlight", "r", ("part one", over_x(5), "part three"))
    with pytest.raises(Rejected, match="285/280"):
        dry_publisher("acct-x", journal).publish(draft)
    assert [e["body"]["text"] for e in journal.entries()] == ["part one"]


def test_facebook_counts_characters_and_refuses_over_its_limit() -> None:
    journal = Journal()
    publisher = dry_publisher("acct-fb", journal)
    publisher.publish_post(CJK_141)  # over X's weighted limit, far under Facebook's
    with pytest.raises(Rejected, match=r"^post is over the limit: 63207/63206$"):
        publisher.publish_post("b" * 63207, link=LINK)
    assert [e["body"]["message"] for e in journal.entries()] == [CJK_141]


# ── the runner: Rejected → failed with the reason, nothing sent ─────────────────────────────────────────


def test_runner_fails_an_over_length_post_with_the_reason_and_sends_nothing(factory):  # noqa: F811
    settings = runner_support.make_settings()
    journal = Journal()
    publisher = create_publisher(settings.account("acct-x"), settings, journal=journal, environ={}, dotenv_path=None)
    too_long = add_post(factory, over_x(20))
    fine = add_post(factory, "a short one")
    runner = Runner(settings, factory, lambda account: publisher, FakeClock(T0))
    runner.run_until_idle()
    row = get(factory, too_long)
    assert row.status == "failed" and row.remote_id is None
    assert "Rejected" in row.last_error and "over the limit: 300/280" in row.last_error
    assert get(factory, fine).status == "posted"
    assert [e["body"]["text"] for e in journal.entries()] == ["a short one"]


# ── `bot post` ─────────────────────────────────────────────────────────────────────────────────────────




def _drafts(path: Path) -> Path:
    drafts = [Draft("x", "highlight", "r", (over_x(),)).to_dict(),
              Draft("x", "announcement", "r", ("Short and fine",)).to_dict()]  # fmt: skip
    path.write_text(json.dumps(drafts))
    return path


def test_bot_post_dry_run_reports_the_over_length_draft_as_failed_and_exits_1(project_dir, capsys):
    code, out, _ = run(capsys, "post", str(_drafts(project_dir / "d.json")), "--platform", "x", "--json")
    data = json.loads(out)
    assert code == 1
    assert [r["status"] for r in data["results"]] == ["failed", "posted"]
    assert data["results"][0]["error"] == "Rejected: post is over the limit: 281/280"
    assert [r["body"]["text"] for r in data["requests"]] == ["Short and fine"]


def test_bot_post_text_output_says_failed_not_would_post(project_dir, capsys):
    code, out, _ = run(capsys, "post", str(_drafts(project_dir / "d.json")), "--platform", "x")
    assert code == 1
    assert "over the limit: 281/280" in out
    assert "1 request(s) recorded" in out and out.count("would post") == 1


# ── the journal: no header measures the unmasked body ──────────────────────────────────────────────────


def _recorded_facebook_post(token: str) -> dict[str, object]:
    settings = make_settings()
    journal = Journal()
    environ = {**ALL_ENV, "BOT_ACCT_FB_PAGE_TOKEN": token}
    publisher = create_publisher(settings.account("acct-fb"), settings, journal=journal, environ=environ,
                                 dotenv_path=None, clock=FixedClock())  # fmt: skip
    publisher.publish_post("Report text", link=LINK)
    [entry] = journal.entries()
    return entry


def test_recorded_headers_do_not_reveal_the_token_length() -> None:
    short = _recorded_facebook_post("fbpage-" + "S" * 13)
    long = _recorded_facebook_post("fbpage-" + "L" * 171)
    headers = {k.lower(): v for k, v in long["headers"].items()}  # type: ignore[attr-defined]
    assert "content-length" not in headers
    assert short["headers"] == long["headers"]
    for entry in (short, long):  # the synthetic ids are time-based snowflakes: unique per request
        entry.pop("synthetic_id"), entry.pop("response_body")
    assert json.dumps(short, sort_keys=True) == json.dumps(long, sort_keys=True)  # nothing else differs either
