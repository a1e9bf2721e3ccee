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

Near-linear in the report's size (a 5 MB report ranks in about a second): TF-IDF vectors are unit length, so a
sentence's mean cosine to all others is its dot product with the sum of all vectors (one pass, no matrix);
and the greedy pick only compares the best `CANDIDATES` sentences by score with the few already picked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from bot.content.neverpost import never_rule
from bot.content.report import Finding, Report
from bot.content.sentences import split_sentences
from bot.content.signals import Features, analyse, sentence_shape, terms, vocabulary

WEIGHTS = {"centrality": 0.8, "topic": 0.4, "specificity": 0.3, "lead": 0.1, "meta": -0.5, "narration": -0.4}
REDUNDANCY_WEIGHT = 0.6
NEAR_DUPLICATE = 0.5  # cosine similarity at or above which a sentence repeats a picked one
MIN_UNITS = 5  # fewer words than this is a fragment, not a finding
CANDIDATES = 60  # the greedy pick looks at this many best-scored sentences; the rest lost on score alone
_EPSILON = 1e-9  # below this a similarity is a rounding error, not overlap
RULE_CHECKS = 300  # the never-post rules run on this many best-scored sentences (all of a normal report)


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
    picked = [s for s in explain_ranking(report, top, every_reason=False) if s.dropped is None and "rank" in s.signals]
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


def explain_ranking(report: Report, top: int = 3, *, every_reason: bool = True) -> list[ScoredSentence]:
    """All sentences, scored, with the picked ones carrying a "rank" signal and the others a `dropped` reason.

    `every_reason=False` (what `rank_findings` asks) gives the same picks but checks the never-post rules only
    on the sentences that come close to winning — the patterns are most of the ranking's cost — so the other
    losers' reasons say "outscored" even where a rule would also have dropped them (`bot findings --all`
    asks for every reason)."""
    scored = score_sentences(report)
    pending = _apply_never_rules(scored, report.language, eager=every_reason)
    if every_reason:
        _select(scored, top)
    else:
        _select_checking_rules(scored, top, pending, report.language)
    return scored


def _apply_never_rules(scored: list[ScoredSentence], language: str, *, eager: bool = True) -> set[int]:
    """The sentence-shape signals: a plain claim counts as a cue family, narration of what someone did on
    stage loses a little, and a sentence that describes the event rather than says something is dropped, naming
    the never-post rule (`neverpost`). Checked on the best `RULE_CHECKS` by score — every sentence of a normal
    report; in a huge one the rest lose on score anyway, and the cost of the patterns stays bounded."""
    eligible = sorted((s for s in scored if s.dropped is None), key=lambda s: (-s.score, s.sentence.position))
    pending: set[int] = set()  # positions whose never-post rules are still to check (eager=False)
    for item in eligible[:RULE_CHECKS]:
        text = item.sentence.text
        cues = {k: v for k, v in item.signals.items() if k.startswith("cue:")}
        shaped, narration = sentence_shape(text, language, cues)
        signals = {k: v for k, v in item.signals.items() if not k.startswith("cue:")}
        item.signals = {**shaped, **signals}
        if narration:
            item.signals["narration"] = WEIGHTS["narration"]
        item.score = round(sum(item.signals.values()), 4)
        if eager:
            item.dropped = never_rule(text, language)
        else:
            pending.add(item.sentence.position)
    return pending


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
    centrality = _mean_similarity(vectors)
    topic = [_cosine(v, topic_vector) for v in vectors]
    excluded = [_normalise(e) for e in report.exclude]
    dropped = [_drop_reason(s.text, f, excluded) for s, f in zip(sentences, features, strict=True)]
    eligible = [i for i in range(count) if dropped[i] is None and not features[i].meta]
    # Normalise over the sentences that can win, so the framing sentences do not set the scale.
    max_centrality = max((centrality[i] for i in eligible), default=0.0)
    max_centrality = max_centrality if max_centrality > _EPSILON else 1.0
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
    """Greedy MMR over the best `CANDIDATES` by score: best score minus redundancy with the picked;
    near-duplicates of a picked one are dropped. Every other sentence that could have won says why it lost."""
    eligible = sorted((s for s in scored if s.dropped is None), key=lambda s: (-s.score, s.sentence.position))
    # Position order inside the pool, so that ties go to the earlier sentence.
    candidates = sorted(eligible[:CANDIDATES], key=lambda s: s.sentence.position)
    picked: list[ScoredSentence] = []
    while candidates and len(picked) < top:
        best, best_value, best_overlap = None, -math.inf, 0.0
        for item in list(candidates):
            overlaps = [(_cosine(item.vector, p.vector), p) for p in picked]
            overlap, near = max(overlaps, key=lambda pair: pair[0], default=(0.0, None))
            if near is not None and overlap >= NEAR_DUPLICATE:
                item.dropped = f"near-duplicate of sentence {near.sentence.position}"
                candidates.remove(item)
                continue
            value = item.score - REDUNDANCY_WEIGHT * overlap
            if value > best_value:
                best, best_value, best_overlap = item, value, overlap
        if best is None:
            break
        _take(best, best_value, best_overlap, picked)
        candidates.remove(best)
    last = picked[-1].score if picked else 0.0
    for item in eligible:
        if item.dropped is None and "rank" not in item.signals:
            item.dropped = f"outscored ({item.score:.2f} < #{len(picked)} {last:.2f})"


