"""``employees``, ``employee`` and ``updateEmployee`` over HTTP."""

from __future__ import annotations

from collections.abc import Callable

from tests.api.admin.documents import (
    EMPLOYEE,
    EMPLOYEES,
    UPDATE_DEPARTMENT,
    UPDATE_EMPLOYEE,
    audit,
    codes_and_fields,
)
from tests.api.harness import Gql, register, unique_email
from tests.api.team import CREATE_DEPARTMENT, Team

ACTION = "employee.update"


def _names(gql: Gql, token: str, **filters: object) -> list[str]:
    page = gql(EMPLOYEES, {"filter": filters}, token).ok()["employees"]
    return [edge["node"]["name"] for edge in page["edges"]]


def test_an_admin_pages_through_everyone_filtered_and_searched(gql: Gql, world: Team) -> None:
    admin = world.token("admin")
    world.create_person(role="EMPLOYEE", name="Ravi Kumar")
    everyone = _names(gql, admin)
    assert sorted(everyone) == ["Asha", "Employee", "Manager", "Ravi Kumar"]
    first = gql(EMPLOYEES, {"first": 2}, admin).ok()["employees"]
    assert first["pageInfo"]["hasNextPage"]
    after = first["pageInfo"]["endCursor"]
    rest = gql(EMPLOYEES, {"first": 5, "after": after}, admin).ok()["employees"]
    assert [e["node"]["name"] for e in first["edges"] + rest["edges"]] == everyone
    assert rest["pageInfo"] == {"hasNextPage": False, "endCursor": rest["edges"][-1]["cursor"]}

    assert _names(gql, admin, role="MANAGER") == ["Manager"]
    assert sorted(_names(gql, admin, departmentId=world.department_id)) == ["Employee", "Manager"]
    assert _names(gql, admin, search="ravi KU") == ["Ravi Kumar"]
    assert _names(gql, admin, active=False) == []
    assert _names(gql, world.token("manager")) == ["Manager"]  # who manages no department yet
    managed = {"id": world.department_id, "input": {"managerId": world.id("manager")}}
    gql(UPDATE_DEPARTMENT, managed, admin).ok()
    assert sorted(_names(gql, world.token("manager"))) == ["Employee", "Manager"]


def test_listing_people_is_for_managers_and_within_the_organization(gql: Gql, world: Team) -> None:
    assert gql(EMPLOYEES, {}, world.token("employee")).codes == ["FORBIDDEN"]
    other = register(gql)
    foreign = {"filter": {"departmentId": world.department_id}}
    assert gql(EMPLOYEES, foreign, other.token).codes == ["NOT_FOUND"]
    assert gql(EMPLOYEES, {"first": 101}, world.token("admin")).codes == ["VALIDATION_ERROR"]
    assert gql(EMPLOYEES, {"after": "nonsense"}, world.token("admin")).codes == ["VALIDATION_ERROR"]


def test_one_employee_is_oneself_or_within_reach(gql: Gql, world: Team) -> None:
    me = gql(EMPLOYEE, {"id": world.id("employee")}, world.token("employee")).ok()
    assert me["employee"]["active"] is True
    assert gql(EMPLOYEE, {"id": world.id("manager")}, world.token("employee")).codes == [
        "FORBIDDEN"
    ]
    other = register(gql)
    assert gql(EMPLOYEE, {"id": world.id("employee")}, other.token).codes == ["NOT_FOUND"]


def test_an_admin_edits_a_profile_and_the_audit_records_it(gql: Gql, world: Team) -> None:
    depot = gql(CREATE_DEPARTMENT, {"input": {"name": "Depot"}}, world.token("admin")).ok()
    depot_id = depot["createDepartment"]["id"]
    email = unique_email("renamed")
    changes = {
        "name": "Ravi K",
        "email": email.upper(),
        "departmentId": depot_id,
        "storeId": None,
        "jobCategory": "SUPPORT",
    }

    updated = gql(
        UPDATE_EMPLOYEE, {"id": world.id("employee"), "input": changes}, world.token("admin")
    ).ok()["updateEmployee"]

    assert updated == {
        "id": world.id("employee"),
        "name": "Ravi K",
        "email": email,
        "role": "EMPLOYEE",
        "departmentId": depot_id,
        "storeId": None,
        "jobCategory": "SUPPORT",
        "active": True,
    }
    read = gql(EMPLOYEE, {"id": world.id("employee")}, world.token("admin")).ok()
    assert read["employee"] == updated
    [entry] = audit(gql, world.token("admin"), ACTION)
    assert entry["entityId"] == world.id("employee")
    assert entry["summary"].startswith(f"{world.email('employee')}: name: 'Employee' → 'Ravi K'; ")


def test_a_bad_or_refused_edit_changes_nothing(
    gql: Gql, world: Team, rows: Callable[[str, str], int]
) -> None:
    target = world.id("employee")
    before = gql(EMPLOYEE, {"id": target}, world.token("admin")).ok()["employee"]
    other = register(gql)
    taken = {"email": other.email}
    bad = [
        ({"name": "  "}, world.token("admin"), [("VALIDATION_ERROR", "name")]),
        ({"name": None}, world.token("admin"), [("VALIDATION_ERROR", "name")]),
        ({"email": "nope"}, world.token("admin"), [("VALIDATION_ERROR", "email")]),
        (taken, world.token("admin"), [("VALIDATION_ERROR", "email")]),
        (
            {"departmentId": "not-an-id"},
            world.token("admin"),
            [("VALIDATION_ERROR", "departmentId")],
        ),
        ({"name": "Mine"}, world.token("manager"), [("FORBIDDEN", None)]),
        ({"name": "Mine"}, other.token, [("NOT_FOUND", None)]),
    ]
    for changes, token, expected in bad:
        result = gql(UPDATE_EMPLOYEE, {"id": target, "input": changes}, token)
        assert codes_and_fields(result) == expected, changes
    foreign_department = {"departmentId": _department_of(gql, other.token)}
    result = gql(UPDATE_EMPLOYEE, {"id": target, "input": foreign_department}, world.token("admin"))
    assert result.codes == ["NOT_FOUND"]
    assert gql(EMPLOYEE, {"id": target}, world.token("admin")).ok()["employee"] == before
    assert rows("employees", world.organization_id) == 3
    assert audit(gql, world.token("admin"), ACTION) == []


def _department_of(gql: Gql, admin_token: str) -> str:
    made = gql(CREATE_DEPARTMENT, {"input": {"name": "Theirs"}}, admin_token).ok()
    return str(made["createDepartment"]["id"])
