"""changeRole, deactivateEmployee and reactivateEmployee over HTTP, on one replica."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.ids import new_id
from tests.api.harness import ApiServer, Gql, make_gql
from tests.api.team import Team, make_team
from tests.api.work import timer_move

CHANGE_ROLE = """
mutation($id: ID!, $role: Role!, $reason: String!) {
  changeRole(id: $id, role: $role, reason: $reason) { id role active }
}"""
DEACTIVATE = """
mutation($id: ID!, $reason: String!) {
  deactivateEmployee(id: $id, reason: $reason) { id role active }
}"""
REACTIVATE = "mutation($id: ID!) { reactivateEmployee(id: $id) { id role active } }"
ME = "{ me { id role } }"
AUDIT = "{ auditLog(first: 50) { edges { node { action entityId summary } } } }"
CURRENT = "query($e: ID) { currentTimer(employeeId: $e) { id } }"


@pytest.fixture
def work_gql(work_api: ApiServer) -> Iterator[Gql]:
    with make_gql(work_api) as client:
        yield client


@pytest.fixture
async def team(engine: AsyncEngine, work_api: ApiServer, work_gql: Gql) -> Team:
    """An organization on the server whose clock only moves a little (its shift stays open)."""
    return await make_team(engine, work_api, work_gql)


def _audit(team: Team) -> list[dict[str, Any]]:
    edges = team.as_("admin", AUDIT).ok()["auditLog"]["edges"]
    return [edge["node"] for edge in edges]


async def test_a_role_change_is_audited_and_ends_the_persons_sessions(team: Team) -> None:
    alice = str(team.world.alice.id)
    assert team.as_("alice", ME).ok()["me"]["role"] == "EMPLOYEE"
    answer = team.as_(
        "admin", CHANGE_ROLE, {"id": alice, "role": "MANAGER", "reason": "runs the floor"}
    )
    assert answer.ok()["changeRole"] == {"id": alice, "role": "MANAGER", "active": True}
    [entry] = [e for e in _audit(team) if e["action"] == "employee.change_role"]
    assert entry["entityId"] == alice
    assert "EMPLOYEE → MANAGER: runs the floor" in entry["summary"]
    assert team.as_("alice", ME).codes == ["UNAUTHENTICATED"]
    changed = team.world.alice
    changed.access_epoch = 1
    assert team.gql(ME, token=team.token_for(changed)).ok()["me"]["role"] == "MANAGER"


@pytest.mark.parametrize("who", ["manager", "alice"])
async def test_without_employee_manage_nothing_changes(team: Team, who: str) -> None:
    bob = str(team.world.bob.id)
    before = _audit(team)
    for document, variables in (
        (CHANGE_ROLE, {"id": bob, "role": "ADMIN", "reason": "why not"}),
        (DEACTIVATE, {"id": bob, "reason": "gone"}),
        (REACTIVATE, {"id": bob}),
    ):
        assert team.as_(who, document, variables).codes == ["FORBIDDEN"]
    assert _audit(team) == before
    assert team.as_("bob", ME).ok()["me"]["role"] == "EMPLOYEE"


async def test_another_organizations_employee_is_not_found(
    team: Team, engine: AsyncEngine, work_api: ApiServer, work_gql: Gql
) -> None:
    other = await make_team(engine, work_api, work_gql)
    theirs = str(other.world.alice.id)
    for document, variables in (
        (CHANGE_ROLE, {"id": theirs, "role": "MANAGER", "reason": "poached"}),
        (DEACTIVATE, {"id": theirs, "reason": "poached"}),
        (REACTIVATE, {"id": str(new_id())}),
    ):
        assert team.as_("admin", document, variables).codes == ["NOT_FOUND"]
    assert other.as_("alice", ME).ok()["me"]["role"] == "EMPLOYEE"


async def test_bad_input_is_refused_and_writes_nothing(team: Team) -> None:
    admin, alice = str(team.world.admin.id), str(team.world.alice.id)
    before = _audit(team)
    for document, variables in (
        (CHANGE_ROLE, {"id": admin, "role": "MANAGER", "reason": "last admin leaves"}),
        (CHANGE_ROLE, {"id": alice, "role": "EMPLOYEE", "reason": "same role"}),
        (CHANGE_ROLE, {"id": alice, "role": "MANAGER", "reason": "  "}),
        (CHANGE_ROLE, {"id": "not-an-id", "role": "MANAGER", "reason": "x"}),
        (DEACTIVATE, {"id": admin, "reason": "myself"}),
        (DEACTIVATE, {"id": alice, "reason": "x" * 501}),
        (REACTIVATE, {"id": alice}),
    ):
        assert team.as_("admin", document, variables).codes == ["VALIDATION_ERROR"], variables
    assert team.as_("admin", CHANGE_ROLE, {"id": alice, "role": "BOSS", "reason": "x"}).codes == [
        "VALIDATION_ERROR"
    ]
    assert _audit(team) == before
    assert team.as_("admin", ME).ok()["me"]["role"] == "ADMIN"


async def test_deactivation_stops_the_timer_and_the_token_at_once(team: Team) -> None:
    alice = team.world.alice
    task = team.create(assigneeId=str(alice.id))
    await team.clock_in(alice)
    team.move("alice", "startTask", task["id"]).ok()
    team.clock.advance(seconds=30)

    answer = team.as_("admin", DEACTIVATE, {"id": str(alice.id), "reason": "left the company"})

    assert answer.ok()["deactivateEmployee"]["active"] is False
    assert team.as_("alice", ME).codes == ["UNAUTHENTICATED"]
    assert team.as_("alice", timer_move("stopTimer"), {"timerId": None}).codes == [
        "UNAUTHENTICATED"
    ]
    assert team.as_("admin", CURRENT, {"e": str(alice.id)}).ok()["currentTimer"] is None
    stopped = team.read(task["id"])
    assert stopped["status"] == "ON_HOLD"
    [entry] = [e for e in _audit(team) if e["action"] == "employee.deactivate"]
    assert "left the company" in entry["summary"]
    assert "attendance closed" in entry["summary"]


async def test_reactivation_needs_a_new_sign_in(team: Team) -> None:
    bob = team.world.bob
    team.as_("admin", DEACTIVATE, {"id": str(bob.id), "reason": "on leave"}).ok()
    assert team.as_("admin", REACTIVATE, {"id": str(bob.id)}).ok()["reactivateEmployee"] == {
        "id": str(bob.id),
        "role": "EMPLOYEE",
        "active": True,
    }
    assert team.as_("bob", ME).codes == ["UNAUTHENTICATED"]
    bob.access_epoch = 2
    assert team.gql(ME, token=team.token_for(bob)).ok()["me"]["id"] == str(bob.id)
