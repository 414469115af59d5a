"""The ingest's statement budget: one heartbeat or a thousand, the same few statements.

A server whose engine counts every statement (see :mod:`tests.api.lifecycle.test_statement_budget`)
answers ``recordActivity`` and ``uploadActivity``: the caller comes from the API's cache
(after the first request), the use case reads the organization's settings, writes the
whole batch in one statement and the outbox event with the commit — whatever the batch's
size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_store.engine import create_engine
from tests.api.activity_world import RECORD, UPLOAD, every, heartbeat, start_working
from tests.api.harness import ApiServer, RoundTripCounter, make_gql, serve
from tests.api.team import Team, make_team

#: The settings, the batch, the outbox event (with the commit).
BUDGET = 3


@dataclass(frozen=True)
class Counted:
    server: ApiServer
    counter: RoundTripCounter


@pytest.fixture(scope="module")
def counted_ingest(database_url: str) -> Iterator[Counted]:
    engine = create_engine(database_url, pool_size=2)
    counter = RoundTripCounter()
    counter.attach(engine)
    with serve(database_url, engine=engine) as server:
        yield Counted(server=server, counter=counter)


@pytest.fixture
async def working_team(engine: AsyncEngine, counted_ingest: Counted) -> Any:
    with make_gql(counted_ingest.server) as gql:
        team = await make_team(engine, counted_ingest.server, gql)
        await start_working(team)
        yield team


def _cost(team: Team, counter: RoundTripCounter, query: str, variables: dict[str, Any]) -> int:
    counter.reset()
    team.as_("alice", query, variables).ok()
    return len(counter.statements)


def test_a_heartbeat_and_a_thousand_cost_the_same_few_statements(
    counted_ingest: Counted, working_team: Team
) -> None:
    team, counter = working_team, counted_ingest.counter
    start = team.clock.now()
    team.clock.advance(minutes=30)
    # The first may make the month's storage, the second sees it committed (and so on).
    made = _cost(team, counter, RECORD, {"i": heartbeat(start)})
    seen = _cost(team, counter, RECORD, {"i": heartbeat(start)})
    one = _cost(team, counter, RECORD, {"i": heartbeat(start + timedelta(seconds=1))})
    batch = every(start + timedelta(seconds=2), 1000, step=1, seconds=1)
    thousand = _cost(team, counter, UPLOAD, {"items": batch})
    replay = _cost(team, counter, UPLOAD, {"items": batch})  # nothing new: no event either
    assert made >= seen >= one
    assert one == thousand == BUDGET, [q.split()[:4] for q in counter.statements]
    assert replay == thousand - 1
