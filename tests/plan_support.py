"""Hand-built drafts standing in for bot.content.compose.draft_report, so plan/sync tests do not depend on
the ranking; and helpers to write campaign files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.content.draft import Draft

REPORT = "tgd5-part3-2-future-of-international-security"
URL = "https://example.org/report"


def fake_drafts(report: Any, settings: Any, *, platforms: Sequence[str] = ("x", "facebook"),
                thread: bool | None = None, top: int = 3, edition: str = "",
                **_post_settings: Any) -> list[Draft]:  # content=, language=: the campaign's post settings
    drafts: list[Draft] = []
    if "x" in platforms:
        drafts.append(Draft("x", "announcement", REPORT, (f"New report{edition} {URL}",), link=URL,
                            weighted_length=34, limit=280, cost=0.2, meta={"form": "single", "counting": "twitter"}))
        drafts += [Draft("x", "highlight", REPORT, (f"Finding {rank}{edition} {URL}#{rank}",), link=f"{URL}#{rank}",
                         finding_rank=rank, weighted_length=40, limit=280, cost=0.2,
                         meta={"form": "single", "counting": "twitter"}) for rank in range(1, top + 1)]
        if thread:
            parts = (f"1/3 New report {URL}", "2/3 Finding 1", "3/3 Finding 2")
            drafts.append(Draft("x", "announcement", REPORT, parts, link=URL, limit=280, cost=0.23,
                                meta={"form": "thread", "counting": "twitter"}))
    if "facebook" in platforms:
        drafts.append(Draft("facebook", "announcement", REPORT, (f"Report digest{edition}\n• one\n• two",), link=URL,
                            limit=63206, meta={"form": "digest", "counting": "chars"}))
    return drafts


def use_fake_drafts(monkeypatch: pytest.MonkeyPatch, edition: str = "") -> None:
    import bot.content.compose

    def fake(report: Any, settings: Any, **kwargs: Any) -> list[Draft]:
        return fake_drafts(report, settings, edition=edition, **kwargs)

    monkeypatch.setattr(bot.content.compose, "draft_report", fake)


def campaign_file(folder: Path, name: str, *, accounts: str = '["jiia-x"]', extra: str = "", body: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(f'[campaign]\nreport = "{REPORT}"\naccounts = {accounts}\n{extra}\n{body}', encoding="utf-8")
    return path


ANNOUNCE_AND_3 = '[announcement]\nat = "2026-12-01T10:00"\n[highlights]\ncount = 3\nstart = "2026-12-02"\ndaily_at = "12:00"\n'


def use_fixed_sample_dates(project_dir: Path) -> None:
    """The shipped sample campaign with fixed dates (2026-12-01 …) instead of times relative to its first
    `bot schedule`: for tests about campaigns whose dates have passed."""
    path = project_dir / "schedules" / "tgd5-part3-2.toml"
    text = path.read_text(encoding="utf-8").replace('at = "+1d 10:00"', 'at = "2026-12-01T10:00"')
    text = text.replace('start = "+2d"', 'start = "2026-12-02"').replace('until = "+90d"', 'until = "2027-02-28"')
    path.write_text(text, encoding="utf-8")
