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


def _report_with_slug(slug: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        text = (root / SAMPLE).read_text(encoding="utf-8")
        broken = re.sub(r"(?m)^slug: .*$", f"slug: {json.dumps(slug)}", text, count=1)
        assert broken != text
        (root / "content" / "bad.md").write_text(broken, encoding="utf-8")

    return setup


def _template(key: str, value: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        config = root / "config" / "bot.toml"
        text = config.read_text(encoding="utf-8")
        broken = re.sub(rf"(?m)^{key} = .*$", f"{key} = {json.dumps(value)}", text, count=1)
        assert broken != text
        config.write_text(broken, encoding="utf-8")

    return setup


def _html_with_canonical(url: str) -> Callable[[Path], None]:
    """A saved page whose canonical URL is hostile: refused (no usable URL), never kept raw in `url:`."""
    def setup(root: Path) -> None:
        body = " ".join(["Ports should remain open to all traders in the region, participants agreed."] * 3)
        (root / "page.html").write_text(
            f'<html><head><title>Ports</title><link rel="canonical" href=\'{url}\'></head>'
            f"<body><article><h1>Ports</h1><p>{body}</p></article></body></html>", encoding="utf-8")

    return setup


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
    # Slugs name files: validated at every entrance, nothing written outside content/ or the cards folder.
    ("ingest-meta-slug-climbs-out", _good_txt, ["ingest", "good.txt", "--meta", "slug=../../evil"], 2,
     ["good.txt: slug: '../../evil' is not a valid slug"], []),
    ("ingest-meta-slug-absolute", _good_txt, ["ingest", "good.txt", "--meta", "slug=/tmp/abs", "--force"], 2,
     ["good.txt: slug: '/tmp/abs' is not a valid slug"], []),
    ("ingest-meta-slug-too-long", _good_txt, ["ingest", "good.txt", "--meta", "slug=" + "a" * 81], 2,
     ["is not a valid slug (a-z, 0-9 and '-', at most 80 characters)"], []),
    ("front-matter-slug-card", _report_with_slug("../../../../tmp/pwn"), ["card", "content/bad.md"], 2,
     ["content/bad.md: slug: '../../../../tmp/pwn' is not a valid slug"], []),
    ("front-matter-slug-draft", _report_with_slug("Has Spaces"), ["draft", "content/bad.md"], 2,
     ["content/bad.md: slug: 'Has Spaces' is not a valid slug"], []),
    # Templates: plain {name} placeholders only (a format spec could pad a post to megabytes).
    ("template-format-spec", _template("x_highlight", "{finding!r:>99999999} {url}"), ["draft", SAMPLE], 2,
     ["templates.x_highlight", "{finding!r:>99999999}", "only plain {finding} placeholders"], []),
    ("template-conversion", _template("facebook_intro", "{title!s}"), ["draft", SAMPLE], 2,
     ["templates.facebook_intro", "format spec or conversion"], []),
    # A hostile canonical URL is never kept raw: the saved page has no usable URL left.
    ("ingest-canonical-url-script", _html_with_canonical('https://example.org/r"><script>alert(1)</script>'),
     ["ingest", "page.html"], 2, ["no URL for this report"], ["<script>"]),
    ("front-matter-url-script", _report_with_url('https://example.org/r"><script>x</script>'),
     ["draft", "content/bad.md"], 2, ["content/bad.md: url:", "is not a valid URL"], []),
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


# Bad environment values and ids: (id, BOT_DATABASE_URL or None for a throw-away SQLite ledger outside the
# project, argv, exit code, fragments the one line must contain). Exit 2 for a malformed or unsupported URL or
# an id no ledger can hold; exit 1 for a database that cannot be reached or a file that cannot be written.
UNREACHABLE = "postgresql+psycopg://postgres:s3cret-pw@127.0.0.1:1/test"
ENV_CASES: list[tuple[str, str | None, list[str], int, list[str]]] = [
    ("db-url-garbage-queue", "garbage", ["queue"], 2, ["BOT_DATABASE_URL: not a database URL"]),
    ("db-url-no-port-history", ":notaport", ["history"], 2, ["BOT_DATABASE_URL: not a database URL"]),
    ("db-url-bad-port-run", "postgresql://db.example.org:notaport/x", ["run", "--until-idle"], 2,
     ["BOT_DATABASE_URL: not a database URL"]),
    ("db-url-mysql-queue", "mysql://bot:s3cret-pw@db.example.org/bot", ["queue"], 2,
     ["BOT_DATABASE_URL: unsupported database 'mysql'"]),
    ("db-unreachable-queue", UNREACHABLE, ["queue"], 1, ["BOT_DATABASE_URL: cannot use the ledger database"]),
    ("db-unreachable-history", UNREACHABLE, ["history"], 1, ["BOT_DATABASE_URL: cannot use the ledger database"]),
    ("db-unreachable-run", UNREACHABLE, ["run", "--until-idle", "--live"], 1,
     ["BOT_DATABASE_URL: cannot use the ledger database"]),
    ("cancel-huge-id", None, ["cancel", "99999999999999999999"], 2, ["no post with id or key '99999999999999999999'"]),
    ("retry-huge-id", None, ["retry", "99999999999999999999"], 2, ["no post with id or key"]),
    ("repost-huge-id", None, ["repost", "99999999999999999999"], 2, ["no post with id or key"]),
    ("approve-huge-id", None, ["approve", "99999999999999999999"], 2, ["no campaign or post '99999999999999999999'"]),
    ("plan-ics-dev-full", None, ["plan", "--ics", "/dev/full"], 1,
     ["--ics: cannot write /dev/full: No space left on device"]),
]  # fmt: skip


@pytest.mark.parametrize(("url", "argv", "expected_code", "must"), [pytest.param(*c[1:], id=c[0]) for c in ENV_CASES])
def test_bad_environment_and_ids_give_one_line_and_change_nothing(
    project_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    url: str | None,
    argv: list[str],
    expected_code: int,
    must: list[str],
) -> None:
    if url is None:
        from bot.ledger.db import open_ledger

        url = f"sqlite:///{tmp_path_factory.mktemp('ledger') / 'ledger.sqlite3'}"
        open_ledger(url).kw["bind"].dispose()
    monkeypatch.setenv("BOT_DATABASE_URL", url)
    before = _snapshot(project_dir)
    code, out, err = run_cli(capsys, *argv)
    assert code == expected_code, (out, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    for fragment in must:
        assert fragment in lines[0]
    assert "s3cret-pw" not in out + err and not _LEAK.search(out + err)
    assert _snapshot(project_dir) == before
