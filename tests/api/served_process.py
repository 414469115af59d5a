"""``jts serve`` as a subprocess: the API as an operator runs it, with its own process
logging and uvicorn configuration."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import TEST_SECRET_KEY

JTS = str(Path(sys.executable).parent / "jts")
STARTUP_TIMEOUT_SECONDS = 90.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def jts_serve(database_url: str, log: Path, **settings: str) -> Iterator[str]:
    """``jts serve`` on a free port, its output in ``log``, with the test secret key,
    cheap hashing, generous limits and ``settings`` (``JTS_`` variables); its URL."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JTS_")}
    env.update(
        JTS_DATABASE_URL=database_url,
        JTS_SECRET_KEY=TEST_SECRET_KEY,
        JTS_ARGON2_TIME_COST="1",
        JTS_ARGON2_MEMORY_KIB="8192",
        JTS_ARGON2_PARALLELISM="1",
        JTS_RATE_LIMIT_PER_MINUTE="10000",
        JTS_RATE_LIMIT_BURST="10000",
    )
    env.update(settings)
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 -- our own command, fixed arguments
            [JTS, "serve", "--port", str(port)], stdout=output, stderr=subprocess.STDOUT, env=env
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while True:
            assert process.poll() is None, log.read_text()
            try:
                httpx.get(f"{url}/health", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    pytest.fail(f"jts serve did not start:\n{log.read_text()}")
                time.sleep(0.2)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
