"""Page furniture around a report — headings, share lines, bylines, date lines, calls to action, credits — never
becomes body text or the title; a Japanese institute page (イベント実施報告) yields its session title."""

from __future__ import annotations

from pathlib import Path

from bot.content.ingest import ingest
from bot.content.pagetext import find_date, is_chrome, parse_date_line, trim_page_chrome

BODY = [
    "Harbour Notes",
    "Ports and the energy transition: what the summit heard",
    "By Lena Ortiz, Staff Reporter",
    "May 28, 2026, 6:42 p.m. ET",
    "4 min read",
    "Port authorities told the summit that shore power will be mandatory for ferries by 2030.",
    "Delegates warned that grid connections, not equipment, are now the bottleneck for every harbour.",
    "Watch the recording of the session on our channel",
    "© 2026 Harbour Notes. All rights reserved.",
]


def test_share_lines_in_any_shape_are_chrome() -> None:
    for line in ("Share: X / Facebook / LinkedIn / Email", "Share this page", "Print this page", "ツイート　シェア　印刷",
                 "X（旧Twitter）でシェア　Facebookでシェア　印刷する"):  # fmt: skip
        assert is_chrome(line), line
    assert not is_chrome("Shipping lines share the cost of new berths.")


def test_leading_headings_bylines_and_trailing_calls_to_action_are_trimmed() -> None:
    body, date = trim_page_chrome(BODY)
    assert body == BODY[5:7]
    assert date is not None and (date.year, date.month, date.day) == (2026, 5, 28)


def test_dates_with_prefixes_and_japanese_eras_are_read() -> None:
    published = find_date("Published 19 November 2026")
    assert published is not None and (published.year, published.month, published.day) == (2026, 11, 19)
    reiwa = parse_date_line("令和8年4月21日")
    assert reiwa is not None and (reiwa.year, reiwa.month, reiwa.day) == (2026, 4, 21)


JA_PAGE = """<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">
<title>第3回海洋対話 第2セッション | 海洋政策研究所</title>
<link rel="canonical" href="https://www.example.org/ja/events/mdx3-2.html"></head>
<body><main><article>
<p>イベント実施報告</p><p>第3回海洋対話</p><p>ツイート　シェア　印刷</p>
<p>司会：山田花子（海洋政策研究所 主任研究員）</p><p>2026年2月18日</p>
<h1>第2セッション「海底ケーブルの防護」</h1>
<p>海底ケーブルの修理能力こそが最大の弱点であり、各国は修理船を共同で確保すべきだとの提言があった。港湾当局と通信事業者の平時からの情報共有が不可欠だとの認識が共有された。</p>
<p>一覧に戻る</p>
</article></main></body></html>
"""


def test_a_japanese_institute_page_gives_event_date_and_session_title(tmp_path: Path) -> None:
    page = tmp_path / "mdx3-2.html"
    page.write_text(JA_PAGE, encoding="utf-8")
    report = ingest(str(page), content_dir=tmp_path / "content").report
    assert report.title == "第2セッション「海底ケーブルの防護」" and report.event == "第3回海洋対話"
    assert str(report.date) == "2026-02-18" and report.language == "ja"
    assert report.paragraphs[0].startswith("海底ケーブルの修理能力") and len(report.paragraphs) == 1
