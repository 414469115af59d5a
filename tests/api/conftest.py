"""The API under test: the real app, served by uvicorn on a free port, over HTTP only.

Fixtures and helpers for every API test:

* ``api`` (session) — the running server: ``api.url``, ``api.graphql_url``,
  ``api.ws_url`` (graphql-transport-ws), ``api.clock`` (the server's
  :class:`~jts_domain.clock.ManualClock`; tests move it forward, never back);
* ``gql`` — ``gql(query, variables=None, token=None) -> GraphQLResult`` posts to
  ``/graphql`` (``result.data``, ``result.errors``, ``result.codes``,
  ``result.status_code``, ``result.headers``);
* ``account`` — a freshly registered organization's admin (``account.token``,
  ``account.employee_id``, ``account.email``, ``account.password``);
* ``register(gql)`` / ``login(gql, email, password)`` — the same, by hand;
* ``serve_app(app)`` — a context manager serving any other app (another configuration)
  on its own port, for tests that need a second instance;
* ``world`` — an organization with a store, a department, a shift that started five
  minutes ago (server clock), and a manager and an employee rostered on it today
  (``tests/api/world.py`` holds the operations and coordinates INSIDE/OUTSIDE);
* ``rows(table, organization_id)`` — counts an organization's rows in the database, to
  check that a refused request changed nothing.

Every test registers its own organization, so tests share the database and the server
without seeing each other's data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_api.app import create_app
from jts_api.settings import ApiSettings
from jts_domain.clock import ManualClock
from tests.api.database import count_rows
from tests.api.harness import Account, ApiServer, Gql, make_gql, register, serve_app
from tests.api.work import Team, make_team
from tests.api.world import ApiWorld, build_world

#: Monday 2 March 2026, 09:00 in Asia/Kolkata: where the server's clock starts.
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
    }
    values.update(overrides)
    return ApiSettings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def api(database_url: str) -> Iterator[ApiServer]:
    """The API served for the whole run, on the run's database, with a manual clock."""
    clock = ManualClock(API_START)
    app = create_app(api_settings(database_url), clock=clock)
    with serve_app(app, clock=clock) as server:
        yield server


@pytest.fixture
def gql(api: ApiServer) -> Iterator[Gql]:
    """Posts GraphQL to the session's server."""
    with make_gql(api) as client:
        yield client


@pytest.fixture
def account(gql: Gql) -> Account:
    """A new organization's admin, signed in."""
    return register(gql)


@pytest.fixture
def world(gql: Gql, api: ApiServer) -> ApiWorld:
    """An organization with people rostered on a shift covering the server's now."""
    return build_world(gql, api)


@pytest.fixture
def rows(database_url: str) -> Callable[[str, str], int]:
    """``rows(table, organization_id)``: how many rows the organization has there."""

    def count(table: str, organization_id: str) -> int:
        return count_rows(database_url, table, organization_id)

    return count


@pytest.fixture(scope="session")
def work_api(database_url: str) -> Iterator[ApiServer]:
    """A server of its own for the task and timer tests, whose clock only they move
    (a few minutes at a time, so the 09:00–17:00 shift of their worlds stays open)."""
    clock = ManualClock(API_START)
    app = create_app(api_settings(database_url), clock=clock)
    with serve_app(app, clock=clock) as server:
        yield server


@pytest.fixture
def work_gql(work_api: ApiServer) -> Iterator[Gql]:
    """Posts GraphQL to the task and timer tests' server."""
    with make_gql(work_api) as client:
        yield client


@pytest.fixture
async def team(engine: AsyncEngine, work_api: ApiServer, work_gql: Gql) -> Team:
    """A new staffed organization on the task and timer tests' server, signed in."""
    return await make_team(engine, work_api, work_gql)
