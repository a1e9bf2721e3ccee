"""Key findings: the few sentences of a report that carry its conclusions, recommendations, concerns and
expectations — what a communications officer would post.

Method (deterministic, offline, pure Python; see the README "How findings are chosen"):
1. segment the body into sentences; drop procedural ones (who was asked what, moderation, thanks, logistics,
   chrome), editor-`exclude`d ones and fragments;
2. score each with additive, named signals: cue families (recommendation, conclusion, concern, expectation,
   emphasis), centrality (TF-IDF cosine to the rest of the report), topic (similarity to the title and the
   framing sentences, i.e. the question the session asked), specificity (names, acronyms, figures), a small
   lead bonus, a length fit for a post, and a penalty for sentences about the discussion itself;
3. pick greedily by score minus redundancy with the already-picked (MMR); a sentence too similar to a picked
   one is a near-duplicate and is skipped.
Editor-pinned `highlights` replace the ranking altogether.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from bot.content.report import Finding, Report
from bot.content.sentences import split_sentences
from bot.content.signals import Features, analyse, terms, vocabulary

WEIGHTS = {"centrality": 0.8, "topic": 0.4, "specificity": 0.3, "lead": 0.1, "meta": -0.5}
REDUNDANCY_WEIGHT = 0.6
NEAR_DUPLICATE = 0.5  # cosine similarity at or above which a sentence repeats a picked one
MIN_UNITS = 5  # fewer words than this is a fragment, not a finding


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a report: `position` counts sentences across the whole body, `paragraph` is 0-based."""

    text: str
    position: int
    paragraph: int


@dataclass(slots=True)
class ScoredSentence:
    """A sentence with its signals; `dropped` says why it can never be a finding (None if it can)."""

    sentence: Sentence
    score: float = 0.0
    signals: dict[str, float] = field(default_factory=dict)
    dropped: str | None = None
    vector: dict[str, float] = field(default_factory=dict, repr=False)
    similarity: list[float] = field(default_factory=list, repr=False)  # cosine to every sentence, by position


def report_sentences(report: Report) -> list[Sentence]:
    """Every sentence of the body, in order, with its position and paragraph index."""
    sentences: list[Sentence] = []
    for paragraph_index, paragraph in enumerate(report.paragraphs):
        for text in split_sentences(paragraph, report.language):
            sentences.append(Sentence(text=text, position=len(sentences), paragraph=paragraph_index))
    return sentences


def rank_findings(report: Report, top: int = 3) -> list[Finding]:
    """The top `top` findings in rank order; editor-pinned highlights instead, when the report has them."""
    if report.highlights:
        return _pinned(report, top)
    picked = [s for s in explain_ranking(report, top) if s.dropped is None and "rank" in s.signals]
    picked.sort(key=lambda s: s.signals["rank"])
    return [
        Finding(
            text=s.sentence.text,
            score=round(s.score, 3),
            position=s.sentence.position,
            paragraph=s.sentence.paragraph,
            rank=rank,
            signals={k: v for k, v in s.signals.items() if k != "rank"},
        )
        for rank, s in enumerate(picked, 1)
    ]


def explain_ranking(report: Report, top: int = 3) -> list[ScoredSentence]:
    """All sentences, scored, with the picked ones carrying a "rank" signal and the others a `dropped` reason."""
    scored = score_sentences(report)
    _select(scored, top)
    return scored


