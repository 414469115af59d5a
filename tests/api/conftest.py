"""The API under test: the real app, served by uvicorn on a free port, over HTTP only.

Every server comes from :func:`tests.api.harness.serve` (its clock starts at
``API_START``, Monday 2 March 2026, 09:00 in Asia/Kolkata). The fixtures every API test
may use:

* ``api`` (session) — the running server: ``api.url``, ``api.graphql_url``,
  ``api.ws_url`` (graphql-transport-ws), ``api.clock`` (the server's
  :class:`~jts_domain.clock.ManualClock`; tests move it forward, never back);
* ``gql`` — ``gql(query, variables=None, token=None) -> GraphQLResult`` posts to
  ``/graphql`` (``result.data``, ``result.errors``, ``result.codes``,
  ``result.status_code``, ``result.headers``);
* ``account`` — a freshly registered organization's admin (``account.token``,
  ``account.employee_id``, ``account.email``, ``account.password``);
* ``world`` — a :class:`~tests.api.team.Team` set up over HTTP through the setup
  mutations (``make_team_over_http``): a store, a department, a shift that started five
  minutes ago (server clock), and a ``manager`` and an ``employee`` rostered on it today;
* ``work_api`` (session), ``work_gql``, ``team`` — the task, timer and activity tests'
  server, whose clock only they move, and a :class:`~tests.api.team.Team` on it written
  through the ports (``make_team``: ``admin``, ``manager``, ``alice``, ``bob``);
  ``work_statements`` counts what that server sends its database;
* ``production_api`` (session) — a server in production mode on the system clock;
* ``rows(table, organization_id)`` — counts an organization's rows in the database, to
  check that a refused request changed nothing.

Every test registers its own organization, so tests share the database and the servers
without seeing each other's data. ``tests/api/README.md`` says where a new test goes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_store.engine import create_engine
from tests.api.database import count_rows
from tests.api.harness import (
    Account,
    ApiServer,
    Gql,
    RoundTripCounter,
    make_gql,
    register,
    serve,
)
from tests.api.team import Team, make_team, make_team_over_http


@pytest.fixture(scope="session")
def api(database_url: str) -> Iterator[ApiServer]:
    """The API served for the whole run, on the run's database, with a manual clock."""
    with serve(database_url) as server:
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
def world(gql: Gql, api: ApiServer) -> Team:
    """An organization set up over HTTP, its people rostered on a shift covering now."""
    return make_team_over_http(gql, api)


@pytest.fixture
def rows(database_url: str) -> Callable[[str, str], int]:
    """``rows(table, organization_id)``: how many rows the organization has there."""

    def count(table: str, organization_id: str) -> int:
        return count_rows(database_url, table, organization_id)

    return count


@pytest.fixture(scope="session")
def production_api(database_url: str) -> Iterator[ApiServer]:
    """A production server (introspection and GraphiQL off) on the system clock."""
    with serve(database_url, system_clock=True, env="production") as server:
        yield server


@pytest.fixture(scope="session")
def work_statements() -> RoundTripCounter:
    """What ``work_api`` sends its database (``reset()`` it before what is counted)."""
    return RoundTripCounter()


@pytest.fixture(scope="session")
def work_api(database_url: str, work_statements: RoundTripCounter) -> Iterator[ApiServer]:
    """A server of its own for the task, timer and activity tests, whose clock only they
    move (a few minutes at a time, so the 09:00–17:00 shift of their worlds stays open),
    on an engine of its own whose statements are counted."""
    engine = create_engine(database_url, pool_size=5)
    work_statements.attach(engine)
    with serve(database_url, engine=engine) as server:
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
