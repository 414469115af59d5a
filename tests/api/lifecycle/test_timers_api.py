"""Timer mutations and queries through GraphQL: breaks, stopping, reading."""

from __future__ import annotations

from tests.api.team import Team
from tests.api.work import CURRENT_TIMER, timer_move


def _current(team: Team, who: str = "alice") -> dict | None:
    return team.as_(who, CURRENT_TIMER).ok()["currentTimer"]


async def test_a_break_and_a_stop_with_derived_durations(team: Team) -> None:
    task = team.create(assigneeId=str(team.world.alice.id))
    assert _current(team) is None
    await team.clock_in(team.world.alice)
    team.move("alice", "startTask", task["id"]).ok()
    running = _current(team)
    assert running["allowedActions"] == ["pause", "start_break", "stop"]
    assert running["employee"] == {"id": str(team.world.alice.id)}

    team.clock.advance(seconds=60)
    on_break = team.as_("alice", timer_move("startBreak")).ok()["startBreak"]
    assert on_break["state"] == "ON_BREAK"
    assert on_break["allowedActions"] == ["pause", "end_break", "stop"]
    assert on_break["task"]["status"] == "IN_PROGRESS"

    refused = team.as_("alice", timer_move("startBreak"))
    assert refused.codes == ["INVALID_TRANSITION"]
    assert refused.errors[0]["extensions"]["details"]["allowed"] == on_break["allowedActions"]

    team.clock.advance(seconds=30)
    back = team.as_("alice", timer_move("endBreak"), {"timerId": on_break["id"]}).ok()["endBreak"]
    assert (back["state"], back["breakSeconds"], back["activeSeconds"]) == ("RUNNING", 30.0, 60.0)

    team.clock.advance(seconds=30)
    stopped = team.as_("alice", timer_move("stopTimer")).ok()["stopTimer"]
    assert stopped["state"] == "STOPPED"
    durations = (stopped["activeSeconds"], stopped["breakSeconds"], stopped["pauseSeconds"])
    assert durations == (90.0, 30.0, 0.0)
    assert (stopped["autoStopped"], stopped["autoStopReason"]) == (False, None)
    assert stopped["allowedActions"] == []
    assert stopped["task"]["status"] == "ON_HOLD"
    assert _current(team) is None
    assert team.read(task["id"])["actualMinutes"] == 1.5
    nothing = team.as_("alice", timer_move("stopTimer"))
    assert nothing.codes == ["NOT_FOUND"]


async def test_a_manager_stops_a_team_members_timer_an_employee_may_not(team: Team) -> None:
    task = team.create(assigneeId=str(team.world.bob.id))
    await team.clock_in(team.world.bob)
    timer_id = team.move("bob", "startTask", task["id"]).ok()["startTask"]["timer"]["id"]
    before = _current(team, "bob")
    refused = team.as_("alice", timer_move("stopTimer"), {"timerId": timer_id})
    assert refused.codes == ["FORBIDDEN"]
    peek = team.as_("alice", CURRENT_TIMER, {"e": str(team.world.bob.id)})
    assert peek.codes == ["FORBIDDEN"]
    assert _current(team, "bob") == before
    stopped = team.as_("manager", timer_move("stopTimer"), {"timerId": timer_id}).ok()["stopTimer"]
    assert (stopped["autoStopped"], stopped["autoStopReason"]) == (True, "ADMIN")
    assert _current(team, "bob") is None


async def test_timer_history_pages_newest_first(team: Team) -> None:
    await team.clock_in(team.world.alice)
    started = []
    for _ in range(5):
        task = team.create(assigneeId=str(team.world.alice.id))
        started.append(team.move("alice", "startTask", task["id"]).ok()["startTask"]["timer"]["id"])
        team.clock.advance(seconds=5)
        team.as_("alice", timer_move("stopTimer")).ok()
    document = """
    query($e: ID, $after: String) {
      timerHistory(employeeId: $e, first: 2, after: $after) {
        edges { cursor node { id state } } pageInfo { hasNextPage endCursor }
      }
    }"""
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        variables = {"e": str(team.world.alice.id), "after": after}
        page = team.as_("manager", document, variables).ok()["timerHistory"]
        seen += [e["node"]["id"] for e in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 3
    assert seen == started[::-1]
