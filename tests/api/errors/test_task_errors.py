"""Every refusal of the task and timer API: its code, and nothing changed (read back)."""

from __future__ import annotations

import asyncio
from datetime import time
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.harness import ApiServer, Gql
from tests.api.team import Team, make_team
from tests.api.work import CURRENT_TIMER, task_move, timer_move


def _state(team: Team, task_id: str, employee: str = "alice") -> tuple[Any, Any]:
    """The task as read back, and the employee's current timer."""
    timer = team.as_("admin", CURRENT_TIMER, {"e": str(getattr(team.world, employee).id)})
    return team.read(task_id), timer.ok()["currentTimer"]


async def test_an_invalid_trigger_lists_the_allowed_ones(team: Team) -> None:
    task = team.create(assigneeId=str(team.world.alice.id))
    before = _state(team, task["id"])
    result = team.move("alice", "completeTask", task["id"])
    assert result.codes == ["INVALID_TRANSITION"]
    details = result.errors[0]["extensions"]["details"]
    allowed = ["assign", "accept", "decline", "start", "cancel"]
    assert details["allowed"] == task["allowedActions"] == allowed
    assert (details["state"], details["trigger"]) == ("ASSIGNED", "complete")
    assert result.data is None
    assert _state(team, task["id"]) == before


async def test_start_checks_answer_their_own_codes(team: Team) -> None:
    alice = str(team.world.alice.id)
    task = team.create(assigneeId=alice)
    before = _state(team, task["id"])
    assert team.move("alice", "startTask", task["id"]).codes == ["ATTENDANCE_REQUIRED"]
    assert _state(team, task["id"]) == before

    await team.clock_in(team.world.bob)
    assert team.move("bob", "startTask", task["id"]).codes == ["NOT_ASSIGNEE"]
    assert _state(team, task["id"]) == before
    assert _state(team, task["id"], "bob")[1] is None

    # Carol's shift starts at 13:00: her window opens at 12:45.
    carol = await team.rostered("Carol", time(13, 0), time(17, 0))
    await team.clock_in(carol)
    hers = team.create(assigneeId=str(carol.id))
    carols = _state(team, hers["id"], "bob")[0]
    assert team.move("carol", "startTask", hers["id"]).codes == ["NO_ACTIVE_SHIFT"]
    assert team.read(hers["id"]) == carols

    await team.clock_in(team.world.alice)
    team.move("alice", "startTask", task["id"]).ok()
    second = team.create(assigneeId=alice)
    second_before, running = _state(team, second["id"])
    assert team.move("alice", "startTask", second["id"]).codes == ["TIMER_ALREADY_RUNNING"]
    assert _state(team, second["id"]) == (second_before, running)
    assert running["task"]["id"] == task["id"]


async def test_an_override_skips_the_attendance_and_shift_checks(team: Team) -> None:
    manager = team.world.manager
    task = team.create("manager", assigneeId=str(manager.id))
    result = team.as_(
        "manager",
        task_move("startTask", overrideReason="String"),
        {"id": task["id"], "overrideReason": "stocktake before opening"},
    )
    timer = result.ok()["startTask"]["timer"]
    current = team.as_("manager", CURRENT_TIMER).ok()["currentTimer"]
    assert current["id"] == timer["id"]
    assert current["skippedChecks"] == ["ATTENDANCE", "SHIFT"]
    assert current["overrideReason"] == "stocktake before opening"


async def test_an_employee_may_not_assign(team: Team) -> None:
    task = team.create()
    before = team.read(task["id"])
    result = team.move("alice", "assignTask", task["id"], employeeId=str(team.world.alice.id))
    assert result.codes == ["FORBIDDEN"]
    assert team.read(task["id"]) == before
    # nor create a task for somebody else
    bob = str(team.world.bob.id)
    create = 'mutation($a: ID) { createTask(input: {title: "x", assigneeId: $a}) { id } }'
    created = team.as_("alice", create, {"a": bob})
    assert created.codes == ["FORBIDDEN"]
    listing = "query($a: ID) { tasks(filters: {assigneeId: $a}) { edges { node { id } } } }"
    listed = team.as_("admin", listing, {"a": bob})
    assert listed.ok()["tasks"]["edges"] == []


async def test_bad_input_says_which_field_and_changes_nothing(team: Team) -> None:
    bad_id = team.as_("manager", task_move("acceptTask"), {"id": "not-a-uuid"})
    assert bad_id.codes == ["VALIDATION_ERROR"]
    naive = team.as_(
        "manager",
        'mutation { createTask(input: {title: "t", dueAt: "2026-03-02T10:00:00"}) { id } }',
    )
    assert naive.codes == ["VALIDATION_ERROR"]
    blank = team.as_("manager", 'mutation { createTask(input: {title: "  "}) { id } }')
    assert blank.codes == ["VALIDATION_ERROR"]
    quality = team.move("manager", "approveTask", team.create()["id"], quality=9)
    assert quality.codes == ["VALIDATION_ERROR"]
    cursor = team.as_("admin", '{ tasks(after: "garbage") { edges { cursor } } }')
    assert cursor.codes == ["VALIDATION_ERROR"]
    listed = team.as_("admin", "{ tasks(first: 100) { edges { node { title } } } }").ok()
    assert [e["node"]["title"] for e in listed["tasks"]["edges"]] != []
    assert all(e["node"]["title"].startswith("Task ") for e in listed["tasks"]["edges"])


