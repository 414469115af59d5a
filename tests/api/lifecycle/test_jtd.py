"""Jobs to do over real HTTP: master data, every seeded flow walked end to end, soft
enforcement in history and audit log, scheduling, visits across DST, the agent, jobs
from JTS's events, and tenant isolation and permissions on every id-taking field.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.jtd.agent import run_agent
from jts_domain.jtd.catalog import CATALOG, FLOW_CHAINS
from jts_domain.jtd.from_events import CONSUMER, jobs_from_events
from jts_domain.services import ServiceContext
from jts_domain.services.outbox_consumers import consume_all
from jts_store.unit_of_work import SqlUnitOfWorkFactory
from tests.api.harness import ApiServer, Gql, register
from tests.api.team import Team

JOB_FIELDS = """
fragment JobFields on JobToDo {
  id eventType sourceType status statusType channel subject priority scheduledAt isLive
  costMinor currency validTransition allowedNextStatuses attempts lastError version
  recipient { employeeId employee { id name } address name }
  performedBy { type id name }
  history { fromStatus toStatus startedAt endedAt secondsInPrevious validTransition note
            actor { type id name } }
}
"""
CREATE = (
    "mutation($input: CreateJobToDoInput!) { createJobToDo(input: $input) { ...JobFields } }"
    + JOB_FIELDS
)
MOVE = (
    "mutation($id: ID!, $status: String!, $note: String) {"
    " moveJobToDo(id: $id, status: $status, note: $note) { ...JobFields } }" + JOB_FIELDS
)
CANCEL = (
    "mutation($id: ID!, $reason: String!) { cancelJobToDo(id: $id, reason: $reason) {"
    " ...JobFields } }" + JOB_FIELDS
)
RESCHEDULE = (
    "mutation($id: ID!, $at: DateTime!) { rescheduleJobToDo(id: $id, scheduledAt: $at) {"
    " ...JobFields } }" + JOB_FIELDS
)
JOB = "query($id: ID!) { jobToDo(id: $id) { ...JobFields } }" + JOB_FIELDS
JOBS = (
    "query($f: JobToDoFilterInput, $first: Int, $after: String) {"
    " jobsToDo(filters: $f, first: $first, after: $after) {"
    " edges { node { ...JobFields } cursor } pageInfo { hasNextPage endCursor } } }" + JOB_FIELDS
)
VISITS = (
    "mutation($input: ScheduleServiceVisitsInput!) { scheduleServiceVisits(input: $input) {"
    " ...JobFields } }" + JOB_FIELDS
)
MASTER = """{
  jtdEventTypes { code category channels scheduling agentTarget
                  statuses { code type } flows { fromStatus toStatus } }
  jtdChannels { code provider costMinor currency rateLimitPerMinute }
  jtdSourceTypes { code eventType channels defaultPriority }
  jtdSystemActors { code id type name }
}"""
SETTINGS = """{ jtdSettings { agentEnabled agentEventTypes dailyLimit monthlyLimit
  quietHoursStart quietHoursEnd version channelsEnabled { channel enabled }
  sources { sourceType channels autoExecute priority delaySeconds } } }"""
UPDATE_SETTINGS = """mutation($input: UpdateJtdSettingsInput!) {
  updateJtdSettings(input: $input) { agentEnabled agentEventTypes dailyLimit version } }"""
UPDATE_SOURCE = """mutation($input: UpdateJtdSourceSettingsInput!) {
  updateJtdSourceSettings(input: $input) { sourceType channels autoExecute priority } }"""
PLAN = "{ agentPlan { at statuses jobToDo { id status } } }"
ACTIVITY = """{ agentActivity(first: 10) { edges { node { fromStatus toStatus validTransition
  actor { type id name } jobToDo { id status } } } pageInfo { hasNextPage } } }"""
AUDIT = "{ auditLog(first: 50) { edges { node { action entityId summary actor { name } } } } }"


def _create(gql: Gql, token: str, **fields: Any) -> dict[str, Any]:
    values = {"subject": f"Job {uuid4().hex[:6]}", **fields}
    return gql(CREATE, {"input": values}, token).ok()["createJobToDo"]


def _services(engine: AsyncEngine, api: ApiServer) -> ServiceContext:
    assert api.clock is not None
    return ServiceContext(uow=SqlUnitOfWorkFactory(engine), clock=api.clock)


def test_the_master_data_is_the_seeded_catalog(gql: Gql, world: Team) -> None:
    data = gql(MASTER, token=world.token("employee")).ok()
    types = {t["code"]: t for t in data["jtdEventTypes"]}
    assert list(types) == list(CATALOG.event_types)
    for code, definition in CATALOG.event_types.items():
        flows = {(f["fromStatus"], f["toStatus"]) for f in types[code]["flows"]}
        assert flows == definition.flows
        assert [s["code"] for s in types[code]["statuses"]] == [s.code for s in definition.statuses]
    assert types["service_visit"]["channels"] == ["email", "sms", "whatsapp"]
    assert {c["code"]: (c["costMinor"], c["rateLimitPerMinute"]) for c in data["jtdChannels"]} == {
        "email": (25, 100),
        "sms": (75, 50),
        "whatsapp": (50, 30),
        "push": (1, 500),
        "inapp": (0, 1000),
    }
    sources = {s["code"] for s in data["jtdSourceTypes"]}
    assert {
        "task_assigned",
        "sla_at_risk",
        "sla_breached",
        "idle_alert",
        "overtime_alert",
        "daily_score_ready",
        "shift_reminder",
        "user_invite",
        "manual",
    } <= sources
    assert [(a["code"], a["id"][-1], a["type"]) for a in data["jtdSystemActors"]] == [
        ("agent", "1", "AGENT"),
        ("system", "2", "SYSTEM"),
        ("webhook", "3", "WEBHOOK"),
    ]


@pytest.mark.parametrize("event_type", list(FLOW_CHAINS))
def test_every_seeded_flow_walks_end_to_end(
    gql: Gql, world: Team, api: ApiServer, event_type: str
) -> None:
    """The main line of each flow, valid at every step; then an off-flow move out of its
    end is applied, flagged, in the history and in the audit log."""
    token = world.token("manager")
    scheduled = {}
    if CATALOG.event_type(event_type).scheduling:
        assert api.clock is not None
        scheduled = {"scheduledAt": (api.clock.now() + timedelta(days=1)).isoformat()}
    job = _create(gql, token, eventType=event_type, recipientId=world.id("employee"), **scheduled)
    main = [code.strip() for code in FLOW_CHAINS[event_type][0].split("→")]
    assert job["status"] == main[0] == CATALOG.event_type(event_type).initial_status
    for status in main[1:]:
        assert status in job["allowedNextStatuses"]
        job = gql(MOVE, {"id": job["id"], "status": status}, token).ok()["moveJobToDo"]
        assert (job["status"], job["validTransition"]) == (status, True)
    assert job["allowedNextStatuses"] == []
    assert job["statusType"] in {"success", "terminal"}
    assert gql(CANCEL, {"id": job["id"], "reason": "too late"}, token).codes == [
        "INVALID_TRANSITION"
    ]
    flagged = gql(MOVE, {"id": job["id"], "status": main[0], "note": "start over"}, token).ok()
    job = flagged["moveJobToDo"]
    assert (job["status"], job["validTransition"]) == (main[0], False)
    assert [(h["toStatus"], h["validTransition"]) for h in job["history"]] == [
        *((s, True) for s in main[1:]),
        (main[0], False),
    ]
    assert {h["actor"]["type"] for h in job["history"]} == {"USER"}
    audit = [e["node"] for e in gql(AUDIT, token=world.token("admin")).ok()["auditLog"]["edges"]]
    assert audit[0]["summary"] == f"{main[-1]} → {main[0]} (outside the flow); start over"
    assert audit[0]["entityId"] == job["id"]


def test_one_record_per_job_with_its_channel_cost_and_test_mode(gql: Gql, world: Team) -> None:
    admin = world.token("admin")
    gql(
        UPDATE_SETTINGS,
        {"input": {"channelsEnabled": [{"channel": "sms", "enabled": True}]}},
        admin,
    ).ok()
    gql(
        UPDATE_SOURCE, {"input": {"sourceType": "payment_due", "channels": ["sms", "email"]}}, admin
    ).ok()
    live = _create(gql, admin, sourceType="payment_due", recipientAddress="+91 98450 00000")
    test = _create(
        gql, admin, sourceType="payment_due", recipientAddress="+91 98450 00000", isLive=False
    )
    assert (live["eventType"], live["channel"], live["costMinor"], live["isLive"]) == (
        "reminder",
        "sms",
        75,
        True,
    )
    assert (test["channel"], test["costMinor"], test["isLive"]) == ("sms", 0, False)
    listed = gql(JOBS, {"f": {"isLive": False}}, admin).ok()["jobsToDo"]["edges"]
    assert [e["node"]["id"] for e in listed] == [test["id"]]
    settings = gql(SETTINGS, token=admin).ok()["jtdSettings"]
    assert settings["sources"] == [
        {
            "sourceType": "payment_due",
            "channels": ["sms", "email"],
            "autoExecute": None,
            "priority": None,
            "delaySeconds": None,
        },
    ]
    bad = [
        gql(
            UPDATE_SETTINGS,
            {"input": {"channelsEnabled": [{"channel": "fax", "enabled": True}]}},
            admin,
        ),
        gql(UPDATE_SETTINGS, {"input": {"agentEventTypes": ["gossip"]}}, admin),
        gql(UPDATE_SOURCE, {"input": {"sourceType": "payment_due", "channels": ["pigeon"]}}, admin),
        gql(MOVE, {"id": live["id"], "status": "teleported"}, admin),
    ]
    assert [r.codes for r in bad] == [["VALIDATION_ERROR"]] * 4
    assert gql(SETTINGS, token=admin).ok()["jtdSettings"]["sources"] == settings["sources"]


def test_visits_across_dst_twice_make_twelve(gql: Gql, world: Team, api: ApiServer) -> None:
    assert api.clock is not None
    start = (api.clock.now() + timedelta(days=2)).date()
    request = {
        "clientKey": f"contract-{uuid4().hex[:8]}",
        "startDate": start.isoformat(),
        "time": "10:00:00",
        "recurrence": {"frequency": "MONTHLY", "count": 12},
        "subject": "AC service",
        "recipientAddress": "customer@example.test",
        "timezone": "America/New_York",
    }
    token = world.token("manager")
    first = gql(VISITS, {"input": request}, token).ok()["scheduleServiceVisits"]
    again = gql(VISITS, {"input": request}, token).ok()["scheduleServiceVisits"]
    assert [v["id"] for v in again] == [v["id"] for v in first]
    assert len(first) == 12
    zone = ZoneInfo("America/New_York")
    local = [datetime.fromisoformat(v["scheduledAt"]).astimezone(zone) for v in first]
    assert {(t.hour, t.minute) for t in local} == {(10, 0)}
    assert len({t.utcoffset() for t in local}) == 2  # EST and EDT
    edges = gql(JOBS, {"f": {"eventTypes": ["service_visit"]}, "first": 100}, token).ok()
    assert len(edges["jobsToDo"]["edges"]) == 12
    other_rule = {**request, "recurrence": {"frequency": "MONTHLY", "count": 3}}
    assert gql(VISITS, {"input": other_rule}, token).codes == ["CONFLICT"]
    unbounded = {**request, "clientKey": "x", "recurrence": {"frequency": "DAILY"}}
    assert gql(VISITS, {"input": unbounded}, token).codes == ["VALIDATION_ERROR"]


async def test_the_agent_plans_moves_and_reports_as_agent(
    gql: Gql, world: Team, api: ApiServer, engine: AsyncEngine
) -> None:
    admin = world.token("admin")
    note = _create(gql, admin, sourceType="system", recipientId=world.id("employee"))
    task = _create(gql, admin, recipientId=world.id("employee"))
    assert gql(PLAN, token=admin).ok()["agentPlan"] == []
    settings = {"agentEnabled": True, "agentEventTypes": ["notification"]}
    assert gql(UPDATE_SETTINGS, {"input": settings}, admin).ok()["updateJtdSettings"][
        "agentEnabled"
    ]
    plan = gql(PLAN, token=admin).ok()["agentPlan"]
    assert [(p["jobToDo"]["id"], p["statuses"]) for p in plan] == [
        (note["id"], ["pending", "queued"])
    ]
    await run_agent(_services(engine, api), await _organization_id(gql, world))
    activity = gql(ACTIVITY, token=world.token("manager")).ok()["agentActivity"]["edges"]
    assert [(a["node"]["toStatus"], a["node"]["actor"]["type"]) for a in activity] == [
        ("queued", "AGENT"),
        ("pending", "AGENT"),
    ]
    assert activity[0]["node"]["actor"]["id"] == "00000000-0000-0000-0000-000000000001"
    assert activity[0]["node"]["jobToDo"] == {"id": note["id"], "status": "queued"}
    assert gql(JOB, {"id": task["id"]}, admin).ok()["jobToDo"]["status"] == "created"
    assert gql(PLAN, token=world.token("employee")).codes == ["FORBIDDEN"]


async def _organization_id(gql: Gql, world: Team) -> Any:
    from uuid import UUID

    me = gql("{ me { organizationId } }", token=world.token("admin")).ok()["me"]
    return UUID(me["organizationId"])


async def test_an_assigned_task_reaches_its_assignee_as_a_job(
    gql: Gql, world: Team, api: ApiServer, engine: AsyncEngine
) -> None:
    created = gql(
        "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }",
        {"input": {"title": "Restock aisle 4", "assigneeId": world.id("employee")}},
        world.token("admin"),
    ).ok()["createTask"]
    await consume_all(_services(engine, api), CONSUMER, jobs_from_events)
    mine = gql(JOBS, {"f": {"sourceTypes": ["task_assigned"]}}, world.token("employee")).ok()
    [edge] = mine["jobsToDo"]["edges"]
    job = edge["node"]
    assert job["subject"] == "Task assigned: Restock aisle 4"
    assert (job["channel"], job["performedBy"]["type"]) == ("inapp", "SYSTEM")
    assert job["recipient"]["employee"]["id"] == world.id("employee")
    assert job["performedBy"]["id"] == "00000000-0000-0000-0000-000000000002"
    assert created["id"]


def test_isolation_and_permissions_on_every_id_taking_field(
    gql: Gql, world: Team, api: ApiServer
) -> None:
    assert api.clock is not None
    other = register(gql)
    theirs = _create(gql, other.token, recipientAddress="x@example.test")
    admin, employee = world.token("admin"), world.token("employee")
    for_manager = _create(gql, admin, recipientId=_manager_id(gql, world))
    later = (api.clock.now() + timedelta(days=3)).isoformat()
    visit = {
        "clientKey": uuid4().hex,
        "startDate": (api.clock.now() + timedelta(days=3)).date().isoformat(),
        "time": "09:00:00",
        "recurrence": {"frequency": "WEEKLY", "count": 2},
        "subject": "s",
    }
    not_found = [
        gql(JOB, {"id": theirs["id"]}, admin),
        gql(MOVE, {"id": theirs["id"], "status": "pending"}, admin),
        gql(CANCEL, {"id": theirs["id"], "reason": "r"}, admin),
        gql(RESCHEDULE, {"id": theirs["id"], "at": later}, admin),
        gql(CREATE, {"input": {"subject": "s", "recipientId": other.employee_id}}, admin),
        gql(VISITS, {"input": {**visit, "recipientId": other.employee_id}}, admin),
        gql(JOBS, {"f": {"recipientId": other.employee_id}}, admin),
    ]
    assert [r.codes for r in not_found[:-1]] == [["NOT_FOUND"]] * 6
    assert not_found[-1].ok()["jobsToDo"]["edges"] == []
    forbidden = [
        gql(JOB, {"id": for_manager["id"]}, employee),
        gql(MOVE, {"id": for_manager["id"], "status": "pending"}, employee),
        gql(CANCEL, {"id": for_manager["id"], "reason": "r"}, employee),
        gql(RESCHEDULE, {"id": for_manager["id"], "at": later}, employee),
        gql(CREATE, {"input": {"subject": "s", "recipientId": world.id("employee")}}, employee),
        gql(VISITS, {"input": {**visit, "recipientAddress": "a@b.test"}}, employee),
        gql(JOBS, {"f": {"recipientId": _manager_id(gql, world)}}, employee),
        gql(SETTINGS, token=employee),
        gql(UPDATE_SETTINGS, {"input": {"dailyLimit": 5}}, world.token("manager")),
        gql(UPDATE_SOURCE, {"input": {"sourceType": "manual"}}, world.token("manager")),
        gql(ACTIVITY, token=employee),
    ]
    assert [r.codes for r in forbidden] == [["FORBIDDEN"]] * len(forbidden)
    malformed = [
        gql(JOB, {"id": "nope"}, admin),
        gql(MOVE, {"id": "nope", "status": "pending"}, admin),
        gql(CREATE, {"input": {"subject": "s", "recipientId": "nope"}}, admin),
        gql(JOBS, {"after": "nope"}, admin),
    ]
    assert [r.codes for r in malformed] == [["VALIDATION_ERROR"]] * 4
    mine = _create(gql, admin, recipientId=world.id("employee"))
    moved = gql(MOVE, {"id": mine["id"], "status": "in_progress"}, employee).ok()["moveJobToDo"]
    assert (moved["status"], moved["validTransition"]) == ("in_progress", False)
    listed = gql(JOBS, {}, employee).ok()["jobsToDo"]["edges"]
    assert [e["node"]["id"] for e in listed] == [mine["id"]]
    assert gql(JOBS, {}, token=None).codes == ["UNAUTHENTICATED"]


def _manager_id(gql: Gql, world: Team) -> str:
    me = gql("{ me { id } }", token=world.token("manager")).ok()["me"]
    return str(me["id"])


def test_pages_of_jobs_follow_the_scheduled_time(gql: Gql, world: Team, api: ApiServer) -> None:
    assert api.clock is not None
    token = world.token("manager")
    base = api.clock.now() + timedelta(days=5)
    made = [
        _create(
            gql,
            token,
            sourceType="shift_reminder",
            recipientId=world.id("employee"),
            scheduledAt=(base + timedelta(hours=h)).astimezone(UTC).isoformat(),
        )
        for h in (3, 1, 2)
    ]
    first = gql(JOBS, {"first": 2}, token).ok()["jobsToDo"]
    rest = gql(JOBS, {"first": 2, "after": first["pageInfo"]["endCursor"]}, token).ok()["jobsToDo"]
    order = [e["node"]["id"] for e in first["edges"] + rest["edges"]]
    assert order == [made[1]["id"], made[2]["id"], made[0]["id"]]
    assert (first["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasNextPage"]) == (True, False)
