"""`bot preview` and `bot card` from the command line: files written, exit codes, messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from tests.cli_support import run_cli as run

SAMPLE = "content/tgd5-part3-2-future-of-international-security.md"
LONG = "Participants discussed the future of international security and cooperation at great length. " * 12




def write_report(directory: Path, highlight: str) -> Path:
    path = directory / "content" / "pinned.md"
    path.write_text(
        "---\n"
        "title: A session\n"
        "url: https://example.org/report\n"
        "event: The 5th Tokyo Global Dialogue\n"
        f"highlights:\n  - {json.dumps(highlight, ensure_ascii=False)}\n"
        "---\n\n"
        "The participants met and talked about many things during the session.\n",
        encoding="utf-8",
    )
    return path


def test_preview_writes_var_preview_index(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "preview", SAMPLE)
    page = project_dir / "var" / "preview" / "index.html"
    assert code == 0 and page.is_file()
    assert "wrote var/preview/index.html (5 posts)" in out
    assert page.read_text(encoding="utf-8").count("<article") == 5


def test_preview_json_and_out_dir(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "preview", "tgd5-part3-2-future-of-international-security", "--out", "site", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["path"] == "site/index.html" and data["posts"] == 5 and data["cost"] > 0
    assert (project_dir / "site" / "index.html").is_file()


def test_preview_open_uses_the_default_browser(
    project_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    assert run(capsys, "preview", SAMPLE, "--open")[0] == 0
    assert opened == [(project_dir / "var" / "preview" / "index.html").as_uri()]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["preview"], "give either a REPORT or --plan"),
        (["preview", SAMPLE, "--plan"], "give either a REPORT or --plan"),
        (["preview", "content/nope.md"], "report file not found"),
        (["card", "content/nope.md"], "report file not found"),
        (["card", SAMPLE, "--out", "one.png"], "is one file but 6 cards"),
        (["card", SAMPLE, "--finding", "20"], "--finding 20: the report has findings 1 to"),
    ],
)
def test_bad_requests_exit_2(
    project_dir: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert message in err


def test_card_writes_one_file(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "card", SAMPLE, "--finding", "1", "--size", "x", "--out", "c.png", "--json")
    assert code == 0 and json.loads(out) == {"cards": ["c.png"]}
    assert Image.open(project_dir / "c.png").size == (1200, 675)


def test_card_defaults_to_var_cards(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "card", SAMPLE, "--size", "facebook")
    cards = sorted((project_dir / "var" / "cards").glob("*.png"))
    assert code == 0 and len(cards) == 3
    assert all(Image.open(c).size == (1200, 630) for c in cards)
    assert out.count("wrote var/cards/") == 3


def test_card_refuses_a_finding_too_long_to_fit(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A card shows the post's (already shortened) words, so it takes a big minimum font size to overflow.
    with (project_dir / "config" / "bot.toml").open("a", encoding="utf-8") as config:
        config.write("\n[cards]\nmin_font_size = 150\nmax_font_size = 200\n")
    write_report(project_dir, LONG)
    code, _, err = run(capsys, "card", "content/pinned.md")
    assert code == 2
    assert "pinned: finding 1 is too long for a quote card" in err
    assert not (project_dir / "var" / "cards").exists()  # nothing half-written


def test_card_reports_characters_the_font_lacks(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_report(project_dir, "Cooperation is key 🤝 for the region.")
    code, _, err = run(capsys, "card", "content/pinned.md")
    assert code == 2
    assert "cannot draw: 🤝 (U+1F91D HANDSHAKE)" in err


def test_preview_plan_writes_the_calendar(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not list((project_dir / "schedules").glob("*.toml")):
        pytest.skip("no campaign in schedules/")
    code, out, _ = run(capsys, "preview", "--plan", "--out", "plan.html", "--json")
    data = json.loads(out)
    assert code == 0 and data["path"] == "plan.html" and data["posts"] > 0
    assert 'class="calendar"' in (project_dir / "plan.html").read_text(encoding="utf-8")
