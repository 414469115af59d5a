"""From registration to clocking out, over HTTP: the setup mutations and attendance."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from tests.api.harness import ApiServer, Gql, login, register
from tests.api.world import (
    ASSIGN_ROSTER,
    ATTENDANCE,
    CLOCK_IN,
    CLOCK_OUT,
    CREATE_DEPARTMENT,
    CREATE_SHIFT,
    CREATE_STORE,
    EMPLOYEE_PASSWORD,
    INSIDE,
    OUTSIDE,
    ApiWorld,
    create_person,
    local_now,
)


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_setup_then_clock_in_inside_the_geofence_and_out(
    gql: Gql, api: ApiServer, rows: Callable[[str, str], int]
) -> None:
    admin = register(gql)
    store = gql(
        CREATE_STORE,
        {"input": {"name": " MG Road ", "latitude": 12.9716, "longitude": 77.5946}},
        admin.token,
    ).ok()["createStore"]
    assert (store["name"], store["radiusMeters"]) == ("MG Road", 100.0)  # the org's default
    department = gql(CREATE_DEPARTMENT, {"input": {"name": "Sales"}}, admin.token).ok()
    department_id = department["createDepartment"]["id"]
    start = (local_now(api) - timedelta(minutes=5)).replace(second=0, microsecond=0)
    shift = gql(
        CREATE_SHIFT,
        {
            "input": {
                "name": "Day",
                "startTime": start.time().isoformat(),
                "endTime": (start + timedelta(hours=8)).time().isoformat(),
                "breakMinutes": 30,
            }
        },
        admin.token,
    ).ok()["createShiftTemplate"]
    assert shift["breakMinutes"] == 30
    person = create_person(
        gql, admin, departmentId=department_id, jobCategory="SALES", storeId=store["id"]
    )
    assert (person["role"], person["departmentId"]) == ("EMPLOYEE", department_id)
    employee = login(gql, person["email"], EMPLOYEE_PASSWORD)
    entry = gql(
        ASSIGN_ROSTER,
        {
            "input": {
                "employeeId": employee.employee_id,
                "date": start.date().isoformat(),
                "shiftTemplateId": shift["id"],
                "storeId": store["id"],
            }
        },
        admin.token,
    ).ok()["assignRoster"]
    assert entry["date"] == start.date().isoformat()
    day = {"date": start.date().isoformat()}

    refused = gql(CLOCK_IN, {"input": OUTSIDE}, employee.token)
    assert refused.codes == ["GEOFENCE_VIOLATION"]
    assert "MG Road" in refused.errors[0]["message"]
    assert gql(ATTENDANCE, day, employee.token).ok()["attendance"] is None
    assert rows("attendance", admin.organization_id) == 0

    arrived = gql(
        CLOCK_IN, {"input": {**INSIDE, "selfieRef": "selfies/1.jpg"}}, employee.token
    ).ok()["clockIn"]
    assert arrived["status"] == "PRESENT"
    assert arrived["storeId"] == store["id"]
    assert arrived["selfieRef"] == "selfies/1.jpg"
    assert api.clock is not None
    assert _instant(arrived["clockInAt"]) == api.clock.now()
    assert arrived["overrideReason"] is None

    api.clock.advance(hours=4)
    left = gql(CLOCK_OUT, token=employee.token).ok()["clockOut"]
    assert left["id"] == arrived["id"]
    assert _instant(left["clockOutAt"]) == api.clock.now()
    seen_by_admin = gql(ATTENDANCE, {**day, "employeeId": employee.employee_id}, admin.token).ok()[
        "attendance"
    ]
    assert seen_by_admin == left


def test_a_manager_may_clock_in_outside_with_a_reason(gql: Gql, world: ApiWorld) -> None:
    without_reason = gql(CLOCK_IN, {"input": OUTSIDE}, world.manager.token)
    assert without_reason.codes == ["GEOFENCE_VIOLATION"]
    overridden = gql(
        CLOCK_IN,
        {"input": {**OUTSIDE, "overrideReason": "visiting a supplier"}},
        world.manager.token,
    ).ok()["clockIn"]
    assert overridden["overrideReason"] == "visiting a supplier"
    assert overridden["overrideBy"] == world.manager.employee_id
    assert overridden["latitude"] == OUTSIDE["latitude"]


def test_an_employee_cannot_override_the_geofence(
    gql: Gql, world: ApiWorld, rows: Callable[[str, str], int]
) -> None:
    result = gql(
        CLOCK_IN, {"input": {**OUTSIDE, "overrideReason": "trust me"}}, world.employee.token
    )
    assert result.codes == ["GEOFENCE_VIOLATION"]
    assert rows("attendance", world.admin.organization_id) == 0


def test_clocking_in_twice_is_refused_and_keeps_the_first(gql: Gql, world: ApiWorld) -> None:
    first = gql(CLOCK_IN, {"input": INSIDE}, world.employee.token).ok()["clockIn"]
    again = gql(CLOCK_IN, {"input": {**INSIDE, "selfieRef": "x"}}, world.employee.token)
    assert again.codes == ["VALIDATION_ERROR"]
    day = {"date": world.today.isoformat()}
    assert gql(ATTENDANCE, day, world.employee.token).ok()["attendance"] == first


def test_clocking_out_without_clocking_in_is_refused(gql: Gql, world: ApiWorld) -> None:
    result = gql(CLOCK_OUT, token=world.employee.token)
    assert result.codes == ["VALIDATION_ERROR"]
    assert result.data is None
