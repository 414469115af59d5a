"""``workload`` and ``teamWorkload`` over HTTP: what the 5-minute job stored, or the same
numbers computed at once before it ran."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from jts_domain.administration.pending import refresh_pending_summaries
from jts_domain.ports import UnitOfWorkFactory
from jts_domain.services import ServiceContext
from tests.api.admin.documents import CREATE_TASK, TEAM_WORKLOAD, UPDATE_DEPARTMENT, WORKLOAD
from tests.api.harness import ApiServer, Gql, register
from tests.api.team import Team


async def _run_the_job(pg_uow_factory: UnitOfWorkFactory, api: ApiServer, world: Team) -> None:
    """What ``refresh_pending_summaries`` does every 5 minutes, at the server's now."""
    assert api.clock is not None
    ctx = ServiceContext(uow=pg_uow_factory, clock=api.clock)
    await refresh_pending_summaries(ctx, UUID(world.organization_id))


def _give(gql: Gql, world: Team, **fields: object) -> None:
    task = {"title": "Work", "assigneeId": world.id("employee"), **fields}
    gql(CREATE_TASK, {"input": task}, world.token("admin")).ok()


async def test_a_workload_is_the_stored_summary_or_computed_before_the_first_run(
    gql: Gql, api: ApiServer, world: Team, pg_uow_factory: UnitOfWorkFactory
) -> None:
    """Three URGENT tasks (one due an hour ago, one due at the end of the local day) and a
    LOW one due in three days: urgent 3 → MODERATE, overall MODERATE."""
    assert api.clock is not None
    now = world.local_now()
    end_of_day = now.replace(hour=23, minute=59, second=0, microsecond=0)
    due = [now - timedelta(hours=1), end_of_day]
    for due_at in due:
        _give(gql, world, priority="URGENT", dueAt=due_at.isoformat())
    _give(gql, world, priority="URGENT")
    _give(gql, world, priority="LOW", dueAt=(now + timedelta(days=3)).isoformat())

    before = gql(WORKLOAD, {}, world.token("employee")).ok()["workload"]

    assert datetime.fromisoformat(before["computedAt"]) == api.clock.now()
    assert {k: before[k] for k in ("level", "pending", "urgent", "overdue", "urgentLevel")} == {
        "level": "MODERATE",
        "pending": 4,
        "urgent": 3,
        "overdue": sum(1 for d in due if d < now),
        "urgentLevel": "MODERATE",
    }
    assert before["byPriority"] == {"low": 1, "medium": 0, "high": 0, "urgent": 3}
    assert before["dueToday"] == sum(1 for d in due if d.date() == now.date())
    assert before["employee"]["id"] == world.id("employee")

    await _run_the_job(pg_uow_factory, api, world)
    taken_at = api.clock.now()
    api.clock.advance(minutes=2)
    _give(gql, world, priority="URGENT")  # after the run: not in the stored summary yet

    stored = gql(WORKLOAD, {"employeeId": world.id("employee")}, world.token("admin")).ok()
    assert datetime.fromisoformat(stored["workload"]["computedAt"]) == taken_at
    assert {**stored["workload"], "computedAt": None} == {**before, "computedAt": None}


async def test_team_workload_lists_a_managed_departments_people(
    gql: Gql, api: ApiServer, world: Team, pg_uow_factory: UnitOfWorkFactory
) -> None:
    _give(gql, world)
    await _run_the_job(pg_uow_factory, api, world)
    variables = {"departmentId": world.department_id}
    assert gql(TEAM_WORKLOAD, variables, world.token("manager")).codes == ["FORBIDDEN"]
    managed = {"id": world.department_id, "input": {"managerId": world.id("manager")}}
    gql(UPDATE_DEPARTMENT, managed, world.token("admin")).ok()

    team = gql(TEAM_WORKLOAD, variables, world.token("manager")).ok()["teamWorkload"]

    pending = {w["employeeId"]: w["pending"] for w in team}
    assert pending == {world.id("manager"): 0, world.id("employee"): 1}
    assert [w["employeeId"] for w in team] == sorted(pending)
    assert gql(TEAM_WORKLOAD, variables, world.token("employee")).codes == ["FORBIDDEN"]
    other = register(gql)
    assert gql(TEAM_WORKLOAD, variables, other.token).codes == ["NOT_FOUND"]
    mine = {"employeeId": world.id("employee")}
    assert gql(WORKLOAD, mine, other.token).codes == ["NOT_FOUND"]