def score_sentences(report: Report) -> list[ScoredSentence]:
    """Score every sentence with named signals (before redundancy)."""
    language = report.language
    sentences = report_sentences(report)
    features = [analyse(s.text, language) for s in sentences]
    frequency = vocabulary(f.terms for f in features)
    count = len(sentences)
    vectors = [_tfidf(f.terms, frequency, count) for f in features]
    framing = [s.text for s, f in zip(sentences, features, strict=True) if f.procedural or f.meta]
    topic_vector = _tfidf(terms(" ".join([report.title, *framing]), language), frequency, count)
    similarity = _similarity_matrix(vectors)
    centrality = [(sum(row) - 1.0) / (count - 1) if count > 1 else 0.0 for row in similarity]
    topic = [_cosine(v, topic_vector) for v in vectors]
    excluded = [_normalise(e) for e in report.exclude]
    dropped = [_drop_reason(s.text, f, excluded) for s, f in zip(sentences, features, strict=True)]
    eligible = [i for i in range(count) if dropped[i] is None and not features[i].meta]
    # Normalise over the sentences that can win, so the framing sentences do not set the scale.
    max_centrality = max((centrality[i] for i in eligible), default=0.0) or 1.0
    max_topic = max((topic[i] for i in eligible), default=0.0) or 1.0
    scored: list[ScoredSentence] = []
    for i, (sentence, feature) in enumerate(zip(sentences, features, strict=True)):
        signals = dict(feature.cues)
        signals["centrality"] = WEIGHTS["centrality"] * min(centrality[i] / max_centrality, 1.0)
        signals["topic"] = WEIGHTS["topic"] * min(topic[i] / max_topic, 1.0)
        signals["specificity"] = WEIGHTS["specificity"] * min(feature.specific / 4, 1.0)
        signals["lead"] = WEIGHTS["lead"] * (1 - i / count)
        signals["length"] = _length_fit(feature.units)
        if feature.meta:
            signals["meta"] = WEIGHTS["meta"]
        rounded = {k: round(v, 4) for k, v in signals.items() if v}
        scored.append(
            ScoredSentence(
                sentence=sentence,
                score=sum(rounded.values()),
                signals=rounded,
                dropped=dropped[i],
                vector=vectors[i],
                similarity=similarity[i],
            )
        )
    return scored


def _drop_reason(text: str, feature: Features, excluded: list[str]) -> str | None:
    normalised = _normalise(text)
    if any(e and e in normalised for e in excluded):
        return "excluded by editor"
    if feature.procedural:
        return "procedural"
    if feature.units < MIN_UNITS:
        return "fragment"
    return None


def _select(scored: list[ScoredSentence], top: int) -> None:
    """Greedy MMR: best score minus redundancy with the picked; near-duplicates of a picked one are dropped."""
    candidates = [s for s in scored if s.dropped is None]
    picked: list[ScoredSentence] = []
    while candidates and len(picked) < top:
        best, best_value, best_overlap = None, -math.inf, 0.0
        for item in list(candidates):
            overlap = max((item.similarity[p.sentence.position] for p in picked), default=0.0)
            if overlap >= NEAR_DUPLICATE:
                near = max(picked, key=lambda p: item.similarity[p.sentence.position])
                item.dropped = f"near-duplicate of sentence {near.sentence.position}"
                candidates.remove(item)
                continue
            value = item.score - REDUNDANCY_WEIGHT * overlap
            if value > best_value:
                best, best_value, best_overlap = item, value, overlap
        if best is None:
            break
        if best_overlap:
            best.signals["redundancy"] = round(-REDUNDANCY_WEIGHT * best_overlap, 4)
            best.score = best_value
        best.signals["rank"] = len(picked) + 1
        picked.append(best)
        candidates.remove(best)


def _pinned(report: Report, top: int) -> list[Finding]:
    """Editor-pinned highlights, located in the body when they quote a sentence (position -1 otherwise)."""
    sentences = report_sentences(report)
    findings = []
    for rank, text in enumerate(report.highlights[:top], 1):
        wanted = _normalise(text)
        match = next((s for s in sentences if wanted and wanted in _normalise(s.text)), None)
        findings.append(
            Finding(
                text=text,
                score=0.0,
                position=match.position if match else -1,
                paragraph=match.paragraph if match else -1,
                rank=rank,
                signals={"pinned": 1.0},
                pinned=True,
            )
        )
    return findings


def _normalise(text: str) -> str:
    return " ".join(text.replace("’", "'").casefold().split())


def _tfidf(sentence_terms: list[str], frequency: dict[str, int], count: int) -> dict[str, float]:
    vector: dict[str, float] = {}
    for term in sentence_terms:
        vector[term] = vector.get(term, 0.0) + 1.0
    for term, tf in vector.items():
        vector[term] = tf * math.log(1 + count / frequency.get(term, 1))
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {term: v / norm for term, v in vector.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(term, 0.0) for term, v in a.items())


def _similarity_matrix(vectors: list[dict[str, float]]) -> list[list[float]]:
    """Pairwise cosine similarities, each pair computed once."""
    size = len(vectors)
    matrix = [[1.0] * size for _ in range(size)]
    for i in range(size):
        for j in range(i + 1, size):
            matrix[i][j] = matrix[j][i] = _cosine(vectors[i], vectors[j])
    return matrix


def _length_fit(units: float) -> float:
    """Posts want one complete, readable point: very short or very long sentences lose a little."""
    if units < 8:
        return -0.4
    if units < 12:
        return -0.15
    if units > 55:
        return -0.2
    return 0.0
