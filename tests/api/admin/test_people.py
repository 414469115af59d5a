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
from tests.api.world import CREATE_DEPARTMENT, ApiWorld, create_person

ACTION = "employee.update"


def _names(gql: Gql, token: str, **filters: object) -> list[str]:
    page = gql(EMPLOYEES, {"filter": filters}, token).ok()["employees"]
    return [edge["node"]["name"] for edge in page["edges"]]


def test_an_admin_pages_through_everyone_filtered_and_searched(gql: Gql, world: ApiWorld) -> None:
    admin = world.admin.token
    create_person(gql, world.admin, role="EMPLOYEE", name="Ravi Kumar")
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
    assert _names(gql, world.manager.token) == ["Manager"]  # who manages no department yet
    managed = {"id": world.department_id, "input": {"managerId": world.manager.employee_id}}
    gql(UPDATE_DEPARTMENT, managed, admin).ok()
    assert sorted(_names(gql, world.manager.token)) == ["Employee", "Manager"]


def test_listing_people_is_for_managers_and_within_the_organization(
    gql: Gql, world: ApiWorld
) -> None:
    assert gql(EMPLOYEES, {}, world.employee.token).codes == ["FORBIDDEN"]
    other = register(gql)
    foreign = {"filter": {"departmentId": world.department_id}}
    assert gql(EMPLOYEES, foreign, other.token).codes == ["NOT_FOUND"]
    assert gql(EMPLOYEES, {"first": 101}, world.admin.token).codes == ["VALIDATION_ERROR"]
    assert gql(EMPLOYEES, {"after": "nonsense"}, world.admin.token).codes == ["VALIDATION_ERROR"]


def test_one_employee_is_oneself_or_within_reach(gql: Gql, world: ApiWorld) -> None:
    me = gql(EMPLOYEE, {"id": world.employee.employee_id}, world.employee.token).ok()
    assert me["employee"]["active"] is True
    assert gql(EMPLOYEE, {"id": world.manager.employee_id}, world.employee.token).codes == [
        "FORBIDDEN"
    ]
    other = register(gql)
    assert gql(EMPLOYEE, {"id": world.employee.employee_id}, other.token).codes == ["NOT_FOUND"]


def test_an_admin_edits_a_profile_and_the_audit_records_it(gql: Gql, world: ApiWorld) -> None:
    depot = gql(CREATE_DEPARTMENT, {"input": {"name": "Depot"}}, world.admin.token).ok()
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
        UPDATE_EMPLOYEE, {"id": world.employee.employee_id, "input": changes}, world.admin.token
    ).ok()["updateEmployee"]

    assert updated == {
        "id": world.employee.employee_id,
        "name": "Ravi K",
        "email": email,
        "role": "EMPLOYEE",
        "departmentId": depot_id,
        "storeId": None,
        "jobCategory": "SUPPORT",
        "active": True,
    }
    read = gql(EMPLOYEE, {"id": world.employee.employee_id}, world.admin.token).ok()
    assert read["employee"] == updated
    [entry] = audit(gql, world.admin.token, ACTION)
    assert entry["entityId"] == world.employee.employee_id
    assert entry["summary"].startswith(f"{world.employee.email}: name: 'Employee' → 'Ravi K'; ")


def test_a_bad_or_refused_edit_changes_nothing(
    gql: Gql, world: ApiWorld, rows: Callable[[str, str], int]
) -> None:
    target = world.employee.employee_id
    before = gql(EMPLOYEE, {"id": target}, world.admin.token).ok()["employee"]
    other = register(gql)
    taken = {"email": other.email}
    bad = [
        ({"name": "  "}, world.admin.token, [("VALIDATION_ERROR", "name")]),
        ({"name": None}, world.admin.token, [("VALIDATION_ERROR", "name")]),
        ({"email": "nope"}, world.admin.token, [("VALIDATION_ERROR", "email")]),
        (taken, world.admin.token, [("VALIDATION_ERROR", "email")]),
        ({"departmentId": "not-an-id"}, world.admin.token, [("VALIDATION_ERROR", "departmentId")]),
        ({"name": "Mine"}, world.manager.token, [("FORBIDDEN", None)]),
        ({"name": "Mine"}, other.token, [("NOT_FOUND", None)]),
    ]
    for changes, token, expected in bad:
        result = gql(UPDATE_EMPLOYEE, {"id": target, "input": changes}, token)
        assert codes_and_fields(result) == expected, changes
    foreign_department = {"departmentId": _department_of(gql, other.token)}
    result = gql(UPDATE_EMPLOYEE, {"id": target, "input": foreign_department}, world.admin.token)
    assert result.codes == ["NOT_FOUND"]
    assert gql(EMPLOYEE, {"id": target}, world.admin.token).ok()["employee"] == before
    assert rows("employees", world.admin.organization_id) == 3
    assert audit(gql, world.admin.token, ACTION) == []


def _department_of(gql: Gql, admin_token: str) -> str:
    made = gql(CREATE_DEPARTMENT, {"input": {"name": "Theirs"}}, admin_token).ok()
    return str(made["createDepartment"]["id"])
