"""Bad input through the real CLI: one line naming the file or field, exit code 2, nothing written, no traceback.

Each case sets up one broken file (or option) in a throw-away project and runs `bot.cli.main` on it. The
snapshot of every file in the project before and after proves a refused command changed nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli_support import run_cli
from tests.conftest import SAMPLE_REPORT_TXT

SAMPLE = "content/tgd5-part3-2-future-of-international-security.md"
EXCLUDED = "content/excluded.md"
# What must never reach the user: a traceback, or an exception class name standing in for a message.
_LEAK = re.compile(r"Traceback|\b[A-Z]\w*(Error|Exception|Warning)\b|python-dotenv")


def _write(path: str, data: str | bytes, mode: int | None = None) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
        if mode is not None:
            target.chmod(mode)

    return setup


def _dotenv_directory(root: Path) -> None:
    (root / ".env").mkdir()


def _report_with_url(url: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        text = (root / SAMPLE).read_text(encoding="utf-8")
        broken = re.sub(r"(?m)^url: .*$", f"url: {json.dumps(url)}", text, count=1)
        assert broken != text
        (root / "content" / "bad.md").write_text(broken, encoding="utf-8")

    return setup


def _page_id(value: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        config = root / "config" / "bot.toml"
        text = config.read_text(encoding="utf-8")
        broken = re.sub(r'(?m)^page_id = ".*"$', f"page_id = {json.dumps(value)}", text, count=1)
        assert broken != text
        config.write_text(broken, encoding="utf-8")

    return setup


def _good_txt(root: Path) -> None:
    shutil.copy(SAMPLE_REPORT_TXT, root / "good.txt")


def _excluded_report(root: Path) -> None:
    sentences = [
        "The participants discussed maritime security in the Indo-Pacific region.",
        "Speakers recommended closer cooperation between coastal states.",
    ]
    excluded = "".join(f"  - {s}\n" for s in sentences)
    (root / EXCLUDED).write_text(
        "---\ntitle: A session\nurl: https://example.org/report\nsource: original-report.txt\n"
        f"exclude:\n{excluded}---\n\n{' '.join(sentences)}\n",
        encoding="utf-8",
    )


def _nothing(root: Path) -> None:
    return None


# (id, setup, argv, expected exit code, fragments the message must contain, fragments it must not contain)
CASES: list[tuple[str, Callable[[Path], None], list[str], int, list[str], list[str]]] = [
    ("config-not-utf8", _write("bin.txt", b"\xff\xfe[bot]\n"), ["--config", "bin.txt", "findings", "X"], 2,
     ["bin.txt: not UTF-8 text"], []),
    ("schedule-not-utf8", _write("schedules/bad.toml", b"\xff\xfe[campaign]\n"), ["plan"], 2,
     ["schedules/bad.toml: not UTF-8 text"], []),
    ("dotenv-not-utf8", _write(".env", b"\xff\xfeBOT_X=1\n", 0o600), ["accounts", "check"], 2,
     [".env: not UTF-8 text"], []),
    ("dotenv-is-directory", _dotenv_directory, ["accounts", "check"], 2,
     [".env: is not a file"], ["readable by group/others"]),
    ("dotenv-broken-line", _write(".env", "BOT_A=1\nthis line is not valid\n", 0o600), ["accounts", "check"], 2,
     [".env: line 2: not a KEY=value line"], ["this line"]),
    ("ingest-bad-url", _nothing, ["ingest", "https://[::1"], 2, ["https://[::1: not a valid URL"], []),
    ("ingest-bad-url-option", _good_txt, ["ingest", "good.txt", "--url", "https://[::1"], 2,
     ["good.txt: --url 'https://[::1' is not a valid URL"], []),
    ("draft-front-matter-url", _report_with_url("https://[::1"), ["draft", "content/bad.md"], 2,
     ["content/bad.md: url: 'https://[::1' is not a valid URL"], []),
    ("preview-front-matter-url", _report_with_url("https://[::1"), ["preview", "content/bad.md"], 2,
     ["content/bad.md: url: 'https://[::1' is not a valid URL"], []),
    ("front-matter-url-no-host", _report_with_url("https:///report"), ["draft", "content/bad.md"], 2,
     ["content/bad.md: url: 'https:///report' is not a valid URL"], []),
    ("front-matter-url-not-http", _report_with_url("ftp://example.org/r"), ["draft", "content/bad.md"], 2,
     ["content/bad.md: url: 'ftp://example.org/r' is not a valid URL"], []),
    ("page-id-not-digits", _page_id("my page"), ["accounts", "check"], 2,
     ["config/bot.toml: accounts[", "].page_id: 'my page' is not a Facebook Page id"], []),
    ("preview-nothing", _nothing, ["preview"], 2, ["nothing to preview: give either a REPORT or --plan"],
     ["not both"]),
    ("preview-both", _nothing, ["preview", SAMPLE, "--plan"], 2, ["give either a REPORT or --plan, not both"], []),
    ("preview-out-not-directory", _nothing, ["preview", SAMPLE, "--out", "/dev/null"], 2,
     ["--out /dev/null is not a directory"], ["File exists"]),
    ("preview-out-under-a-file", _write("taken", "x"), ["preview", SAMPLE, "--out", "taken/site"], 2,
     ["--out taken/site: taken is not a directory"], []),
    ("card-everything-excluded", _excluded_report, ["card", EXCLUDED], 2,
     ["content/excluded.md: the report has no findings"], ["original-report.txt"]),
    ("findings-everything-excluded", _excluded_report, ["findings", EXCLUDED], 0,
     ["content/excluded.md: no findings: every sentence is excluded or procedural"], []),
]  # fmt: skip


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "<dir>"
        for p in sorted(root.rglob("*"))
    }


@pytest.mark.parametrize(
    ("setup", "argv", "expected_code", "must", "must_not"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_bad_input_gives_one_line_and_changes_nothing(
    project_dir: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    setup: Callable[[Path], None],
    argv: list[str],
    expected_code: int,
    must: list[str],
    must_not: list[str],
) -> None:
    setup(project_dir)
    before = _snapshot(project_dir)
    code, out, err = run_cli(capsys, *argv)
    assert code == expected_code, (out, err)
    message = err if expected_code == 2 else out
    lines = [line for line in message.splitlines() if line.strip()]
    if expected_code == 2:
        assert len(lines) == 1, err  # one clear line, not a traceback or a repeated library warning
        assert out == ""
    for fragment in must:
        assert fragment in message
    for fragment in must_not:
        assert fragment not in out + err
    assert not _LEAK.search(out + err + caplog.text), out + err + caplog.text
    assert _snapshot(project_dir) == before


def test_findings_json_with_everything_excluded_is_an_empty_list_and_a_warning(
    project_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _excluded_report(project_dir)
    code, out, err = run_cli(capsys, "findings", EXCLUDED, "--json")
    data = json.loads(out)
    assert code == 0 and err == ""
    assert data["findings"] == []
    assert data["warnings"] == [f"{EXCLUDED}: no findings: every sentence is excluded or procedural"]


def test_findings_json_lists_no_warnings_when_there_are_findings(
    project_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, "findings", SAMPLE, "--json")
    data = json.loads(out)
    assert code == 0 and data["findings"] and data["warnings"] == []
