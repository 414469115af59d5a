"""A day in the life, through HTTP only: an organization is set up, an employee clocks in
at the store, works a task with a pause and completes it, and the planner and the daily
score show what happened."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.api.harness import ApiServer, Gql
from tests.api.team import CLOCK_IN, INSIDE, Team

CREATE_TASK = """
mutation($input: CreateTaskInput!) {
  createTask(input: $input) { id status assignee { id } allowedActions }
}"""
MOVE = """
mutation($id: ID!) {{ {action}(id: $id) {{ id status actualMinutes allowedActions }} }}"""
PLANNER = """
query($date: Date!, $employeeId: ID) {
  planner(date: $date, employeeId: $employeeId) {
    date capacityMinutes plannedMinutes overbooked
    items { rank task { id } carriedOver remainingMinutes fitsInShift reason }
  }
}"""
CALCULATE = "mutation($date: Date!) { calculateDailyScores(date: $date) { scored } }"
DAILY_SCORE = """
query($date: Date!, $employeeId: ID) {
  dailyScore(date: $date, employeeId: $employeeId) {
    score metrics { name numerator denominator value weight contribution }
  }
}"""


def _move(gql: Gql, token: str, action: str, task_id: str) -> dict[str, Any]:
    result: dict[str, Any] = gql(MOVE.format(action=action), {"id": task_id}, token).ok()
    return result[action]


def test_a_day_of_work_ends_in_an_explained_score(gql: Gql, api: ApiServer, world: Team) -> None:
    """Shift: 8 h less a 30 min break, capacity 450 min. The task (estimate 60 min, due in
    two hours) runs 20 min, pauses 5 min, runs 25 min and is completed: actual 45 min.
    Score: completion 1/1, timeliness 1/1 (before its due time), utilization 45/450 = 0.1;
    sla and quality are undefined (no deadline, no review), so their weights drop out:
    100 × (0.3·1 + 0.2·1 + 0.2·0.1) ÷ (0.3 + 0.2 + 0.2) = 100 × 0.52 ÷ 0.7 = 74.29."""
    assert api.clock is not None
    admin, employee = world.token("admin"), world.token("employee")
    day = world.today.isoformat()
    gql(CLOCK_IN, {"input": INSIDE}, employee).ok()
    due = world.local_now() + timedelta(hours=2)
    task = gql(
        CREATE_TASK,
        {
            "input": {
                "title": "Restock the shelves",
                "assigneeId": world.id("employee"),
                "plannedDate": day,
                "dueAt": due.isoformat(),
                "estimatedMinutes": 60,
                "priority": "HIGH",
            }
        },
        admin,
    ).ok()["createTask"]
    assert task["status"] == "ASSIGNED"
    assert "start" in task["allowedActions"]

    planner = gql(PLANNER, {"date": day}, employee).ok()["planner"]
    assert (planner["capacityMinutes"], planner["plannedMinutes"]) == (450, 60)
    assert [
        (i["task"]["id"], i["remainingMinutes"], i["fitsInShift"]) for i in planner["items"]
    ] == [(task["id"], 60, True)]

    assert _move(gql, employee, "startTask", task["id"])["status"] == "IN_PROGRESS"
    api.clock.advance(minutes=20)
    assert _move(gql, employee, "pauseTask", task["id"])["status"] == "PAUSED"
    api.clock.advance(minutes=5)
    assert _move(gql, employee, "resumeTask", task["id"])["status"] == "IN_PROGRESS"
    api.clock.advance(minutes=25)
    done = _move(gql, employee, "completeTask", task["id"])
    assert (done["status"], done["actualMinutes"], done["allowedActions"]) == ("COMPLETED", 45, [])

    after = gql(PLANNER, {"date": day}, employee).ok()["planner"]
    assert after["items"] == []  # completed work leaves the plan

    assert gql(CALCULATE, {"date": day}, admin).ok()["calculateDailyScores"]["scored"] >= 1
    score = gql(DAILY_SCORE, {"date": day, "employeeId": world.id("employee")}, admin).ok()[
        "dailyScore"
    ]
    assert score["score"] == 74.29
    metrics = {m["name"]: m for m in score["metrics"]}
    assert [metrics[n]["value"] for n in ("COMPLETION", "TIMELINESS", "UTILIZATION")] == [
        1,
        1,
        0.1,
    ]
    assert (metrics["UTILIZATION"]["numerator"], metrics["UTILIZATION"]["denominator"]) == (
        45,
        450,
    )
    assert metrics["SLA"]["value"] is None
    assert metrics["QUALITY"]["value"] is None
    # The employee sees the same breakdown of their own day.
    own = gql(DAILY_SCORE, {"date": day}, employee).ok()["dailyScore"]
    assert own == score
