"""`bot draft`: the readable preview, --json, slug resolution, platform/thread options and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.content.draft import Draft

SLUG = "tgd5-part3-2-future-of-international-security"
REPORT_MD = """---
title: "Part 3: Ukraine and the Middle East: The advent of an era of perennial conflict and the future of international security and cooperation (2) The future of international security and cooperation"
url: https://www.jiia.or.jp/en/TGD/tgd5_final.php?8
event: The 5th Tokyo Global Dialogue
date: 2024-02-29
language: en
---

In the concluding session of the 5th Tokyo Global Dialogue – "The Future of International Security and Cooperation" – the participants were asked what lessons could be drawn from a review of all the discussions in this dialogue. An intense conversation ensued on the roles Japan should play in a world in turmoil and the kinds of partnerships it should build.

While the dysfunction of the United Nations in dealing with perennial international conflicts was pointed out, it was emphasized that the US plays a significant role as a global power despite its domestic political divisions. It was recommended that continuation and strengthening of the US commitment to the Indo-Pacific region be solidified through the Japan-US-ROK, Japan-US-Australia-India and other mini-lateral frameworks formed in recent years in addition to bilateral alliances.

High expectations were voiced regarding Japan’s efforts to promote multilateral cooperation and mini-lateral frameworks, exemplified by the success of last year's G7 Hiroshima Summit and the 2019 G20 Osaka Summit in addition to its maintenance of US engagement through a strong Japan-US partnership. Closer cooperation between Japan and NATO was also anticipated.

Concern was also expressed about the growing protectionist trend within the international community as a whole, and the importance of mini-lateral and multilateral economic frameworks such as CPTPP and IPEF was emphasized with due consideration for a proper balance between such institutions and economic security.
"""


@pytest.fixture
def report_file(project_dir: Path) -> Path:
    path = project_dir / "content" / f"{SLUG}.md"
    path.write_text(REPORT_MD, encoding="utf-8")
    return path


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output_lists_drafts_and_totals(report_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["draft", str(report_file), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    drafts = [Draft.from_dict(d) for d in data["drafts"]]
    assert [(d.platform, d.kind) for d in drafts] == [
        ("x", "announcement"),
        ("x", "highlight"),
        ("x", "highlight"),
        ("x", "highlight"),
        ("facebook", "announcement"),
    ]
    assert all(d.weighted_length <= d.limit and not d.warnings for d in drafts)
    totals = data["totals"]
    assert totals["drafts"] == 5 and totals["posts"] == 5 and totals["warnings"] == 0
    assert totals["cost"] == pytest.approx(4 * 0.20)  # config/bot.toml prices: every X post has a URL
    assert totals["cost_by_platform"] == {"x": pytest.approx(0.8), "facebook": 0.0}


def test_slug_platform_and_thread_options(report_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["draft", SLUG, "--platform", "x", "--thread", "--top", "2", "--json"], capsys)
    assert code == 0
    drafts = json.loads(out)["drafts"]
    assert {d["platform"] for d in drafts} == {"x"}
    assert [d["meta"]["form"] for d in drafts] == ["single", "single", "single", "thread"]
    assert drafts[-1]["parts"][0].startswith("1/3 ")


def test_readable_preview_shows_length_limit_cost_and_totals(
    report_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(["draft", SLUG], capsys)
    assert code == 0
    assert "x · highlight #1" in out and "facebook · announcement" in out
    assert "/280" in out and "/63206" in out
    assert "$0.200" in out
    assert "5 drafts, 5 posts, 0 warnings · estimated cost $0.800 (x $0.800, facebook $0.000)" in out
    assert "link field: https://www.jiia.or.jp/en/TGD/tgd5_final.php?8&utm_source=facebook" in out


def test_preview_shows_warnings(report_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = Path("config/bot.toml")
    config.write_text(
        config.read_text().replace('x_highlight = "{finding} {url} {hashtags}"', 'x_highlight = "Read it! {hashtags}"')
    )
    code, out, _ = _run(["draft", SLUG, "--platform", "x"], capsys)
    assert code == 0
    assert "⚠ missing link back to the report" in out
    assert "⚠ duplicate text: same as draft 2 (highlight)" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["draft", "no-such-report"], "content/no-such-report.md: report file not found"),
        (["draft", "content/missing.md", "--json"], "content/missing.md: report file not found"),
        (["draft", "content/broken.md"], "content/broken.md: "),
        (["draft", SLUG, "--platform", "mastodon"], "mastodon"),
    ],
)
def test_bad_input_exits_2_naming_the_file(
    report_file: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    Path("content/broken.md").write_text("no front matter here\n", encoding="utf-8")
    code, out, err = _run(args, capsys)
    assert code == 2
    assert message in err
    assert out == ""


def test_bad_template_placeholder_exits_2_naming_the_key(report_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = Path("config/bot.toml")
    config.write_text(config.read_text().replace("{finding} {url}", "{finding} {link}"))
    code, _, err = _run(["draft", SLUG], capsys)
    assert code == 2
    assert "templates.x_highlight: unknown placeholder {link}" in err
