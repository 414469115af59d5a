"""``jobToDoUpdated`` over graphql-transport-ws: status changes only, coalesced to one per
job per 500 ms of the server's clock, within the caller's reach.

The server of this module has a clock of its own that only these tests move, so
"within 500 ms" is decided by the test, not by how fast the machine is.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
import websockets
from hypothesis import given
from hypothesis import strategies as st
from websockets.asyncio.client import ClientConnection

from jts_api.jtd_feed import Coalescer
from jts_domain.clock import ManualClock
from tests.api.harness import ApiServer, Gql, make_gql, register, serve
from tests.api.team import Team, make_team_over_http

SUBSCRIBE = """
subscription($f: JobToDoUpdatedFilterInput) {
  jobToDoUpdated(filters: $f) { jobId fromStatus status validTransition actor { type }
                                jobToDo { id status } }
}"""
CREATE = "mutation($input: CreateJobToDoInput!) { createJobToDo(input: $input) { id } }"
MOVE = "mutation($id: ID!, $s: String!) { moveJobToDo(id: $id, status: $s) { status } }"
PATIENCE_SECONDS = 10.0


@dataclass(frozen=True)
class Live:
    server: ApiServer

    @property
    def clock(self) -> ManualClock:
        return self.server.manual_clock

    def subscribers(self, organization_id: UUID) -> int:
        runtime = self.server.runtime
        assert runtime.jtd_feed is not None
        return runtime.jtd_feed.subscribers(organization_id)

    async def held(self, organization_id: UUID, job_id: str, status: str) -> None:
        """Wait until the feed holds the job's change to ``status`` (read from the outbox,
        which it reaches asynchronously), so moving the clock cannot overtake it."""
        runtime = self.server.runtime
        assert runtime.jtd_feed is not None
        deadline = time.monotonic() + PATIENCE_SECONDS
        while True:
            change = runtime.jtd_feed.held_change(organization_id, UUID(job_id))
            if change is not None and change.to_status == status:
                return
            assert time.monotonic() < deadline, f"the feed never held the move to {status}"
            await asyncio.sleep(0.01)


@pytest.fixture(scope="module")
def live(database_url: str) -> Iterator[Live]:
    with serve(database_url) as server:
        yield Live(server)


@pytest.fixture
def live_gql(live: Live) -> Iterator[Gql]:
    with make_gql(live.server) as client:
        yield client


async def _connect(server: ApiServer, token: str) -> ClientConnection:
    protocols: Any = ["graphql-transport-ws"]
    socket = await websockets.connect(server.ws_url, subprotocols=protocols)
    init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
    await socket.send(json.dumps(init))
    ack = json.loads(await asyncio.wait_for(socket.recv(), PATIENCE_SECONDS))
    assert ack["type"] == "connection_ack"
    return socket


async def _subscribe(
    live: Live, socket: ClientConnection, organization_id: UUID, filters: dict[str, Any]
) -> None:
    before = live.subscribers(organization_id)
    payload = {"query": SUBSCRIBE, "variables": {"f": filters}}
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
    deadline = time.monotonic() + PATIENCE_SECONDS
    while live.subscribers(organization_id) == before:
        assert time.monotonic() < deadline, "the subscription never started"
        await asyncio.sleep(0.01)


async def _next(socket: ClientConnection) -> dict[str, Any]:
    message = json.loads(await asyncio.wait_for(socket.recv(), PATIENCE_SECONDS))
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"]["jobToDoUpdated"]


def _organization(gql: Gql, world: Team) -> UUID:
    me = gql("{ me { organizationId } }", token=world.token("admin")).ok()["me"]
    return UUID(me["organizationId"])


def _job_for(gql: Gql, world: Team, recipient: str) -> str:
    variables = {"input": {"subject": "Hello", "sourceType": "system", "recipientId": recipient}}
    return str(gql(CREATE, variables, world.token("admin")).ok()["createJobToDo"]["id"])


async def test_changes_within_half_a_second_are_coalesced_to_the_newest(
    live: Live, live_gql: Gql
) -> None:
    world = make_team_over_http(live_gql, live.server)
    organization = _organization(live_gql, world)
    job = _job_for(live_gql, world, world.id("employee"))
    socket = await _connect(live.server, world.token("employee"))
    try:
        await _subscribe(live, socket, organization, {"jobId": job})
        for status in ("pending", "queued", "executing"):  # the clock stands still
            live_gql(MOVE, {"id": job, "s": status}, world.token("admin")).ok()
        first = await _next(socket)
        await live.held(organization, job, "executing")
        live.clock.advance(seconds=1)
        second = await _next(socket)
    finally:
        await socket.close()
    assert (first["fromStatus"], first["status"], first["validTransition"]) == (
        "created",
        "pending",
        True,
    )
    # "queued" was overtaken within the window: only the newest change is pushed
    assert (second["fromStatus"], second["status"]) == ("queued", "executing")
    assert second["jobToDo"] == {"id": job, "status": "executing"}
    assert second["actor"] == {"type": "USER"}


async def test_an_employee_follows_only_what_is_addressed_to_them(
    live: Live, live_gql: Gql
) -> None:
    world = make_team_over_http(live_gql, live.server)
    organization = _organization(live_gql, world)
    manager = live_gql("{ me { id } }", token=world.token("manager")).ok()["me"]["id"]
    theirs = _job_for(live_gql, world, manager)
    mine = _job_for(live_gql, world, world.id("employee"))
    other = register(live_gql)
    elsewhere = str(
        live_gql(
            CREATE, {"input": {"subject": "x", "recipientAddress": "a@b.test"}}, other.token
        ).ok()["createJobToDo"]["id"]
    )
    socket = await _connect(live.server, world.token("employee"))
    try:
        for op, filters, code in (
            ("2", {"recipientId": manager}, "FORBIDDEN"),
            ("3", {"jobId": theirs}, "FORBIDDEN"),
            ("4", {"jobId": elsewhere}, "NOT_FOUND"),
            ("5", {"recipientId": other.employee_id}, "NOT_FOUND"),
            ("6", {"jobId": "nope"}, "VALIDATION_ERROR"),
        ):
            payload = {"query": SUBSCRIBE, "variables": {"f": filters}}
            await socket.send(json.dumps({"id": op, "type": "subscribe", "payload": payload}))
            refused = json.loads(await asyncio.wait_for(socket.recv(), PATIENCE_SECONDS))
            assert refused["id"] == op
            errors = (
                refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
            )
            assert [e["extensions"]["code"] for e in errors] == [code]
            if refused["type"] == "next":
                done = json.loads(await asyncio.wait_for(socket.recv(), PATIENCE_SECONDS))
                assert done == {"id": op, "type": "complete"}
        await _subscribe(live, socket, organization, {})
        live_gql(MOVE, {"id": theirs, "s": "pending"}, world.token("admin")).ok()
        live_gql(MOVE, {"id": mine, "s": "pending"}, world.token("admin")).ok()
        pushed = await _next(socket)
    finally:
        await socket.close()
    assert pushed["jobId"] == mine


T0 = datetime(2026, 3, 2, tzinfo=UTC)


def test_the_coalescer_sends_the_first_at_once_and_the_newest_after_the_window() -> None:
    coalescer: Coalescer[str, int] = Coalescer(timedelta(milliseconds=500))
    assert coalescer.offer("a", 1, T0) == 1
    assert coalescer.offer("a", 2, T0 + timedelta(milliseconds=100)) is None
    assert coalescer.offer("a", 3, T0 + timedelta(milliseconds=200)) is None
    assert coalescer.offer("b", 10, T0 + timedelta(milliseconds=200)) == 10  # its own key
    assert coalescer.due(T0 + timedelta(milliseconds=499)) == []
    assert coalescer.due(T0 + timedelta(milliseconds=500)) == [3]
    assert coalescer.held == 0
    # the window restarts at the flush: a change right after it waits again
    assert coalescer.offer("a", 4, T0 + timedelta(milliseconds=600)) is None
    assert coalescer.due(T0 + timedelta(milliseconds=1000)) == [4]
    assert coalescer.offer("a", 5, T0 + timedelta(seconds=5)) == 5


@given(
    st.lists(
        st.tuples(st.sampled_from("abc"), st.integers(min_value=0, max_value=400)),
        max_size=40,
    )
)
def test_coalesced_pushes_are_a_window_apart_and_end_with_the_newest(
    offers: list[tuple[str, int]],
) -> None:
    """For any offers (key, milliseconds since the previous one), flushed every 50 ms:
    a key's pushes are at least 500 ms apart, and its last push is its newest item."""
    window = timedelta(milliseconds=500)
    coalescer: Coalescer[str, tuple[str, int]] = Coalescer(window)
    pushed: dict[str, list[tuple[datetime, int]]] = {}
    now, flushed = T0, T0
    for number, (key, gap) in enumerate(offers):
        now += timedelta(milliseconds=gap)
        while flushed + timedelta(milliseconds=50) <= now:
            flushed += timedelta(milliseconds=50)
            for k, n in coalescer.due(flushed):
                pushed.setdefault(k, []).append((flushed, n))
        sent = coalescer.offer(key, (key, number), now)
        if sent is not None:
            pushed.setdefault(key, []).append((now, number))
    for k, n in coalescer.due(now + window):
        pushed.setdefault(k, []).append((now + window, n))
    for key, items in pushed.items():
        times = [t for t, _ in items]
        assert all(b - a >= window for a, b in itertools.pairwise(times))
        newest = max(n for n, (k, _) in enumerate(offers) if k == key)
        assert items[-1][1] == newest
    assert set(pushed) == {k for k, _ in offers}


@pytest.fixture(scope="module")
def replica(database_url: str) -> Iterator[ApiServer]:
    """A second API process on the same database, with a clock of its own."""
    with serve(database_url) as server:
        yield server


async def test_a_move_through_another_replica_is_pushed_too(
    live: Live, live_gql: Gql, replica: ApiServer
) -> None:
    """Two API processes share the database, not memory: a move made through one reaches
    a subscriber of the other (from the outbox)."""
    assert replica.clock is not None
    replica.clock.set(live.clock.now())  # tokens of one replica are good on the other
    world = make_team_over_http(live_gql, live.server)
    organization = _organization(live_gql, world)
    job = _job_for(live_gql, world, world.id("employee"))
    socket = await _connect(live.server, world.token("employee"))
    try:
        await _subscribe(live, socket, organization, {})
        with make_gql(replica) as other:
            other(MOVE, {"id": job, "s": "cancelled"}, world.token("admin")).ok()
        pushed = await _next(socket)
    finally:
        await socket.close()
    assert (pushed["jobId"], pushed["status"], pushed["validTransition"]) == (
        job,
        "cancelled",
        True,
    )
