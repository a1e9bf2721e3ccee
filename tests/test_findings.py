"""Key findings: the right three on the sample, never procedural or chrome, no near-duplicates, editor wins."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from bot.cli import main as bot
from bot.content.findings import explain_ranking, rank_findings, report_sentences
from bot.content.ingest import ingest
from bot.content.report import Report
from tests.conftest import SAMPLE_REPORT_TXT

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
US_RECOMMENDATION = "It was recommended that continuation and strengthening of the US commitment"
JAPAN_EXPECTATIONS = "High expectations were voiced regarding Japan’s efforts"
TRUMP_CHECKS = "The importance of the US as a global power was reaffirmed"
PROTECTIONISM = "Concern was also expressed about the growing protectionist trend"
PROCEDURAL = "the participants were asked what lessons could be drawn"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Report:
    out = tmp_path_factory.mktemp("content")
    return ingest(str(SAMPLE_REPORT_TXT), content_dir=out, url="https://www.jiia.or.jp/en/TGD/tgd5_final.php?8").report


def _starts(findings: list, prefix: str) -> bool:  # type: ignore[type-arg]
    return any(f.text.startswith(prefix) for f in findings)


def test_sample_top3_are_the_points_a_comms_officer_would_post(sample: Report) -> None:
    top = rank_findings(sample)
    assert len(top) == 3 and [f.rank for f in top] == [1, 2, 3]
    assert _starts(top, US_RECOMMENDATION) and _starts(top, JAPAN_EXPECTATIONS)
    assert _starts(top, TRUMP_CHECKS) or _starts(top, PROTECTIONISM)
    assert [f.score for f in top] == sorted((f.score for f in top), reverse=True)


def test_procedural_and_chrome_sentences_are_never_findings(sample: Report) -> None:
    with_chrome = dataclasses.replace(sample, paragraphs=(*sample.paragraphs, "back to session list"))
    everything = rank_findings(with_chrome, top=50)
    assert not any(PROCEDURAL in f.text for f in everything)
    assert not any("back to session list" in f.text for f in everything)
    reasons = {s.sentence.text: s.dropped for s in explain_ranking(with_chrome, top=50)}
    assert reasons["back to session list"] == "procedural"


def test_findings_explain_themselves(sample: Report) -> None:
    for finding in rank_findings(sample):
        assert any(name.startswith("cue:") for name in finding.signals)
        assert "centrality" in finding.signals
        assert finding.score == pytest.approx(sum(finding.signals.values()), abs=0.01)
        sentences = report_sentences(sample)
        assert sentences[finding.position].text == finding.text
        assert sentences[finding.position].paragraph == finding.paragraph


def test_ranking_is_deterministic(sample: Report) -> None:
    assert rank_findings(sample, top=5) == rank_findings(sample, top=5)


def test_near_duplicates_are_suppressed() -> None:
    duplicate = "It was strongly recommended that Japan and Australia deepen cooperation on maritime security."
    report = Report(
        slug="dup", url="https://example.org/r", title="Maritime security in the Indo-Pacific",
        paragraphs=(
            duplicate,
            "It was recommended that Japan and Australia deepen their cooperation on maritime security.",
            "Concern was expressed about coercion against coastal states in the South China Sea.",
            "High expectations were voiced for the new coast guard training programme in Southeast Asia.",
        ),
    )  # fmt: skip
    top = rank_findings(report, top=3)
    maritime = [f for f in top if "maritime security" in f.text]
    assert len(maritime) == 1
    assert _starts(top, "Concern was expressed") and _starts(top, "High expectations")
    dropped = [s.dropped for s in explain_ranking(report, top=3) if s.dropped]
    assert any(reason.startswith("near-duplicate of sentence") for reason in dropped)


def test_pinned_highlights_replace_the_ranking(sample: Report) -> None:
    pinned = dataclasses.replace(
        sample,
        highlights=("Closer cooperation between Japan and NATO was also anticipated.", "An editor's own words."),
    )
    findings = rank_findings(pinned)
    assert [f.text for f in findings] == list(pinned.highlights)
    assert all(f.pinned for f in findings)
    assert findings[0].position == 5 and findings[0].paragraph == 2
    assert findings[1].position == -1
    assert len(rank_findings(pinned, top=1)) == 1


def test_excluded_sentences_are_never_returned(sample: Report) -> None:
    edited = dataclasses.replace(sample, exclude=("checks and balances in US politics", US_RECOMMENDATION.upper()))
    findings = rank_findings(edited, top=50)
    assert not _starts(findings, TRUMP_CHECKS) and not _starts(findings, US_RECOMMENDATION)
    assert _starts(rank_findings(edited), PROTECTIONISM)


def test_japanese_findings(tmp_path: Path) -> None:
    report = ingest(str(FIXTURES / "tgd5-part1-1-ja.txt"), content_dir=tmp_path, url="https://e.org/ja").report
    top = rank_findings(report)
    texts = [f.text for f in top]
    assert any("提言された" in t for t in texts)
    assert not any("司会" in f.text or "謝辞" in f.text for f in rank_findings(report, top=50))
    assert all(t.endswith("。") for t in texts)


def test_cli_findings_json(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bot(["findings", "tgd5-part3-2-future-of-international-security", "--top", "2", "--json", "--all"])
    data = json.loads(capsys.readouterr().out)
    assert data["report"] == "tgd5-part3-2-future-of-international-security"
    assert [f["rank"] for f in data["findings"]] == [1, 2]
    first = data["findings"][0]
    assert set(first) >= {"text", "score", "position", "paragraph", "signals", "pinned"}
    assert any(s["dropped"] == "procedural" for s in data["sentences"])


def test_cli_findings_table(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bot(["findings", "content/tgd5-part3-2-future-of-international-security.md"])
    out = capsys.readouterr().out
    assert "recommendation" in out and "Part 3" in out


def test_cli_findings_missing_report_exits_2(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        bot(["findings", "content/nope.md"])
    assert exit_info.value.code == 2
    assert "content/nope.md: report file not found" in capsys.readouterr().err
