"""``GET /exports/…`` over real HTTP: a CSV and an XLSX of the same rows, the bearer token
and the caller's reach, bad parameters answered 400 with nothing audited."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from uuid import uuid4

import httpx
import openpyxl
import pytest

from tests.api.harness import ApiServer, Gql, make_gql
from tests.api.team import CLOCK_IN, INSIDE, Team, make_team_over_http

CREATE_TASK = """
mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }"""
MOVE = "mutation($id: ID!) {{ {name}(id: $id) {{ id status }} }}"
AUDIT = "{ auditLog(first: 20) { edges { node { action entityType summary actor { id } } } } }"


# These tests run on the session's server (``api``), not the insight server that this
# folder's ``gql`` and ``world`` serve.
@pytest.fixture
def gql(api: ApiServer) -> Iterator[Gql]:
    with make_gql(api) as client:
        yield client


@pytest.fixture
def world(gql: Gql, api: ApiServer) -> Team:
    return make_team_over_http(gql, api)


def _get(gql: Gql, api: ApiServer, path: str, token: str | None, **params: str) -> httpx.Response:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    return gql.http.get(f"{api.url}{path}", params=params, headers=headers)


def _worked(gql: Gql, api: ApiServer, world: Team) -> str:
    """The employee clocks in, works 12 minutes on a task and completes it; its id."""
    assert api.clock is not None
    gql(CLOCK_IN, {"input": INSIDE}, world.token("employee")).ok()
    task = gql(
        CREATE_TASK,
        {"input": {"title": "=SUM(A1)", "assigneeId": world.id("employee")}},
        world.token("admin"),
    ).ok()["createTask"]
    gql(MOVE.format(name="startTask"), {"id": task["id"]}, world.token("employee")).ok()
    api.clock.advance(minutes=12)
    gql(MOVE.format(name="completeTask"), {"id": task["id"]}, world.token("employee")).ok()
    return str(task["id"])


def test_the_csv_and_the_xlsx_hold_the_same_rows(gql: Gql, api: ApiServer, world: Team) -> None:
    task_id = _worked(gql, api, world)
    day = world.today.isoformat()
    answer = _get(
        gql, api, "/exports/timesheets.csv", world.token("admin"), **{"from": day, "to": day}
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="timesheets-{day}-{day}.csv"'
    )
    [header, *rows] = list(csv.reader(io.StringIO(answer.text)))
    assert header[:4] == ["timer_id", "business_date", "employee_id", "employee_name"]
    [row] = [dict(zip(header, r, strict=True)) for r in rows]
    assert (row["task_id"], row["employee_id"], row["state"]) == (
        task_id,
        world.id("employee"),
        "STOPPED",
    )
    assert row["task_title"] == "'=SUM(A1)"  # never a formula in a spreadsheet
    assert (row["active_seconds"], row["pause_seconds"], row["stop_reason"]) == ("720", "0", "TASK")
    started = datetime.fromisoformat(row["started_at"])
    assert started.utcoffset() == timedelta(hours=5, minutes=30)
    assert datetime.fromisoformat(row["stopped_at"]) - started == timedelta(minutes=12)

    workbook = _get(
        gql, api, "/exports/timesheets.xlsx", world.token("admin"), **{"from": day, "to": day}
    )
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content), read_only=True)["timesheets"]
    [xlsx_header, xlsx_row] = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert xlsx_header == header
    cells = dict(zip(header, xlsx_row, strict=True))
    assert cells["timer_id"] == row["timer_id"]
    assert cells["started_at"] == started.replace(tzinfo=None)  # local time, no offset
    assert cells["active_seconds"] == 720
    assert cells["auto_stopped"] is False
    assert cells["task_title"] == "=SUM(A1)"  # a string cell: no guard needed
    audited = [e["node"] for e in gql(AUDIT, token=world.token("admin")).ok()["auditLog"]["edges"]]
    exports = [e["summary"] for e in audited if e["action"] == "export.timesheets"]
    assert sorted(exports) == [f"timesheets.csv {day}..{day}", f"timesheets.xlsx {day}..{day}"]


def test_an_employee_exports_only_their_own(gql: Gql, api: ApiServer, world: Team) -> None:
    _worked(gql, api, world)
    day = world.today.isoformat()
    mine = _get(
        gql, api, "/exports/attendance.csv", world.token("employee"), **{"from": day, "to": day}
    )
    others = _get(
        gql, api, "/exports/attendance.csv", world.token("manager"), **{"from": day, "to": day}
    )
    assert [r[1] for r in csv.reader(io.StringIO(mine.text))][1:] == [world.id("employee")]
    assert list(csv.reader(io.StringIO(others.text)))[1:] == []  # the manager has not clocked in
    team = _get(
        gql,
        api,
        "/exports/scores.csv",
        world.token("employee"),
        **{"from": day, "to": day, "departmentId": world.department_id},
    )
    assert (team.status_code, team.json()["error"]["code"]) == (403, "FORBIDDEN")


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/exports/timesheets.csv", {"to": "2026-03-02"}, 400, "VALIDATION_ERROR"),
        (
            "/exports/timesheets.csv",
            {"from": "2026-3-x", "to": "2026-03-02"},
            400,
            "VALIDATION_ERROR",
        ),
        (
            "/exports/timesheets.csv",
            {"from": "2026-03-05", "to": "2026-03-02"},
            400,
            "VALIDATION_ERROR",
        ),
        (
            "/exports/timesheets.csv",
            {"from": "2025-01-01", "to": "2026-03-02"},
            400,
            "VALIDATION_ERROR",
        ),
        (
            "/exports/tasks.xlsx",
            {"from": "2026-03-02", "to": "2026-03-02", "departmentId": "nope"},
            400,
            "VALIDATION_ERROR",
        ),
        (
            "/exports/tasks.xlsx",
            {"from": "2026-03-02", "to": "2026-03-02", "departmentId": str(uuid4())},
            404,
            "NOT_FOUND",
        ),
        ("/exports/payroll.csv", {"from": "2026-03-02", "to": "2026-03-02"}, 404, "NOT_FOUND"),
        ("/exports/tasks.pdf", {"from": "2026-03-02", "to": "2026-03-02"}, 404, "NOT_FOUND"),
    ],
)
def test_bad_parameters_are_answered_with_a_code_and_audit_nothing(  # noqa: PLR0917 -- cases
    gql: Gql,
    api: ApiServer,
    world: Team,
    path: str,
    params: dict[str, str],
    status: int,
    code: str,
) -> None:
    answer = _get(gql, api, path, world.token("admin"), **params)
    assert (answer.status_code, answer.json()["error"]["code"]) == (status, code)
    assert answer.json()["error"]["message"]
    audited = gql(AUDIT, token=world.token("admin")).ok()["auditLog"]["edges"]
    assert not [e for e in audited if e["node"]["action"].startswith("export.")]


def test_no_token_no_export(gql: Gql, api: ApiServer) -> None:
    answer = _get(
        gql, api, "/exports/tasks.csv", None, **{"from": "2026-03-02", "to": "2026-03-02"}
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (401, "UNAUTHENTICATED")
    bad = _get(
        gql, api, "/exports/tasks.csv", "not-a-token", **{"from": "2026-03-02", "to": "2026-03-02"}
    )
    assert (bad.status_code, bad.json()["error"]["code"]) == (401, "UNAUTHENTICATED")


def test_the_export_range_is_of_local_dates(gql: Gql, api: ApiServer, world: Team) -> None:
    """A timer of today is not in yesterday's export."""
    _worked(gql, api, world)
    yesterday = (world.local_now().date() - timedelta(days=1)).isoformat()
    answer = _get(
        gql,
        api,
        "/exports/timesheets.csv",
        world.token("admin"),
        **{"from": yesterday, "to": yesterday},
    )
    assert list(csv.reader(io.StringIO(answer.text)))[1:] == []
