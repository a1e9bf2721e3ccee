"""Sentences that describe the event rather than say something never become findings, even when they carry
finding-like words; `bot findings --all` names the rule that dropped each one (English and Japanese)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main as bot
from bot.content.findings import explain_ranking, rank_findings
from bot.content.neverpost import never_rule
from bot.content.report import Report


@pytest.mark.parametrize(
    ("sentence", "rule"),
    [
        ("First to speak was Dr Olu Bakare, head of the Lagos Port Forum, who stressed that he spoke for himself.",
         "speaker introduction"),
        ("The panel included a shipping lawyer, a naval historian and two insurers.", "panel line-up"),
        ("This was followed by a discussion on the cost of insurance.", "agenda/transition"),
        ("For example, Ms Lund recalled a ferry that had waited nine days for a permit.", "anecdote/example"),
        ("The forum drew about 400 delegates from 30 countries.", "attendance"),
        ("The organisers thanked the city of Bergen for hosting the meeting.", "thanks/logistics"),
        ("A lively discussion ensued among the participants.", "meta-discussion"),
        ("Dr Kahn presented results from a survey of harbour pilots.", "speaker and topic, no claim"),
        ("最後に、司会者が登壇者への謝意を述べて閉会した。", "thanks/logistics"),
        ("会場には約150名が参加した。", "attendance"),
        ("例えば、ある漁村では若者が一人もいなくなったという。", "anecdote/example"),
    ],
)  # fmt: skip
def test_each_kind_of_never_post_sentence_is_named(sentence: str, rule: str) -> None:
    assert never_rule(sentence, "ja" if "。" in sentence else "en") == rule


@pytest.mark.parametrize(
    ("sentence", "rule"),
    [
        ("The Minister welcomed the delegation and expressed deep appreciation for Kestria's help after the floods.",
         "courtesies"),
        ("Ambassador Lund conveyed his government's warm greetings, saying relations should grow closer still.",
         "courtesies"),
        ("The two sides agreed to hold their third round of talks in Oslo in the spring.", "next meeting"),
        ("The working group will reconvene in March to review progress.", "next meeting"),
        ("Hundreds of farmers and traders filled the Corn Exchange for the hearing.", "crowd"),
        ("The lecture theatre was packed long before the minister arrived.", "crowd"),
        ("Dr Sato opened by saying that she had nearly missed her train that morning.", "speaker opening"),
        ("The chair closed the session by wishing everyone a safe journey home, as snow was forecast.",
         "speaker opening"),
        ("During the Q&A, a nurse asked whether hospitals should stockpile antibiotics.", "question from the floor"),
        ("Another participant wanted to know what towns must do before the next flood.", "question from the floor"),
        ("Several fishermen recalled the winter when the harbour froze for six weeks.", "recollection"),
        ("Moving to the final item on the agenda, the chair invited comments on the budget.", "chairing"),
        ("Session 2C of the congress explored how ports can cut their emissions.", "chairing"),
        ("Both leaders agreed to meet again on the margins of the autumn summit.", "next meeting"),
        ("A question from the audience concerned the price of the new ferries.", "question from the floor"),
        ("The moderator then turned to the third theme, insurance.", "chairing"),
        ("冒頭、知事は大使の来訪を歓迎するとともに、長年の協力に敬意を表しました。", "courtesies"),
        ("両者は、次回会合を来年秋に港北市で開催することで一致しました。", "next meeting"),
        ("会場は満席となり、立ち見も出るほどでした。", "crowd"),
        ("学部長は「地域とともに歩む大学でありたい」と挨拶しました。", "speaker opening"),
        ("会場からは、若者の流出をどう防ぐべきかとの質問が出されました。", "question from the floor"),
        ("教授は、若い頃に漁船に乗っていた当時の経験を振り返り、海の厳しさを語りました。", "recollection"),
        ("知事は、来日中のノルランド王国の通商大臣と県庁で会談しました。", "chairing"),
    ],
)  # fmt: skip
def test_the_occasion_around_the_talk_is_named(sentence: str, rule: str) -> None:
    """Courtesies, the next meeting, the crowd, openings, questions from the floor, recollections and chairing:
    their shape names them even when they carry "should", "must", 一致 or べき."""
    assert never_rule(sentence, "ja" if "。" in sentence else "en") == rule


@pytest.mark.parametrize(
    "sentence",
    [
        "The minister expressed concern that freight costs would keep rising through the winter.",
        "The Council welcomed the minister's plan to cut port fees by half.",
        "Both sides agreed that tariffs on processed fish should be removed by 2028.",
        "Ports in three countries filled their storage quotas before November.",
        "The mayor opened by saying that the city must stop building on the flood plain.",
        "The minister concluded by saying that the fund must double by 2030.",
        "Several countries pressed for a binding methane target by 2030.",
        "Several students asked about costs, and the speakers agreed that subsidies would not be enough.",
        "The government will put the question to a referendum next year.",
        "The economy resumed with growth of 2 percent after the floods.",
        "Leaders welcomed the delegations' proposal for a joint coast guard.",
        "Responding to a question from the audience, Dr Ruiz said that the treaty must be renegotiated.",
        "両国は関税撤廃に向けた交渉を再開し、年内の妥結を目指すことで合意した。",
    ],
)
def test_findings_that_resemble_the_occasion_are_not_caught(sentence: str) -> None:
    assert never_rule(sentence, "ja" if "。" in sentence else "en") is None


@pytest.mark.parametrize(
    "sentence",
    [
        "Repair capacity, not detection, is now the weakest link in cable security.",
        "Participants agreed that ports should share inspection data within 24 hours.",
        "In the discussion that followed, participants agreed that insurers must price the risk of sabotage.",
        "The representative of Chile, speaking on behalf of a group of coastal states, called for a new fund.",
        "港湾の警備体制を強化すべきだとの提言があった。",
    ],
)
def test_findings_with_the_point_are_not_caught(sentence: str) -> None:
    assert never_rule(sentence, "ja" if "。" in sentence else "en") is None


TRAPS = Report(
    slug="traps", url="https://www.example.org/r", title="Protecting undersea cables",
    paragraphs=(
        "First to speak was Captain Mia Torres of the Coastal Forum, who stressed at the outset that she spoke "
        "in a personal capacity. She recalled that in 2023 a trawler dragged its anchor across two cables, and "
        "urged everyone to remember it.",
        "Repair capacity, not detection, is now the weakest link in cable security across the region. "
        "Participants recommended that governments pool funding for a shared fleet of repair ships. "
        "Concern was expressed that a single deliberate cut could leave an island offline for weeks.",
        "The organisers thanked the speakers and recommended the reception to all participants.",
    ),
)  # fmt: skip


def test_cue_words_inside_an_introduction_or_anecdote_do_not_win() -> None:
    top = [f.text for f in rank_findings(TRAPS)]
    assert len(top) == 3 and all(not t.startswith(("First to speak", "She recalled", "The organisers")) for t in top)
    reasons = {s.sentence.text[:20]: s.dropped for s in explain_ranking(TRAPS)}
    assert reasons["First to speak was C"] == "speaker introduction"
    assert reasons["She recalled that in"] == "anecdote/example"


def test_every_losing_sentence_says_why(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bot(["findings", "tgd5-part3-2-future-of-international-security", "--json", "--all", "--top", "2"])
    sentences = json.loads(capsys.readouterr().out)["sentences"]
    losers = [s for s in sentences if s["rank"] is None]
    assert losers and all(s["dropped"] for s in losers)
    assert {s["dropped"].split(" (")[0] for s in losers} >= {"procedural", "outscored"}
