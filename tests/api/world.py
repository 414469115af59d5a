"""A small organization built over HTTP, for API tests that need people, places and a
shift covering the server's current time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.api.harness import Account, ApiServer, Gql, login, register, unique_email

STORE_LATITUDE = 12.9716
STORE_LONGITUDE = 77.5946
#: About 15 m from the store: inside a 100 m geofence.
INSIDE = {"latitude": 12.9717, "longitude": 77.5947}
#: About 2.4 km away.
OUTSIDE = {"latitude": 12.9900, "longitude": 77.6000}
EMPLOYEE_PASSWORD = "employee password 1"

CREATE_STORE = """
mutation($input: CreateStoreInput!) {
  createStore(input: $input) { id name latitude longitude radiusMeters }
}"""
CREATE_DEPARTMENT = """
mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) { id name managerId } }
"""
CREATE_SHIFT = """
mutation($input: CreateShiftTemplateInput!) {
  createShiftTemplate(input: $input) { id name startTime endTime breakMinutes }
}"""
CREATE_EMPLOYEE = """
mutation($input: CreateEmployeeInput!) {
  createEmployee(input: $input) { id email role departmentId jobCategory storeId }
}"""
ASSIGN_ROSTER = """
mutation($input: AssignRosterInput!) {
  assignRoster(input: $input) { id employeeId date shiftTemplateId storeId }
}"""
ATTENDANCE_FIELDS = """
  id employeeId date status storeId clockInAt clockOutAt latitude longitude selfieRef
  overrideBy overrideReason
"""
CLOCK_IN = f"""
mutation($input: ClockInInput!) {{ clockIn(input: $input) {{ {ATTENDANCE_FIELDS} }} }}
"""
CLOCK_OUT = f"mutation {{ clockOut {{ {ATTENDANCE_FIELDS} }} }}"
ATTENDANCE = f"""
query($date: Date!, $employeeId: ID) {{
  attendance(date: $date, employeeId: $employeeId) {{ {ATTENDANCE_FIELDS} }}
}}"""


@dataclass(frozen=True)
class ApiWorld:
    """An organization whose employee and manager are rostered on a shift covering now."""

    admin: Account
    manager: Account
    employee: Account
    store_id: str
    department_id: str
    shift_id: str
    today: date


def local_now(api: ApiServer, timezone: str = "Asia/Kolkata") -> datetime:
    """The server clock's instant, in the organization's timezone."""
    assert api.clock is not None
    return api.clock.now().astimezone(ZoneInfo(timezone))


def create_person(
    gql: Gql, admin: Account, *, role: str = "EMPLOYEE", **fields: Any
) -> dict[str, Any]:
    """An employee made by the admin (password ``EMPLOYEE_PASSWORD``)."""
    variables = {
        "input": {
            "email": unique_email(role.lower()),
            "name": role.title(),
            "password": EMPLOYEE_PASSWORD,
            "role": role,
            **fields,
        }
    }
    person: dict[str, Any] = gql(CREATE_EMPLOYEE, variables, admin.token).ok()["createEmployee"]
    return person


def build_world(gql: Gql, api: ApiServer) -> ApiWorld:
    """Register an organization; add a store, a department, a shift that started five
    minutes ago, a manager and an employee, both rostered today on it."""
    admin = register(gql)
    store = gql(
        CREATE_STORE,
        {
            "input": {
                "name": "MG Road",
                "latitude": STORE_LATITUDE,
                "longitude": STORE_LONGITUDE,
                "radiusMeters": 100,
            }
        },
        admin.token,
    ).ok()["createStore"]
    department = gql(CREATE_DEPARTMENT, {"input": {"name": "Sales"}}, admin.token).ok()
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
    department_id = department["createDepartment"]["id"]
    people = {
        role: create_person(
            gql,
            admin,
            role=role,
            departmentId=department_id,
            jobCategory="SALES",
            storeId=store["id"],
        )
        for role in ("MANAGER", "EMPLOYEE")
    }
    for person in people.values():
        roster = {
            "employeeId": person["id"],
            "date": start.date().isoformat(),
            "shiftTemplateId": shift["id"],
            "storeId": store["id"],
        }
        gql(ASSIGN_ROSTER, {"input": roster}, admin.token).ok()
    return ApiWorld(
        admin=admin,
        manager=login(gql, people["MANAGER"]["email"], EMPLOYEE_PASSWORD),
        employee=login(gql, people["EMPLOYEE"]["email"], EMPLOYEE_PASSWORD),
        store_id=store["id"],
        department_id=department_id,
        shift_id=shift["id"],
        today=start.date(),
    )
