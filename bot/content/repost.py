"""A visibly different text for posting a highlight again (X refuses duplicate content): a rotating lead-in,
in the post's language, before the same words and link."""

from __future__ import annotations

import re

from bot.content.draft import Draft
from bot.content.fit import shorten
from bot.content.textcount import length_for
from bot.content.urlmatch import find_urls

REPOST_PREFIXES = ("From our report:", "In case you missed it:", "Worth a read:", "Key point from the report:")
# A Japanese post gets Japanese lead-ins: no English frame words in it.
REPOST_PREFIXES_JA = ("報告より：", "改めてご紹介：", "ぜひご一読を：", "報告のポイント：")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_THREAD_NUMBER = re.compile(r"^\d+/\d+ ")


def repost_text(
    draft_or_text: Draft | str, *, attempt: int = 1, max_length: int | None = None, counting: str | None = None
) -> str:
    """A visibly different text for posting the same highlight again (X refuses duplicate content).

    `attempt` (1, 2, …) picks the lead-in ("From our report: …", "In case you missed it: …", …) so successive
    reposts differ from each other too. The text is shortened before its first URL if needed; the URL stays.
    """
    if isinstance(draft_or_text, Draft):
        text = draft_or_text.text
        max_length = max_length or draft_or_text.limit or 280
        counting = counting or draft_or_text.meta.get("counting", "twitter")
    else:
        text = draft_or_text
    limit, rule = max_length or 280, counting or "twitter"
    for known in (*REPOST_PREFIXES, *REPOST_PREFIXES_JA):
        text = text.removeprefix(known + " ")
    text = _THREAD_NUMBER.sub("", text, count=1)
    prefixes = REPOST_PREFIXES_JA if _JAPANESE.search(text) else REPOST_PREFIXES
    prefix = prefixes[(attempt - 1) % len(prefixes)]
    urls = find_urls(text)
    cut = urls[0].start if urls else len(text)
    body, tail = text[:cut].strip(), text[cut:].strip()

    def compose(b: str) -> str:
        return " ".join(p for p in (prefix, b, tail) if p)

    short = shorten(body, lambda b: 0 < length_for(compose(b), rule) <= limit) if body else body
    return compose(short if short is not None else body)
