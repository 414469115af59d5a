"""Sessions end with their rights: tokens and sockets, on this replica and the others.

Two servers run on the same database (each with its own engine, caller cache, live
feed and clock), as two replicas behind a load balancer would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import websockets
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_api.auth.tokens import TokenCodec
from jts_api.graphql.live import TIMER_UPDATES
from jts_api.live_sessions import CLOSE_ACCESS_CHANGED, CLOSE_EXPIRED
from jts_api.runtime import ApiRuntime
from jts_domain.model import Employee
from tests.api.harness import TEST_SECRET_KEY, ApiServer, make_gql, serve
from tests.api.sockets import (
    close_code,
    next_data,
    open_socket,
    subscribe,
    until,
)
from tests.api.team import Team, make_team

ME = "{ me { id role } }"
DEACTIVATE = """
mutation($id: ID!, $reason: String!) { deactivateEmployee(id: $id, reason: $reason) { active } }
"""
CHANGE_ROLE = """
mutation($id: ID!, $role: Role!, $reason: String!) {
  changeRole(id: $id, role: $role, reason: $reason) { role }
}"""


@dataclass(frozen=True)
class Replica:
    server: ApiServer

    @property
    def runtime(self) -> ApiRuntime:
        return self.server.runtime

    def following(self, team: Team, employee: Employee) -> int:
        return self.runtime.live_feed.subscribers(TIMER_UPDATES, team.world.org.id, employee.id)


@pytest.fixture(scope="module")
def replicas(database_url: str) -> Iterator[tuple[Replica, Replica]]:
    """Two API servers on the run's database; the second never sweeps for expired
    tokens (so only the check on delivery can close its sockets for that)."""
    with (
        serve(database_url, live=True, live_check_seconds=0.05) as one,
        serve(database_url, live=True, live_check_seconds=3600) as two,
    ):
        yield Replica(one), Replica(two)


def _short_token(team: Team, employee: Employee, minutes: int) -> str:
    return TokenCodec(TEST_SECRET_KEY, team.clock, timedelta(minutes=minutes)).issue(employee)


async def test_a_known_caller_costs_no_database_round_trip(
    replicas: tuple[Replica, Replica], engine: AsyncEngine
) -> None:
    replica, _ = replicas
    with make_gql(replica.server) as gql:
        team = await make_team(engine, replica.server, gql)
        checkouts: list[object] = []
        pool = replica.runtime.engine.sync_engine.pool
        listener = lambda *_: checkouts.append(1)  # noqa: E731
        assert team.as_("alice", "{ __typename }").ok()
        event.listen(pool, "checkout", listener)
        try:
            for _ in range(5):
                assert team.as_("alice", "{ __typename }").ok() == {"__typename": "Query"}
        finally:
            event.remove(pool, "checkout", listener)
    assert checkouts == []


async def test_deactivation_on_one_replica_ends_token_and_socket_on_the_other(
    replicas: tuple[Replica, Replica], engine: AsyncEngine
) -> None:
    writer, reader = replicas
    with make_gql(writer.server) as gql, make_gql(reader.server) as reader_gql:
        team = await make_team(engine, writer.server, gql)
        alice, token = team.world.alice, team.tokens["alice"]
        assert reader_gql(ME, token=token).ok()["me"]["id"] == str(alice.id)
        hits = reader.runtime.callers.hits
        assert reader_gql(ME, token=token).ok()
        assert reader.runtime.callers.hits == hits + 1  # answered from the reader's cache
        socket = await open_socket(reader.server, token)
        try:
            await subscribe(socket, lambda: reader.following(team, alice), {"e": str(alice.id)})
            team.as_("admin", DEACTIVATE, {"id": str(alice.id), "reason": "left"}).ok()
            await until(
                lambda: reader_gql(ME, token=token).codes == ["UNAUTHENTICATED"],
                "the other replica still accepts the deactivated person's token",
            )
            code, reason = await close_code(socket)
        finally:
            await socket.close()
    assert code == CLOSE_ACCESS_CHANGED
    assert "access changed" in reason
    assert reader.following(team, alice) == 0


async def test_a_role_change_closes_the_sockets_that_relied_on_the_old_role(
    replicas: tuple[Replica, Replica], engine: AsyncEngine
) -> None:
    replica, other = replicas
    with make_gql(replica.server) as client:
        team = await make_team(engine, replica.server, client)
        manager, alice = team.world.manager, team.world.alice
        sockets = [await open_socket(r.server, team.tokens["manager"]) for r in (replica, other)]
        try:
            for served, socket in zip((replica, other), sockets, strict=True):
                await subscribe(
                    socket, lambda s=served: s.following(team, alice), {"e": str(alice.id)}
                )
            variables = {"id": str(manager.id), "role": "EMPLOYEE", "reason": "demoted"}
            team.as_("admin", CHANGE_ROLE, variables).ok()
            codes = [(await close_code(socket))[0] for socket in sockets]
        finally:
            for socket in sockets:
                await socket.close()
    assert codes == [CLOSE_ACCESS_CHANGED, CLOSE_ACCESS_CHANGED]


async def test_a_token_of_an_ended_session_cannot_open_a_socket(
    replicas: tuple[Replica, Replica], engine: AsyncEngine
) -> None:
    replica, _ = replicas
    with make_gql(replica.server) as gql:
        team = await make_team(engine, replica.server, gql)
        bob = team.world.bob
        team.as_("admin", DEACTIVATE, {"id": str(bob.id), "reason": "left"}).ok()
        with pytest.raises(websockets.ConnectionClosed) as refused:
            await open_socket(replica.server, team.tokens["bob"])
    assert refused.value.rcvd is not None
    assert refused.value.rcvd.code == 4403


async def test_an_expired_token_closes_a_quiet_socket(
    replicas: tuple[Replica, Replica], engine: AsyncEngine
) -> None:
    sweeping, _ = replicas
    with make_gql(sweeping.server) as gql:
        team = await make_team(engine, sweeping.server, gql)
        alice = team.world.alice
        socket = await open_socket(sweeping.server, _short_token(team, alice, minutes=30))
        try:
            await subscribe(socket, lambda: sweeping.following(team, alice), {})
            team.clock.advance(minutes=29)
            assert sweeping.following(team, alice) == 1
            team.clock.advance(minutes=1)
            code, reason = await close_code(socket)
        finally:
            await socket.close()
    assert (code, reason) == (CLOSE_EXPIRED, "Unauthorized: the token has expired; sign in again")


async def test_an_expired_token_gets_no_more_deliveries(
    replicas: tuple[Replica, Replica], engine: AsyncEngine
) -> None:
    _, quiet = replicas  # this replica never sweeps: the check on delivery closes it
    with make_gql(quiet.server) as gql:
        team = await make_team(engine, quiet.server, gql)
        alice = team.world.alice
        first = team.create(assigneeId=str(alice.id))
        await team.clock_in(alice)
        socket = await open_socket(quiet.server, _short_token(team, team.world.manager, 5))
        try:
            await subscribe(socket, lambda: quiet.following(team, alice), {"e": str(alice.id)})
            team.move("alice", "startTask", first["id"]).ok()
            assert (await next_data(socket))["timer"]["state"] == "RUNNING"
            team.clock.advance(minutes=5)
            team.move("alice", "completeTask", first["id"]).ok()
            code, _ = await close_code(socket)
        finally:
            await socket.close()
    assert code == CLOSE_EXPIRED


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
async def test_a_socket_that_goes_leaves_no_session_behind(
    replicas: tuple[Replica, Replica], engine: AsyncEngine, protocol: str
) -> None:
    replica, _ = replicas
    sessions = replica.runtime.sessions
    with make_gql(replica.server) as gql:
        team = await make_team(engine, replica.server, gql)
    await until(lambda: len(sessions) == 0, "sessions of earlier tests are still open")
    protocols: Any = [protocol]
    async with websockets.connect(replica.server.ws_url, subprotocols=protocols) as socket:
        authorization = f"Bearer {team.tokens['bob']}"
        init = {"type": "connection_init", "payload": {"authorization": authorization}}
        await socket.send(json.dumps(init))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        assert len(sessions) == 1
    await until(lambda: len(sessions) == 0, "the session outlived its socket")
