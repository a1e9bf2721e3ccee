"""Compression before truncation: make a long finding fit by removing what a sub-editor would remove.

A finding that is too long for its post loses, one kind at a time and only until it fits:
1. openers ("In addition,", "また、") and asides in brackets ("(HISA)", 「（2024年）」);
2. appositives after a name ("Ms Raman, Director of Digital Infrastructure at the Forum, said …");
3. lists of examples ("such as CPTPP and IPEF", "including …", "exemplified by …"; 「AやBなど」 → 「Aなど」);
4. the speaker after the point (", Ms Nair said,") and concessive lead-ins ("While X, Y" → "Y"; 「〜ものの、」);
5. reporting frames ("Participants agreed that X" → "X"; 「〜との意見が示された」 → 「〜。」) and trailing clauses
   (", adding that …", ", which …").
Each step keeps the main clause and its predicate: a removal that would take a verb with it (a list running
into "was emphasised") is not made. Only when all of that is not enough does `fit.shorten` cut with "…", and
never before the main predicate (`has_predicate`). Deterministic; English and Japanese.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|being|will|would|should|must|can|could|may|might|shall|has|have|had|does|do|"
    r"did|remains?|needs?|requires?|cannot|agreed|warned|said|argued|called|urged|noted|stressed|recommended|"
    r"concluded|suggested|cautioned|expressed|voiced|emphasi[sz]ed|underlined|highlighted|reaffirmed|deemed|"
    r"anticipated|expected|announced|confirmed|decided|proposed|[a-z]{3,}ed)\b"
)
_OPENER_EN = re.compile(
    r"^(?:Finally|Lastly|Also|In addition|Additionally|Furthermore|Moreover|Meanwhile|At the same time|However|"
    r"Nevertheless|Still|Indeed|In particular|Overall|In short|On (?:the )?[a-z][\w -]{2,30}|In (?:the )?"
    r"(?:discussion|debate|session|Q&A)[^,]{0,40}),\s+",
    re.IGNORECASE,
)
_PAREN = re.compile(r"\s*\([^()]{1,120}\)")
_DASH_ASIDE = re.compile(r"\s[—–]\s[^—–]{1,120}?\s[—–](?=\s)")
# "Name Name, <role>, verb": the role between commas right after a capitalised name, with a verb after it. The
# role starts lower-case ("a senior analyst at …", "who chaired …", "chair of …") or is a capitalised title with
# "of/at/for" ("Director of Digital Infrastructure at …"): never a bare name, so "Japan, Korea, agreed" stays.
_APPOSITIVE = re.compile(
    r"(?P<name>\b(?:[A-Z][\w'’.-]+\s){0,3}[A-Z][\w'’.-]+),\s"
    r"(?P<role>[a-z][^,;]{2,110}?|[A-Z][^,;]{0,60}?\b(?:of|at|for)\b[^,;]{2,80}?),"
    r"(?=\s(?:[a-z]+ly\s)?(?:said|says|told|noted|argued|warned|stressed|urged|called|recommended|cautioned|added|"
    r"explained|suggested|proposed|insisted|observed|pointed|emphasi[sz]ed|agreed|believes?|thinks?|expects?|"
    r"described|welcomed|announced|confirmed|was|is|has|had|will|would|also)\b)"
)
_EXAMPLES = re.compile(r",?\s(?:such as|including|exemplified by|for example|for instance|e\.g\.,?)\s", re.I)
_LIST_AND = re.compile(r"\s(?:and|or)\s")
_TRAILING_SPEAKER = re.compile(
    r",\s(?:(?:[A-Z][\w'’.-]*|the|of|a|an)\s){0,5}(?:he|she|they|[A-Z][\w'’.-]*)\s(?:said|says|noted|argued|"
    r"stressed|warned|reported|told \w+|insisted|added|explained|observed|suggested|cautioned|believes|thinks)"
    r"(?=[,.;])|"
    # "…, said Dr X, a professor at Y." / "…, speakers told the Committee today as it began its debate."
    r",\s(?:said|says|according to)\s[A-Z][^;]*$|,\s(?:speakers|participants|delegates|panell?ists|experts|he|she|"
    r"they)\s(?:told|said|warned|argued)\b[^;]*$"
)
_CONCESSIVE_LEAD = re.compile(r"^(?:While|Although|Though|Even though|Whereas|Despite|Notwithstanding)\b")
_CONCESSIVE_MID = re.compile(
    r",?\s(?:while|although|though|even though|whereas|despite)\s[^,;]{3,160}?,(?=\s)", re.IGNORECASE
)
_FRAME_EN = re.compile(
    r"^(?:[A-Z][^,;]{0,70}?\s)?(?:also\s)?(?:said|says|argued|noted|stressed|emphasi[sz]ed|warned|cautioned|agreed|"
    r"concluded|observed|pointed out|believed|believes|insisted|maintained|underlined|underscored|explained|"
    r"reported|acknowledged|recognised|recognized|felt|were concerned|was concerned)\s(?:that\s)"
)
_TRAILING_CLAUSE = re.compile(
    r",\s(?:adding|noting|arguing|stressing|warning|saying|citing|which|with|as|given|particularly|especially|"
    r"not least|since|whereas|because|similar to|like|unlike|compared with|in line with)\b[^;]*$"
)

_JA_OPENER = re.compile(r"^(?:また|さらに|加えて|なお|一方|最後に|特に|そのうえで|その上で)、")
_JA_PAREN = re.compile(r"[（(][^（）()]{1,80}[）)]")
_JA_NADO = re.compile(r"([^、。「」（）]{1,30}?)や[^、。「」（）]{1,60}?など")
_JA_TOPIC_LEAD = re.compile(r"^[^、。「」]{1,20}?(?:では|でも|からは|によれば|によると)、")
# Not "が、": after a subject ("日本政府が、…") it would take the subject away.
_JA_CONCESSIVE = re.compile(r"^[^。「」]{4,120}?(?:ものの|一方で?|つつも?|ながらも?|にもかかわらず|とはいえ)、")
_JA_FRAME_END = re.compile(
    r"(?:との|という)(?:意見|指摘|認識|見方|見解|声|提言|懸念|考え|主張|報告|説明|試算)(?:が|も)(?:多く|相次いで|改めて)?"
    r"(?:示され|出され|あっ|聞かれ|相次ぎ|相次い|表明され|寄せられ|述べられ|なされ)(?:た|ました|だ)?(?:。)$"
)
_JA_SAID_END = re.compile(
    r"と(?:述べ|指摘し|強調し|訴え|語|論じ|説明し|警告し|主張し|報告し|警鐘を鳴らし|呼びかけ)"
    r"(?:た|ました|っ(?:た|ています))。$"
)
_JA_SPEAKER_LEAD = re.compile(
    r"^[^、。「」]{1,30}?(?:氏|教授|准教授|大臣|会員|代表|さん|理事長|所長|局長|長官)(?:は|から(?:は)?)、"
)


_MIN_LEFT = {"en": 20, "ja": 8}  # characters a compressed finding keeps at least


@dataclass(slots=True)
class Compressed:
    """The text after compression and the names of the steps that were applied, in order."""

    text: str
    steps: list[str] = field(default_factory=list)


def _remove_examples(text: str) -> str:
    """Drop a "such as …" list when it closes at a comma or the sentence end, never taking a verb with it."""
    for match in _EXAMPLES.finditer(text):
        start = match.start()
        rest = text[match.end() :]
        and_at = _LIST_AND.search(rest)
        search_from = and_at.end() if and_at else 0
        close = re.search(r",\s|[.;!?]$|[.;!?]\s", rest[search_from:])
        if close is None:
            continue
        end = match.end() + search_from + close.start()
        removed = text[start:end]
        if _VERB.search(removed.split(" ", 2)[-1] if removed else "") or " that " in removed:
            continue
        if text[start : start + 1] == "," and text[end : end + 1] == ",":
            end += 1  # ", such as A and B, would cut" → " would cut": the list's commas go with it
        return text[:start] + text[end:]
    return text


def _remove_appositive(text: str) -> str:
    match = _APPOSITIVE.search(text)
    if not match or not _VERB.search(text[match.end() :]):
        return text
    return text[: match.end("name")] + text[match.end() :]


def _remove_concessive(text: str) -> str:
    """"While X, Y" → "Y"; "A and, while X, B" → "A and B" (the concession gives way to the point)."""
    if _CONCESSIVE_LEAD.match(text):
        comma = _main_comma(text)
        if comma is not None:
            return _capitalise(text[comma + 1 :].lstrip())
    match = _CONCESSIVE_MID.search(text)
    if match and _VERB.search(text[: match.start()]) and text[match.end() :].strip():
        return text[: match.start()] + text[match.end() :]
    return text


def _main_comma(text: str) -> int | None:
    """The comma that closes a leading subordinate clause: the first one followed by a clause with a verb."""
    for match in re.finditer(r",\s", text):
        rest = text[match.end() :]
        if len(rest.split()) >= 4 and _VERB.search(rest) and not rest.startswith(("and ", "or ", "but ")):
            return match.start()
    return None


def _remove_frame(text: str) -> str:
    match = _FRAME_EN.match(text)
    if not match:
        return text
    rest = text[match.end() :]
    if len(rest.split()) < 5 or not _VERB.search(rest):
        return text
    return _capitalise(rest)


def _end_sentence(changed: str, before: str) -> str:
    """`changed` with the sentence's final punctuation back when the removal ran to the end."""
    end = before.rstrip()[-1:]
    return changed if changed.rstrip()[-1:] in ".!?" or end not in ".!?" else changed.rstrip() + end


