"""content/<slug>.md ⇄ Report: YAML front matter (metadata, editor choices) + the body as plain paragraphs.

The file is the hand-off point between the machine and the communications officer: ingest writes it, an editor
may fix a title, pin `highlights` or `exclude` sentences, and every later stage reads it back. So the format is
deliberately plain (one paragraph per line, blank line between paragraphs) and the reader is strict about the
front matter: an unknown or mistyped key is an error naming the file and the key, never silently ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.content.links import ascii_url
from bot.content.report import Report
from bot.content.slugs import check_slug
from bot.errors import InputError

FIELD_ORDER = (
    "slug", "title", "url", "event", "part", "session", "date", "language",
    "publisher", "description", "image", "source", "highlights", "exclude",
    "event_slug", "hashtags", "templates",  # per-report post settings: written only when set
)  # fmt: skip
_STRING_FIELDS = (
    "slug", "title", "url", "event", "language", "publisher", "description", "image", "source", "event_slug",
)  # fmt: skip
_OPTIONAL_FIELDS = ("event_slug", "hashtags", "templates")  # left out of the front matter when empty
_URL_FIELDS = ("url", "image")
_NOT_IN_URLS = frozenset('"<>\\^`{|}')  # RFC 3986 never allows these unescaped
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_MD_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>")
_MD_CODE = re.compile(r"`+([^`\n]+?)`+")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_EM_STAR = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_MD_EM_UNDERSCORE = re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])")
_HEADER_COMMENT = (
    "# Edit freely. highlights: sentences to post instead of the ranked findings (in this order);\n"
    "# exclude: sentences (or parts of them) the ranking must never pick.\n"
)


def load_report(path: str | Path) -> Report:
    """Read content/<slug>.md; raise InputError naming the file for a missing/broken file or front matter."""
    source = str(path)
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("report file not found", source=source) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a report file", source=source) from None
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text ({error.reason} at byte {error.start})", source=source) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", source=source) from None
    meta, body = split_front_matter(text, source)
    if meta is None:
        raise InputError("no front matter (expected a '---' block with title and url)", source=source)
    fields = validate_front_matter(meta, source)
    fields.setdefault("slug", file.stem)
    paragraphs = parse_body(body, str(fields.get("language", "en")))
    return build_report(fields, paragraphs, source)


def is_http_url(value: str) -> bool:
    """True for an absolute http(s) address with a host that `urllib` can parse (ports and IPv6 included).

    `urlsplit` raises ValueError on e.g. 'https://[::1'; every later stage (links, slugs, previews) parses the
    report URL, so a bad one must be refused here, naming the file, rather than crash there.
    """
    if any(char.isspace() or ord(char) < 32 or char in _NOT_IN_URLS for char in value):
        return False  # `"><script>` in a page's canonical URL would break every link built from it
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in 0-65535
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def split_front_matter(text: str, source: str) -> tuple[dict[str, Any] | None, str]:
    """Separate a leading `---` YAML block from the body; (None, text) when there is no front matter."""
    if not text.startswith("---"):
        return None, text
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None, text
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            raw = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            break
    else:
        raise InputError("front matter is not closed by a '---' line", source=source)
    try:
        meta = yaml.safe_load(raw) if raw.strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise InputError(f"front matter is not valid YAML{where}", source=source) from None
    if not isinstance(meta, dict):
        raise InputError("front matter must be a mapping of key: value", source=source)
    return meta, body


def validate_front_matter(meta: dict[str, Any], source: str) -> dict[str, Any]:
    """Check keys and types; return a clean dict of Report field values (None values dropped)."""
    unknown = sorted(str(key) for key in meta if key not in FIELD_ORDER)
    if unknown:
        raise InputError(f"unknown front matter key(s): {', '.join(unknown)}", source=source)
    fields: dict[str, Any] = {}
    for key, value in meta.items():
        if value is None:
            continue
        if key in _URL_FIELDS:
            fields[key] = http_url(key, _string(key, value, source), source)
        elif key == "slug":  # it names files: content/<slug>.md, the cards
            fields[key] = check_slug(_string(key, value, source), source=source)
        elif key in _STRING_FIELDS:
            fields[key] = _string(key, value, source)
        elif key in ("part", "session"):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InputError(f"front matter '{key}' must be a whole number, got {value!r}", source=source)
            fields[key] = value
        elif key == "date":
            fields[key] = _date(value, source)
        elif key == "templates":
            fields[key] = _templates(value, source)
        elif key == "hashtags":
            fields[key] = _hashtags(value, source)
        else:  # highlights, exclude
            fields[key] = _string_list(key, value, source)
    return fields


def http_url(key: str, value: str, source: str) -> str:
    """`value` as an ASCII http(s) URL (see `links.ascii_url`); InputError naming the file and `key` otherwise.

    Both `url` and `image` end up in posts or in previews fetched by the platforms, so `javascript:` and
    other schemes are refused, and a non-ASCII address is normalised so X counts it as one link.
    """
    if not is_http_url(value):
        raise InputError(
            f"{key}: {value!r} is not a valid URL (expected http:// or https:// and a host)", source=source
        )
    return ascii_url(value)


def _string(key: str, value: Any, source: str) -> str:
    if isinstance(value, (dict, list)):
        raise InputError(f"front matter '{key}' must be text", source=source)
    return str(value).strip()


def _date(value: Any, source: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"front matter 'date' must be YYYY-MM-DD, got {value!r}", source=source) from None


def _hashtags(value: Any, source: str) -> tuple[str, ...]:
    tags = _string_list("hashtags", value.split() if isinstance(value, str) else value, source)
    bad = [tag for tag in tags if not re.fullmatch(r"#\w+", tag)]
    if bad:
        raise InputError(f"front matter 'hashtags': {bad[0]!r} is not a hashtag (expected '#Word')", source=source)
    return tags


def _templates(value: Any, source: str) -> dict[str, str]:
    from bot.content.fit import TEMPLATE_KEYS

    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise InputError("front matter 'templates' must map template names to text", source=source)
    unknown = sorted(str(key) for key in value if key not in TEMPLATE_KEYS)
    if unknown:
        raise InputError(
            f"front matter 'templates': unknown template {unknown[0]!r} (known: {', '.join(TEMPLATE_KEYS)})",
            source=source,
        )
    return {str(key): text for key, text in value.items()}


def _string_list(key: str, value: Any, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, (str, int, float)) for item in value):
        raise InputError(f"front matter '{key}' must be a list of sentences", source=source)
    return tuple(str(item).strip() for item in value if str(item).strip())


def parse_body(body: str, language: str) -> tuple[str, ...]:
    """Paragraphs separated by blank lines; headings and HTML comments are not paragraphs; inline Markdown
    (links, emphasis, code) is reduced to its text by `plain_text`, since posts are plain text.

    Soft line breaks inside a paragraph are joined with a space (none for Japanese, which has no spaces).
    """
    joiner = "" if language == "ja" else " "
    paragraphs: list[str] = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        lines = [line for line in lines if not line.startswith("# ") and line != "#"]
        text = joiner.join(lines).strip()
        if text and not (text.startswith("<!--") and text.endswith("-->")):
            paragraphs.append(plain_text(text).strip())
    return tuple(p for p in paragraphs if p)


def plain_text(markdown: str) -> str:
    """Inline Markdown as the words a reader sees: links and images become their text (the URL is dropped,
    so `[click here](javascript:…)` can never reach a post), emphasis markers and code ticks are removed.

    Markers only count when they hug a word (`*a*`, `__b__`), so `5 * 3`, `snake_case` and `2*3*4` stay.
    """
    text = _MD_LINK.sub(r"\1", markdown)
    text = _MD_AUTOLINK.sub(r"\1", text)
    text = _MD_CODE.sub(r"\1", text)
    text = _MD_STRONG.sub(r"\2", text)
    text = _MD_EM_STAR.sub(r"\1", text)
    return _MD_EM_UNDERSCORE.sub(r"\1", text)


def build_report(fields: dict[str, Any], paragraphs: tuple[str, ...], source: str) -> Report:
    """Make a Report, insisting on the fields every later stage needs (title, url, a body)."""
    for required in ("title", "url"):
        if not fields.get(required):
            raise InputError(f"front matter needs '{required}'", source=source)
    for key in _URL_FIELDS:
        if fields.get(key):
            fields[key] = http_url(key, fields[key], source)
    if not paragraphs:
        raise InputError("the report has no body text", source=source)
    return Report(paragraphs=paragraphs, **{k: v for k, v in fields.items() if k != "paragraphs"})


def report_front_matter(report: Report) -> dict[str, Any]:
    """The front matter of a report, in a stable order, without empty optional fields."""
    data: dict[str, Any] = {}
    for key in FIELD_ORDER:
        value = getattr(report, key)
        if key in ("highlights", "exclude"):
            data[key] = list(value)
        elif key in _OPTIONAL_FIELDS:
            if value:
                data[key] = list(value) if key == "hashtags" else (dict(value) if key == "templates" else value)
        elif value is not None:
            data[key] = value
    return data


def dump_report(report: Report) -> str:
    """The Markdown text of a report: commented YAML front matter, then one paragraph per line."""
    front = yaml.safe_dump(
        report_front_matter(report), sort_keys=False, allow_unicode=True, width=1_000_000, default_flow_style=False
    )
    return "---\n" + _HEADER_COMMENT + front + "---\n\n" + "\n\n".join(report.paragraphs) + "\n"
