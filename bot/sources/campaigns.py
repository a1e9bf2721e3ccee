"""A template (`schedules/templates/<name>.toml`) + a discovery → `schedules/auto/<slug>.toml`.

The file is the template with `campaign.name`, `report`, `accounts`, `anchor` (when the report was found) and
`approval` set. It is written once, atomically, and never rewritten: a person may edit it like any campaign
(or delete it to drop the campaign); a re-drafting after a crash finds it and moves on. Templates live in a
folder `bot schedule` does not load, so they are never campaigns themselves.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from bot.errors import ConfigError
from bot.sources.config import SourceConfig

AUTO_DIR = "auto"
TEMPLATES_DIR = "templates"
_SET_BY_AUTOPILOT = ("name", "report", "accounts", "anchor", "approval")


def template_path(schedules_dir: str | Path, name: str) -> Path:
    return Path(schedules_dir) / TEMPLATES_DIR / f"{name}.toml"


def auto_path(schedules_dir: str | Path, slug: str) -> Path:
    return Path(schedules_dir) / AUTO_DIR / f"{slug}.toml"


def read_template(schedules_dir: str | Path, name: str, *, field: str) -> dict[str, Any]:
    """The template's tables; ConfigError naming `field` (the source's `template`) or the file."""
    path = template_path(schedules_dir, name)
    if not path.is_file():
        raise ConfigError(f"{field}: no template {path}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"not a readable TOML template: {error}", source=str(path)) from None
    fixed = sorted(set(data.get("campaign", {})) & set(_SET_BY_AUTOPILOT))
    if fixed:
        raise ConfigError(f"campaign.{fixed[0]}: set by autopilot, leave it out of the template", source=str(path))
    return data


def campaign_name(slug: str) -> str:
    return slug[:80].rstrip("-_.") or "report"


def render_campaign(template: dict[str, Any], *, source: SourceConfig, template_name: str, slug: str,
                    url: str, anchor: dt.datetime) -> str:
    """The campaign file's text: a header saying where it came from, then the template's tables filled in."""
    campaign = {"name": campaign_name(slug), "report": slug, "accounts": list(source.accounts),
                "anchor": anchor.astimezone(dt.UTC).isoformat(timespec="seconds"), "approval": source.approval,
                **template.get("campaign", {})}
    lines = [f"# Drafted by autopilot (`bot watch`, source {source.name!r}) from schedules/templates/"
             f"{template_name}.toml", f"# for {url}", "# found " + campaign["anchor"] + "; times below are "
             "relative to that anchor. Edit freely: autopilot never rewrites this file.", ""]
    tables = {"campaign": campaign, **{k: v for k, v in template.items() if k != "campaign"}}
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{name}: expected a [table] in the template")
        lines.append(f"[{name}]")
        lines.extend(f"{key} = {_toml_value(value, f'{name}.{key}')}" for key, value in table.items())
        lines.append("")
    return "\n".join(lines)


def _toml_value(value: Any, field: str) -> str:
    """The few TOML value types a campaign uses (JSON spells strings, numbers and arrays the TOML way)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v, field) for v in value) + "]"
    raise ConfigError(f"{field}: a value autopilot cannot copy ({type(value).__name__})")


def write_once(path: Path, text: str) -> bool:
    """Write `path` atomically unless it exists; True when written."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.link(temp, path)  # fails if someone else wrote it meanwhile: theirs stays
    except FileExistsError:
        return False
    finally:
        Path(temp).unlink(missing_ok=True)
    return True
