"""The interpretable signals behind key findings: cue words, procedural patterns, terms for similarity.

Session reports are written in a reporting register ("It was recommended that…", "Concern was expressed…",
「…と提言された」). The sentences a communications officer posts are the ones carrying a conclusion, a
recommendation, a concern or an expectation, so those cue families are the main signal; each family counts
once per sentence, and extra families count little, so a long sentence cannot win by piling up cue words.
Procedural sentences (who was asked what, who moderated, thanks, logistics, page chrome) are never findings.

Speed: an English sentence is tokenised once; cue words are dictionary/prefix look-ups on its words, and the
slower phrase patterns only run when one of their trigger words is present.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

CUE_WEIGHTS = {
    "recommendation": 1.2,
    "conclusion": 1.0,
    "concern": 1.0,
    "expectation": 1.0,
    "emphasis": 0.6,
    "observation": 0.3,
    "commitment": 1.0,
    "claim": 0.8,
}
CUE_DECAY = 0.25  # the 2nd family found counts a quarter, the 3rd 1/16: one sentence, one point

# English cue lexicon: exact word forms, word prefixes, and multi-word phrases (lower-case).
_CUE_WORDS = {
    "recommendation": "advised advises urge urged urges proposed proposal proposals must should",
    "conclusion": "concluded conclusion conclusions agreed agreement consensus lesson lessons",
    "concern": "concern concerns concerned worry worries worried risk risks threat threats warn warned warns "
    "warning fear fears feared",
    "expectation": "hope hopes hoped prospect prospects",
    "emphasis": "stressed stresses highlighted highlights importance important critical crucial essential vital "
    "indispensable significant deemed",
    "observation": "noted observed argued stated said",
}
_CUE_PREFIXES = {
    "recommendation": ("recommend",),
    "conclusion": ("reaffirm",),
    "concern": ("danger", "protectionis"),
    "expectation": ("expect", "anticipat", "optimis"),
    "emphasis": ("emphasi", "underscor"),
}
_CUE_PHRASES_EN = {
    "recommendation": re.compile(r"\b(call(ed|s)? for|ought to|needs? to)\b"),
    "expectation": re.compile(r"\blook(s|ed|ing)? forward\b"),
    "observation": re.compile(r"\bpointed out\b"),
}
_PHRASE_TRIGGERS = {"recommendation": {"call", "called", "calls", "ought", "need", "needs"},
                    "expectation": {"look", "looks", "looked", "looking"}, "observation": {"pointed"}}  # fmt: skip
_CUES_JA = {
    "recommendation": re.compile(r"提言|提案|べき|求め|必要|呼びかけ"),
    "conclusion": re.compile(r"結論|合意|一致|再確認|確認され|確認し|教訓|反対する"),
    "concern": re.compile(r"懸念|危惧|警鐘|リスク|脅威|憂慮|警告"),
    "expectation": re.compile(r"期待|展望|望まれ|見込|方針を(明らかに|示)"),
    "commitment": re.compile(r"表明し|決定し|合意し|(する|していく)ことを確認|拠出|創設する|設置する"),
    "emphasis": re.compile(r"強調|重要|不可欠|欠かせな|鍵と|肝要"),
    "observation": re.compile(r"指摘|意見が示され|述べられ"),
}
_CUE_WORDS["commitment"] = "announced announces confirmed confirms pledged pledges committed commits decided"
# A plain claim carries its point without a cue word: "Repair capacity, not detection, is now the weakest
# link", "Heat pumps will not spread unless …", "X remains the main obstacle to Y", "…, Ms Nair said" (the
# point first, the speaker after it).
_CLAIM_EN = re.compile(
    r"\b(?:will (?:not|never|remain|need|have to|become|continue)|cannot|can no longer|no longer|remains?|"
    r"unless|only (?:when|if)|rather than|is now|are now|now (?:decides?|drives?)|(?:the )?(?:single )?"
    r"(?:largest|biggest|main|leading|greatest|weakest|primary|clearest) (?:\w+ )?(?:driver|obstacle|cause|"
    r"risk|threat|barrier|problem|message|source|factor|link|reason)|left behind|not\b[^,.]{1,40}, but)\b|"
    r"^[^,]{25,},\s+(?:[A-Z][\w.'’-]*\s+){1,4}(?:said|argued|stressed|warned|noted|reported|told|insisted)\b",
)
# Narration of what someone did on stage ("She described how …", "summarised the session", "showed that"):
# background, rarely the point to post.
_NARRATION_EN = re.compile(
    r"^(?:He|She|They|His|Her|Their)\b|^(?:(?:Mr|Ms|Mrs|Dr|Prof|"
    r"Professor)\.? )?[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)*(?:,[^,]{3,80},)? (?:also )?"
    r"(?:described|summari[sz]ed|briefed|presented|outlined|reviewed|showed|explained|walked|gave)\b|"
    r"\b(?:briefed|summari[sz]ed) the\b"
)
_CLAIM_JA = re.compile(
    r"ではなく|深刻な|決定的|最も(強く|大きな|重要)|欠かせな|左右して|限り|ない限り|不足する|後れを取"
)
_NARRATION_JA = re.compile(r"(を|も)(詳しく)?紹介(し|した|しました)。$|を統計から示し|を説明し(た|ました)。$")
_WORD_FAMILY = {word: family for family, words in _CUE_WORDS.items() for word in words.split()}
_PREFIX_FAMILY = tuple((prefix, family) for family, prefixes in _CUE_PREFIXES.items() for prefix in prefixes)
_ALL_PREFIXES = tuple(prefix for prefix, _ in _PREFIX_FAMILY)

_PROCEDURAL_EN = re.compile(
    r"\b((was|were) asked|moderat(ed|or|ors|ing)|chaired by|(opening|closing|welcome|welcoming) "
    r"(remarks|address|speech)|back to (the )?(session )?list|question[- ]and[- ]answer|q ?& ?a|"
    r"coffee break|lunch break|registration|simultaneous interpretation|introduced the (speakers|panel\w*)|"
    r"the session (began|opened|closed|ended) (with|by)|thanked|(gave|delivered) (a |an )?"
    r"(presentation|speech|keynote)|took the floor|(is|are|were) available (online|on the website))"
)
_PROCEDURAL_TRIGGERS = frozenset(
    "asked moderated moderator moderators moderating chaired remarks address speech back question q break "
    "registration interpretation introduced session thanked presentation keynote floor available".split()
)
_PROCEDURAL_JA = re.compile(
    r"司会|モデレーター|質疑応答|謝辞|閉会|開会|挨拶|一覧(へ|に)戻る|登壇者(の)?紹介|休憩|同時通訳"
)
_META_EN = re.compile(
    r"\b(conversation|discussion|debate|exchange|dialogue)s? (ensued|followed|took place|was held)\b|"
    r"\b(discussed|presented|spoke about|talked about)\b"
)
_META_TRIGGERS = frozenset("ensued followed took held discussed presented spoke talked".split())
_META_JA = re.compile(
    r"議論が(交わされ|行われ)|議論(され|した|となっ|になっ)|話し合われ|意見が交わされ|意見交換|について発言|発表した"
)
# "…について" names what was discussed: in a sentence about the discussion, a cue inside that topic (the べき of
# 「果たすべき役割について議論された」) is the subject of the debate, not a recommendation the session made.
_JA_TOPIC = re.compile(r"^.*(について|に関して|をめぐって|をめぐり)")

STOPWORDS = frozenset(
    """
    a about above after again against all also although am an and any are as at be because been before being
    between both but by can could did do does doing down during each either few for from further had has have
    having he her here hers him his how however i if in into is it its itself just may me might more most my
    no nor not now of off on once only or other our ours out over own per same she so some such than that the
    their theirs them then there these they this those through to too under until up upon very via was we
    were what when where whether which while who whom whose why will with within would yet you your
    one two three well much many made make makes part including regarding whole
    """.split()
)
_EN_TOKEN = re.compile(r"[A-Za-z]+|\d+")
_JA_RUN = re.compile(r"[\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fffー]+")
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ed", "es", "s")
_JA_PROPER = re.compile(r"[\u30a0-\u30ffー]{3,}|[A-Z]{2,}\d*")


@dataclass(frozen=True, slots=True)
class Features:
    """Everything the ranking needs to know about one sentence, computed in one pass."""

    cues: dict[str, float]
    procedural: bool
    meta: bool
    terms: list[str]
    specific: int
    units: float


def analyse(text: str, language: str) -> Features:
    """Tokenise once and derive cues, procedural/meta flags, similarity terms, specificity and length."""
    if language == "ja":
        meta = bool(_META_JA.search(text))
        said = _JA_TOPIC.sub("", text, count=1) if meta else text
        families = {f for f, pattern in _CUES_JA.items() if pattern.search(said)}
        return Features(
            cues=_decayed(families),
            procedural=bool(_PROCEDURAL_JA.search(text)),
            meta=meta,
            terms=terms(text, language),
            specific=len(set(_JA_PROPER.findall(text))),
            units=len(text) / 2,
        )
    tokens = _EN_TOKEN.findall(text.replace("’", "'"))
    lower = text.lower()
    words = {token.lower() for token in tokens}
    return Features(
        cues=_decayed(_english_families(words, lower, text)),
        procedural=bool(words & _PROCEDURAL_TRIGGERS) and bool(_PROCEDURAL_EN.search(lower)),
        meta=bool(words & _META_TRIGGERS) and bool(_META_EN.search(lower)),
        terms=_english_terms(tokens),
        specific=_english_specific(tokens),
        units=float(len(text.split())),
    )


def _english_families(words: set[str], lower: str, text: str) -> set[str]:
    families = {_WORD_FAMILY[word] for word in words if word in _WORD_FAMILY}
    for word in words:
        if word.startswith(_ALL_PREFIXES):
            families.update(family for prefix, family in _PREFIX_FAMILY if word.startswith(prefix))
    for family, pattern in _CUE_PHRASES_EN.items():
        if family not in families and words & _PHRASE_TRIGGERS[family] and pattern.search(lower):
            families.add(family)
    return families


def sentence_shape(text: str, language: str, cues: dict[str, float]) -> tuple[dict[str, float], bool]:
    """The cues with the "claim" family added when the sentence is a plain claim, and whether it narrates what
    someone did on stage. Kept out of `analyse` because the ranking only needs it for its best candidates."""
    claim = _CLAIM_JA if language == "ja" else _CLAIM_EN
    narration = _NARRATION_JA if language == "ja" else _NARRATION_EN
    said = _JA_TOPIC.sub("", text, count=1) if language == "ja" and _META_JA.search(text) else text
    if claim.search(said) and "cue:claim" not in cues:
        cues = _decayed([*(key.removeprefix("cue:") for key in cues), "claim"])
    return cues, bool(narration.search(text))


def _decayed(families: Iterable[str]) -> dict[str, float]:
    ordered = sorted(families, key=lambda family: (-CUE_WEIGHTS[family], family))
    return {f"cue:{family}": round(CUE_WEIGHTS[family] * CUE_DECAY**rank, 4) for rank, family in enumerate(ordered)}


def cue_families(text: str, language: str) -> dict[str, float]:
    """Cue families present in the sentence, each with its decayed contribution (strongest first)."""
    return analyse(text, language).cues


def is_procedural(text: str, language: str) -> bool:
    """Who was asked what, who moderated, thanks, logistics, page chrome: never a finding."""
    return analyse(text, language).procedural


def is_meta(text: str, language: str) -> bool:
    """Sentences about the discussion ("a conversation ensued on…") rather than its content."""
    return analyse(text, language).meta


def terms(text: str, language: str) -> list[str]:
    """Content terms for similarity: stemmed English words without stop words (acronyms kept upper-case,
    so "US" is not the pronoun "us"); for Japanese, character bigrams of kanji/katakana runs."""
    if language == "ja":
        found = [run[i : i + 2] for run in _JA_RUN.findall(text) for i in range(max(1, len(run) - 1))]
        return found + _english_terms(_EN_TOKEN.findall(text))
    return _english_terms(_EN_TOKEN.findall(text.replace("’", "'")))


def _english_terms(tokens: list[str]) -> list[str]:
    found: list[str] = []
    for token in tokens:
        term = _term(token)
        if term:
            found.append(term)
    return found


@functools.lru_cache(maxsize=1 << 16)
def _term(token: str) -> str:
    """The similarity term of one token ("" for a stop word); cached, as a report repeats its words."""
    if len(token) >= 2 and token.isupper():
        return token
    lower = token.lower()
    if lower in STOPWORDS or len(lower) < 2:
        return ""
    return _stem(lower) if lower.endswith(_SUFFIXES) else lower


def _english_specific(tokens: list[str]) -> int:
    """Names, acronyms and figures after the first word (Japan, CPTPP, 2024): concrete points post better."""
    return len({t for t in tokens[1:] if t[0].isupper() or (t.isdigit() and 2 <= len(t) <= 4)})


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def vocabulary(sentences: Iterable[list[str]]) -> dict[str, int]:
    """Document frequency of each term over the sentences."""
    frequency: dict[str, int] = {}
    for sentence_terms in sentences:
        for term in set(sentence_terms):
            frequency[term] = frequency.get(term, 0) + 1
    return frequency
