"""The ``jts`` command, run for real as a subprocess."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.conftest import create_database, drop_database
from tests.logs import json_records

JTS = str(Path(sys.executable).parent / "jts")
COMMANDS = (
    "backup",
    "dev",
    "export",
    "import-roster",
    "migrate",
    "restore",
    "seed-demo",
    "serve",
    "worker",
)
STARTUP_TIMEOUT_SECONDS = 90.0
LOGIN = """
mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) { token user { id role } }
}"""
ME = "{ me { email role } }"


#: Real argon2id at a cost that keeps the tests quick.
CHEAP_HASHING = {
    "JTS_ARGON2_TIME_COST": "1",
    "JTS_ARGON2_MEMORY_KIB": "8192",
    "JTS_ARGON2_PARALLELISM": "1",
}


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JTS_")}
    env.update(CHEAP_HASHING)
    env.update(values)
    return env


def _jts(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 -- our own command, fixed arguments
        [JTS, *args], capture_output=True, text=True, env=_env(**env), timeout=300, check=False
    )


def test_help_explains_every_command() -> None:
    top = _jts("--help")
    assert top.returncode == 0
    for command in COMMANDS:
        assert command in top.stdout
        own = _jts(command, "--help")
        assert own.returncode == 0, own.stderr
        assert f"Usage: jts {command}" in own.stdout
        assert len(own.stdout.splitlines()) > 4


def test_production_without_a_secret_key_refuses_to_serve() -> None:
    result = _jts("serve", JTS_ENV="production", JTS_DATABASE_URL="postgresql://nowhere/jts")
    assert result.returncode == 1
    assert "JTS_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def fresh_database(server_url: str) -> Iterator[str]:
    """An empty database (no schema) on the run's server."""
    url = create_database(server_url, "jts_cli")
    yield url
    drop_database(server_url, url)


async def _counts(url: str) -> dict[str, int]:
    tables = [
        "organizations",
        "stores",
        "departments",
        "shift_templates",
        "employees",
        "roster_entries",
        "task_templates",
        "tasks",
    ]
    connection = await asyncpg.connect(url)
    try:
        return {t: int(await connection.fetchval(f"SELECT count(*) FROM {t}")) for t in tables}  # noqa: S608 -- fixed table names
    finally:
        await connection.close()


def test_migrate_then_seed_demo_on_a_fresh_database(fresh_database: str) -> None:
    for _ in range(2):  # migrating an up-to-date database changes nothing
        migrated = _jts("migrate", JTS_DATABASE_URL=fresh_database)
        assert migrated.returncode == 0, migrated.stderr
    seeded = _jts("seed-demo", JTS_DATABASE_URL=fresh_database)
    assert seeded.returncode == 0, seeded.stderr
    assert "Demo data added." in seeded.stdout
    assert "admin@demo.jts.test" in seeded.stdout
    assert "ravi@demo.jts.test" in seeded.stdout
    counts = asyncio.run(_counts(fresh_database))
    assert counts == {
        "organizations": 1,
        "stores": 2,
        "departments": 2,
        "shift_templates": 2,
        "employees": 7,
        "roster_entries": 4 * 7,
        "task_templates": 3,
        "tasks": 4,
    }
    again = _jts("seed-demo", JTS_DATABASE_URL=fresh_database)
    assert again.returncode == 0, again.stderr
    assert "nothing added" in again.stdout
    assert "admin@demo.jts.test" in again.stdout
    assert asyncio.run(_counts(fresh_database)) == counts


@pytest.fixture
def second_database(server_url: str) -> Iterator[str]:
    """Another empty database, to restore into."""
    url = create_database(server_url, "jts_cli_restore")
    yield url
    drop_database(server_url, url)


