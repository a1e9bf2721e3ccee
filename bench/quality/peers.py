"""The peers the bot is compared with on the same ingested reports: lead-3 and sumy LexRank/TextRank/Luhn.

sumy is given our sentence splitter (its default English tokenizer downloads nltk data at run time) and, for
Japanese, character-bigram "words" with no stemming, so every method sees exactly the same sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.content.findings import report_sentences
from bot.content.report import Report
from bot.content.sentences import split_sentences

_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['-])*")
_JA_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fffー]+")


class OfflineTokenizer:
    """sumy's tokenizer interface on our splitter: no nltk data needed."""

    def __init__(self, language: str) -> None:
        self.language = "japanese" if language == "ja" else "english"
        self._code = language

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(split_sentences(paragraph, self._code))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        if self._code == "ja":
            runs = _JA_RUN.findall(sentence)
            return tuple(run[i : i + 2] for run in runs for i in range(max(1, len(run) - 1)))
        return tuple(_WORD.findall(sentence))


def _sumy(name: str, language: str) -> Any:
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    cls = {"LexRank": LexRankSummarizer, "TextRank": TextRankSummarizer, "Luhn": LuhnSummarizer}[name]
    if language == "ja":
        summarizer = cls(lambda word: word)
        summarizer.stop_words = ()
    else:
        summarizer = cls(Stemmer("english"))
        summarizer.stop_words = get_stop_words("english")
    return summarizer


def _sumy_top(name: str) -> Callable[[Report, int], list[str]]:
    def top(report: Report, count: int) -> list[str]:
        from sumy.parsers.plaintext import PlaintextParser

        parser = PlaintextParser.from_string(report.body, OfflineTokenizer(report.language))
        return [str(sentence) for sentence in _sumy(name, report.language)(parser.document, count)]

    return top


def lead(report: Report, count: int) -> list[str]:
    return [s.text for s in report_sentences(report)[:count]]


PEERS: dict[str, Callable[[Report, int], list[str]]] = {
    "lead-3": lead,
    "sumy LexRank": _sumy_top("LexRank"),
    "sumy TextRank": _sumy_top("TextRank"),
    "sumy Luhn": _sumy_top("Luhn"),
}
