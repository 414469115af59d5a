"""What the activity API tests share: the documents they send, heartbeats as JSON, and a
working employee on a staffed organization (see :mod:`tests.api.work`)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.team import Team

RESULT = "clientId status reason message timerId"
RECORD = f"mutation($i: ActivityInput!) {{ recordActivity(input: $i) {{ {RESULT} }} }}"
UPLOAD = f"""
mutation($items: [ActivityInput!]!) {{
  uploadActivity(items: $items) {{ accepted duplicates rejected results {{ {RESULT} }} }}
}}"""
SUMMARY = """
query($d: Date!, $e: ID) {
  activitySummary(date: $d, employeeId: $e) {
    date activeSeconds timerSeconds idleSeconds productivity heartbeats settled
    byTask { task { id } activeSeconds } topApps { app seconds } employee { id }
  }
}"""
REJECTIONS = """
query($first: Int) {
  activityRejections(first: $first) {
    edges { node { clientId reason message at seconds title employeeId } cursor }
    pageInfo { hasNextPage endCursor }
  }
}"""
ALERTS = """
{ alerts(first: 50) { edges { node {
    id kind taskId timerId idleSince businessDate resolvedAt resolvedBy { type id name }
    employee { id } task { id } } } } }
"""
RESOLVE = "mutation($id: ID!) { resolveAlert(id: $id) { id resolvedAt resolvedBy { type id } } }"
PRESENCE = "query($d: ID) { presence(departmentId: $d) { employee { id } state since } }"


def heartbeat(at: datetime, seconds: int = 30, **fields: Any) -> dict[str, Any]:
    """A heartbeat as GraphQL input, with a fresh client id unless one is given."""
    item: dict[str, Any] = {
        "clientId": uuid4().hex,
        "at": at.isoformat(),
        "kind": "ACTIVE",
        "seconds": seconds,
        "app": "editor",
    }
    item.update(fields)
    return item


def every(start: datetime, count: int, step: int = 30, seconds: int = 30) -> list[dict[str, Any]]:
    """``count`` heartbeats ``step`` seconds apart from ``start``."""
    return [heartbeat(start + timedelta(seconds=step * n), seconds) for n in range(count)]


async def set_settings(engine: AsyncEngine, team: Team, **settings: Any) -> None:
    """Change organization settings in the database (another feature owns their API)."""
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE organizations SET settings = settings || CAST(:doc AS jsonb) WHERE id = :id"
            ),
            {"doc": json.dumps(settings), "id": team.world.org.id},
        )


async def start_working(team: Team) -> dict[str, Any]:
    """Alice clocks in and starts a task; the task (with its timer) as the API answers it."""
    task = team.create(assigneeId=str(team.world.alice.id))
    await team.clock_in(team.world.alice)
    started: dict[str, Any] = team.move("alice", "startTask", task["id"]).ok()["startTask"]
    return started
