"""The ranking never builds a sentence-by-sentence matrix: centrality is computed exactly in one pass, and only
the best candidates go through the pairwise and pattern work (sizes and timings: bench/findings_size.py)."""

from __future__ import annotations

import math

from bot.content import findings
from bot.content.findings import _cosine, _mean_similarity, explain_ranking
from bot.content.report import Report


def test_one_pass_centrality_equals_the_mean_of_pairwise_cosines() -> None:
    vectors = [{"a": 0.6, "b": 0.8}, {"a": 1.0}, {}, {"b": 0.28, "c": 0.96}]
    expected = [sum(_cosine(v, w) for j, w in enumerate(vectors) if j != i) / 3 for i, v in enumerate(vectors)]
    assert all(math.isclose(a, b, abs_tol=1e-12) for a, b in zip(_mean_similarity(vectors), expected, strict=True))


def test_a_long_report_picks_from_a_bounded_pool_and_every_loser_has_a_reason(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(findings, "CANDIDATES", 5)
    monkeypatch.setattr(findings, "RULE_CHECKS", 8)
    topics = ["ports", "cables", "fisheries", "grids", "ferries", "storms", "insurers", "pilots"]
    paragraphs = tuple(
        f"Participants warned that {topic} in region {n} need funding before {2030 + n}. "
        f"The session on {topic} was followed by a discussion."
        for n in range(40) for topic in topics
    )  # fmt: skip
    report = Report(slug="big", url="https://www.example.org/big", title="Regional resilience", paragraphs=paragraphs)
    ranked = explain_ranking(report, top=3)
    picked = [s for s in ranked if "rank" in s.signals]
    assert 1 <= len(picked) <= 3  # near-duplicates of the pick leave the pool of 5 early
    assert all(s.dropped for s in ranked if "rank" not in s.signals)
    assert any(s.dropped.startswith("outscored") for s in ranked if s.dropped)
