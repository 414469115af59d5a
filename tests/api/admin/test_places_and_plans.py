"""Departments, stores and shift templates; the roster and its entries; task templates —
listed and changed over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from tests.api.admin.documents import (
    ARCHIVE_TEMPLATE,
    CREATE_TEMPLATE,
    PLACES,
    REMOVE_ROSTER_ENTRY,
    ROSTER,
    TASK_TEMPLATES,
    UPDATE_DEPARTMENT,
    UPDATE_SHIFT,
    UPDATE_STORE,
    UPDATE_TEMPLATE,
    audit,
    codes_and_fields,
)
from tests.api.harness import Gql, register
from tests.api.team import CLOCK_IN, INSIDE, Team

GENERATE = """
mutation($date: Date!) { generatePlanner(date: $date) { items { task { title } } } }
"""


def _places(gql: Gql, token: str) -> dict[str, list[dict[str, object]]]:
    return gql(PLACES, token=token).ok()  # type: ignore[no-any-return]


def test_every_member_lists_the_organizations_places(gql: Gql, world: Team) -> None:
    places = _places(gql, world.token("employee"))
    sales = {"id": world.department_id, "name": "Sales", "managerId": None}
    assert places["departments"] == [sales]
    assert [s["id"] for s in places["stores"]] == [world.store_id]
    assert [t["id"] for t in places["shiftTemplates"]] == [world.shift_id]
    other = register(gql)
    assert _places(gql, other.token) == {"departments": [], "stores": [], "shiftTemplates": []}


def test_an_admin_changes_places_each_change_audited(gql: Gql, world: Team) -> None:
    admin = world.token("admin")
    floor = {"name": "Floor", "managerId": world.id("manager")}
    department = gql(UPDATE_DEPARTMENT, {"id": world.department_id, "input": floor}, admin).ok()[
        "updateDepartment"
    ]
    store = gql(UPDATE_STORE, {"id": world.store_id, "input": {"radiusMeters": 250}}, admin).ok()[
        "updateStore"
    ]
    shift = gql(
        UPDATE_SHIFT, {"id": world.shift_id, "input": {"name": "Early", "breakMinutes": 45}}, admin
    ).ok()["updateShiftTemplate"]

    assert (department["name"], department["managerId"]) == ("Floor", world.id("manager"))
    assert (store["name"], store["radiusMeters"]) == ("MG Road", 250.0)
    assert (shift["name"], shift["breakMinutes"]) == ("Early", 45)
    assert _places(gql, admin) == {
        "departments": [department],
        "stores": [store],
        "shiftTemplates": [shift],
    }
    assert [e["summary"] for e in audit(gql, admin, "department.update")] == [
        f"Sales: name: 'Sales' → 'Floor'; manager_id: none → {world.id('manager')}"
    ]
    assert [e["summary"] for e in audit(gql, admin, "store.update")] == [
        "MG Road: radius_meters: 100.0 → 250.0"
    ]
    assert [e["summary"] for e in audit(gql, admin, "shift_template.update")] == [
        "Day: name: 'Day' → 'Early'; break_minutes: 30 → 45"
    ]


BAD_PLACE_EDITS = [
    (UPDATE_DEPARTMENT, "department_id", {"name": ""}, "name"),
    (UPDATE_DEPARTMENT, "department_id", {"managerId": "EMPLOYEE"}, "manager_id"),
    (UPDATE_STORE, "store_id", {"latitude": 95}, "latitude"),
    (UPDATE_STORE, "store_id", {"radiusMeters": -1}, "radius_meters"),
    (UPDATE_STORE, "store_id", {"name": None}, "name"),
    (UPDATE_SHIFT, "shift_id", {"breakMinutes": 600}, "break_minutes"),
    (UPDATE_SHIFT, "shift_id", {"startTime": None}, "startTime"),
]


@pytest.mark.parametrize("case", BAD_PLACE_EDITS)
def test_bad_place_edits_are_refused_and_change_nothing(
    gql: Gql, world: Team, case: tuple[str, str, dict[str, object], str | None]
) -> None:
    """(``EMPLOYEE`` stands for the world's employee, who cannot manage a department.)"""
    document, target, changes, field = case
    if changes.get("managerId") == "EMPLOYEE":
        changes = {"managerId": world.id("employee")}
    before = _places(gql, world.token("admin"))
    result = gql(document, {"id": getattr(world, target), "input": changes}, world.token("admin"))
    assert codes_and_fields(result) == [("VALIDATION_ERROR", field)]
    assert _places(gql, world.token("admin")) == before


def test_places_are_changed_by_admins_of_their_own_organization(gql: Gql, world: Team) -> None:
    other = register(gql)
    edits = [
        (UPDATE_DEPARTMENT, world.department_id, {"name": "X"}),
        (UPDATE_STORE, world.store_id, {"name": "X"}),
        (UPDATE_SHIFT, world.shift_id, {"name": "X"}),
    ]
    before = _places(gql, world.token("admin"))
    for document, target, changes in edits:
        variables = {"id": target, "input": changes}
        assert gql(document, variables, world.token("manager")).codes == ["FORBIDDEN"]
        assert gql(document, variables, other.token).codes == ["NOT_FOUND"]
    assert _places(gql, world.token("admin")) == before


def test_the_roster_over_a_range_and_taking_an_entry_off(
    gql: Gql, world: Team, rows: Callable[[str, str], int]
) -> None:
    dates = {"from": world.today.isoformat(), "to": (world.today + timedelta(6)).isoformat()}
    week = gql(ROSTER, dates, world.token("admin")).ok()["roster"]
    assert sorted(e["employeeId"] for e in week) == sorted(
        [world.id("manager"), world.id("employee")]
    )
    own = gql(ROSTER, dates, world.token("employee")).ok()["roster"]
    assert [e["employeeId"] for e in own] == [world.id("employee")]
    theirs = {**dates, "employeeId": world.id("manager")}
    assert gql(ROSTER, theirs, world.token("employee")).codes == ["FORBIDDEN"]
    too_long = {**dates, "to": (world.today + timedelta(62)).isoformat()}
    assert gql(ROSTER, too_long, world.token("admin")).codes == ["VALIDATION_ERROR"]
    other = register(gql)
    assert gql(ROSTER, theirs, other.token).codes == ["NOT_FOUND"]

    entry = next(e for e in week if e["employeeId"] == world.id("manager"))
    assert gql(REMOVE_ROSTER_ENTRY, {"id": entry["id"]}, world.token("employee")).codes == [
        "FORBIDDEN"
    ]
    assert gql(REMOVE_ROSTER_ENTRY, {"id": entry["id"]}, other.token).codes == ["NOT_FOUND"]
    assert rows("roster_entries", world.organization_id) == 2
    removed = gql(REMOVE_ROSTER_ENTRY, {"id": entry["id"]}, world.token("admin")).ok()
    assert removed["removeRosterEntry"]["employeeId"] == world.id("manager")
    assert rows("roster_entries", world.organization_id) == 1
    [logged] = audit(gql, world.token("admin"), "roster.remove")
    assert logged["entityId"] == entry["id"]


def test_an_entry_whose_employee_clocked_in_stays(
    gql: Gql, world: Team, rows: Callable[[str, str], int]
) -> None:
    gql(CLOCK_IN, {"input": INSIDE}, world.token("employee")).ok()
    dates = {"from": world.today.isoformat(), "to": world.today.isoformat()}
    mine = {**dates, "employeeId": world.id("employee")}
    [entry] = gql(ROSTER, mine, world.token("admin")).ok()["roster"]
    result = gql(REMOVE_ROSTER_ENTRY, {"id": entry["id"]}, world.token("admin"))
    assert codes_and_fields(result) == [("VALIDATION_ERROR", "id")]
    assert rows("roster_entries", world.organization_id) == 2


def _template_input(world: Team, **fields: object) -> dict[str, object]:
    return {
        "departmentId": world.department_id,
        "shiftTemplateId": world.shift_id,
        "jobCategory": "SALES",
        "title": "Open the till",
        "estimatedMinutes": 20,
        "dueOffsetMinutes": 30,
        **fields,
    }


def _generated(gql: Gql, world: Team) -> list[str]:
    plan = gql(GENERATE, {"date": world.today.isoformat()}, world.token("employee")).ok()
    return sorted(item["task"]["title"] for item in plan["generatePlanner"]["items"])


def test_task_templates_are_created_edited_and_archived(gql: Gql, world: Team) -> None:
    admin = world.token("admin")
    created = gql(CREATE_TEMPLATE, {"input": _template_input(world)}, admin).ok()
    template = created["createTaskTemplate"]
    kept = gql(CREATE_TEMPLATE, {"input": _template_input(world, title="Face")}, admin).ok()
    edit = {"title": "Count the till", "priority": "HIGH", "dueOffsetMinutes": None}

    updated = gql(UPDATE_TEMPLATE, {"id": template["id"], "input": edit}, admin).ok()

    assert updated["updateTaskTemplate"] == {
        **template,
        "title": "Count the till",
        "priority": "HIGH",
        "dueOffsetMinutes": None,
    }
    archived = gql(ARCHIVE_TEMPLATE, {"id": template["id"]}, admin).ok()["archiveTaskTemplate"]
    assert archived["archivedAt"] is not None
    listed = gql(TASK_TEMPLATES, token=admin).ok()["taskTemplates"]
    assert [t["id"] for t in listed] == [kept["createTaskTemplate"]["id"]]
    every = gql(TASK_TEMPLATES, {"includeArchived": True}, admin).ok()["taskTemplates"]
    assert len(every) == 2
    assert _generated(gql, world) == ["Face"]
    assert _generated(gql, world) == ["Face"]  # once per employee and date
    assert [e["summary"] for e in audit(gql, admin, "task_template.archive")] == [
        "Count the till: archived"
    ]
    again = gql(ARCHIVE_TEMPLATE, {"id": template["id"]}, admin)
    assert codes_and_fields(again) == [("VALIDATION_ERROR", "id")]


def test_task_templates_refuse_bad_input_other_roles_and_other_organizations(
    gql: Gql, world: Team
) -> None:
    admin = world.token("admin")
    template = gql(CREATE_TEMPLATE, {"input": _template_input(world)}, admin).ok()[
        "createTaskTemplate"
    ]
    other = register(gql)
    target = {"id": template["id"]}
    bad_create = _template_input(world, estimatedMinutes=0)
    assert codes_and_fields(gql(CREATE_TEMPLATE, {"input": bad_create}, admin)) == [
        ("VALIDATION_ERROR", "estimated_minutes")
    ]
    new = {"input": _template_input(world, title="Another")}
    assert gql(CREATE_TEMPLATE, new, world.token("employee")).codes == ["FORBIDDEN"]
    assert gql(CREATE_TEMPLATE, new, other.token).codes == ["NOT_FOUND"]
    assert [e["entityId"] for e in audit(gql, admin, "task_template.create")] == [template["id"]]
    for changes, token, code in [
        ({"title": " "}, admin, "VALIDATION_ERROR"),
        ({"slaMinutes": 0}, admin, "VALIDATION_ERROR"),
        ({"title": None}, admin, "VALIDATION_ERROR"),
        ({"title": "Mine"}, world.token("employee"), "FORBIDDEN"),
        ({"title": "Mine"}, other.token, "NOT_FOUND"),
    ]:
        assert gql(UPDATE_TEMPLATE, {**target, "input": changes}, token).codes == [code]
    assert gql(ARCHIVE_TEMPLATE, target, world.token("employee")).codes == ["FORBIDDEN"]
    assert gql(ARCHIVE_TEMPLATE, target, other.token).codes == ["NOT_FOUND"]
    assert gql(TASK_TEMPLATES, token=world.token("employee")).codes == ["FORBIDDEN"]
    assert gql(TASK_TEMPLATES, token=admin).ok()["taskTemplates"] == [template]
    assert audit(gql, admin, "task_template.update") == []
