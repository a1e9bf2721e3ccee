"""A long finding is made to fit by removing what a sub-editor would remove, one kind at a time, keeping the
main clause and its predicate; "…" only as the last resort (English and Japanese)."""

from __future__ import annotations

import pytest

from bot.content.compress import compress, has_predicate


def _under(limit: int):  # type: ignore[no-untyped-def]
    return lambda text: len(text) <= limit


NEVER = _under(0)


@pytest.mark.parametrize(
    ("sentence", "step", "expected"),
    [
        (
            "The coastal guard (founded in 1998 as a fisheries patrol) must double its fleet by 2030.",
            "parenthetical",
            "The coastal guard must double its fleet by 2030.",
        ),
        (
            "Ms Amina Roy, a senior analyst at the Harbour Policy Lab, warned that port fees will rise sharply.",
            "appositive",
            "Ms Amina Roy warned that port fees will rise sharply.",
        ),
        (
            "Shared standards, such as common customs forms and joint inspections, would cut delays at borders.",
            "examples",
            "Shared standards would cut delays at borders.",
        ),
        (
            "While budgets are tight everywhere, the ministers agreed that rail links must come first.",
            "concessive lead-in",
            "The ministers agreed that rail links must come first.",
        ),
        (
            "Ports must share inspection data, said Dr Ana Lee, a lecturer in maritime law at Westport University.",
            "speaker after the point",
            "Ports must share inspection data.",
        ),
        (
            "Tom Reyes, chair of the Harbour Users Group, said fees should fall for small ferry operators.",
            "appositive",
            "Tom Reyes said fees should fall for small ferry operators.",
        ),
        (
            "Grid storage will decide the pace of the transition, Dr Sato said, in every island economy.",
            "speaker after the point",
            "Grid storage will decide the pace of the transition, in every island economy.",
        ),
    ],
)
def test_each_english_step_removes_one_kind_of_aside(sentence: str, step: str, expected: str) -> None:
    result = compress(sentence, "en", _under(len(expected)))
    assert result.text == expected and step in result.steps


def test_steps_stop_as_soon_as_the_text_fits() -> None:
    sentence = "The fund (set up in 2021) should, while small, be doubled, Mr Ito said."
    result = compress(sentence, "en", _under(len(sentence) - 5))
    assert result.steps == ["parenthetical"] and result.text == "The fund should, while small, be doubled, Mr Ito said."


def test_a_reporting_frame_goes_only_when_a_full_clause_remains() -> None:
    result = compress("Participants agreed that the treaty must be ratified before the summit.", "en", NEVER)
    assert result.text == "The treaty must be ratified before the summit." and "reporting frame" in result.steps


def test_a_list_that_runs_into_the_verb_is_kept_so_the_predicate_survives() -> None:
    sentence = "The importance of frameworks such as CPTPP and IPEF was emphasized by every delegation present."
    result = compress(sentence, "en", NEVER)
    assert "was emphasized" in result.text and "examples" not in result.steps


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("港湾の警備体制を強化すべきだとの意見が示された。", "港湾の警備体制を強化すべきだ。"),
        ("北村氏は、送電網の増強なしに目標は達成できないと述べた。", "送電網の増強なしに目標は達成できない。"),
        ("漁業（沿岸漁業を含む）の担い手が不足している。", "漁業の担い手が不足している。"),
        ("鉄道や港湾や空港などの整備が急務だ。", "鉄道などの整備が急務だ。"),
    ],
)
def test_japanese_frames_asides_and_lists_are_removed(sentence: str, expected: str) -> None:
    assert compress(sentence, "ja", _under(len(expected))).text == expected


def test_predicate_check_tells_a_clause_from_a_fragment() -> None:
    assert has_predicate("Repair capacity is the weakest link", "en")
    assert not has_predicate("Repair capacity in the region", "en")
    assert has_predicate("整備が急務だ。", "ja") and not has_predicate("整備が急務…", "ja")


def test_a_long_japanese_finding_is_cut_late_and_keeps_its_recommendation(project_dir, capsys) -> None:  # type: ignore[no-untyped-def]
    """One very long sentence: compression is not enough, so it is cut — at the latest cut that fits and keeps a
    predicate, not at the first one the search happened to test."""
    import json

    from tests.cli_support import run_cli

    body = ("海洋資源に関する専門家会合の報告\n\n"
            "田中氏は、沿岸漁業の持続可能性を高めるにあたっては、漁業者をはじめとする地域の関係者との丁寧な対話が"
            "欠かせず、資源管理の仕組みの整備や若手の担い手の育成、加工施設の近代化などを通じて、地域経済と両立する形で"
            "の改革を進めるべきであり、そうした取り組みなしには将来の安定的な操業は見込めないとの見解を示した上で、"
            "具体的な制度の在り方についても提言を行った。\n")
    source = project_dir / "umi.txt"
    source.write_text(body, encoding="utf-8")
    assert run_cli(capsys, "ingest", str(source), "--url", "https://www.example.org/ja/umi",
                   "--meta", "date=2026-11-20")[0] == 0
    code, out, _ = run_cli(capsys, "draft", "umi", "--platform", "x", "--json")
    highlight = next(d for d in json.loads(out)["drafts"] if d["kind"] == "highlight")
    assert code == 0 and highlight["weighted_length"] <= 280
    assert "進めるべき" in highlight["parts"][0] and highlight["weighted_length"] > 240
