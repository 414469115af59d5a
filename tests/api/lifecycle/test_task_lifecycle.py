"""Every task trigger through GraphQL, with the allowed actions before and after."""

from __future__ import annotations

from typing import Any

from tests.api.team import Team
from tests.api.work import CURRENT_TIMER


def _moved(team: Team, who: str, name: str, task_id: str, **arguments: Any) -> dict[str, Any]:
    return team.move(who, name, task_id, **arguments).ok()[name]


async def test_a_reviewed_task_walks_through_every_review_trigger(team: Team) -> None:
    alice = str(team.world.alice.id)
    created = team.create(assigneeId=alice, requiresReview=True, estimatedMinutes=30)
    task_id = created["id"]
    assert created["status"] == "ASSIGNED"
    assert created["assignee"] == {"id": alice, "name": "Alice"}
    assert created["allowedActions"] == ["assign", "accept", "decline", "start", "cancel"]
    assert created["timer"] is None

    accepted = _moved(team, "alice", "acceptTask", task_id)
    assert accepted["status"] == "ACCEPTED"
    assert accepted["allowedActions"] == ["assign", "start", "cancel"]

    await team.clock_in(team.world.alice)
    started = _moved(team, "alice", "startTask", task_id)
    assert started["status"] == "IN_PROGRESS"
    assert started["timer"]["state"] == "RUNNING"
    assert started["timer"]["allowedActions"] == ["pause", "start_break", "stop"]
    assert started["timer"]["task"] == {"id": task_id}
    assert started["allowedActions"] == ["pause", "hold", "submit", "cancel"]

    team.clock.advance(minutes=2)
    paused = _moved(team, "alice", "pauseTask", task_id)
    assert (paused["status"], paused["timer"]["state"]) == ("PAUSED", "PAUSED")
    assert paused["allowedActions"] == ["resume", "hold", "submit", "cancel"]

    resumed = _moved(team, "alice", "resumeTask", task_id)
    assert (resumed["status"], resumed["timer"]["state"]) == ("IN_PROGRESS", "RUNNING")
    first_timer = resumed["timer"]["id"]

    held = _moved(team, "alice", "holdTask", task_id, reason="waiting for stock")
    assert (held["status"], held["timer"]) == ("ON_HOLD", None)
    assert held["allowedActions"] == ["resume", "cancel"]
    assert held["history"][-1]["note"] == "waiting for stock"

    again = _moved(team, "alice", "resumeTask", task_id)
    assert again["status"] == "IN_PROGRESS"
    assert again["timer"]["id"] != first_timer

    submitted = _moved(team, "alice", "submitTask", task_id)
    assert (submitted["status"], submitted["timer"]) == ("PENDING_REVIEW", None)
    assert submitted["allowedActions"] == ["approve", "reject", "cancel"]
    assert submitted["actualMinutes"] == 2.0

    rejected = _moved(team, "manager", "rejectTask", task_id, note="count again")
    assert rejected["status"] == "REJECTED"
    assert rejected["allowedActions"] == ["reopen", "cancel"]

    reopened = _moved(team, "manager", "reopenTask", task_id)
    assert reopened["status"] == "ASSIGNED"
    _moved(team, "alice", "startTask", task_id)
    _moved(team, "alice", "submitTask", task_id)
    approved = _moved(team, "manager", "approveTask", task_id, quality=4)
    assert (approved["status"], approved["qualityRating"]) == ("COMPLETED", 4)
    assert approved["allowedActions"] == []

    history = team.read(task_id)["history"]
    assert [h["toStatus"] for h in history] == [
        "ASSIGNED", "ACCEPTED", "IN_PROGRESS", "PAUSED", "IN_PROGRESS", "ON_HOLD",
        "IN_PROGRESS", "PENDING_REVIEW", "REJECTED", "ASSIGNED", "IN_PROGRESS",
        "PENDING_REVIEW", "COMPLETED",
    ]  # fmt: skip
    assert history[0]["fromStatus"] is None
    assert history[3]["secondsInPrevious"] == 120.0
    assert history[-1]["actorId"] == str(team.world.manager.id)
    assert {h["actorType"] for h in history} == {"USER"}
    assert team.as_("alice", CURRENT_TIMER).ok()["currentTimer"] is None


async def test_assign_decline_complete_and_cancel(team: Team) -> None:
    pooled = team.create(title="Unload", estimatedMinutes=10)
    task_id = pooled["id"]
    assert (pooled["status"], pooled["assignee"]) == ("PENDING", None)
    assert pooled["allowedActions"] == ["assign", "cancel"]

    bob, alice = str(team.world.bob.id), str(team.world.alice.id)
    assigned = team.move("manager", "assignTask", task_id, employeeId=bob).ok()["assignTask"]
    assert (assigned["status"], assigned["assignee"]["id"]) == ("ASSIGNED", bob)

    declined = _moved(team, "bob", "declineTask", task_id, note="not my aisle")
    assert (declined["status"], declined["assignee"]) == ("PENDING", None)
    assert declined["allowedActions"] == ["assign", "cancel"]

    team.move("manager", "assignTask", task_id, employeeId=alice).ok()
    await team.clock_in(team.world.alice)
    _moved(team, "alice", "startTask", task_id)
    completed = _moved(team, "alice", "completeTask", task_id)
    assert (completed["status"], completed["allowedActions"]) == ("COMPLETED", [])

    other = team.create(assigneeId=alice)
    cancelled = _moved(team, "manager", "cancelTask", other["id"], reason="duplicate")
    assert (cancelled["status"], cancelled["allowedActions"]) == ("CANCELLED", [])
    assert cancelled["history"][-1]["note"] == "duplicate"


async def test_cancelling_a_running_task_stops_its_timer(team: Team) -> None:
    task = team.create(assigneeId=str(team.world.alice.id))
    await team.clock_in(team.world.alice)
    timer_id = _moved(team, "alice", "startTask", task["id"])["timer"]["id"]
    cancelled = _moved(team, "manager", "cancelTask", task["id"], reason="not needed")
    assert (cancelled["status"], cancelled["timer"]) == ("CANCELLED", None)
    history = team.as_("alice", "{ timerHistory(first: 5) { edges { node { id state } } } }")
    assert history.ok()["timerHistory"]["edges"][0]["node"] == {"id": timer_id, "state": "STOPPED"}
