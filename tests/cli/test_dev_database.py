"""``jts dev`` keeps its embedded PostgreSQL alive, and leaves nothing behind when it stops.

The server is SIGKILLed under a running ``jts dev``: it is started again (and the log
says so), and the API answers from the database again. Then SIGTERM stops ``jts dev``
within 10 s, with no PostgreSQL process of its data directory left.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from jts_store.embedded import embedded_server_pid
from tests.cli.test_cli import LOGIN, STARTUP_TIMEOUT_SECONDS, DevProcess
from tests.logs import json_records

STOP_SECONDS = 10


def _processes_of(pgdata: Path) -> list[int]:
    """Pids of the processes whose command line names the data directory."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # the process ended meanwhile
            continue
        if str(pgdata) in command:
            found.append(int(entry.name))
    return found


def _restarted(dev: DevProcess) -> bool:
    return any("restarted" in record.get("event", "") for record in json_records(dev.output))


def _signs_in(dev: DevProcess) -> bool:
    password = "jts-demo-password"
    variables = {"email": "admin@demo.jts.test", "password": password}
    try:
        answer = httpx.post(
            f"{dev.url}/graphql", json={"query": LOGIN, "variables": variables}, timeout=5
        ).json()
    except httpx.TransportError:
        return False
    return bool((answer.get("data") or {}).get("login"))


def test_dev_restarts_its_database_and_stops_leaving_no_server(
    tmp_path: Path, data_dir: Path
) -> None:
    dev = DevProcess(data_dir, tmp_path / "dev.log")
    try:
        dev.wait_healthy()
        first = embedded_server_pid(data_dir)
        assert first is not None
        os.kill(first, signal.SIGKILL)  # the server jts dev started
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not (_restarted(dev) and _signs_in(dev)):
            assert dev.process.poll() is None, dev.output
            if time.monotonic() > deadline:
                pytest.fail(f"the database did not come back:\n{dev.output}")
            time.sleep(0.3)
        second = embedded_server_pid(data_dir)
        assert second not in (None, first)

        dev.process.send_signal(signal.SIGTERM)
        assert dev.process.wait(timeout=STOP_SECONDS) == 0, dev.output
    finally:
        dev.kill()
    assert embedded_server_pid(data_dir) is None
    assert _processes_of(data_dir.resolve() / "pgdata") == []
