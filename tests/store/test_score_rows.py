"""Daily scores in PostgreSQL: fingerprints the database generates, rows left alone when
nothing changed, and calculations that race for the same day."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.clock import ManualClock
from jts_domain.ids import new_id
from jts_domain.memory import InMemoryDatabase
from jts_domain.model import DailyScore, EventName, ScoreMetric, ScoreMetricName, TaskStatus
from jts_domain.model.scores import ScoreDay
from jts_domain.ports import ScoreQueries, UnitOfWorkFactory
from jts_domain.services import ServiceContext
from jts_domain.services.scores import ScoreRun, calculate_daily_scores
from jts_store.unit_of_work import SqlUnitOfWork
from tests.services.builders import World
from tests.services.conftest import EventsReader
from tests.services.task_records import store_tasks, task_record

RACERS = 5

#: Decimals as they may reach a score row: any exponent, trailing zeros, a negative zero.
_odd_decimals = st.sampled_from(
    [Decimal("-0"), Decimal("0E-3"), Decimal("1E+1"), Decimal("56.00"), Decimal("0.1000")]
)
_shares = st.decimals(min_value=0, max_value=100, allow_nan=False) | _odd_decimals
_numbers = st.decimals(allow_nan=False, allow_infinity=False) | _odd_decimals


@st.composite
def _metric(draw: st.DrawFn) -> ScoreMetric:
    return ScoreMetric(
        name=draw(st.sampled_from(ScoreMetricName)),
        numerator=draw(_numbers),
        denominator=draw(_numbers),
        value=draw(st.none() | _numbers),
        weight=draw(_numbers),
        contribution=draw(_numbers),
    )


@st.composite
def _daily_scores(draw: st.DrawFn) -> DailyScore:
    return DailyScore(
        id=new_id(),
        organization_id=new_id(),
        employee_id=new_id(),
        business_date=date(2026, 3, 2),
        score=draw(st.none() | _shares),
        metrics=tuple(draw(st.lists(_metric(), max_size=5))),
        reliability=draw(st.none() | _shares),
        calculated_at=datetime(2026, 3, 2, 17, 30, tzinfo=UTC),
    )


@settings(max_examples=60)
@given(score=_daily_scores())
async def test_the_repository_fingerprints_a_score_as_postgresql_does(
    pg_uow_factory: UnitOfWorkFactory, score: DailyScore
) -> None:
    """Whatever a score holds, the fingerprint the repository works out in Python is the
    one the database generates for its row, so an unchanged score is never taken for a
    changed one. (Nothing is committed: the foreign keys are checked at commit.)"""
    async with pg_uow_factory() as uow:
        await uow.scores.upsert_many([score])
        again = replace(score, id=new_id())  # answered: stored under the first one's id
        [stored] = await uow.scores.upsert_many([again])
        assert stored.fingerprint == uow.scores.fingerprint(again)
        assert stored.calculated_at == score.calculated_at


async def _row_versions(engine: AsyncEngine, organization_id: UUID) -> dict[UUID, str]:
    """Each stored score's ``xmin``: the transaction that last wrote its row."""
    statement = text(
        "SELECT employee_id, xmin::text FROM daily_scores WHERE organization_id = :org"
    )
    async with engine.connect() as connection:
        rows = await connection.execute(statement, {"org": organization_id})
    return {row.employee_id: row.xmin for row in rows}


async def test_an_unchanged_score_is_not_written_again(
    ctx: ServiceContext, world: World, clock: ManualClock, engine: AsyncEngine
) -> None:
    """A recalculation with nothing changed writes no row (their xmin stays); once one of
    Alice's tasks is completed, her row alone is written."""
    task = task_record(world, clock.now(), assignee=world.alice, planned_date=world.today)
    await store_tasks(ctx, task)
    await calculate_daily_scores(ctx, world.system, business_date=world.today)
    first = await _row_versions(engine, world.org.id)
    assert len(first) == 4

    clock.advance(minutes=30)
    await calculate_daily_scores(ctx, world.system, business_date=world.today)
    assert await _row_versions(engine, world.org.id) == first

    async with ctx.uow() as uow:
        done = await uow.tasks.get(world.org.id, task.id)
        done.status, done.completed_at = TaskStatus.COMPLETED, clock.now()
        await uow.tasks.update(done)
        await uow.commit()
    await calculate_daily_scores(ctx, world.system, business_date=world.today)
    third = await _row_versions(engine, world.org.id)
    assert {e for e in first if third[e] != first[e]} == {world.alice.id}


class _MeetAfterReading:
    """Score queries that hold each calculation, once it has read its day, until every
    racer has: they then all write a day they read before anyone wrote it."""

    def __init__(self, queries: ScoreQueries, barrier: asyncio.Barrier) -> None:
        self._queries = queries
        self._barrier = barrier

    async def score_days(
        self, organization_id: UUID, business_date: date, timezone: str, *, reliability_from: date
    ) -> list[ScoreDay]:
        days = await self._queries.score_days(
            organization_id, business_date, timezone, reliability_from=reliability_from
        )
        await self._barrier.wait()
        return days


async def test_racing_calculations_store_one_score_each_and_report_it(
    engine: AsyncEngine, world: World, clock: ManualClock, pg_events: EventsReader
) -> None:
    """Five calculations of the same day read it together (none stored yet) and then
    write: one row per employee, and every run, and every event, names that row."""
    barrier = asyncio.Barrier(RACERS)

    def racing_uow() -> SqlUnitOfWork:
        uow = SqlUnitOfWork(engine)
        uow.score_queries = _MeetAfterReading(uow.score_queries, barrier)  # type: ignore[assignment]
        return uow

    racing = ServiceContext(uow=racing_uow, clock=clock)
    runs: list[ScoreRun] = await asyncio.gather(
        *(
            calculate_daily_scores(racing, world.system, business_date=world.today)
            for _ in range(RACERS)
        )
    )

    async with SqlUnitOfWork(engine) as uow:
        stored = await uow.scores.list_range(
            world.org.id, [s.employee_id for s in runs[0].scores], world.today, world.today
        )
    assert len(stored) == 4
    for run in runs:
        assert sorted(run.scores, key=lambda s: s.employee_id) == stored
    calculated = [
        e for e in await pg_events(world.org.id) if e.name is EventName.DAILY_SCORE_CALCULATED
    ]
    assert len(calculated) == RACERS * len(stored)
    assert {e.payload["daily_score_id"] for e in calculated} == {str(s.id) for s in stored}


async def test_both_adapters_read_a_reliability_window_of_at_most_64_days(
    pg_uow_factory: UnitOfWorkFactory,
) -> None:
    # The store holds a window's days in the bits of a bigint; memory keeps the same limit.
    day = date(2026, 3, 2)
    for factory in (InMemoryDatabase().unit_of_work, pg_uow_factory):
        async with factory() as uow:
            assert (
                await uow.score_queries.score_days(
                    uuid4(), day, "UTC", reliability_from=day - timedelta(days=63)
                )
                == []
            )
            with pytest.raises(ValueError, match="1 to 64 days"):
                await uow.score_queries.score_days(
                    uuid4(), day, "UTC", reliability_from=day - timedelta(days=64)
                )
