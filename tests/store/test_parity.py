"""PostgreSQL's set-based reads equal the in-memory adapter's, number for number.

Each example writes one generated organization through both adapters' ports, then
compares the day's score inputs, what a score calculation reads (punctuality over the
reliability window, the stored scores) and every employee's planner candidates.
Instants are whole seconds: a timer's active time then sums exactly in both adapters
(the in-memory one adds floats timer by timer, PostgreSQL adds exact intervals).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings

from jts_domain.memory import InMemoryDatabase
from jts_domain.model.scores import ScoreDay
from jts_domain.ports import UnitOfWorkFactory
from tests.store.strategies import SmallOrganization, small_organizations


@settings(max_examples=25)
@given(generated=small_organizations())
async def test_score_inputs_and_planners_match_memory(
    pg_uow_factory: UnitOfWorkFactory, generated: SmallOrganization
) -> None:
    memory = InMemoryDatabase()
    for factory in (memory.unit_of_work, pg_uow_factory):
        async with factory() as uow:
            await generated.write(uow)

    org, day, tz = generated.organization.id, generated.day, generated.timezone
    results = []
    for factory in (memory.unit_of_work, pg_uow_factory):
        async with factory() as uow:
            inputs = await uow.score_queries.score_inputs(org, day, tz)
            days = await uow.score_queries.score_days(
                org, day, tz, reliability_from=day - timedelta(days=29)
            )
            planners = [
                await uow.tasks.for_planner(org, e.id, day, tz) for e in generated.employees
            ]
        results.append((inputs, [_comparable(d) for d in days], planners))

    (memory_inputs, memory_days, memory_planners), (pg_inputs, pg_days, pg_planners) = results
    assert pg_inputs == memory_inputs
    assert pg_days == memory_days
    assert [d.inputs for d in pg_days] == pg_inputs
    assert pg_planners == memory_planners


def _comparable(day: ScoreDay) -> ScoreDay:
    """The day without its stored score's fingerprint: each store digests in its own way."""
    if day.stored is None:
        return day
    return replace(day, stored=replace(day.stored, fingerprint=""))
