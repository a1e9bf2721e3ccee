"""Sentence segmentation for English and Japanese report text, offline and deterministic.

Why not nltk's punkt: it downloads its model at run time. Reports are edited prose, so a rule-based splitter
with an abbreviation list is enough and is fast: English breaks after . ! ? (plus closing quotes/brackets)
when the next word starts a sentence and the word before the full stop is not an abbreviation ("Mr.",
"H.E.", "e.g.", "No. 2") or an initialism inside a name ("U.S. Congress"). Japanese breaks after 。！？ only
outside 「」『』（）, so a quoted remark ending in 。 stays inside its sentence.
"""

from __future__ import annotations

import re

# Words that end with a full stop without ending the sentence (compared lower-case, without the dot).
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms mx dr prof sr jr st mt ft hon rev fr amb gen col lt maj capt cmdr adm sgt gov sen rep pres
    vs etc cf al approx dept est fig figs vol vols pp ed eds inc ltd co corp bros univ assn intl
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    e.g i.e h.e h.r.h a.m p.m
    """.split()
)
# Abbreviations only when a number follows ("No. 2", "Art. 9", "p. 12").
_NUMBER_ABBREVIATIONS = frozenset({"no", "nos", "art", "arts", "p", "para", "sec", "ch", "op"})
# After an initialism ("U.S.", "U.K.") a new sentence only starts with one of these words.
_SENTENCE_STARTERS = frozenset(
    """
    the a an this that these those it its they their there he she his her we our i in on at as at by for
    from but however yet so thus therefore meanwhile moreover furthermore also while although when
    if after before since during finally first second third some many most all both each then
    """.split()
)

_EN_BOUNDARY = re.compile(r"""([.!?…]+)(["'”’)\]]*)(\s+)(?=["'“‘(\[]?[A-Z0-9\u3000-\u9fff])""")
_LONGEST_WORD = 64
_WORD_BEFORE = re.compile(r"""([^\s"'“‘(\[]+)$""")
_INITIALISM = re.compile(r"(?:[A-Za-z]\.){2,}$|[A-Z]$")
_NEXT_WORD = re.compile(r"""["'“‘(\[]*([A-Za-z0-9]+)""")
_BLANK_LINES = re.compile(r"\n\s*\n")
_SPACES = re.compile(r"\s+")

_JA_END = frozenset("。！？!?")
_JA_OPEN = "「『（(【〔［〈《“"
_JA_CLOSE = "」』）)】〕］〉》”"


def split_sentences(text: str, language: str) -> list[str]:
    """Split text into sentences; blank lines always separate sentences (they separate paragraphs)."""
    splitter = _split_japanese if language == "ja" else _split_english
    sentences: list[str] = []
    for block in _BLANK_LINES.split(text):
        sentences.extend(s for s in splitter(block) if s)
    return sentences


def _split_english(block: str) -> list[str]:
    text = _SPACES.sub(" ", block).strip()
    sentences: list[str] = []
    start = 0
    for match in _EN_BOUNDARY.finditer(text):
        if not _is_english_boundary(text, match):
            continue
        sentences.append(text[start : match.start(3)].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]


def _is_english_boundary(text: str, match: re.Match[str]) -> bool:
    """Decide whether the punctuation at `match` ends a sentence, looking at the words on both sides."""
    if match.group(1) != ".":
        return True  # ! ? … and runs of dots end the sentence
    # Only the last few dozen characters can hold the word: searching from 0 made long blocks quadratic.
    before = _WORD_BEFORE.search(text, max(0, match.start(1) - _LONGEST_WORD), match.start(1))
    word = before.group(1) if before else ""
    lowered = word.lower()
    next_word_match = _NEXT_WORD.match(text, match.end())
    next_word = next_word_match.group(1) if next_word_match else ""
    if lowered in _ABBREVIATIONS:
        return False
    if lowered in _NUMBER_ABBREVIATIONS and next_word[:1].isdigit():
        return False
    if _INITIALISM.search(word) and not match.group(2):
        # "U.S. Congress" or "John F. Kennedy": continue unless the next word clearly opens a sentence.
        return next_word.lower() in _SENTENCE_STARTERS
    return True


def _split_japanese(block: str) -> list[str]:
    """Break after 。！？ at bracket depth 0, keeping closing brackets/quotes with their sentence."""
    text = "".join(line.strip() for line in block.splitlines())
    sentences: list[str] = []
    depth = 0
    current: list[str] = []
    pending_break = False
    for char in text:
        if pending_break and char not in _JA_END and char not in _JA_CLOSE:
            sentences.append("".join(current).strip())
            current = []
            pending_break = False
        current.append(char)
        if char in _JA_OPEN:
            depth += 1
        elif char in _JA_CLOSE:
            depth = max(0, depth - 1)
        elif char in _JA_END and depth == 0:
            pending_break = True
    sentences.append("".join(current).strip())
    return [s for s in sentences if s]