def _remove_trailing_clause(text: str) -> str:
    match = _TRAILING_CLAUSE.search(text)
    if not match or not _VERB.search(text[: match.start()]):
        return text
    return text[: match.start()] + "."


def _sub_once(pattern: re.Pattern[str], replacement: str) -> Callable[[str], str]:
    def step(text: str) -> str:
        return pattern.sub(replacement, text, count=1)

    return step


def _sub_all(pattern: re.Pattern[str], replacement: str) -> Callable[[str], str]:
    def step(text: str) -> str:
        return pattern.sub(replacement, text)

    return step


def _ja_frame(text: str) -> str:
    for pattern in (_JA_FRAME_END, _JA_SAID_END):
        if pattern.search(text):
            body = pattern.sub("。", text)
            body = _JA_SPEAKER_LEAD.sub("", body) if pattern is _JA_SAID_END else body
            return body if len(body) > 10 else text
    return text


def _ja_concessive(text: str) -> str:
    match = _JA_CONCESSIVE.match(text)
    if not match or len(text) - match.end() < 15:
        return text
    return text[match.end() :]


_STEPS_EN: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("opener", _sub_once(_OPENER_EN, "")),
    ("parenthetical", _sub_all(_PAREN, "")),
    ("dash aside", _sub_all(_DASH_ASIDE, "")),
    ("appositive", _remove_appositive),
    ("examples", _remove_examples),
    ("speaker after the point", lambda text: _end_sentence(_TRAILING_SPEAKER.sub("", text, count=1), text)),
    ("concessive lead-in", _remove_concessive),
    ("reporting frame", _remove_frame),
    ("trailing clause", _remove_trailing_clause),
)
_STEPS_JA: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("opener", _sub_once(_JA_OPENER, "")),
    ("parenthetical", _sub_all(_JA_PAREN, "")),
    ("examples", _sub_all(_JA_NADO, r"\1など")),
    ("topic lead-in", _sub_once(_JA_TOPIC_LEAD, "")),
    ("reporting frame", _ja_frame),
    ("concessive lead-in", _ja_concessive),
)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([,.;:!?])", r"\1", " ".join(text.split()))
    text = re.sub(r",\s*,", ",", text)
    return _capitalise(text.lstrip(", "))


def compress(text: str, language: str, fits: Callable[[str], bool]) -> Compressed:
    """Apply the steps for `language` one by one until `fits(text)`; the result may still not fit (then the
    caller truncates). A step that changes nothing, or would leave too little, is skipped."""
    language = "ja" if language == "ja" else "en"
    steps = _STEPS_JA if language == "ja" else _STEPS_EN
    result = Compressed(text=text)
    for name, step in steps:
        if fits(result.text):
            break
        changed = step(result.text)
        changed = changed if language == "ja" else _tidy(changed)
        if changed != result.text and len(changed) >= _MIN_LEFT[language] and has_predicate(changed, language):
            result.text = changed
            result.steps.append(name)
    return result


def has_predicate(text: str, language: str) -> bool:
    """Whether `text` still carries a main predicate: an English finite verb, or a Japanese sentence ending in
    its predicate (not cut off mid-sentence)."""
    if language == "ja":
        ends_in_predicate = re.search(r"(?:た|だ|る|い|す|う|ん|ず|ぬ)[。」』）)]*$", text)
        return bool(ends_in_predicate) and not text.endswith("…")
    return bool(_VERB.search(text))
