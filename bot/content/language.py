"""Which language a report is written in: "ja" or "en" (or the page's declared language for other Latin text).

The institute publishes the same reports in English and Japanese, so the one decision that matters is
Japanese vs not. The script decides: Japanese prose is mostly kana and kanji, English has none, so the share of
those characters among letters is a robust signal that needs no model or download. The HTML `lang` attribute
is used only when the script is inconclusive, because bilingual sites often ship one template `lang` for both
editions (an English page marked `lang="ja"` is common; Japanese text marked `lang="en"` is rarer but seen).
"""

from __future__ import annotations

import re

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_LETTER = re.compile(r"[^\W\d_]")

JAPANESE_SHARE = 0.25  # a share of kana/kanji among letters above this is Japanese text
LATIN_SHARE = 0.02  # below this the text is not Japanese whatever the page says


def detect_language(text: str, declared: str | None = None) -> str:
    """Return "ja" for Japanese text, else the declared primary language (e.g. "fr"), else "en"."""
    sample = text[:20_000]
    letters = len(_LETTER.findall(sample))
    japanese = len(_JAPANESE.findall(sample))
    share = japanese / letters if letters else 0.0
    declared_primary = (declared or "").strip().lower().split("-")[0].split("_")[0] or None
    if share >= JAPANESE_SHARE:
        return "ja"
    if share < LATIN_SHARE:
        return declared_primary if declared_primary and declared_primary != "ja" else "en"
    return declared_primary or "en"
