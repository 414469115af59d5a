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

from typing import Any

import pytest

from tests.api.harness import RoundTripCounter
from tests.api.team import Team

#: The raw asyncpg baseline's round trips for one step: BEGIN, nine statements, COMMIT.
RAW_BASELINE = 11
#: A timer mutation's round trips: read the aggregate; save it with its audit and outbox rows.
TIMER_MUTATION_ROUND_TRIPS = 2

START = "mutation($id: ID!) { startTask(id: $id) { id status } }"
PAUSE = "mutation($id: ID!) { pauseTask(id: $id) { id status } }"
RESUME = "mutation($id: ID!) { resumeTask(id: $id) { id status } }"
COMPLETE = "mutation($id: ID!) { completeTask(id: $id) { id status actualMinutes } }"
STOP = "mutation { stopTimer { id state } }"


@pytest.fixture
async def counted_team(team: Team) -> Team:
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


def test_each_timer_mutation_is_two_round_trips(
    work_statements: RoundTripCounter, counted_team: Team
) -> None:
    team, counter = counted_team, work_statements
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
    work_statements: RoundTripCounter, counted_team: Team
) -> None:
    team, counter = counted_team, work_statements
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
    work_statements: RoundTripCounter, counted_team: Team
) -> None:
    """Reads run outside a transaction (READ COMMITTED gives each statement its own
    snapshot anyway); the one guarded write is atomic on its own."""
    team, counter = counted_team, work_statements
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
    work_statements: RoundTripCounter, counted_team: Team
) -> None:
    """Clocking out closes the attendance and stops the timer: two writes, one transaction."""
    team, counter = counted_team, work_statements
    task = team.create("manager", assigneeId=str(team.world.alice.id))
    team.as_("alice", START, {"id": task["id"]}).ok()
    _settle(team)
    counter.reset()
    team.as_("alice", "mutation { clockOut { clockOutAt } }").ok()
    _settle(team)
    assert [c.split()[0] for c in counter.controls] == ["BEGIN", "COMMIT;"]
