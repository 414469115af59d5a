"""A stopped timer queues one recalculation of its employee's score for the timer's
business date, coalesced while one is waiting; the run is that employee's calculation."""

from __future__ import annotations

from uuid import UUID

from jts_domain.clock import ManualClock
from jts_domain.memory import RecordingScoreRecalculations
from jts_domain.model import EventName
from jts_domain.services import ServiceContext
from jts_domain.services import tasks as task_service
from jts_domain.services import timers as timer_service
from jts_domain.services.outbox_consumers import consume_all
from jts_domain.services.score_recalculation import (
    CONSUMER,
    ScoreRecalculation,
    queue_recalculations,
    recalculate_score,
)
from jts_domain.services.scores import calculate_daily_scores
from tests.services.builders import World
from tests.services.conftest import EventsReader
from tests.services.steps import clock_in, start_work


async def _read_up(ctx: ServiceContext) -> None:
    """Let the consumer pass over what earlier tests left in a shared outbox."""
    await consume_all(ctx, CONSUMER, queue_recalculations(RecordingScoreRecalculations()))


async def _consume(ctx: ServiceContext, queue: RecordingScoreRecalculations) -> dict[str, int]:
    return (await consume_all(ctx, CONSUMER, queue_recalculations(queue))).counts


async def _two_stopped_timers(ctx: ServiceContext, world: World, clock: ManualClock) -> None:
    """Alice works on two tasks one after the other, 20 minutes each."""
    manager, alice = world.caller(world.manager), world.caller(world.alice)
    await clock_in(ctx, world, world.alice)
    for title in ("Shelves", "Till"):
        task = await task_service.create_task(
            ctx, manager, title=title, assignee_id=world.alice.id, planned_date=world.today
        )
        await start_work(ctx, alice, task.id)
        clock.advance(minutes=20)
        await timer_service.stop_timer(ctx, alice)


async def test_a_stop_carries_its_business_date_and_queues_one_recalculation(
    ctx: ServiceContext, world: World, clock: ManualClock, events: EventsReader
) -> None:
    await _read_up(ctx)
    await _two_stopped_timers(ctx, world, clock)
    stops = [e for e in await events(world.org.id) if e.name is EventName.TIMER_STOPPED]
    assert [e.payload["business_date"] for e in stops] == [world.today.isoformat()] * 2

    queue = RecordingScoreRecalculations()
    counts = await _consume(ctx, queue)

    alices = ScoreRecalculation(
        organization_id=world.org.id, employee_id=world.alice.id, business_date=world.today
    )
    assert queue.waiting == [alices]
    assert (counts["timer_stops"], counts["recalculations"], counts["queued"]) == (2, 1, 1)
    assert (await _consume(ctx, queue)) == {}  # nothing new: read once


async def test_a_stop_while_one_waits_coalesces_and_after_a_run_queues_again(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await _read_up(ctx)
    queue = RecordingScoreRecalculations()
    await _two_stopped_timers(ctx, world, clock)
    await _consume(ctx, queue)
    task = await task_service.create_task(
        ctx, world.caller(world.alice), title="Mop", assignee_id=world.alice.id
    )
    await start_work(ctx, world.caller(world.alice), task.id)
    clock.advance(minutes=5)
    await timer_service.stop_timer(ctx, world.caller(world.alice))

    waiting = await _consume(ctx, queue)

    assert (waiting["recalculations"], waiting["queued"]) == (1, 0)
    assert len(queue.waiting) == 1
    ran = await queue.run_waiting(ctx)
    assert [r.employee_id for r in ran] == [world.alice.id]
    clock.advance(minutes=1)
    await task_service.resume_task(ctx, world.caller(world.alice), task.id)
    await timer_service.stop_timer(ctx, world.caller(world.alice))
    assert (await _consume(ctx, queue))["queued"] == 1


async def _score_of(ctx: ServiceContext, world: World, employee_id: UUID) -> object:
    async with ctx.uow() as uow:
        return await uow.scores.find(world.org.id, employee_id, world.today)


async def test_the_run_is_the_days_calculation_for_that_employee_only(
    ctx: ServiceContext, world: World, clock: ManualClock, events: EventsReader
) -> None:
    """Alice timed 40 of her 450 capacity minutes: utilization 40/450. Bob, not asked
    for, gets no score; the whole organization's calculation gives Alice the same one."""
    await _two_stopped_timers(ctx, world, clock)
    before = len(await events(world.org.id))
    alices = ScoreRecalculation(
        organization_id=world.org.id, employee_id=world.alice.id, business_date=world.today
    )

    score = await recalculate_score(ctx, alices)

    assert score is not None
    assert await _score_of(ctx, world, world.alice.id) == score
    assert await _score_of(ctx, world, world.bob.id) is None
    published = (await events(world.org.id))[before:]
    assert [(e.name, e.payload["employee_id"]) for e in published] == [
        (EventName.DAILY_SCORE_CALCULATED, str(world.alice.id))
    ]
    everyone = await calculate_daily_scores(ctx, world.system, business_date=world.today)
    [same] = [s for s in everyone.scores if s.employee_id == world.alice.id]
    assert (same.id, same.score, same.metrics) == (score.id, score.score, score.metrics)
