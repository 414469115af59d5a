"""planner, generatePlanner and autoAssign over HTTP."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from jts_domain.model import JobCategory, TaskPriority, TaskStatus
from jts_domain.services import ServiceContext
from jts_domain.services import organization as organization_service
from jts_domain.services import tasks as task_service
from jts_domain.services.related import tasks_by_ids
from tests.api.harness import Gql
from tests.api.team import Team

PLANNER = """
query($date: Date!, $employeeId: ID) {
  planner(date: $date, employeeId: $employeeId) {
    date employeeId capacityMinutes plannedMinutes overbooked
    shift { name startTime endTime breakMinutes storeId }
    items { rank carriedOver overdue slaStatus remainingMinutes fitsInShift reason
            task { id title priority assignee { id name } } }
  }
}"""
GENERATE = """
mutation($date: Date!, $employeeId: ID) {
  generatePlanner(date: $date, employeeId: $employeeId) {
    generatedTaskIds items { task { id title source } }
  }
}"""
AUTO_ASSIGN = """
mutation($departmentId: ID!, $date: Date!) {
  autoAssign(departmentId: $departmentId, date: $date) {
    departmentId date
    assigned { task { id title status assignee { id } } employee { id name } }
    unassigned { task { id title } }
  }
}"""


async def test_the_planner_ranks_a_day_set_up_by_hand(
    gql: Gql, ctx: ServiceContext, world: Team
) -> None:
    """Alice's day at 09:00, capacity 8 h − 30 min = 450 min. Expected order:

    1. the report left from yesterday, due yesterday 17:00: overdue (200 min);
    2. a call whose SLA deadline is 09:45: at risk, as 09:45 − max(60, 30) ≤ 09:00 (30);
    3. the URGENT display fix (120); 4. the HIGH cash count (90); 5. the LOW restock (60).

    Running totals 200, 230, 350, 440, 500: the first four fit, the restock does not, and
    500 > 450 makes the day overbooked. Bob's task is not in it.
    """
    manager = world.base.caller(world.base.manager)
    alice = world.base.alice.id
    yesterday = world.today - timedelta(days=1)

    async def task(title: str, **kw: object) -> UUID:
        kw.setdefault("planned_date", world.today)
        made = await task_service.create_task(ctx, manager, title=title, **kw)  # type: ignore[arg-type]
        return made.id

    restock = await task(
        "Restock shelf", assignee_id=alice, priority=TaskPriority.LOW, estimated_minutes=60
    )
    display = await task(
        "Fix display",
        assignee_id=alice,
        priority=TaskPriority.URGENT,
        estimated_minutes=120,
        due_at=world.at(15),
    )
    report = await task(
        "Yesterday's report",
        assignee_id=alice,
        estimated_minutes=200,
        planned_date=yesterday,
        due_at=world.at(17, day=yesterday),
    )
    cash = await task(
        "Count cash",
        assignee_id=alice,
        priority=TaskPriority.HIGH,
        estimated_minutes=90,
        due_at=world.at(12),
    )
    call = await task(
        "Call supplier", assignee_id=alice, estimated_minutes=30, sla_deadline=world.at(9, 45)
    )
    await task("Bob's errand", assignee_id=world.base.bob.id, estimated_minutes=10)

    planner = gql(PLANNER, world.vars(date=world.today), token=world.token("alice")).ok()["planner"]

    assert (planner["capacityMinutes"], planner["plannedMinutes"], planner["overbooked"]) == (
        450,
        500,
        True,
    )
    assert planner["shift"] == {
        "name": "Day",
        "startTime": "09:00:00",
        "endTime": "17:00:00",
        "breakMinutes": 30,
        "storeId": str(world.base.store.id),
    }
    rows = [
        (
            i["rank"],
            i["task"]["id"],
            i["carriedOver"],
            i["overdue"],
            i["slaStatus"],
            i["remainingMinutes"],
            i["fitsInShift"],
            i["reason"],
        )
        for i in planner["items"]
    ]
    assert rows == [
        (
            1,
            str(report),
            True,
            True,
            None,
            200,
            True,
            f"overdue since {yesterday.isoformat()} 17:00, carried over",
        ),
        (2, str(call), False, False, "AT_RISK", 30, True, "SLA at risk, deadline 09:45"),
        (3, str(display), False, False, None, 120, True, "urgent priority"),
        (4, str(cash), False, False, None, 90, True, "high priority"),
        (5, str(restock), False, False, None, 60, False, "low priority"),
    ]
    assert {i["task"]["assignee"]["name"] for i in planner["items"]} == {"Alice"}
    # The manager of her department reads the same plan by her id.
    as_manager = gql(
        PLANNER, world.vars(date=world.today, employeeId=str(alice)), token=world.token("manager")
    ).ok()["planner"]
    assert [i["task"]["id"] for i in as_manager["items"]] == [r[1] for r in rows]


async def test_generating_creates_the_template_tasks_once(
    gql: Gql, ctx: ServiceContext, world: Team
) -> None:
    admin = world.base.caller(world.base.admin)
    await organization_service.create_task_template(
        ctx,
        admin,
        department_id=world.base.department.id,
        shift_template_id=world.base.shift.id,
        job_category=JobCategory.SALES,
        title="Open the till",
        estimated_minutes=15,
    )
    variables = world.vars(date=world.today)
    before = gql(PLANNER, variables, token=world.token("alice")).ok()["planner"]

    first = gql(GENERATE, variables, token=world.token("alice")).ok()["generatePlanner"]
    again = gql(GENERATE, variables, token=world.token("alice")).ok()["generatePlanner"]

    assert before["items"] == []
    [generated] = first["generatedTaskIds"]
    assert first["items"] == [
        {"task": {"id": generated, "title": "Open the till", "source": "ROSTER"}}
    ]
    assert again["generatedTaskIds"] == []
    assert again["items"] == first["items"]


async def test_planners_of_others_need_reach_and_other_organizations_are_not_found(
    gql: Gql, ctx: ServiceContext, world: Team, other: Team
) -> None:
    admin = world.base.caller(world.base.admin)
    await organization_service.create_task_template(
        ctx,
        admin,
        department_id=world.base.department.id,
        shift_template_id=world.base.shift.id,
        job_category=JobCategory.SALES,
        title="Open the till",
        estimated_minutes=15,
    )
    bob = world.vars(date=world.today, employeeId=world.id("bob"))
    stranger = world.vars(date=world.today, employeeId=other.id("alice"))

    assert gql(PLANNER, bob, token=world.token("alice")).codes == ["FORBIDDEN"]
    assert gql(GENERATE, bob, token=world.token("alice")).codes == ["FORBIDDEN"]
    assert gql(PLANNER, stranger, token=world.token("admin")).codes == ["NOT_FOUND"]
    assert gql(GENERATE, stranger, token=world.token("admin")).codes == ["NOT_FOUND"]
    bad_id = world.vars(date=world.today, employeeId="not-an-id")
    assert gql(PLANNER, bad_id, token=world.token("admin")).codes == ["VALIDATION_ERROR"]

    # Nothing was generated for anyone by the refused calls.
    for token in (world.token("admin"), world.token("manager")):
        plan = gql(PLANNER, bob, token=token).ok()["planner"]
        assert plan["items"] == []
    assert (
        gql(PLANNER, other.vars(date=other.today), token=other.token("alice")).ok()["planner"][
            "items"
        ]
        == []
    )


async def test_auto_assignment_fills_the_least_loaded_first_and_reports_the_rest(
    gql: Gql, ctx: ServiceContext, world: Team, other: Team
) -> None:
    """Alice and Bob are on shift with 450 min each and nothing planned. Largest first:
    the 500 min stocktake fits nobody; 300 min goes to whichever of the two has the
    smaller id (a tie on load); 200 min to the other (load 0); the second 200 min again to
    the other one (load 200 < 300, and 250 min left)."""
    manager = world.base.caller(world.base.manager)
    department = world.base.department.id
    made = {}
    for title, minutes in (
        ("Stocktake", 500),
        ("Deep clean", 300),
        ("Window A", 200),
        ("Window B", 200),
    ):
        task = await task_service.create_task(
            ctx,
            manager,
            title=title,
            estimated_minutes=minutes,
            department_id=department,
            planned_date=world.today,
        )
        made[title] = str(task.id)
    first, second = sorted([world.base.alice, world.base.bob], key=lambda e: e.id)
    variables = world.vars(departmentId=str(department), date=world.today)

    refused = [
        gql(AUTO_ASSIGN, variables, token=world.token("alice")).codes,
        gql(
            AUTO_ASSIGN,
            world.vars(departmentId=str(other.base.department.id), date=world.today),
            token=world.token("admin"),
        ).codes,
    ]
    result = gql(AUTO_ASSIGN, variables, token=world.token("manager")).ok()["autoAssign"]

    assert refused == [["FORBIDDEN"], ["NOT_FOUND"]]
    assigned = {a["task"]["title"]: a for a in result["assigned"]}
    assert {t: a["employee"]["id"] for t, a in assigned.items()} == {
        "Deep clean": str(first.id),
        "Window A": str(second.id),
        "Window B": str(second.id),
    }
    assert {a["task"]["status"] for a in result["assigned"]} == {"ASSIGNED"}
    assert all(a["task"]["assignee"]["id"] == a["employee"]["id"] for a in result["assigned"])
    assert result["unassigned"] == [{"task": {"id": made["Stocktake"], "title": "Stocktake"}}]
    assert result["date"] == world.today.isoformat()


async def test_a_refused_auto_assignment_changes_nothing(
    gql: Gql, ctx: ServiceContext, world: Team
) -> None:
    manager = world.base.caller(world.base.manager)
    task = await task_service.create_task(
        ctx,
        manager,
        title="Sweep",
        estimated_minutes=30,
        department_id=world.base.department.id,
        planned_date=world.today,
    )
    variables = world.vars(departmentId=str(world.base.department.id), date=world.today)

    assert gql(AUTO_ASSIGN, variables, token=world.token("bob")).codes == ["FORBIDDEN"]

    stored = (await tasks_by_ids(ctx, manager, [task.id]))[task.id]
    assert (stored.status, stored.assignee_id, stored.version) == (TaskStatus.PENDING, None, 1)
