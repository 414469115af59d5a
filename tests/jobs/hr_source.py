"""A local HR system for the roster sync tests: a real HTTP server on a free port.

It answers ``GET /roster?limit=N[&cursor=C]`` with the page of that cursor (the first
page without one), records what it was asked (Authorization header and query), and can
hold back its first answers until released, so a client's timeout is met for real.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

#: How long a held answer waits at most for its release (the test releases it sooner).
HOLD_LIMIT_SECONDS = 30.0


@dataclass
class HrSource:
    """The server's pages, what it was asked, and its hold switch."""

    pages: dict[str | None, dict[str, Any]]
    url: str = ""
    requests: list[tuple[str | None, dict[str, list[str]]]] = field(default_factory=list)
    hold_first: int = 0
    #: The status to answer, and a body to answer instead of the pages' JSON.
    status: int = 200
    raw_body: bytes | None = None
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, authorization: str | None, query: dict[str, list[str]]) -> bytes | None:
        """The body for a request (None: the page is unknown); holds while told to."""
        with self.lock:
            self.requests.append((authorization, query))
            held = len(self.requests) <= self.hold_first
        if held:
            self.released.wait(HOLD_LIMIT_SECONDS)
        if self.raw_body is not None:
            return self.raw_body
        cursor = query.get("cursor", [None])[0]
        page = self.pages.get(cursor)
        return None if page is None else json.dumps(page).encode()


def _handler(source: HrSource) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            body = source.answer(self.headers.get("Authorization"), parse_qs(parts.query))
            if parts.path != "/roster" or body is None:
                self.send_error(404)
                return
            try:
                self.send_response(source.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                return  # the client gave up waiting (a timeout under test)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


@contextmanager
def serve_hr_source(
    pages: dict[str | None, dict[str, Any]], *, hold_first: int = 0
) -> Iterator[HrSource]:
    """Serve the pages on 127.0.0.1 until the block ends."""
    source = HrSource(pages=pages, hold_first=hold_first)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(source))
    server.daemon_threads = True
    source.url = f"http://127.0.0.1:{server.server_address[1]}/roster"
    thread = threading.Thread(target=server.serve_forever, name="hr-source", daemon=True)
    thread.start()
    try:
        yield source
    finally:
        source.released.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=HOLD_LIMIT_SECONDS)
