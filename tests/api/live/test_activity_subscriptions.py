"""``presenceChanged``, ``activityUpdated`` and ``alertRaised`` over graphql-transport-ws,
across two API replicas on one database (each its own engine, feed and clock): what one
replica (or the worker) commits reaches the subscribers of the other."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import websockets
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.asyncio.client import ClientConnection

from jts_api.graphql.activity_live import ALERTS_RAISED
from jts_api.runtime import ApiRuntime
from jts_domain.activity.watch import detect_idle
from jts_domain.clock import ManualClock
from tests.api.activity_world import UPLOAD, heartbeat
from tests.api.harness import ApiServer, make_gql, serve
from tests.api.team import Team, make_team

PATIENCE_SECONDS = 10.0
PRESENCE = "subscription($d: ID) { presenceChanged(departmentId: $d) { employee { id } state } }"
ACTIVITY = "subscription($e: ID) { activityUpdated(employeeId: $e) { timerId activitySeconds } }"
ALERTS = """
subscription($e: ID, $d: ID) {
  alertRaised(employeeId: $e, departmentId: $d) { kind employeeId taskId }
}"""


@dataclass(frozen=True)
class Replica:
    server: ApiServer

    @property
    def clock(self) -> ManualClock:
        return self.server.manual_clock

    @property
    def runtime(self) -> ApiRuntime:
        return self.server.runtime

    def subscribers(self, team: Team, topic: str) -> int:
        """Subscriptions of the organization to a topic in this replica (alerts: the
        department's key)."""
        org = team.world.org.id
        if topic == "alert":
            return self.runtime.live_feed.subscribers(ALERTS_RAISED, org, team.world.department.id)
        assert self.runtime.activity_feed is not None
        return self.runtime.activity_feed.subscribers(org, topic)


@pytest.fixture(scope="module")
def replicas(database_url: str) -> Iterator[tuple[Replica, Replica]]:
    with serve(database_url, live=True) as one, serve(database_url, live=True) as two:
        yield Replica(one), Replica(two)


async def _subscribe(  # noqa: PLR0917 -- a test helper
    replica: Replica, team: Team, who: str, query: str, variables: dict[str, Any], topic: str
) -> ClientConnection:
    protocols: Any = ["graphql-transport-ws"]
    socket = await websockets.connect(replica.server.ws_url, subprotocols=protocols)
    init = {"type": "connection_init", "payload": {"authorization": f"Bearer {team.tokens[who]}"}}
    await socket.send(json.dumps(init))
    ack = json.loads(await asyncio.wait_for(socket.recv(), PATIENCE_SECONDS))
    assert ack["type"] == "connection_ack"
    before = replica.subscribers(team, topic)
    payload = {"query": query, "variables": variables}
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
    deadline = time.monotonic() + PATIENCE_SECONDS
    while replica.subscribers(team, topic) == before:
        assert time.monotonic() < deadline, "the subscription never started"
        await asyncio.sleep(0.01)
    return socket


async def _next(socket: ClientConnection, field: str) -> dict[str, Any]:
    message = json.loads(await asyncio.wait_for(socket.recv(), PATIENCE_SECONDS))
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"][field]


async def _refused(
    replica: Replica, team: Team, who: str, query: str, variables: dict[str, Any]
) -> list[str]:
    protocols: Any = ["graphql-transport-ws"]
    async with websockets.connect(replica.server.ws_url, subprotocols=protocols) as socket:
        init = {
            "type": "connection_init",
            "payload": {"authorization": f"Bearer {team.tokens[who]}"},
        }
        await socket.send(json.dumps(init))
        await asyncio.wait_for(socket.recv(), PATIENCE_SECONDS)
        payload = {"query": query, "variables": variables}
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        answer = json.loads(await asyncio.wait_for(socket.recv(), PATIENCE_SECONDS))
    errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
    return [e["extensions"]["code"] for e in errors]


async def test_presence_changes_reach_the_other_replica(
    replicas: tuple[Replica, Replica], engine: AsyncEngine
) -> None:
    writer, reader = replicas
    with make_gql(writer.server) as gql:
        team = await make_team(engine, writer.server, gql)
        alice = team.world.alice
        department = str(team.world.department.id)
        assert await _refused(reader, team, "alice", PRESENCE, {"d": department}) == ["FORBIDDEN"]
        socket = await _subscribe(reader, team, "manager", PRESENCE, {"d": department}, "presence")
        try:
            await team.clock_in(alice)
            on_shift = await _next(socket, "presenceChanged")
            task = team.create(assigneeId=str(alice.id))
            team.move("alice", "startTask", task["id"]).ok()
            working = await _next(socket, "presenceChanged")
        finally:
            await socket.close()
    assert on_shift == {"employee": {"id": str(alice.id)}, "state": "ON_SHIFT"}
    assert working == {"employee": {"id": str(alice.id)}, "state": "WORKING"}


async def test_activity_seconds_at_most_once_a_second_across_replicas(
    replicas: tuple[Replica, Replica], engine: AsyncEngine
) -> None:
    writer, reader = replicas
    with make_gql(writer.server) as gql:
        team = await make_team(engine, writer.server, gql)
        alice = team.world.alice
        await team.clock_in(alice)
        task = team.create(assigneeId=str(alice.id))
        timer = team.move("alice", "startTask", task["id"]).ok()["startTask"]["timer"]
        start = team.clock.now()
        team.clock.advance(minutes=5)
        reader.clock.set(team.clock.now())  # one wall clock, as in production
        socket = await _subscribe(
            reader, team, "manager", ACTIVITY, {"e": str(alice.id)}, "activity"
        )
        try:
            for n in range(3):  # three commits within the same second of the reader's clock
                beat = heartbeat(start + timedelta(minutes=n), 60)
                team.as_("alice", UPLOAD, {"items": [beat]}).ok()
            first = await _next(socket, "activityUpdated")
            reader.clock.advance(seconds=1)
            second = await _next(socket, "activityUpdated")
        finally:
            await socket.close()
    assert first["timerId"] == second["timerId"] == timer["id"]
    assert first["activitySeconds"] in (60.0, 120.0, 180.0)
    assert second["activitySeconds"] == 180.0  # the held pushes came out as one, the newest


async def test_alerts_raised_by_the_worker_reach_a_replicas_subscribers(
    replicas: tuple[Replica, Replica], engine: AsyncEngine
) -> None:
    writer, reader = replicas
    with make_gql(writer.server) as gql:
        team = await make_team(engine, writer.server, gql)
        alice, bob = team.world.alice, team.world.bob
        assert await _refused(reader, team, "alice", ALERTS, {"e": str(bob.id)}) == ["FORBIDDEN"]
        await team.clock_in(alice)
        task = team.create(assigneeId=str(alice.id))
        team.move("alice", "startTask", task["id"]).ok()
        team.as_("alice", UPLOAD, {"items": [heartbeat(team.clock.now(), 30)]}).ok()
        department = str(team.world.department.id)
        socket = await _subscribe(reader, team, "manager", ALERTS, {"d": department}, "alert")
        try:
            team.clock.advance(minutes=6)
            await detect_idle(team.ctx, team.world.org.id)  # as the worker's job does
            alert = await _next(socket, "alertRaised")
        finally:
            await socket.close()
    assert alert == {"kind": "IDLE", "employeeId": str(alice.id), "taskId": task["id"]}
