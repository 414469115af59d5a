"""``tasks`` as a connection: pages without gaps or duplicates, filters, and a bounded
number of SQL statements however many tasks a page holds (the loaders batch)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.harness import ApiServer, Gql, RoundTripCounter
from tests.api.team import Team, make_team

PAGE = """
query Page($first: Int!, $after: String, $filters: TaskFilterInput) {
  tasks(first: $first, after: $after, filters: $filters) {
    edges { cursor node { id title status } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

RICH_PAGE = """
query Rich($first: Int!) {
  tasks(first: $first) {
    edges { node {
      id status slaStatus allowedActions assignee { id name }
      timer { id state activeSeconds allowedActions }
      history { fromStatus toStatus actorName }
    } }
    pageInfo { hasNextPage }
  }
}
"""


def _all_pages(team: Team, size: int, filters: dict[str, Any] | None = None) -> list[list[str]]:
    pages: list[list[str]] = []
    after = None
    while True:
        variables = {"first": size, "after": after, "filters": filters}
        page = team.as_("admin", PAGE, variables).ok()["tasks"]
        pages.append([edge["node"]["id"] for edge in page["edges"]])
        last = page["edges"][-1]["cursor"] if page["edges"] else None
        assert page["pageInfo"]["endCursor"] == last
        if not page["pageInfo"]["hasNextPage"]:
            return pages
        after = page["pageInfo"]["endCursor"]


async def test_pages_cover_every_task_once_in_creation_order(team: Team) -> None:
    created = []
    for index in range(23):
        task = team.create(title=f"Task {index:02d}")
        created.append((task["createdAt"], task["id"]))
        if index % 4 == 0:
            team.clock.advance(seconds=1)  # some tasks share an instant: the id breaks ties
    pages = _all_pages(team, 5)
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    flat = [task_id for page in pages for task_id in page]
    assert flat == [task_id for _, task_id in sorted(created)]
    assert len(set(flat)) == 23
    assert _all_pages(team, 23) == [flat]


async def test_filters_narrow_the_pages(team: Team) -> None:
    alice = str(team.world.alice.id)
    planned = team.create(assigneeId=alice, plannedDate="2026-03-03")["id"]
    assigned = team.create(assigneeId=alice)["id"]
    pooled = team.create()["id"]
    team.move("manager", "cancelTask", assigned, reason="moot").ok()
    by_assignee = _all_pages(team, 10, {"assigneeId": alice})
    assert set(by_assignee[0]) == {planned, assigned}
    by_status = _all_pages(team, 10, {"statuses": ["PENDING", "CANCELLED"]})
    assert set(by_status[0]) == {assigned, pooled}
    by_date = _all_pages(team, 10, {"plannedDate": "2026-03-03"})
    assert by_date == [[planned]]
    by_department = _all_pages(team, 10, {"departmentId": str(team.world.department.id)})
    assert set(by_department[0]) == {planned, assigned}  # pooled has no department
    # Alice sees her own tasks only.
    mine = team.as_("alice", PAGE, {"first": 10}).ok()["tasks"]["edges"]
    assert {e["node"]["id"] for e in mine} == {planned, assigned}
    too_many = team.as_("admin", PAGE, {"first": 101})
    assert too_many.codes == ["VALIDATION_ERROR"]


async def _team_with_tasks(engine: AsyncEngine, server: ApiServer, gql: Gql, count: int) -> Team:
    """An organization with ``count`` tasks of Alice and Bob: both timed, all with history."""
    team = await make_team(engine, server, gql)
    people = (team.world.alice, team.world.bob)
    ids = [
        team.create(assigneeId=str(people[i % 2].id), slaDeadline="2026-03-02T12:00:00Z")["id"]
        for i in range(count)
    ]
    for person, task_id in zip(people, ids, strict=False):
        await team.clock_in(person)
        team.move(person.name.lower(), "startTask", task_id).ok()
    team.move("alice", "acceptTask", ids[2]).ok()
    return team


def _statements_for_page(team: Team, statements: list[str], first: int) -> tuple[int, Any]:
    before = len(statements)
    page = team.as_("admin", RICH_PAGE, {"first": first}).ok()["tasks"]
    return len(statements) - before, page


async def test_a_page_of_fifty_costs_as_many_statements_as_a_page_of_ten(
    work_api: ApiServer, work_gql: Gql, work_statements: RoundTripCounter, engine: AsyncEngine
) -> None:
    statements = work_statements.statements
    small = await _team_with_tasks(engine, work_api, work_gql, 10)
    large = await _team_with_tasks(engine, work_api, work_gql, 50)
    small_count, small_page = _statements_for_page(small, statements, 50)
    large_count, large_page = _statements_for_page(large, statements, 50)
    assert len(small_page["edges"]) == 10
    assert len(large_page["edges"]) == 50
    nodes = [edge["node"] for edge in large_page["edges"]]
    assert sum(1 for n in nodes if n["timer"] is not None) == 2
    assert all(n["assignee"]["name"] in {"Alice", "Bob"} for n in nodes)
    assert all(n["history"][0]["toStatus"] == "ASSIGNED" for n in nodes)
    accepted = [n for n in nodes if n["status"] == "ACCEPTED"]
    assert [len(n["history"]) for n in accepted] == [2]
    assert {n["slaStatus"] for n in nodes} == {"ON_TIME"}
    # caller, page, assignees, histories, timers (+ their intervals), settings
    assert large_count == small_count
    assert large_count <= 8, statements[-large_count:]
