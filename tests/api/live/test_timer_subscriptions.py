"""``timerUpdated`` over graphql-transport-ws, within one API process and across two.

Two servers run on the same database, each with its own engine, timer feed (one outbox
listener) and clock: what one of them changes reaches the subscribers of the other.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
import websockets
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.asyncio.client import ClientConnection

from jts_api.graphql.live import TIMER_UPDATES
from tests.api.harness import ApiServer, make_gql, serve
from tests.api.team import Team, make_team
from tests.api.work import timer_move

SUBSCRIBE = """
subscription($e: ID) { timerUpdated(employeeId: $e) { timer { id state } activeSeconds at } }
"""
#: How long a test waits for something that should come at once before failing.
PATIENCE_SECONDS = 10.0


@dataclass(frozen=True)
class Served:
    server: ApiServer

    def subscribers(self, organization_id: UUID, employee_id: UUID) -> int:
        return self.server.runtime.live_feed.subscribers(
            TIMER_UPDATES, organization_id, employee_id
        )


@pytest.fixture(scope="module")
def replicas(database_url: str) -> Iterator[tuple[Served, Served]]:
    """Two API servers on the run's database, each with its own engine and feed."""
    with serve(database_url) as one, serve(database_url) as two:
        yield Served(one), Served(two)


async def _open(server: ApiServer, authorization: str) -> ClientConnection:
    protocols: Any = ["graphql-transport-ws"]
    socket = await websockets.connect(server.ws_url, subprotocols=protocols)
    init = {"type": "connection_init", "payload": {"authorization": authorization}}
    await socket.send(json.dumps(init))
    return socket


async def _connect(server: ApiServer, token: str) -> ClientConnection:
    socket = await _open(server, f"Bearer {token}")
    ack = json.loads(await asyncio.wait_for(socket.recv(), PATIENCE_SECONDS))
    assert ack["type"] == "connection_ack"
    return socket


async def _subscribe(
    served: Served, socket: ClientConnection, team: Team, employee: Any, op: str = "1"
) -> None:
    """Subscribe to the employee's timer and wait until the server follows it."""
    variables = {"e": str(employee.id)}
    payload = {"query": SUBSCRIBE, "variables": variables}
    await socket.send(json.dumps({"id": op, "type": "subscribe", "payload": payload}))
    deadline = time.monotonic() + PATIENCE_SECONDS
    while served.subscribers(team.world.org.id, employee.id) == 0:
        assert time.monotonic() < deadline, "the subscription never started"
        await asyncio.sleep(0.01)


async def _next(socket: ClientConnection) -> dict[str, Any]:
    message = json.loads(await asyncio.wait_for(socket.recv(), PATIENCE_SECONDS))
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"]["timerUpdated"]


async def test_a_subscriber_sees_start_pause_and_stop_in_order(
    replicas: tuple[Served, Served], engine: AsyncEngine
) -> None:
    served, _ = replicas
    with make_gql(served.server) as gql:
        team = await make_team(engine, served.server, gql)
        alice = team.world.alice
        task = team.create(assigneeId=str(alice.id))
        await team.clock_in(alice)
        socket = await _connect(served.server, team.tokens["manager"])
        try:
            await _subscribe(served, socket, team, alice)
            timer = team.move("alice", "startTask", task["id"]).ok()["startTask"]["timer"]
            team.clock.advance(seconds=42)
            team.move("alice", "pauseTask", task["id"]).ok()
            team.clock.advance(seconds=10)
            team.as_("alice", timer_move("stopTimer")).ok()
            events = [await _next(socket) for _ in range(3)]
        finally:
            await socket.close()
    assert [e["timer"] for e in events] == [
        {"id": timer["id"], "state": state} for state in ("RUNNING", "PAUSED", "STOPPED")
    ]
    assert [e["activeSeconds"] for e in events] == [0.0, 42.0, 42.0]
    assert events[0]["at"] < events[1]["at"] < events[2]["at"]


async def test_only_the_followed_employee_and_the_callers_reach(
    replicas: tuple[Served, Served], engine: AsyncEngine
) -> None:
    served, _ = replicas
    with make_gql(served.server) as gql:
        team = await make_team(engine, served.server, gql)
        other = await make_team(engine, served.server, gql)
        alice, bob = team.world.alice, team.world.bob
        socket = await _connect(served.server, team.tokens["alice"])
        try:
            for op, employee in (("2", bob), ("3", other.world.alice)):
                payload = {"query": SUBSCRIBE, "variables": {"e": str(employee.id)}}
                await socket.send(json.dumps({"id": op, "type": "subscribe", "payload": payload}))
                refused = json.loads(await asyncio.wait_for(socket.recv(), PATIENCE_SECONDS))
                assert refused["id"] == op
                assert refused["type"] in {"next", "error"}
                payload = refused["payload"]
                errors = payload if refused["type"] == "error" else payload["errors"]
                expected = "FORBIDDEN" if employee is bob else "NOT_FOUND"
                assert [e["extensions"]["code"] for e in errors] == [expected]
                if refused["type"] == "next":  # then the operation completes
                    done = json.loads(await asyncio.wait_for(socket.recv(), PATIENCE_SECONDS))
                    assert done == {"id": op, "type": "complete"}
            await _subscribe(served, socket, team, alice)
            bobs = team.create(assigneeId=str(bob.id))
            hers = team.create(assigneeId=str(alice.id))
            await team.clock_in(bob)
            await team.clock_in(alice)
            team.move("bob", "startTask", bobs["id"]).ok()
            started = team.move("alice", "startTask", hers["id"]).ok()["startTask"]["timer"]
            event = await _next(socket)
        finally:
            await socket.close()
    assert event["timer"] == {"id": started["id"], "state": "RUNNING"}


async def test_a_bad_token_closes_the_socket(replicas: tuple[Served, Served]) -> None:
    served, _ = replicas
    socket = await _open(served.server, "Bearer nope")
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(socket.recv(), PATIENCE_SECONDS)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def test_a_change_made_through_one_replica_reaches_the_other_within_a_second(
    replicas: tuple[Served, Served], engine: AsyncEngine
) -> None:
    writer, reader = replicas
    with make_gql(writer.server) as gql:
        team = await make_team(engine, writer.server, gql)
        alice = team.world.alice
        task = team.create(assigneeId=str(alice.id))
        await team.clock_in(alice)
        socket = await _connect(reader.server, team.tokens["alice"])
        try:
            await _subscribe(reader, socket, team, alice)
            started = team.move("alice", "startTask", task["id"]).ok()["startTask"]["timer"]
            answered = time.monotonic()
            event = await _next(socket)
            delivered = time.monotonic()
        finally:
            await socket.close()
    assert event["timer"] == {"id": started["id"], "state": "RUNNING"}
    # The product's bound: pushed to every replica's subscribers within the same second.
    assert delivered - answered < 1.0
