"""The one way an API test gets a server, and talking GraphQL to it.

* :func:`serve` — the real app (:func:`~jts_api.app.create_app`) on the run's database,
  served by uvicorn in a background thread on a free local port, with a
  :class:`~jts_domain.clock.ManualClock` that starts at :data:`API_START` (or the clock,
  engine, job queue and settings a test gives it);
* :func:`serve_app` — the same for an app a test built itself;
* :func:`jts_serve` — ``jts serve`` as a subprocess, as an operator runs it (its own
  process logging and uvicorn configuration), for the tests of what a process logs and
  which addresses it believes.

Every fixture that serves the API (``tests/api/conftest.py``, the folders' conftests and
the module fixtures) is built on these.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
import uvicorn
from asyncpg import introspection
from litestar import Litestar
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_api.app import create_app
from jts_api.runtime import ApiRuntime
from jts_api.settings import ApiSettings
from jts_domain.clock import ManualClock
from jts_domain.ports import JobQueue
from jts_store.database import Database

STARTUP_TIMEOUT_SECONDS = 20.0

#: Monday 2 March 2026, 09:00 in Asia/Kolkata: where every test server's clock starts.
API_START = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)

TEST_SECRET_KEY = "test-secret-key-" + "x" * 32


def api_settings(database_url: str, **overrides: object) -> ApiSettings:
    """Settings for a test app on the run's database (generous limits unless overridden)."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "secret_key": TEST_SECRET_KEY,
        "env": "development",
        "rate_limit_per_minute": 10_000,
        "rate_limit_burst": 10_000,
        "pool_size": 5,
        # real argon2id, at a cost that keeps the suite quick
        "argon2_time_cost": 1,
        "argon2_memory_kib": 8 * 1024,
        "argon2_parallelism": 1,
        "log_level": "WARNING",
        # many apps in one long-lived process: nothing frozen (see jts_api.ops.collector)
        "gc_freeze": False,
    }
    values.update(overrides)
    return ApiSettings(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ApiServer:
    """A running server (``app`` is None for one in another process)."""

    url: str
    clock: ManualClock | None
    app: Litestar | None = None

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/graphql"

    @property
    def ws_url(self) -> str:
        return self.graphql_url.replace("http://", "ws://", 1)

    @property
    def runtime(self) -> ApiRuntime:
        """The app's runtime (its feeds, caches and unit-of-work factory)."""
        assert self.app is not None, "a server in another process"
        runtime: ApiRuntime = self.app.state.runtime
        return runtime

    @property
    def manual_clock(self) -> ManualClock:
        """The server's clock, which the test moves."""
        assert self.clock is not None, "a server on the system clock"
        return self.clock


@contextmanager
def serve(
    database_url: str,
    *,
    clock: ManualClock | None = None,
    system_clock: bool = False,
    engine: AsyncEngine | None = None,
    database: Database | None = None,
    job_queue: JobQueue | None = None,
    live: bool = False,
    **settings: object,
) -> Iterator[ApiServer]:
    """The real app on ``database_url`` (settings: :func:`api_settings` with
    ``settings``), served until the block ends.

    Its clock is ``clock``, else a new manual clock at :data:`API_START`, else (with
    ``system_clock``) the system's. ``engine`` (the app's own; it disposes of it) lets
    a test count the statements the server sends; ``database`` is a process's shared
    one (the app leaves closing it to its owner). With ``live`` the server is handed
    over only once its live feed reads the outbox (a change committed before would not
    reach it)."""
    if system_clock:
        assert clock is None, "a manual clock or the system's, not both"
    else:
        clock = clock or ManualClock(API_START)
    app = create_app(
        api_settings(database_url, **settings),
        engine=engine,
        database=database,
        clock=clock,
        job_queue=job_queue,
    )
    with serve_app(app, clock=clock) as server:
        if live:
            deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
            while not server.runtime.live_feed.ready.is_set():
                assert time.monotonic() < deadline, "the live feed never started"
                time.sleep(0.01)
        yield server


@contextmanager
def serve_app(app: Litestar, *, clock: ManualClock | None = None) -> Iterator[ApiServer]:
    """Serve ``app`` on a free local port (websockets included) until the block ends;
    then shut it down gracefully (the app's shutdown hooks run)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, lifespan="on", log_level="warning", ws="websockets-sansio", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn-{port}", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            msg = "the API server did not start"
            raise RuntimeError(msg)
        time.sleep(0.02)
    try:
        yield ApiServer(url=f"http://127.0.0.1:{port}", clock=clock, app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_SECONDS)
        sock.close()


#: What asyncpg sends by itself the first time a connection meets a type (its type
#: introspection, with JIT switched off around it): not a request's.
_DRIVER_OWN = {
    " ".join(getattr(introspection, name).split())
    for name in ("INTRO_LOOKUP_TYPES", "INTRO_LOOKUP_TYPES_13", "TYPE_BY_NAME")
    if hasattr(introspection, name)
}
_DRIVER_OWN_JIT = ("SELECT current_setting('jit')", "SELECT set_config('jit'")


def _drivers_own(query: str) -> bool:
    flat = " ".join(query.split())
    return flat in _DRIVER_OWN or flat.startswith(_DRIVER_OWN_JIT)


@dataclass
class RoundTripCounter:
    """Statements and transaction-control commands sent on one engine's connections: every
    statement SQLAlchemy sends (``before_cursor_execute``) and what the driver is asked to
    send on its own (asyncpg's query logger, which does not see SQLAlchemy's prepared
    statements): ``BEGIN``, ``COMMIT`` and ``ROLLBACK``, and the statements the store
    hands the driver directly (counted as statements)."""

    statements: list[str] = field(default_factory=list)
    controls: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def attach(self, engine: AsyncEngine) -> None:
        def executed(*args: Any) -> None:
            with self.lock:
                self.statements.append(str(args[2]))

        def connected(dbapi_connection: Any, _record: Any) -> None:
            def logged(record: Any) -> None:
                query = str(record.query).strip()
                if _drivers_own(query):
                    return
                with self.lock:
                    if query.split(" ", 1)[0].rstrip(";") in {"BEGIN", "COMMIT", "ROLLBACK"}:
                        self.controls.append(query)
                    else:
                        self.statements.append(query)

            dbapi_connection.driver_connection.add_query_logger(logged)

        event.listen(engine.sync_engine, "before_cursor_execute", executed)
        event.listen(engine.sync_engine, "connect", connected)

    @property
    def round_trips(self) -> int:
        return len(self.statements) + len(self.controls)

    def reset(self) -> None:
        with self.lock:
            self.statements.clear()
            self.controls.clear()


JTS = str(Path(sys.executable).parent / "jts")
PROCESS_STARTUP_TIMEOUT_SECONDS = 90.0


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
        deadline = time.monotonic() + PROCESS_STARTUP_TIMEOUT_SECONDS
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


@dataclass(frozen=True)
class GraphQLResult:
    """One GraphQL answer over HTTP."""

    status_code: int
    headers: httpx.Headers
    body: dict[str, Any]

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.body.get("errors") or [])

    @property
    def codes(self) -> list[str | None]:
        """``extensions.code`` of each error, in order."""
        return [(e.get("extensions") or {}).get("code") for e in self.errors]

    def ok(self) -> Any:
        """The data, after checking there was no error."""
        assert not self.errors, self.errors
        return self.data


@dataclass
class Gql:
    """``gql(query, variables=None, token=None)``; ``gql.http`` is the raw httpx client."""

    http: httpx.Client
    server: ApiServer
    headers: dict[str, str] = field(default_factory=dict)

    def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> GraphQLResult:
        sent = dict(self.headers)
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        sent.update(headers or {})
        payload: dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        response = self.http.post(self.server.graphql_url, json=payload, headers=sent)
        return GraphQLResult(response.status_code, response.headers, response.json())


@contextmanager
def make_gql(server: ApiServer) -> Iterator[Gql]:
    """A GraphQL client of ``server``."""
    with httpx.Client(timeout=30.0) as http:
        yield Gql(http=http, server=server)


@dataclass(frozen=True)
class Account:
    """A signed-in employee."""

    token: str
    employee_id: str
    organization_id: str
    email: str
    password: str


REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) { token user { id organizationId role email } }
}
"""

LOGIN = """
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { token user { id organizationId role email } }
}
"""


def unique_email(name: str = "admin") -> str:
    """An e-mail address nobody else in the run has."""
    return f"{name}-{uuid4().hex[:12]}@example.test"


def _account(payload: dict[str, Any], password: str) -> Account:
    user = payload["user"]
    return Account(
        token=payload["token"],
        employee_id=user["id"],
        organization_id=user["organizationId"],
        email=user["email"],
        password=password,
    )


def register(gql: Gql, *, timezone: str = "Asia/Kolkata", name: str = "Asha") -> Account:
    """Register a new organization; its admin, signed in."""
    password = "correct horse battery"
    variables = {
        "input": {
            "organizationName": f"Org {uuid4().hex[:8]}",
            "timezone": timezone,
            "email": unique_email(),
            "password": password,
            "name": name,
        }
    }
    return _account(gql(REGISTER, variables).ok()["register"], password)


def login(gql: Gql, email: str, password: str) -> Account:
    """Sign in; the account."""
    return _account(gql(LOGIN, {"email": email, "password": password}).ok()["login"], password)
