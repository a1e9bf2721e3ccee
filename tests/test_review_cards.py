"""Review finding on `bot card`: one finding the card font cannot draw must not cost the other findings'
cards. Each refusal is one stderr line naming the finding; exit 1 if some were refused, 2 if none was made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.errors import InputError
from bot.preview.cards import make_cards, write_cards
from tests.cli_support import run_cli as run

EMOJI = "Cooperation is key 🤝 for the region."
FINE = ["Closer cooperation between Japan and NATO was also anticipated.",
        "Deterrence in the Indo-Pacific depends on the mini-lateral frameworks."]  # fmt: skip
TOO_LONG = "Participants discussed the future of international security and cooperation at great length. " * 12




def write_report(directory: Path, highlights: list[str]) -> str:
    pinned = "".join(f"  - {json.dumps(h, ensure_ascii=False)}\n" for h in highlights)
    (directory / "content" / "pinned.md").write_text(
        "---\ntitle: A session\nurl: https://example.org/report\nevent: The 5th Tokyo Global Dialogue\n"
        f"highlights:\n{pinned}---\n\nThe participants met and talked about many things during the session.\n",
        encoding="utf-8",
    )
    return "content/pinned.md"


def cards_in(directory: Path) -> list[str]:
    return sorted(p.name for p in (directory / "var" / "cards").glob("*.png"))


def test_one_undrawable_finding_does_not_stop_the_others(project_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    report = write_report(project_dir, [FINE[0], EMOJI, FINE[1]])
    code, out, err = run(capsys, "card", report, "--size", "x")
    assert code == 1
    assert cards_in(project_dir) == ["pinned-finding1-x.png", "pinned-finding3-x.png"]
    assert out.count("wrote ") == 2
    [line] = err.strip().splitlines()
    assert line.startswith("no card: pinned: finding 2") and "cannot draw: 🤝 (U+1F91D HANDSHAKE)" in line


def test_json_lists_the_cards_and_the_refused_findings(project_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    report = write_report(project_dir, [EMOJI, FINE[0], TOO_LONG])
    code, out, err = run(capsys, "card", report, "--json")
    data = json.loads(out)
    assert code == 1
    # The over-long finding gets its post's shortened words on the card (one text everywhere), so it is carded.
    assert [Path(p).name for p in data["cards"]] == [
        "pinned-finding2-x.png", "pinned-finding2-facebook.png", "pinned-finding3-x.png", "pinned-finding3-facebook.png"
    ]  # fmt: skip
    assert [r["finding"] for r in data["refused"]] == [1]
    assert "cannot draw" in data["refused"][0]["reason"]
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "finding 1" in lines[0]


def test_no_card_at_all_exits_2_with_one_line_per_finding(project_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    report = write_report(project_dir, [EMOJI, "Peace 🕊 talks were urged."])
    code, out, err = run(capsys, "card", report)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert [line.split(":")[:2] for line in lines[:2]] == [["no card", " pinned"]] * 2
    assert "finding 1" in lines[0] and "finding 2" in lines[1] and "U+1F54A" in lines[1]
    assert lines[2] == "error: no quote card could be made (2 finding(s) refused)"
    assert not (project_dir / "var" / "cards").exists()


@pytest.mark.parametrize(
    ("rank", "code", "written"),
    [("2", 2, []), ("1", 0, ["pinned-finding1-facebook.png", "pinned-finding1-x.png"])],
    ids=["refused-finding", "good-finding"],
)
def test_finding_option_renders_only_that_one(project_dir: Path, capsys, rank: str, code: int, written: list[str]) -> None:  # type: ignore[no-untyped-def]
    report = write_report(project_dir, [FINE[0], EMOJI])
    got, _, err = run(capsys, "card", report, "--finding", rank)
    assert got == code
    assert (cards_in(project_dir) if written else []) == written
    assert ("finding 2" in err) == (code == 2) and "finding 1" not in err


def test_single_png_out_is_checked_against_the_request_not_what_rendered(project_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    report = write_report(project_dir, [FINE[0], EMOJI])
    code, _, err = run(capsys, "card", report, "--size", "x", "--out", "one.png")
    assert code == 2 and "is one file but 2 cards" in err
    assert not (project_dir / "one.png").exists()


def test_make_cards_and_all_or_nothing_write_cards(project_dir: Path) -> None:
    from bot.content.findings import rank_findings
    from bot.content.markdown_io import load_report
    from bot.settings import settings_from_dict

    settings = settings_from_dict({"bot": {"var_dir": str(project_dir / "var")}})
    report = load_report(project_dir / write_report(project_dir, [EMOJI, FINE[0]]))
    findings = rank_findings(report, top=3)
    with pytest.raises(InputError, match="finding 1"):
        write_cards(report, findings, settings, size="x")
    assert not (project_dir / "var" / "cards").exists()
    made = make_cards(report, findings, settings, size="x")
    assert [p.name for p in made.written] == ["pinned-finding2-x.png"]
    assert [(r.rank, "\n" in r.reason) for r in made.refused] == [(1, False)]
