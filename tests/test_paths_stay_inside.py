"""Every file the bot writes from report data stays inside its folder: one check, `bot.paths.inside`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import InputError
from bot.paths import inside


@pytest.mark.parametrize("name", ["../evil.md", "/tmp/abs.md", "a/../../b.png", "link/x.png"])
def test_a_name_that_leaves_the_folder_is_refused(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "cards"
    folder.mkdir()
    (folder / "link").symlink_to(tmp_path)  # a symbolic link out of the folder is followed, then refused
    with pytest.raises(InputError, match="would be written outside"):
        inside(folder, name, what="quote card")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cards"]


def test_a_plain_name_stays_and_the_folder_may_not_exist_yet(tmp_path: Path) -> None:
    assert inside(tmp_path / "content", "tgd5-part3-2.md") == tmp_path / "content" / "tgd5-part3-2.md"
    assert inside("content", "sub/report.md") == Path("content/sub/report.md")
