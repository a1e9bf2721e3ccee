"""Reading the rendered text of a report page: which blocks are chrome and which are the report.

The institute's report pages render as: "Event Report", the event name, share buttons ("twitter",
"Facebook"), a date line ("February 29"), the session title, the body, and "back to session list". The same
order appears in a copied .txt, in trafilatura's text of the saved HTML page, and (as イベント報告 … セッション一覧へ
戻る) in the Japanese edition. This module turns such a list of blocks into event, date, title and body, and
drops chrome lines (share buttons, "back to …" links) from any other page's text too.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

_HEADER = re.compile(
    r"(event report|event reports|イベント報告|イベント実施報告|実施報告|開催報告|イベントレポート)", re.IGNORECASE
)
# "Moderator: …", "登壇者：…": labelled lines in a report's header are the line-up, not the event's name.
_LABELLED = re.compile(
    r"^(日時|開催日時|会場|場所|主催|共催|後援|協力|基調講演|パネリスト|登壇者|モデレーター|司会|講師|スピーカー|"
    r"date|time|venue|location|moderator|chair|speakers?|panell?ists?|organi[sz]ers?|hosts?|co-hosted by)\s*[:：]",
    re.IGNORECASE,
)
_NETWORK = (
    r"(?:(?:twitter|x(?: ?\(旧twitter\))?|facebook|linkedin|line|e-?mail|print|whatsapp|bluesky|threads|reddit|"
    r"copy link|ツイート|ポスト|シェア|いいね！?|印刷|はてなブックマーク|メール)(?:でシェア|で共有|をシェア|する)?)"
)
# "Share", "Share this page", "Share: X / Facebook / LinkedIn / Email", "シェア：X | LINE", "Print this page".
_SHARE = re.compile(
    rf"((share|シェア)( this( page| article| story)?)?( on)?\s*[:：]?\s*)?"
    rf"({_NETWORK}(\s*[/|,・、]\s*|\s+)?)*|(print|email|share) this (page|article)|text size\s*:?[\sa]*",
    re.IGNORECASE,
)
_FOOTER = re.compile(
    r"(back to (the )?(session )?list|back to (the )?top|return to (the )?list|page ?top|"
    r"(セッション)?一覧(へ|に)戻る|ページ(の)?(トップ|先頭)へ(戻る)?)",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^[\s•·・*\-–—▶►>]+")

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
_RANGE = r"(?:\s*[–\-~]\s*\d{1,2})?"
_DATE_PATTERNS = (
    (re.compile(rf"^{_WEEKDAY}{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?{_RANGE}(?:,?\s+(\d{{4}}))?$", re.I), "mdy"),
    (re.compile(rf"^{_WEEKDAY}(\d{{1,2}}){_RANGE}\s+{_MONTH},?(?:\s+(\d{{4}}))?$", re.I), "dmy"),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), "iso"),
    (re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日(?:[(（].{1,3}[)）])?$"), "ja"),
    (re.compile(r"^令和(\d{1,2}|元)年(\d{1,2})月(\d{1,2})日(?:[(（].{1,3}[)）])?$"), "reiwa"),
)
_YEAR_NEAR_MONTH = re.compile(rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?{_RANGE},?\s+(\d{{4}})", re.I)
_DATE_IN_LINE = re.compile(
    rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|\d{{4}}年\d{{1,2}}月\d{{1,2}}日",
    re.IGNORECASE,
)
_JA_YEAR = re.compile(r"(\d{4})年(\d{1,2})月")

_PART_EN = re.compile(r"\bPart\s+(\d+)\b", re.I)
_SESSION_EN = re.compile(r"(?:\((\d+)\)|\bSession\s+(\d+)\b)", re.I)
_KANJI_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_PART_JA = re.compile(r"第\s*(\d+|[一二三四五六七八九十]+)\s*部")
_SESSION_JA = re.compile(r"(?:[(（]\s*(\d+)\s*[)）]|セッション\s*(\d+))")


@dataclass(frozen=True, slots=True)
class DateParts:
    """A date as printed on the page; the year is often missing ("February 29")."""

    month: int
    day: int
    year: int | None = None

    def resolve(self, year: int | None) -> dt.date | None:
        """The date in the printed year, else in `year`; None when no year or no such day (Feb 29, 2023)."""
        chosen = self.year or year
        if chosen is None:
            return None
        try:
            return dt.date(chosen, self.month, self.day)
        except ValueError:
            return None


@dataclass(slots=True)
class PageText:
    """The parts of a rendered report page. `event_report` is True when the page had the report header."""

    paragraphs: list[str] = field(default_factory=list)
    title: str | None = None
    event: str | None = None
    date: DateParts | None = None
    event_report: bool = False


def _norm(block: str) -> str:
    return unicodedata.normalize("NFKC", _BULLET.sub("", block)).strip().rstrip(":").strip()


# Lines below a report (or above it) that only invite, credit or disclaim: never report text.
_TRAILER = re.compile(
    r"^(missed it\?|watch|download|subscribe|sign up|register|read more|follow us|contact|donate|rate this|"
    r"related( content| documents| reading)?\s*:|previous\s*:|next( summary| article)?\s*:|tags?\s*:|"
    r"about (the|this|us)|upcoming|back to)\b|©|\bcopyright\b|all rights reserved|not an official record|"
    r"does not necessarily reflect|registered (charity|non-profit)|funded in part by|\bis organi[sz]ed by\b|"
    r"^(関連(記事|リンク)?|前の記事|次の記事|お問い合わせ|タグ)\s*[:：]?|無断転載|一覧(へ|に)戻る|録画|アーカイブ",
    re.IGNORECASE,
)
_PROSE_END = re.compile(r"[.!?。！？][\"'”’)）」』]*$")


def is_prose(block: str) -> bool:
    """A paragraph of the report: ends like a sentence and is long enough to say something (8 words, or 20
    characters of Japanese); headings, bylines, date lines, "4 min read" are not."""
    text = _norm(block)
    if not _PROSE_END.search(text):
        return False
    japanese = sum(1 for char in text if "\u3040" <= char <= "\u9fff")
    return japanese >= 20 if japanese > len(text) / 3 else len(text.split()) >= 8


def trim_page_chrome(paragraphs: list[str]) -> tuple[list[str], DateParts | None]:
    """Drop the page furniture trafilatura keeps around the body of a page without the report header: leading
    blocks before the first paragraph of prose (kicker headings, the headline, bylines, date lines, "4 min
    read") and trailing calls to action, credits and disclaimers. Returns the body and any date line seen."""
    start = next((i for i, block in enumerate(paragraphs) if is_prose(block) and not _TRAILER.search(_norm(block))), 0)
    date = next((d for d in (find_date(b) for b in paragraphs[:start]) if d is not None), None)
    end = len(paragraphs)
    while end > start + 1 and (not is_prose(paragraphs[end - 1]) or _TRAILER.search(_norm(paragraphs[end - 1]))):
        end -= 1
    return paragraphs[start:end], date


def find_date(block: str) -> DateParts | None:
    """A date line, also with a prefix or suffix ("Published 19 November 2026", "May 28, 2026, 6:42 p.m.")."""
    text = _norm(block)
    if len(text) > 60:
        return None
    whole = parse_date_line(text)
    if whole is not None:
        return whole
    match = _DATE_IN_LINE.search(text)
    return parse_date_line(match.group(0)) if match else None


def is_chrome(block: str) -> bool:
    """Share buttons, "back to session list" and the like: lines that are never report text."""
    text = _norm(block)
    return not text or bool(_SHARE.fullmatch(text) or _FOOTER.fullmatch(text))


def parse_date_line(block: str) -> DateParts | None:
    """Read a date line such as "February 29", "29 February 2024", "2024-02-29" or "2024年2月29日"."""
    text = _norm(block)
    for pattern, order in _DATE_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        groups = match.groups()
        if order == "mdy":
            month, day, year = _MONTHS[groups[0].lower()], int(groups[1]), groups[2]
        elif order == "dmy":
            day, month, year = int(groups[0]), _MONTHS[groups[1].lower()], groups[2]
        elif order == "reiwa":  # 令和元年 = 2019
            year, month, day = str(2018 + (1 if groups[0] == "元" else int(groups[0]))), int(groups[1]), int(groups[2])
        else:
            year, month, day = groups[0], int(groups[1]), int(groups[2])
        if 1 <= month <= 12 and 1 <= day <= 31:
            return DateParts(month=month, day=day, year=int(year) if year else None)
    return None


def year_for_month(text: str, month: int) -> int | None:
    """The year printed next to `month` in text such as "held February 28–29, 2024" or "2024年2月"."""
    for match in _YEAR_NEAR_MONTH.finditer(text):
        if _MONTHS[match.group(1).lower()] == month:
            return int(match.group(2))
    for match in _JA_YEAR.finditer(unicodedata.normalize("NFKC", text)):
        if int(match.group(2)) == month:
            return int(match.group(1))
    return None


def title_numbers(title: str) -> tuple[int | None, int | None]:
    """Part and session numbers from a title like "Part 3: … (2) …" or "第3部：…（2）…"."""
    text = unicodedata.normalize("NFKC", title)
    part = session = None
    if match := _PART_EN.search(text):
        part = int(match.group(1))
    elif match := _PART_JA.search(text):
        value = match.group(1)
        part = int(value) if value.isdigit() else _kanji_number(value)
    for pattern in (_SESSION_EN, _SESSION_JA):
        if match := pattern.search(text):
            session = int(match.group(1) or match.group(2))
            break
    return part, session


def _kanji_number(value: str) -> int:
    if value.startswith("十"):
        return 10 + _KANJI_DIGITS.get(value[1:], 0)
    if "十" in value:
        tens, _, ones = value.partition("十")
        return _KANJI_DIGITS[tens] * 10 + _KANJI_DIGITS.get(ones, 0)
    return _KANJI_DIGITS[value]


def parse_page_blocks(blocks: list[str]) -> PageText:
    """Split a page's blocks into header fields and body; chrome and everything after the footer is dropped.

    Without the "Event Report" header all non-chrome blocks up to a footer line are the body.
    """
    blocks = [block.strip() for block in blocks if block.strip()]
    page = PageText()
    index = 0
    while index < len(blocks) and is_chrome(blocks[index]):
        index += 1
    if index < len(blocks) and _HEADER.fullmatch(_norm(blocks[index])):
        page.event_report = True
        index = _read_header(blocks, index + 1, page)
    for block in blocks[index:]:
        if _FOOTER.fullmatch(_norm(block)):
            break
        if not is_chrome(block):
            page.paragraphs.append(block)
    return page


def _read_header(blocks: list[str], index: int, page: PageText) -> int:
    """Event name (the blocks before the date line), the date line, then the session title.

    Without a date line within the next few blocks, the first block is the event and the second the title.
    """
    # Labelled lines ("日時：…", "Moderator: …") are header detail, neither the event nor the title.
    candidates = [
        i for i in range(index, min(len(blocks), index + 14))
        if not is_chrome(blocks[i]) and not _LABELLED.match(_norm(blocks[i]))
    ][:6]
    date_at = next((i for i in candidates[:4] if parse_date_line(blocks[i]) is not None), None)
    if date_at is not None:
        page.date = parse_date_line(blocks[date_at])
        page.event = " ".join(blocks[i] for i in candidates if i < date_at) or None
        after = [i for i in range(date_at + 1, len(blocks)) if not is_chrome(blocks[i])]
        while len(after) > 1 and _LABELLED.match(_norm(blocks[after[0]])):
            after.pop(0)
    else:
        page.event = blocks[candidates[0]] if candidates else None
        after = candidates[1:2]
    if not after:
        return len(blocks)
    page.title = blocks[after[0]]
    return after[0] + 1
