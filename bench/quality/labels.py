"""Match picked sentences to labelled ones by normalised text overlap (the bot's segmentation may differ).

A pick is judged by the labelled sentences it contains: if it covers most of a `never` sentence it is a
never-post pick (merging one into a finding does not launder it); else if it covers most of a `key` sentence it
is a key pick; else the labelled sentence sharing most of its words decides. Words are NFKC-casefolded word
tokens for English and character bigrams for Japanese.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Any

_WORD = re.compile(r"\w+")
_COVERED = 0.6  # share of a labelled sentence's tokens inside the pick for the pick to "contain" it
_MATCHED = 0.5  # share of the pick's tokens in one labelled sentence for a partial pick to match it


def tokens(text: str, language: str) -> Counter[str]:
    normal = unicodedata.normalize("NFKC", text).casefold()
    if language == "ja":
        compact = "".join(normal.split())
        return Counter(compact[i : i + 2] for i in range(max(1, len(compact) - 1)))
    return Counter(_WORD.findall(normal))


class Labelled:
    """The labelled sentences of one corpus report, ready for matching."""

    def __init__(self, report: dict[str, Any]) -> None:
        self.language = report["language"]
        self.items = [item for paragraph in report["paragraphs"] for item in paragraph]
        self.counts = [tokens(item["text"], self.language) for item in self.items]

    def label(self, pick: str) -> str:
        """"key", "ok", "never" or "unmatched" for one picked text."""
        picked = tokens(pick, self.language)
        size = sum(picked.values()) or 1
        contained = []
        best, best_share = None, 0.0
        for item, counts in zip(self.items, self.counts, strict=True):
            common = sum((picked & counts).values())
            if common / (sum(counts.values()) or 1) >= _COVERED:
                contained.append(item["label"])
            if common / size > best_share:
                best, best_share = item, common / size
        for label in ("never", "key", "ok"):
            if label in contained:
                return label
        return best["label"] if best is not None and best_share >= _MATCHED else "unmatched"

    def keys(self) -> int:
        return sum(1 for item in self.items if item["label"] == "key")
