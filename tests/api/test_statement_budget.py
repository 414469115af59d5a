"""The timer path's statement budget: what one mutation costs the database, counted.

Each of ``startTask``, ``pauseTask``, ``resumeTask``, ``stopTimer`` and ``completeTask``
runs against a server whose engine counts every statement it sends (SQLAlchemy's
``before_cursor_execute``) and every transaction it ends. The use case reads the
task-and-timer aggregate with everything around it in one statement, and writes what changed
— the task, the timer and its intervals, the history row, the audit entry, the outbox event —
in one more, sent with the commit: two statements in one transaction, against the raw
asyncpg baseline's nine (``bench/api_timer_cycle.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_api.app import create_app
from jts_domain.clock import ManualClock
from jts_store.engine import create_engine
from tests.api.conftest import API_START, api_settings
from tests.api.harness import ApiServer, Gql, make_gql, serve_app
from tests.api.work import Team, make_team

#: The raw asyncpg baseline's statements for one step (bench/api_timer_cycle.py).
RAW_BASELINE = 9
#: The use case's own statements: read the aggregate; save it with its audit and outbox rows.
USE_CASE_STATEMENTS = 2

START = "mutation($id: ID!) { startTask(id: $id) { id status } }"
PAUSE = "mutation($id: ID!) { pauseTask(id: $id) { id status } }"
RESUME = "mutation($id: ID!) { resumeTask(id: $id) { id status } }"
COMPLETE = "mutation($id: ID!) { completeTask(id: $id) { id status actualMinutes } }"
STOP = "mutation { stopTimer { id state } }"


@dataclass
class StatementCounter:
    """Statements and ended transactions of one engine, from its own events."""

    statements: list[str] = field(default_factory=list)
    transactions: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def attach(self, engine: AsyncEngine) -> None:
        def executed(*args: Any) -> None:
            with self.lock:
                self.statements.append(str(args[2]))

        def ended(*_args: Any) -> None:
            with self.lock:
                self.transactions += 1

        event.listen(engine.sync_engine, "before_cursor_execute", executed)
        event.listen(engine.sync_engine, "commit", ended)
        event.listen(engine.sync_engine, "rollback", ended)

    def reset(self) -> None:
        with self.lock:
            self.statements.clear()
            self.transactions = 0


@dataclass
class Counted:
    server: ApiServer
    counter: StatementCounter


@pytest.fixture(scope="module")
def counted(database_url: str) -> Iterator[Counted]:
    """A server on an engine of its own, whose statements are counted."""
    engine = create_engine(database_url, pool_size=2)
    counter = StatementCounter()
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


def _cost(team: Team, counter: StatementCounter, query: str, variables: dict[str, Any]) -> int:
    """Send the mutation as Alice; the statements it cost (after checking it worked)."""
    team.clock.advance(minutes=1)
    counter.reset()
    team.as_("alice", query, variables).ok()
    return len(counter.statements)


def test_each_timer_mutation_stays_within_the_budget(counted: Counted, counted_team: Team) -> None:
    team, counter = counted_team, counted.counter
    task = team.create("manager", assigneeId=str(team.world.alice.id))
    ids = {"id": task["id"]}
    costs = {
        "startTask": _cost(team, counter, START, ids),
        "pauseTask": _cost(team, counter, PAUSE, ids),
        "resumeTask": _cost(team, counter, RESUME, ids),
        "stopTimer": _cost(team, counter, STOP, {}),
        "resumeTask (a new timer)": _cost(team, counter, RESUME, ids),
        "completeTask": _cost(team, counter, COMPLETE, ids),
    }
    assert all(cost <= RAW_BASELINE for cost in costs.values()), costs


def test_the_use_case_is_one_read_and_one_write(counted: Counted, counted_team: Team) -> None:
    team, counter = counted_team, counted.counter
    task = team.create("manager", assigneeId=str(team.world.alice.id))
    _cost(team, counter, START, {"id": task["id"]})
    use_case = [s for s in counter.statements if "tasks" in s or "audit_log" in s]
    assert len(use_case) == USE_CASE_STATEMENTS, counter.statements
    read, write = use_case
    assert read.lstrip().startswith("WITH subject")
    for part in (
        "UPDATE tasks",
        "INSERT INTO task_status_history",
        "INSERT INTO timers",
        "INSERT INTO timer_intervals",
        "INSERT INTO audit_log",
        "INSERT INTO outbox",
        "pg_notify",
    ):
        assert part in write, part
