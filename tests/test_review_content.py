"""Review findings: `bot post` reads `bot draft --json`, posts one X form, deep links only to real text,
Japanese sentences about the discussion do not rank as recommendations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.content.compose import compose_drafts
from bot.content.findings import rank_findings
from bot.content.ingest import ingest
from bot.content.report import Finding, Report
from bot.content.signals import cue_families, is_meta
from bot.settings import settings_from_dict
from tests.cli_support import run_cli as run

REPORT = "content/tgd5-part3-2-future-of-international-security.md"
TWEETS = "https://api.twitter.com/2/tweets"
FIXTURES = Path(__file__).parent / "fixtures" / "reports"




def _x_texts(request: dict) -> str:  # type: ignore[type-arg]
    return str(request["body"]["text"])


# 1. `bot draft --json` → `bot post FILE`


def test_post_reads_what_bot_draft_json_writes(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "draft", REPORT, "--json")
    assert code == 0
    drafted = json.loads(out)["drafts"]
    (project_dir / "d.json").write_text(out, encoding="utf-8")
    code, out, err = run(capsys, "post", "d.json", "--json")
    assert code == 0, err
    requests = json.loads(out)["requests"]
    x_sent = [r for r in requests if r["url"] == TWEETS]
    fb_sent = [r for r in requests if "graph.facebook.com" in r["url"]]
    x_drafts = [d for d in drafted if d["platform"] == "x"]
    assert [_x_texts(r) for r in x_sent] == [p for d in x_drafts for p in d["parts"]]
    fb_draft = next(d for d in drafted if d["platform"] == "facebook")
    assert [(r["body"]["message"], r["body"]["link"]) for r in fb_sent] == [(fb_draft["parts"][0], fb_draft["link"])]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"drafts": [{"platform": "x", "kind": "highlight", "report_slug": "r", "parts": ["a"]}, {"platform": "x"}]}',
            "d.json: drafts[1].kind: missing",
        ),
        (
            '{"drafts": [{"platform": "x", "kind": "highlight", "report_slug": "r"}]}',
            "d.json: drafts[0].parts: missing",
        ),
        (
            '[{"platform": "mastodon", "kind": "highlight", "report_slug": "r", "parts": ["a"]}]',
            "d.json: [0].platform: should be 'x' or 'facebook'",
        ),
        (
            '{"platform": "x", "kind": "highlight", "report_slug": "r", "parts": []}',
            "d.json: parts: should hold at least one non-empty text",
        ),
        (
            '{"platform": "x", "kind": "highlight", "report_slug": "r", "parts": ["a"], "colour": 1}',
            "d.json: colour: unknown field",
        ),
        (
            '{"drafts": [{"platform": "x", "kind": "highlight", "report_slug": "r", "parts": ["a"], '
            '"media": [{"path": "p"}]}]}',
            "d.json: drafts[0].media[0].alt_text: missing",
        ),
        ('{"drafts": {"platform": "x"}}', "d.json: drafts: should be a list of drafts"),
        ('{"drafts": [3]}', "d.json: drafts[0]: should be a draft"),
        ("42", "d.json: not a draft"),
        ('{"drafts": [', "d.json: not valid JSON (line 1"),
    ],
)
def test_malformed_draft_file_names_file_and_field(
    project_dir: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    (project_dir / "d.json").write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "post", "d.json")
    assert code == 2
    assert message in err
    for name in ("KeyError", "TypeError", "ValueError", "ValidationError", "JSONDecodeError"):
        assert name not in err


# 2. one X form: single posts or the thread, never both


def _thread_on(project_dir: Path) -> None:
    config = project_dir / "config" / "bot.toml"
    text = config.read_text(encoding="utf-8")
    assert "thread = false" in text
    config.write_text(text.replace("thread = false", "thread = true"), encoding="utf-8")


def test_with_threads_enabled_post_sends_the_thread_instead_of_the_single_posts(
    project_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _thread_on(project_dir)
    code, out, _ = run(capsys, "post", REPORT, "--platform", "x", "--json")
    assert code == 0
    requests = json.loads(out)["requests"]
    texts = [_x_texts(r) for r in requests]
    assert len(requests) == 4  # 1/4 … 4/4, not the 4 single posts as well
    assert [t.split(" ", 1)[0] for t in texts] == ["1/4", "2/4", "3/4", "4/4"]
    replies = [r["body"].get("reply", {}).get("in_reply_to_tweet_id") for r in requests]
    assert replies[1:] == [r["synthetic_id"] for r in requests[:-1]]


def test_post_from_a_threaded_draft_file_sends_one_form(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "draft", REPORT, "--platform", "x", "--thread", "--json")
    assert code == 0 and len(json.loads(out)["drafts"]) == 5  # bot draft still previews both forms
    (project_dir / "d.json").write_text(out, encoding="utf-8")
    code, out, _ = run(capsys, "post", "d.json", "--json")
    assert code == 0
    assert [_x_texts(r).split(" ", 1)[0] for r in json.loads(out)["requests"]] == ["1/4", "2/4", "3/4", "4/4"]


def test_without_threads_post_sends_the_single_posts(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "post", REPORT, "--platform", "x", "--json")
    assert code == 0
    texts = [_x_texts(r) for r in json.loads(out)["requests"]]
    assert len(texts) == 4 and not any(t.startswith("1/") for t in texts)


def test_form_single_or_thread_can_be_forced(project_dir: Path) -> None:
    from bot.publish.post_now import post_now
    from bot.settings import load_settings

    settings = load_settings(project_dir / "config" / "bot.toml")
    single = post_now(REPORT, settings, platforms=("x",), form="single")
    thread = post_now(REPORT, settings, platforms=("x",), form="thread")
    both = post_now(REPORT, settings, platforms=("x", "facebook"), form="thread")
    assert [o.kind for o in single.outcomes] == ["announcement", "highlight", "highlight", "highlight"]
    assert len(thread.outcomes) == 1 and len(thread.requests) == 4
    assert [o.platform for o in both.outcomes] == ["x", "facebook"]  # the Facebook digest is unaffected


# 3. pinned highlights that are not in the report: no deep link, a warning


def _pinned_report(highlight: str) -> Report:
    return Report(slug="r", url="https://e.org/r?8", title="A report",
                  paragraphs=("Japan should deepen cooperation with its partners. Risks remain.",),
                  highlights=(highlight,))  # fmt: skip


def test_pinned_highlight_not_in_the_report_gets_the_plain_tagged_url_and_a_warning() -> None:
    settings = settings_from_dict({})
    report = _pinned_report("This sentence is not in the report at all.")
    findings = rank_findings(report)
    assert findings[0].position == -1
    draft = compose_drafts(report, findings, settings, platforms=("x",))[1]
    assert draft.deep_link is None and ":~:text=" not in draft.text
    assert draft.link == "https://e.org/r?8&utm_source=x&utm_medium=social&utm_campaign=r&utm_content=highlight-1"
    assert "pinned highlight not found in the report text: no deep link" in draft.warnings


def test_pinned_highlight_quoting_the_report_keeps_its_deep_link() -> None:
    report = _pinned_report("Japan should deepen cooperation with its partners.")
    draft = compose_drafts(report, rank_findings(report), settings_from_dict({}), platforms=("x",))[1]
    assert draft.deep_link is not None and draft.deep_link.endswith(
        ":~:text=Japan%20should%20deepen%20cooperation%20with%20its%20partners"
    )
    assert not draft.warnings


def test_finding_without_position_and_fragments_off_has_no_warning() -> None:
    finding = Finding(text="Elsewhere.", score=0, position=-1, paragraph=-1, rank=1, pinned=True)
    settings = settings_from_dict({"links": {"text_fragments": False}})
    draft = compose_drafts(_pinned_report("x"), [finding], settings, platforms=("x",))[1]
    assert draft.deep_link is None and not draft.warnings


# 4. Japanese: sentences about the discussion are meta, and the cue in their topic does not count

ABOUT_THE_DISCUSSION = "セッションでは、日本が果たすべき役割について議論された。"


@pytest.mark.parametrize(
    "sentence",
    [
        ABOUT_THE_DISCUSSION,
        "地域の安定について話し合われた。",
        "核軍縮のあり方が議論となった。",
        "今後の協力について意見が交わされた。",
        "各国が負うべき責任について議論した。",
    ],
)
def test_japanese_sentences_about_the_discussion_are_meta(sentence: str) -> None:
    assert is_meta(sentence, "ja")
    assert "cue:recommendation" not in cue_families(sentence, "ja")


def test_a_recommendation_after_the_discussion_still_counts() -> None:
    sentence = "地域の安定について議論され、同盟国との連携を強化すべきだと提言された。"
    assert is_meta(sentence, "ja") and "cue:recommendation" in cue_families(sentence, "ja")


def test_japanese_sentence_about_the_discussion_does_not_rank_first() -> None:
    report = Report(
        slug="ja-small", url="https://e.org/ja", title="日本の役割", language="ja",
        paragraphs=(
            f"{ABOUT_THE_DISCUSSION}パネリストからは、同盟国との連携を強化するとの結論が示された。",
            "また、経済安全保障に関する懸念が共有された。若い世代の交流の拡大に期待が表明された。",
        ),
    )  # fmt: skip
    top = rank_findings(report)
    assert ABOUT_THE_DISCUSSION not in [f.text for f in top]
    assert top[0].text.startswith("パネリストからは")


def test_shipped_japanese_fixture_ranks_as_before(tmp_path: Path) -> None:
    report = ingest(str(FIXTURES / "tgd5-part1-1-ja.txt"), content_dir=tmp_path, url="https://e.org/ja").report
    texts = [f.text for f in rank_findings(report, top=6)]
    starts = ["そのうえで、法の支配に", "さらに、経済安全保障の", "日本が長年培ってきた開",
                      "また、グローバル・サウ", "まず、ロシアによるウク", "保護主義の広がりに対す"]  # fmt: skip
    assert len(texts) == len(starts) and all(t.startswith(s) for t, s in zip(texts, starts, strict=True))


def test_form_single_wins_over_templates_thread_and_thread_needs_a_thread(project_dir: Path) -> None:
    from bot.errors import InputError
    from bot.publish.post_now import post_now
    from bot.settings import load_settings

    _thread_on(project_dir)
    settings = load_settings(project_dir / "config" / "bot.toml")
    single = post_now(REPORT, settings, platforms=("x",), form="single")
    assert len(single.requests) == 4 and not any(_x_texts(r).startswith("1/") for r in single.requests)
    (project_dir / "d.json").write_text(
        json.dumps([{"platform": "x", "kind": "highlight", "report_slug": "r", "parts": ["One"]}]), encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"d\.json: no thread to post"):
        post_now("d.json", settings, platforms=("x",), form="thread")


def test_cli_form_option_picks_the_x_form(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _thread_on(project_dir)
    code, out, err = run(capsys, "post", REPORT, "--platform", "x", "--form", "single", "--json")
    assert code == 0, err
    texts = [_x_texts(r) for r in json.loads(out)["requests"] if r["url"] == TWEETS]
    assert len(texts) == 4 and not any(t.startswith("1/") for t in texts)
    code, out, err = run(capsys, "post", REPORT, "--platform", "x", "--json")
    texts = [_x_texts(r) for r in json.loads(out)["requests"] if r["url"] == TWEETS]
    assert [t.split(" ", 1)[0] for t in texts] == ["1/4", "2/4", "3/4", "4/4"]
