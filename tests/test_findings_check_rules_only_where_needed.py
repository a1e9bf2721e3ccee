"""`rank_findings` checks the never-post rules only on sentences that could win a round (the patterns are most
of the ranking's cost), yet picks exactly what checking every sentence picks — in the same order, with the
same scores — on the sample, on reports whose best-scored sentences are never-post traps, and on big ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import findings
from bot.content.findings import explain_ranking
from bot.content.markdown_io import load_report
from bot.content.report import Report

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "tgd5-part3-2-future-of-international-security.md"

TRAPS = Report(
    slug="traps", url="https://www.example.org/traps", title="Harbour resilience roundtable",
    event="Harbour Forum", paragraphs=(
        "First to speak was Dr Olu Bakare, head of the Lagos Port Forum, who stressed that ports must recommend "
        "stronger insurance pools. The forum drew about 400 delegates who urged that harbour pilots be trained "
        "jointly. For example, Ms Lund recalled a ferry that waited nine days, and urged regulators to act.",
        "Participants agreed that a shared register of spare cranes should be created within two years. "
        "It was recommended that insurers and port authorities publish one common outage standard. "
        "Concern was expressed that repair capacity, not detection, is now the weakest link of port security.",
        "The organisers thanked the city of Bergen for hosting the meeting and recommended the harbour tour. "
        "Regional ports should pool their dredging fleets, the participants concluded.",
    ),
)  # fmt: skip


def _picks(report: Report, top: int, every_reason: bool) -> list[tuple[int, int, float]]:
    ranked = explain_ranking(report, top, every_reason=every_reason)
    return sorted((s.signals["rank"], s.sentence.position, s.score) for s in ranked if "rank" in s.signals)


def _big_report(sentences: int) -> Report:
    themes = ["ports", "insurance", "cranes", "pilots", "dredging", "standards", "outages", "registers"]
    paragraphs = []
    for i in range(0, sentences, 6):
        paragraphs.append(" ".join(
            f"{'First to speak was Dr Vale, who stressed that' if (i + j) % 7 == 0 else 'Participants agreed that'} "
            f"{themes[(i + j) % 8]} in region {i + j} should be reviewed by {2027 + (i + j) % 9}."
            for j in range(6)))
    return Report(slug="big", url="https://www.example.org/big", title="Ports", event="Forum",
                  paragraphs=tuple(paragraphs))


@pytest.mark.parametrize("top", [1, 3, 5, 8])
@pytest.mark.parametrize("report", [load_report(SAMPLE), TRAPS, _big_report(600)], ids=["sample", "traps", "big"])
def test_lazy_rule_checks_pick_exactly_what_checking_everything_picks(report: Report, top: int) -> None:
    assert _picks(report, top, every_reason=False) == _picks(report, top, every_reason=True)


def test_the_traps_are_checked_and_dropped_not_picked() -> None:
    picked = {s.sentence.text[:12] for s in explain_ranking(TRAPS, 3, every_reason=False) if "rank" in s.signals}
    assert not picked & {"First to spe", "The forum dr", "For example,", "The organise"}


def test_fewer_sentences_are_checked_than_with_every_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    real = findings.never_rule

    def counting(text: str, language: str) -> str | None:
        checked.append(text)
        return real(text, language)

    monkeypatch.setattr(findings, "never_rule", counting)
    report = _big_report(120)
    explain_ranking(report, 3, every_reason=True)
    every = len(checked)
    checked.clear()
    explain_ranking(report, 3, every_reason=False)
    assert 3 <= len(checked) < every / 4
