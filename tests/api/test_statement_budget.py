"""The timer path's budget: what one mutation costs the database, counted in round trips.

Each of ``startTask``, ``pauseTask``, ``resumeTask``, ``stopTimer`` and ``completeTask``
runs against a server whose engine counts every statement SQLAlchemy sends
(``before_cursor_execute``) and everything the driver is asked to send on its own
(asyncpg's query logger: the transaction's ``BEGIN``, ``COMMIT`` and ``ROLLBACK``, and the
statements the store hands the driver directly). The caller comes
from the process's cache; the use case reads the task-and-timer aggregate with everything
around it in one statement, and writes what changed — the task, the timer and its
intervals, the history row, the audit entry, the outbox event — in one more, guarded
against lost updates, so it needs no transaction of its own: two round trips, against the
raw asyncpg baseline's eleven (``bench/api_timer_cycle.py``: nine statements in a
transaction).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from asyncpg import introspection
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_api.app import create_app
from jts_domain.clock import ManualClock
from jts_store.engine import create_engine
from tests.api.conftest import API_START, api_settings
from tests.api.harness import ApiServer, Gql, make_gql, serve_app
from tests.api.work import Team, make_team

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


#: The raw asyncpg baseline's round trips for one step: BEGIN, nine statements, COMMIT.
RAW_BASELINE = 11
#: A timer mutation's round trips: read the aggregate; save it with its audit and outbox rows.
TIMER_MUTATION_ROUND_TRIPS = 2

START = "mutation($id: ID!) { startTask(id: $id) { id status } }"
PAUSE = "mutation($id: ID!) { pauseTask(id: $id) { id status } }"
RESUME = "mutation($id: ID!) { resumeTask(id: $id) { id status } }"
COMPLETE = "mutation($id: ID!) { completeTask(id: $id) { id status actualMinutes } }"
STOP = "mutation { stopTimer { id state } }"


@dataclass
class RoundTripCounter:
    """Statements and transaction-control commands sent on one engine's connections."""

    # SQLAlchemy sends its statements as prepared ones, which asyncpg's query logger does
    # not see; the logger sees the rest: transaction control, and the statements the
    # store gives the driver directly (counted as statements).

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


@dataclass
class Counted:
    server: ApiServer
    counter: RoundTripCounter


@pytest.fixture(scope="module")
def counted(database_url: str) -> Iterator[Counted]:
    """A server on an engine of its own, whose statements are counted."""
    engine = create_engine(database_url, pool_size=2)
    counter = RoundTripCounter()
    counter.attach(engine)
    clock = ManualClock(API_START)
    app = create_app(api_settings(database_url), engine=engine, clock=clock)
    with serve_app(app, clock=clock) as server:
        yield Counted(server=server, counter=counter)


@pytest.fixture
def counted_gql(counted: Counted) -> Iterator[Gql]:
    with make_gql(counted.server) as client:
        yield client


@pytest.fixture
async def counted_team(engine: AsyncEngine, counted: Counted, counted_gql: Gql) -> Team:
    team = await make_team(engine, counted.server, counted_gql)
    await team.clock_in(team.world.alice)
    return team


def _cost(team: Team, counter: RoundTripCounter, query: str, variables: dict[str, Any]) -> int:
    """Send the mutation as Alice; the round trips it cost (after checking it worked)."""
    team.clock.advance(seconds=10)  # well within the caller cache's time to live
    counter.reset()
    team.as_("alice", query, variables).ok()
    _settle(team)
    return counter.round_trips


def _settle(team: Team) -> None:
    """The driver reports its queries to loggers soon after sending them; a request that
    touches no database, answered after those reports, closes the count."""
    team.as_("alice", "{ __typename }").ok()


def test_each_timer_mutation_is_two_round_trips(counted: Counted, counted_team: Team) -> None:
    team, counter = counted_team, counted.counter
    task = team.create("manager", assigneeId=str(team.world.alice.id))
    ids = {"id": task["id"]}
    team.as_("alice", "{ me { id } }").ok()  # the caller is identified (and cached) once
    _settle(team)
    costs = {
        "startTask": _cost(team, counter, START, ids),
        "pauseTask": _cost(team, counter, PAUSE, ids),
        "resumeTask": _cost(team, counter, RESUME, ids),
        "stopTimer": _cost(team, counter, STOP, {}),
        "resumeTask (a new timer)": _cost(team, counter, RESUME, ids),
        "completeTask": _cost(team, counter, COMPLETE, ids),
    }
    assert costs == dict.fromkeys(costs, TIMER_MUTATION_ROUND_TRIPS)
    assert TIMER_MUTATION_ROUND_TRIPS < RAW_BASELINE


def test_the_write_is_one_guarded_statement_outside_any_transaction(
    counted: Counted, counted_team: Team
) -> None:
    team, counter = counted_team, counted.counter
    task = team.create("manager", assigneeId=str(team.world.alice.id))
    team.as_("alice", "{ me { id } }").ok()
    _cost(team, counter, START, {"id": task["id"]})
    assert counter.controls == []  # no BEGIN, no COMMIT
    read, write = counter.statements
    assert read.lstrip().startswith("WITH subject")
    for part in (
        "UPDATE tasks",
        "INSERT INTO task_status_history",
        "INSERT INTO timers",
        "INSERT INTO timer_intervals",
        "INSERT INTO audit_log",
        "INSERT INTO outbox",
        "pg_notify",
        "jts_expect",
    ):
        assert part in write, part


def test_a_manager_hold_with_its_reach_check_needs_no_transaction_either(
    counted: Counted, counted_team: Team
) -> None:
    """Reads run outside a transaction (READ COMMITTED gives each statement its own
    snapshot anyway); the one guarded write is atomic on its own."""
    team, counter = counted_team, counted.counter
    task = team.create("manager", assigneeId=str(team.world.alice.id))
    team.as_("alice", START, {"id": task["id"]}).ok()
    team.as_("manager", "{ me { id } }").ok()
    _settle(team)
    counter.reset()
    hold = 'mutation($id: ID!) { holdTask(id: $id, reason: "wait") { status } }'
    assert team.as_("manager", hold, {"id": task["id"]}).ok()["holdTask"]["status"] == "ON_HOLD"
    _settle(team)
    assert counter.controls == []
    assert len(counter.statements) == 3  # the aggregate, the department (reach), the write


def test_a_use_case_with_two_writes_runs_in_one_transaction(
    counted: Counted, counted_team: Team
) -> None:
    """Clocking out closes the attendance and stops the timer: two writes, one transaction."""
    team, counter = counted_team, counted.counter
    task = team.create("manager", assigneeId=str(team.world.alice.id))
    team.as_("alice", START, {"id": task["id"]}).ok()
    _settle(team)
    counter.reset()
    team.as_("alice", "mutation { clockOut { clockOutAt } }").ok()
    _settle(team)
    assert [c.split()[0] for c in counter.controls] == ["BEGIN", "COMMIT;"]
