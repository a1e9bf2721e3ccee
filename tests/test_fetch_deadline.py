"""`bot ingest URL` from a server that trickles bytes ends at the whole-fetch deadline, whatever the read
timeout: every byte resets a read timeout, so only a deadline on the whole fetch stops a trickle. A real
server on 127.0.0.1 streams without end; the clock is injected (one "second" per look), so no test waits."""

from __future__ import annotations

import itertools
import socket
import threading
from collections.abc import Iterator

import pytest

from bot.content.fetch import fetch_html
from bot.errors import InputError


@pytest.fixture
def trickling_server() -> Iterator[str]:
    """An HTML response that never ends: small sends, one after the other, until the client hangs up."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connection.recv(65536)
            try:
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html>")
                while True:
                    connection.sendall(b"<p>.</p>")
            except OSError:  # the client gave up and closed the connection
                return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/report"
    thread.join(timeout=10)
    listener.close()


def test_a_trickling_server_is_cut_off_at_the_whole_fetch_deadline(trickling_server: str) -> None:
    ticks = itertools.count()  # each look at the clock is one second later
    with pytest.raises(InputError) as caught:
        fetch_html(trickling_server, user_agent="t", deadline=5, clock=lambda: float(next(ticks)))
    assert str(caught.value) == (f"{trickling_server}: the whole fetch took longer than 5s "
                                 "(the server sends too slowly)")
    assert next(ticks) < 20  # stopped within a few reads, long before the 5 MB cap


def test_with_time_standing_still_only_the_size_cap_stops_it(trickling_server: str) -> None:
    """A clock that does not move: the same endless page now stops only at the size cap."""
    with pytest.raises(InputError, match="larger than the 2048 bytes cap"):
        fetch_html(trickling_server, user_agent="t", deadline=5, clock=lambda: 0.0, max_bytes=2048)
