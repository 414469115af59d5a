"""From registration to clocking out, over HTTP: the setup mutations and attendance."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from tests.api.harness import ApiServer, Gql
from tests.api.team import (
    ATTENDANCE,
    CLOCK_IN,
    CLOCK_OUT,
    EMPLOYEE_PASSWORD,
    INSIDE,
    OUTSIDE,
    Team,
)


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_setup_then_clock_in_inside_the_geofence_and_out(
    gql: Gql, api: ApiServer, rows: Callable[[str, str], int]
) -> None:
    team = Team.registered(gql, api)
    store = team.create_store(name=" MG Road ", latitude=12.9716, longitude=77.5946)
    assert (store["name"], store["radiusMeters"]) == ("MG Road", 100.0)  # the org's default
    department_id = team.create_department(name="Sales")["id"]
    start = (team.local_now() - timedelta(minutes=5)).replace(second=0, microsecond=0)
    shift = team.create_shift(start, hours=8, breakMinutes=30)
    assert shift["breakMinutes"] == 30
    person = team.create_person(
        departmentId=department_id, jobCategory="SALES", storeId=store["id"]
    )
    assert (person["role"], person["departmentId"]) == ("EMPLOYEE", department_id)
    team.sign_in("employee", person["email"], EMPLOYEE_PASSWORD)
    entry = team.assign_roster(team.id("employee"), start.date(), shift["id"], store["id"])
    assert entry["date"] == start.date().isoformat()
    admin_token, employee_id, employee_token = (
        team.token("admin"),
        team.id("employee"),
        team.token("employee"),
    )
    day = {"date": start.date().isoformat()}

    refused = gql(CLOCK_IN, {"input": OUTSIDE}, employee_token)
    assert refused.codes == ["GEOFENCE_VIOLATION"]
    assert "MG Road" in refused.errors[0]["message"]
    assert gql(ATTENDANCE, day, employee_token).ok()["attendance"] is None
    assert rows("attendance", team.organization_id) == 0

    arrived = gql(
        CLOCK_IN, {"input": {**INSIDE, "selfieRef": "selfies/1.jpg"}}, employee_token
    ).ok()["clockIn"]
    assert arrived["status"] == "PRESENT"
    assert arrived["storeId"] == store["id"]
    assert arrived["selfieRef"] == "selfies/1.jpg"
    assert api.clock is not None
    assert _instant(arrived["clockInAt"]) == api.clock.now()
    assert arrived["overrideReason"] is None

    api.clock.advance(hours=4)
    left = gql(CLOCK_OUT, token=employee_token).ok()["clockOut"]
    assert left["id"] == arrived["id"]
    assert _instant(left["clockOutAt"]) == api.clock.now()
    seen_by_admin = gql(ATTENDANCE, {**day, "employeeId": employee_id}, admin_token).ok()[
        "attendance"
    ]
    assert seen_by_admin == left


def test_a_manager_may_clock_in_outside_with_a_reason(gql: Gql, world: Team) -> None:
    without_reason = gql(CLOCK_IN, {"input": OUTSIDE}, world.token("manager"))
    assert without_reason.codes == ["GEOFENCE_VIOLATION"]
    overridden = gql(
        CLOCK_IN,
        {"input": {**OUTSIDE, "overrideReason": "visiting a supplier"}},
        world.token("manager"),
    ).ok()["clockIn"]
    assert overridden["overrideReason"] == "visiting a supplier"
    assert overridden["overrideBy"] == world.id("manager")
    assert overridden["latitude"] == OUTSIDE["latitude"]


def test_an_employee_cannot_override_the_geofence(
    gql: Gql, world: Team, rows: Callable[[str, str], int]
) -> None:
    result = gql(
        CLOCK_IN, {"input": {**OUTSIDE, "overrideReason": "trust me"}}, world.token("employee")
    )
    assert result.codes == ["GEOFENCE_VIOLATION"]
    assert rows("attendance", world.organization_id) == 0


def test_clocking_in_twice_is_refused_and_keeps_the_first(gql: Gql, world: Team) -> None:
    first = gql(CLOCK_IN, {"input": INSIDE}, world.token("employee")).ok()["clockIn"]
    again = gql(CLOCK_IN, {"input": {**INSIDE, "selfieRef": "x"}}, world.token("employee"))
    assert again.codes == ["VALIDATION_ERROR"]
    day = {"date": world.today.isoformat()}
    assert gql(ATTENDANCE, day, world.token("employee")).ok()["attendance"] == first


def test_clocking_out_without_clocking_in_is_refused(gql: Gql, world: Team) -> None:
    result = gql(CLOCK_OUT, token=world.token("employee"))
    assert result.codes == ["VALIDATION_ERROR"]
    assert result.data is None
