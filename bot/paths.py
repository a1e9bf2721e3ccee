"""Every file the bot writes stays inside its folder: content/<slug>.md, quote cards, the preview page, the ICS
calendar's default place, the journal. One check, used by every writer: `inside(folder, name)`.

A name is refused when it is absolute, climbs out with `..`, or resolves (symbolic links followed) outside
the folder: InputError (exit 2, one line naming the name and the folder), and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

from bot.errors import InputError


def inside(folder: str | Path, name: str | Path, *, what: str = "file") -> Path:
    """`folder/name`, checked to stay inside `folder`; InputError otherwise (nothing is written)."""
    base = Path(folder)
    relative = Path(name)
    target = base / relative
    if relative.is_absolute() or ".." in relative.parts or not _within(base, target):
        raise InputError(f"{what} {str(name)[:120]!r} would be written outside {base}/; refused, nothing written")
    return target


def _within(base: Path, target: Path) -> bool:
    """Whether `target` resolves under `base` (both resolved: a symbolic link out of the folder is caught)."""
    try:
        target.resolve().relative_to(base.resolve())
    except ValueError:
        return False
    return True