def _select_checking_rules(scored: list[ScoredSentence], top: int, pending: set[int], language: str) -> None:
    """The picks of `_select`, checking a sentence's never-post rules only when it could win a round.

    Same pool (the best `CANDIDATES` sentences by score that no rule drops), same values and tie-break (the
    earlier sentence). A round walks the sentences best score first and stops at the first whose score is
    below the best value found: a value is the score less a redundancy, so no later one can win."""
    order = sorted((s for s in scored if s.dropped is None), key=lambda s: (-s.score, s.sentence.position))

    def admitted(item: ScoredSentence) -> bool:
        if item.sentence.position in pending:
            pending.discard(item.sentence.position)
            item.dropped = never_rule(item.sentence.text, language)
        return item.dropped is None

    picked: list[ScoredSentence] = []
    while len(picked) < top:
        best, best_value, best_overlap, pool = None, -math.inf, 0.0, 0
        for item in order:
            if "rank" in item.signals:  # already picked (its score now carries its redundancy): in the pool
                pool += 1
                continue
            if item.score < best_value or pool >= CANDIDATES:
                break
            if not admitted(item):
                continue
            pool += 1
            overlap = max((_cosine(item.vector, p.vector) for p in picked), default=0.0)
            if overlap >= NEAR_DUPLICATE:
                continue
            value = item.score - REDUNDANCY_WEIGHT * overlap
            if value > best_value or (value == best_value and best is not None
                                      and item.sentence.position < best.sentence.position):
                best, best_value, best_overlap = item, value, overlap
        if best is None:
            break
        _take(best, best_value, best_overlap, picked)


def _take(best: ScoredSentence, value: float, overlap: float, picked: list[ScoredSentence]) -> None:
    """A round's winner joins the picks with its rank (and its redundancy, which its score now carries)."""
    if overlap:
        best.signals["redundancy"] = round(-REDUNDANCY_WEIGHT * overlap, 4)
        best.score = value
    best.signals["rank"] = len(picked) + 1
    picked.append(best)


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


def _mean_similarity(vectors: list[dict[str, float]]) -> list[float]:
    """Each vector's mean cosine to all the others, exactly, in one pass: the vectors are unit length (or
    empty), so the sum of cosines to all of them is the dot product with their sum, minus the vector's own."""
    count = len(vectors)
    if count < 2:
        return [0.0] * count
    total: dict[str, float] = {}
    for vector in vectors:
        for term, value in vector.items():
            total[term] = total.get(term, 0.0) + value
    # Clamped at 0: without shared terms the difference is a rounding error of either sign (±1e-17).
    means = ((_cosine(v, total) - (1.0 if v else 0.0)) / (count - 1) for v in vectors)
    return [mean if mean > _EPSILON else 0.0 for mean in means]


def _length_fit(units: float) -> float:
    """Posts want one complete, readable point: very short or very long sentences lose a little."""
    if units < 8:
        return -0.4
    if units < 12:
        return -0.15
    if units > 55:
        return -0.2
    return 0.0
