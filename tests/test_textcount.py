"""X weighted length: the twitter-text conformance suite, current emoji, and the URLs X recognises."""

from __future__ import annotations

import json

import pytest
import yaml

from bot.content.textcount import V2, V3, count_text, is_valid_post, length_for, weighted_length
from bot.content.urlmatch import find_urls
from tests.conftest import SHARED

TWITTER_TEXT = SHARED / "twitter-text"


def _cases(section: str) -> list[pytest.ParameterSet]:
    path = TWITTER_TEXT / "validate.yml"
    if not path.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{path} not present"))]
    tests = yaml.safe_load(path.read_text(encoding="utf-8"))["tests"][section]
    return [pytest.param(case, id=case["description"][:60]) for case in tests]


@pytest.mark.parametrize("case", _cases("WeightedTweetsCounterTest"))
def test_conformance_weighted_v2(case: dict) -> None:
    result = count_text(case["text"], V2)
    assert (result.weighted_length, result.valid) == (case["expected"]["weightedLength"], case["expected"]["valid"])


@pytest.mark.parametrize("case", _cases("WeightedTweetsWithDiscountedEmojiCounterTest"))
def test_conformance_weighted_v3_discounted_emoji(case: dict) -> None:
    result = count_text(case["text"])
    assert (result.weighted_length, result.valid) == (case["expected"]["weightedLength"], case["expected"]["valid"])


@pytest.mark.parametrize("case", _cases("UnicodeDirectionalMarkerCounterTest"))
def test_conformance_directional_markers(case: dict) -> None:
    result = count_text(case["text"])
    assert (result.weighted_length, result.valid) == (case["expected"]["weightedLength"], case["expected"]["valid"])


def test_embedded_config_matches_shared_v3_json() -> None:
    path = TWITTER_TEXT / "v3.json"
    if not path.exists():
        pytest.skip(f"{path} not present")
    config = json.loads(path.read_text(encoding="utf-8"))
    assert [(r["start"], r["end"], r["weight"]) for r in config["ranges"]] == list(V3.ranges)
    assert config["maxWeightedTweetLength"] == V3.max_weighted_length
    assert config["scale"] == V3.scale
    assert config["defaultWeight"] == V3.default_weight
    assert config["transformedURLLength"] == V3.transformed_url_length
    assert config["emojiParsingEnabled"] is V3.emoji_parsing


@pytest.mark.parametrize(
    "emoji",
    [
        "🐦\u200d🔥",  # phoenix (Unicode 15.1 ZWJ sequence)
        "🧑\u200d🧑\u200d🧒",  # family: adult, adult, child (15.1)
        "🙋🏽",  # skin tone
        "👩🏾\u200d💻",  # skin tone + ZWJ
        "🇯🇵",  # flag (regional indicators)
        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # tag sequence (Scotland)
        "#️⃣",  # keycap with VS16
        "1⃣",  # keycap without VS16
        "❤️\u200d🩹",  # mending heart
        "🫨",  # shaking face (15.0)
    ],
)
def test_current_emoji_sequences_count_two(emoji: str) -> None:
    assert weighted_length(emoji) == 2
    assert weighted_length(f"a{emoji}b") == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Japan-US-ROK", 12),
        ("G20 2024 U.S.", 13),
        ("日本語", 6),  # CJK counts 2
        ("カタカナ", 8),
        ("“quotes” — and – dashes…", 25),  # U+2010–201F count 1, the ellipsis U+2026 counts 2
        ("e\u0301", 1),  # NFC: é is one code point
        ("", 0),
        ("   ", 0),
    ],
)
def test_weights(text: str, expected: int) -> None:
    assert weighted_length(text) == expected


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("see example.com today", ["example.com"]),
        ("www.jiia.or.jp/en/", ["www.jiia.or.jp/en/"]),
        ("t.co", ["t.co"]),
        ("foo.co.jp", ["foo.co.jp"]),
        ("foo.jp", []),  # name.ccTLD without scheme or path is not a link
        ("foo.jp/path", ["foo.jp/path"]),
        ("the U.S. and e.g. G20", []),
        ("Node.js", []),
        ("mail me@example.com", []),
        ("#example.com", []),
        ("(https://example.com/a_(b))", ["https://example.com/a_(b)"]),
        ("https://example.com/x.", ["https://example.com/x"]),  # a trailing full stop is not part of it
        ("詳細はexample.comへ", ["example.com"]),
    ],
)
def test_find_urls_like_twitter_text(text: str, urls: list[str]) -> None:
    assert [span.url for span in find_urls(text)] == urls


def test_report_link_with_utm_and_text_fragment_is_one_url_of_23() -> None:
    url = (
        "https://www.jiia.or.jp/en/TGD/tgd5_final.php?8&utm_source=x&utm_medium=social&utm_campaign=tgd5"
        "&utm_content=highlight-1#:~:text=It%20was%20recommended%20that,Japan%2DUS%2DROK%2C%20and%20more"
    )
    spans = find_urls(f"Finding text {url} #Tag")
    assert [s.url for s in spans] == [url]
    assert weighted_length(f"Finding text {url} #Tag") == len("Finding text ") + 23 + len(" #Tag")


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("x" * 280, True),
        ("x" * 281, False),
        ("の" * 140, True),
        ("の" * 141, False),
        ("", False),
        ("ok\ufffe", False),
    ],
)
def test_is_valid_post(text: str, valid: bool) -> None:
    assert is_valid_post(text) is valid


def test_url_at_the_limit() -> None:
    text = "x" * 256 + " https://example.com/" + "p" * 300
    assert weighted_length(text) == 280
    assert is_valid_post(text)
    assert not is_valid_post("x" + text)


def test_length_for_rules() -> None:
    assert length_for("日本 https://example.com", "twitter") == 4 + 1 + 23
    assert length_for("日本 https://example.com", "chars") == 22
    with pytest.raises(ValueError, match="unknown counting rule 'words'"):
        length_for("x", "words")