async def test_concurrent_moves_of_one_task_let_exactly_one_win(team: Team) -> None:
    """Ten accepts at once: one wins; the others lose on the state or on the version."""
    task = team.create(assigneeId=str(team.world.alice.id))
    document = task_move("acceptTask")
    headers = {"Authorization": f"Bearer {team.tokens['alice']}"}
    async with httpx.AsyncClient(timeout=30) as client:
        answers = await asyncio.gather(
            *(
                client.post(
                    team.server.graphql_url,
                    json={"query": document, "variables": {"id": task["id"]}},
                    headers=headers,
                )
                for _ in range(10)
            )
        )
    codes = [
        (e.get("extensions") or {}).get("code") for a in answers for e in a.json().get("errors", [])
    ]
    assert sum(1 for a in answers if not a.json().get("errors")) == 1
    assert set(codes) <= {"INVALID_TRANSITION", "CONFLICT"}
    assert len(codes) == 9
    after = team.read(task["id"])
    assert after["status"] == "ACCEPTED"
    assert [h["toStatus"] for h in after["history"]] == ["ASSIGNED", "ACCEPTED"]


async def test_another_organizations_ids_are_not_found(
    team: Team, engine: AsyncEngine, work_api: ApiServer, work_gql: Gql
) -> None:
    other = await make_team(engine, work_api, work_gql)
    theirs = other.create(assigneeId=str(other.world.alice.id))
    await other.clock_in(other.world.alice)
    their_timer = other.move("alice", "startTask", theirs["id"]).ok()["startTask"]["timer"]["id"]
    before = _state(other, theirs["id"])
    their_alice, their_department = str(other.world.alice.id), str(other.world.department.id)
    ours = team.create(assigneeId=str(team.world.alice.id))

    def not_found(who: str, document: str, variables: dict[str, Any]) -> None:
        result = team.as_(who, document, variables)
        assert result.codes == ["NOT_FOUND"], (document, result.errors)
        assert not any((result.data or {}).values())

    not_found("admin", "query($id: ID!) { task(id: $id) { id } }", {"id": theirs["id"]})
    for key, value in (("assigneeId", their_alice), ("departmentId", their_department)):
        listing = f"query($v: ID) {{ tasks(filters: {{{key}: $v}}) {{ edges {{ cursor }} }} }}"
        not_found("admin", listing, {"v": value})
    not_found("admin", "query($e: ID) { currentTimer(employeeId: $e) { id } }", {"e": their_alice})
    history = "query($e: ID) { timerHistory(employeeId: $e) { edges { cursor } } }"
    not_found("admin", history, {"e": their_alice})
    for key, value in (
        ("assigneeId", their_alice),
        ("departmentId", their_department),
        ("storeId", str(other.world.store.id)),
    ):
        create = f'mutation($v: ID) {{ createTask(input: {{title: "t", {key}: $v}}) {{ id }} }}'
        not_found("admin", create, {"v": value})
    assign = task_move("assignTask", employeeId="ID!")
    not_found("admin", assign, {"id": theirs["id"], "employeeId": str(team.world.alice.id)})
    not_found("admin", assign, {"id": ours["id"], "employeeId": their_alice})
    moves: list[tuple[str, dict[str, Any]]] = [
        ("acceptTask", {}),
        ("declineTask", {"note": "n"}),
        ("startTask", {}),
        ("pauseTask", {}),
        ("resumeTask", {}),
        ("holdTask", {"reason": "r"}),
        ("submitTask", {}),
        ("completeTask", {}),
        ("approveTask", {"quality": 3}),
        ("rejectTask", {"note": "n"}),
        ("reopenTask", {}),
        ("cancelTask", {"reason": "r"}),
    ]
    for name, arguments in moves:
        kinds = {k: "Int!" if isinstance(v, int) else "String!" for k, v in arguments.items()}
        for who in ("admin", "alice"):
            not_found(who, task_move(name, **kinds), {"id": theirs["id"], **arguments})
    for name in ("startBreak", "endBreak", "stopTimer"):
        for who in ("admin", "alice"):
            not_found(who, timer_move(name), {"timerId": their_timer})
    assert _state(other, theirs["id"]) == before
    assert before[1]["state"] == "RUNNING"