def test_backup_then_restore_brings_the_database_back_and_refuses_a_full_one(
    fresh_database: str, second_database: str, tmp_path: Path
) -> None:
    assert _jts("migrate", JTS_DATABASE_URL=fresh_database).returncode == 0
    assert _jts("seed-demo", JTS_DATABASE_URL=fresh_database).returncode == 0
    backups = {"JTS_DATABASE_URL": fresh_database, "JTS_BACKUPS_DIR": str(tmp_path)}
    backed_up = _jts("backup", **backups)
    assert backed_up.returncode == 0, backed_up.stderr
    [archive] = tmp_path.glob("jts-backup-*.tar.gz")
    assert f"Backup written to {archive}" in backed_up.stdout

    restored = _jts("restore", str(archive), JTS_DATABASE_URL=second_database)
    assert restored.returncode == 0, restored.stderr
    assert "checksums verified" in restored.stdout
    assert asyncio.run(_counts(second_database)) == asyncio.run(_counts(fresh_database))

    refused = _jts("restore", str(archive), JTS_DATABASE_URL=second_database)
    assert refused.returncode == 1
    assert "Error:" in refused.stderr
    assert "Traceback" not in refused.stderr
    replaced = _jts("restore", "--replace", str(archive), JTS_DATABASE_URL=second_database)
    assert replaced.returncode == 0, replaced.stderr
    assert asyncio.run(_counts(second_database)) == asyncio.run(_counts(fresh_database))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DevProcess:
    """``jts dev`` running in the background, its output in a file."""

    def __init__(self, data_dir: Path, log: Path) -> None:
        self.port = _free_port()
        self.log = log
        self.url = f"http://127.0.0.1:{self.port}"
        with log.open("w") as output:
            self.process = subprocess.Popen(  # noqa: S603 -- our own command, fixed arguments
                [JTS, "dev", "--data-dir", str(data_dir), "--port", str(self.port)],
                stdout=output,
                stderr=subprocess.STDOUT,
                env=_env(),
            )

    @property
    def output(self) -> str:
        return self.log.read_text()

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        pytest.fail(f"jts dev did not become healthy:\n{self.output}")

    def gql(self, query: str, variables: dict[str, str] | None = None, token: str = "") -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        payload = {"query": query, "variables": variables or {}}
        response = httpx.post(f"{self.url}/graphql", json=payload, headers=headers, timeout=30)
        body: dict = response.json()
        assert "errors" not in body, body
        return body["data"]

    def terminate(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


TRIGGER = """
mutation { triggerJob(job: "refresh_pending_summaries") { executionId } }"""
EXECUTIONS = """
{ jobExecutions(job: "refresh_pending_summaries") { edges { node { id trigger success } } } }"""


def _worker_runs_a_triggered_job(dev: DevProcess, email: str, password: str) -> None:
    """The worker that ``jts dev`` runs beside the API picks up a run the API queued."""
    token = dev.gql(LOGIN, {"email": email, "password": password})["login"]["token"]
    execution_id = dev.gql(TRIGGER, token=token)["triggerJob"]["executionId"]
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        edges = dev.gql(EXECUTIONS, token=token)["jobExecutions"]["edges"]
        runs = {e["node"]["id"]: e["node"] for e in edges}
        if runs.get(execution_id, {}).get("success") is not None:
            break
        time.sleep(0.5)
    assert runs.get(execution_id) == {"id": execution_id, "trigger": "MANUAL", "success": True}


def test_dev_serves_demo_logins_and_stops_gracefully(tmp_path: Path, data_dir: Path) -> None:
    first = DevProcess(data_dir, tmp_path / "first.log")
    try:
        first.wait_healthy()
        output = first.output
        assert f"GraphiQL: http://127.0.0.1:{first.port}/graphql" in output
        password = re.search(r"password: (\S+)\)", output)
        assert password is not None, output
        employee = re.search(r"EMPLOYEE\s+(\S+@demo\.jts\.test)", output)
        assert employee is not None, output
        signed_in = first.gql(LOGIN, {"email": employee.group(1), "password": password.group(1)})
        token = signed_in["login"]["token"]
        assert signed_in["login"]["user"]["role"] == "EMPLOYEE"
        admin = re.search(r"ADMIN\s+(\S+@demo\.jts\.test)", output)
        assert admin is not None, output
        _worker_runs_a_triggered_job(first, admin.group(1), password.group(1))
        request_id = httpx.get(f"{first.url}/health").headers["x-request-id"]
        assert first.terminate() == 0
        assert "closing database connections" in first.output
        logged = json_records(first.output)
        health = [e for e in logged if e.get("request_id") == request_id]
        assert [(e["event"], e.get("path"), e.get("status")) for e in health] == [
            ("request", "/health", 200)
        ]
        assert any(e.get("logger") == "uvicorn.error" for e in logged)  # JSON too
    finally:
        first.kill()
    assert (data_dir / "secret_key").stat().st_mode & 0o077 == 0

    second = DevProcess(data_dir, tmp_path / "second.log")
    try:
        second.wait_healthy()
        assert "Demo data added." not in second.output  # the database was not empty
        assert employee.group(1) in second.output  # the logins are still printed
        # the key kept in the data directory still verifies the first run's token
        assert second.gql(ME, token=token)["me"]["email"] == employee.group(1)
        assert second.terminate() == 0
    finally:
        second.kill()
