"""The dry-run journal reads its shared file incrementally: only appended bytes are parsed, a line still being
written (or torn by a kill) waits for its newline, a replaced or truncated file is read again from the start,
and creating a post never reads the journal at all (only a recent-posts lookup does)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.publish.journal import Journal
from tests.publish_support import dry_publisher


def _line(n: int) -> bytes:
    return (json.dumps({"n": n}) + "\n").encode()


def _numbers(journal: Journal) -> list[int]:
    return [entry["n"] for entry in journal.entries()]


def test_entries_appended_by_another_writer_are_found_without_rereading(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_bytes(_line(1) + _line(2))
    journal = Journal(path)
    assert _numbers(journal) == [1, 2]
    with path.open("ab") as other_process:
        other_process.write(_line(3))
    assert _numbers(journal) == [1, 2, 3]
    assert journal._index.offset == path.stat().st_size  # parsed up to the end, no further


def test_a_line_without_its_newline_waits_until_it_is_complete(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    whole = _line(1) + _line(2)
    path.write_bytes(whole[:-5])  # a write in flight: half of the second line
    journal = Journal(path)
    assert _numbers(journal) == [1]
    with path.open("ab") as file:
        file.write(whole[-5:])
    assert _numbers(journal) == [1, 2]


def test_a_complete_last_line_counts_even_before_its_newline(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_bytes(_line(1) + _line(2)[:-1])
    journal = Journal(path)
    assert _numbers(journal) == [1, 2]
    with path.open("ab") as file:
        file.write(b"\n" + _line(3))
    assert _numbers(journal) == [1, 2, 3]  # counted once, not twice


@pytest.mark.parametrize(
    ("torn", "why"),
    [
        (b'{"n": 9', "cut inside the JSON"),
        ('{"n": "\u65e5'.encode()[:-1], "cut inside a UTF-8 sequence"),
        (b"", "an empty line"),
        (b"[1, 2]", "not an object"),
    ],
)
def test_a_torn_line_is_skipped_and_later_lines_are_read(tmp_path: Path, torn: bytes, why: str) -> None:
    path = tmp_path / "j.jsonl"
    path.write_bytes(_line(1) + torn + b"\n" + _line(2))
    journal = Journal(path)
    assert _numbers(journal) == [1, 2], why


def test_a_replaced_or_truncated_file_is_read_again_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_bytes(_line(1) + _line(2))
    journal = Journal(path)
    assert _numbers(journal) == [1, 2]
    path.write_bytes(_line(7))  # truncated and rewritten in place: shorter than what was read
    assert _numbers(journal) == [7]
    replacement = tmp_path / "new.jsonl"
    replacement.write_bytes(_line(8) + _line(9) + _line(10))
    replacement.replace(path)  # a new file under the same name
    assert _numbers(journal) == [8, 9, 10]
    path.unlink()
    assert journal.entries() == []


def test_posting_does_not_read_the_journal_but_a_lookup_sees_every_process(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "j.jsonl"
    journal = Journal(path)
    reads: list[int] = []
    real_refresh = journal._index.refresh
    monkeypatch.setattr(journal._index, "refresh", lambda p: reads.append(1) or real_refresh(p))
    publisher = dry_publisher("acct-x", journal=journal)
    first = publisher.publish_post("one")
    publisher.publish_post("two", reply_to=first.remote_id)
    assert reads == []
    dry_publisher("acct-x", journal=Journal(path)).publish_post("from another process")
    assert [p.text for p in publisher.recent_posts()] == ["from another process", "two", "one"]
    assert reads == [1]
    assert len(path.read_text().splitlines()) == 4  # three posts and the lookup, each recorded once
