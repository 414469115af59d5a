"""``updateTask`` over HTTP: fields edited from the version read, a stale version a
CONFLICT that changes nothing, concurrent edits from one version won by exactly one."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.api.admin.documents import CREATE_TASK, TASK, UPDATE_TASK, audit, codes_and_fields
from tests.api.harness import ApiServer, Gql, make_gql, register
from tests.api.team import CREATE_DEPARTMENT, Team

RACERS = 12
ACTION = "task.update"


def _task(gql: Gql, world: Team, **fields: object) -> dict[str, Any]:
    task_input = {
        "title": "Count stock",
        "assigneeId": world.id("employee"),
        "departmentId": world.department_id,
        **fields,
    }
    made: dict[str, Any] = gql(CREATE_TASK, {"input": task_input}, world.token("admin")).ok()[
        "createTask"
    ]
    return made


def _read(gql: Gql, world: Team, task_id: str) -> dict[str, Any]:
    read: dict[str, Any] = gql(TASK, {"id": task_id}, world.token("admin")).ok()["task"]
    return read


def test_an_edit_changes_the_named_fields_and_is_audited(gql: Gql, world: Team) -> None:
    task = _task(gql, world, estimatedMinutes=30, storeId=world.store_id)
    changes = {
        "title": "Count stock, aisle 4",
        "description": "Both sides",
        "priority": "URGENT",
        "plannedDate": "2026-03-03",
        "dueAt": "2026-03-03T11:30:00+05:30",
        "estimatedMinutes": 45,
        "storeId": None,
        "jobCategory": "SALES",
    }

    variables = {"id": task["id"], "version": task["version"], "input": changes}
    result = gql(UPDATE_TASK, variables, world.token("admin"))

    updated = result.ok()["updateTask"]
    assert updated == {
        **task,
        **changes,
        "dueAt": "2026-03-03T06:00:00+00:00",
        "version": task["version"] + 1,
    }
    assert _read(gql, world, task["id"]) == updated
    [entry] = audit(gql, world.token("admin"), ACTION)
    assert entry["entityId"] == task["id"]
    assert entry["summary"].startswith(
        "'Count stock': title: 'Count stock' → 'Count stock, aisle 4'; "
        "description: '' → 'Both sides'; priority: MEDIUM → URGENT; "
        "planned_date: none → 2026-03-03; due_at: none → 2026-03-03T06:00:00+00:00; "
        "estimated_minutes: 30 → 45; store_id: "
    )


def test_a_stale_version_is_a_conflict_and_changes_nothing(gql: Gql, world: Team) -> None:
    task = _task(gql, world)
    first = {"id": task["id"], "version": task["version"], "input": {"title": "First"}}
    gql(UPDATE_TASK, first, world.token("admin")).ok()
    stale = {**first, "input": {"title": "Second", "priority": "LOW"}}

    result = gql(UPDATE_TASK, stale, world.token("admin"))

    assert result.codes == ["CONFLICT"]
    stored = _read(gql, world, task["id"])
    assert (stored["title"], stored["priority"], stored["version"]) == (
        "First",
        "MEDIUM",
        task["version"] + 1,
    )
    assert len(audit(gql, world.token("admin"), ACTION)) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": " "}, "title"),
        ({"title": None}, "title"),
        ({"estimatedMinutes": -1}, "estimated_minutes"),
        ({"priority": None}, "priority"),
        ({"departmentId": "42"}, "departmentId"),
    ],
)
def test_bad_input_is_a_validation_error_and_changes_nothing(
    gql: Gql, world: Team, changes: dict[str, object], field: str
) -> None:
    task = _task(gql, world)
    variables = {"id": task["id"], "version": task["version"], "input": changes}
    result = gql(UPDATE_TASK, variables, world.token("admin"))
    assert codes_and_fields(result) == [("VALIDATION_ERROR", field)]
    assert _read(gql, world, task["id"]) == task
    assert audit(gql, world.token("admin"), ACTION) == []


def test_other_roles_and_other_organizations_are_refused(gql: Gql, world: Team) -> None:
    task = _task(gql, world)
    variables = {"id": task["id"], "version": task["version"], "input": {"title": "Mine"}}
    assert gql(UPDATE_TASK, variables, world.token("employee")).codes == ["FORBIDDEN"]
    other = register(gql)
    assert gql(UPDATE_TASK, variables, other.token).codes == ["NOT_FOUND"]
    theirs = gql(CREATE_DEPARTMENT, {"input": {"name": "Theirs"}}, other.token).ok()
    move = {**variables, "input": {"departmentId": theirs["createDepartment"]["id"]}}
    assert gql(UPDATE_TASK, move, world.token("admin")).codes == ["NOT_FOUND"]
    assert _read(gql, world, task["id"]) == task


def test_concurrent_edits_from_one_version_one_wins_the_rest_conflict(
    gql: Gql, api: ApiServer, world: Team
) -> None:
    """Twelve clients send an edit made from the same version at once, each on its own
    connection: the server answers one with the task and eleven with CONFLICT."""
    task = _task(gql, world)

    def edit(n: int) -> list[str | None]:
        with make_gql(api) as client:
            variables = {"id": task["id"], "version": task["version"], "input": {"title": f"T{n}"}}
            result = client(UPDATE_TASK, variables, world.token("admin"))
            return result.codes or [result.data["updateTask"]["title"]]

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        answers = list(pool.map(edit, range(RACERS)))

    winners = [a[0] for a in answers if a != ["CONFLICT"]]
    assert len(winners) == 1, answers
    assert sorted(answers).count(["CONFLICT"]) == RACERS - 1
    stored = _read(gql, world, task["id"])
    assert (stored["title"], stored["version"]) == (winners[0], task["version"] + 1)
    assert len(audit(gql, world.token("admin"), ACTION)) == 1
