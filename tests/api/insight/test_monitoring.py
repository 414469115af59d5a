"""workload, alerts and auditLog over HTTP."""

from __future__ import annotations

from datetime import timedelta

from jts_domain.clock import ManualClock
from jts_domain.model import TaskPriority
from jts_domain.services import ServiceContext
from jts_domain.services import tasks as task_service
from jts_domain.services.monitoring import sla_monitor
from tests.api.harness import Gql
from tests.api.team import Team

WORKLOAD = """
query($employeeId: ID) {
  workload(employeeId: $employeeId) {
    employeeId level pending urgent overdue pendingLevel urgentLevel overdueLevel
  }
}"""
ALERTS = """
query($first: Int!, $after: String) {
  alerts(first: $first, after: $after) {
    edges { cursor node { kind slaStatus message task { id title } employee { id name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""
AUDIT_LOG = """
query($first: Int!, $after: String) {
  auditLog(first: $first, after: $after) {
    edges { cursor node { action entityType entityId summary at actor { type id name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def test_workload_counts_open_work_and_levels_each_dimension(
    gql: Gql, ctx: ServiceContext, world: Team, other: Team
) -> None:
    """Bob has four URGENT open tasks, two of them due an hour ago, and a fifth that was
    cancelled (no longer open). Pending 4 ≤ 10 → LOW; urgent 4 (4–5) → HIGH; overdue 2 →
    MODERATE; overall the highest, HIGH."""
    manager = world.base.caller(world.base.manager)
    bob = world.base.bob.id
    an_hour_ago = world.at(8)
    for n in range(4):
        await task_service.create_task(
            ctx,
            manager,
            title=f"Urgent {n}",
            assignee_id=bob,
            priority=TaskPriority.URGENT,
            due_at=an_hour_ago if n < 2 else None,
        )
    dropped = await task_service.create_task(ctx, manager, title="Dropped", assignee_id=bob)
    await task_service.cancel_task(ctx, manager, dropped.id, "not needed")

    own = gql(WORKLOAD, {}, token=world.token("bob")).ok()["workload"]
    managed = gql(WORKLOAD, {"employeeId": world.id("bob")}, token=world.token("manager")).ok()

    assert own == {
        "employeeId": world.id("bob"),
        "level": "HIGH",
        "pending": 4,
        "urgent": 4,
        "overdue": 2,
        "pendingLevel": "LOW",
        "urgentLevel": "HIGH",
        "overdueLevel": "MODERATE",
    }
    assert managed["workload"] == own
    assert gql(WORKLOAD, {}, token=world.token("alice")).ok()["workload"]["level"] == "LOW"
    refused = gql(WORKLOAD, {"employeeId": world.id("bob")}, token=world.token("alice"))
    foreign = gql(WORKLOAD, {"employeeId": other.id("bob")}, token=world.token("admin"))
    assert (refused.codes, foreign.codes) == (["FORBIDDEN"], ["NOT_FOUND"])


async def test_alerts_page_newest_first_within_reach(
    gql: Gql, ctx: ServiceContext, world: Team, insight_clock: ManualClock
) -> None:
    """Three of Alice's tasks pass their SLA deadline and one of Bob's; the monitor at
    10:00 raises one BREACHED alert each. Alice sees her three, two to a page; the admin
    sees all four."""
    manager = world.base.caller(world.base.manager)
    titles = {}
    for who, title in (("alice", "A1"), ("alice", "A2"), ("alice", "A3"), ("bob", "B1")):
        task = await task_service.create_task(
            ctx,
            manager,
            title=title,
            assignee_id=world.person(who).id,
            sla_deadline=world.at(9, 30),
        )
        titles[str(task.id)] = title
    insight_clock.advance(hours=1)
    await sla_monitor(ctx, world.base.org.id)

    first = gql(ALERTS, {"first": 2}, token=world.token("alice")).ok()["alerts"]
    after = first["pageInfo"]["endCursor"]
    rest = gql(ALERTS, {"first": 2, "after": after}, token=world.token("alice")).ok()["alerts"]
    everything = gql(ALERTS, {"first": 10}, token=world.token("admin")).ok()["alerts"]

    assert first["pageInfo"]["hasNextPage"]
    assert after == first["edges"][-1]["cursor"]
    assert not rest["pageInfo"]["hasNextPage"]
    seen = [e["node"] for e in first["edges"] + rest["edges"]]
    assert sorted(n["task"]["title"] for n in seen) == ["A1", "A2", "A3"]
    assert {(n["kind"], n["slaStatus"]) for n in seen} == {("SLA_BREACHED", "BREACHED")}
    assert {n["employee"]["name"] for n in seen} == {"Alice"}
    assert all(titles[n["task"]["id"]] == n["task"]["title"] for n in seen)
    assert len(everything["edges"]) == 4
    assert gql(ALERTS, {"first": 2, "after": "garbage"}, token=world.token("alice")).codes == [
        "VALIDATION_ERROR"
    ]
    assert gql(ALERTS, {"first": 0}, token=world.token("alice")).codes == ["VALIDATION_ERROR"]


async def test_the_audit_log_is_for_admins_and_pages_newest_first(
    gql: Gql, ctx: ServiceContext, world: Team, insight_clock: ManualClock
) -> None:
    manager = world.base.caller(world.base.manager)
    created = []
    for n in range(3):
        created.append(await task_service.create_task(ctx, manager, title=f"Task {n}"))
        insight_clock.advance(minutes=1)

    first = gql(AUDIT_LOG, {"first": 2}, token=world.token("admin")).ok()["auditLog"]
    cursor = first["pageInfo"]["endCursor"]
    rest = gql(AUDIT_LOG, {"first": 2, "after": cursor}, token=world.token("admin")).ok()[
        "auditLog"
    ]

    nodes = [e["node"] for e in first["edges"] + rest["edges"]]
    assert [n["entityId"] for n in nodes] == [str(t.id) for t in reversed(created)]
    assert [n["summary"] for n in nodes] == [
        "'Task 2' created PENDING",
        "'Task 1' created PENDING",
        "'Task 0' created PENDING",
    ]
    assert {(n["action"], n["entityType"]) for n in nodes} == {("task.create", "task")}
    assert {n["actor"]["id"] for n in nodes} == {world.id("manager")}
    assert nodes[0]["actor"] == {"type": "USER", "id": world.id("manager"), "name": "Manager"}
    assert nodes[0]["at"] == (world.at(9) + timedelta(minutes=2)).isoformat()
    assert (first["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasNextPage"]) == (True, False)
    for who in ("manager", "alice"):
        assert gql(AUDIT_LOG, {"first": 2}, token=world.token(who)).codes == ["FORBIDDEN"]


async def test_a_list_reads_its_related_records_once_per_kind(
    gql: Gql,
    ctx: ServiceContext,
    world: Team,
    insight_clock: ManualClock,
    server_statements: list[str],
) -> None:
    """Six alerts over six tasks of two people: one read of employees by id and one of
    tasks by id for the whole page (the DataLoaders), not one per alert."""
    manager = world.base.caller(world.base.manager)
    for n in range(6):
        await task_service.create_task(
            ctx,
            manager,
            title=f"T{n}",
            assignee_id=world.person("alice" if n % 2 else "bob").id,
            sla_deadline=world.at(9, 30),
        )
    insight_clock.advance(hours=1)
    await sla_monitor(ctx, world.base.org.id)
    server_statements.clear()

    page = gql(ALERTS, {"first": 10}, token=world.token("admin")).ok()["alerts"]

    assert len(page["edges"]) == 6
    assert {e["node"]["employee"]["name"] for e in page["edges"]} == {"Alice", "Bob"}
    batched = [s for s in server_statements if ".id IN (" in s]
    assert len([s for s in batched if "FROM employees" in s]) == 1
    assert len([s for s in batched if "FROM tasks" in s]) == 1
