"""Real concurrent connections: the database, not luck, keeps the rules.

Every test starts its units of work together with ``asyncio.gather``; each has its own
connection and transaction, so they race inside PostgreSQL exactly as two API replicas
would.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.ids import new_id
from jts_domain.model import (
    Department,
    DomainEvent,
    EventName,
    Task,
    Timer,
    TimerInterval,
    TimerState,
)
from jts_domain.services import ServiceContext
from jts_domain.services import attendance as attendance_service
from jts_domain.services import tasks as task_service
from tests.services.builders import STORE_LATITUDE, STORE_LONGITUDE, World
from tests.services.steps import start_work

RACERS = 20


def _codes(results: list[object]) -> list[ErrorCode]:
    return sorted(r.code for r in results if isinstance(r, DomainError))


def _unexpected(results: list[object]) -> list[BaseException]:
    return [r for r in results if isinstance(r, BaseException) and not isinstance(r, DomainError)]


async def _active_timers(ctx: ServiceContext, world: World) -> list[Timer]:
    async with ctx.uow() as uow:
        return await uow.timers.list_active(world.org.id)


async def test_twenty_simultaneous_starts_make_one_timer(ctx: ServiceContext, world: World) -> None:
    alice = world.caller(world.alice)
    await attendance_service.clock_in(
        ctx, alice, latitude=STORE_LATITUDE, longitude=STORE_LONGITUDE
    )
    manager = world.caller(world.manager)
    tasks = [
        await task_service.create_task(ctx, manager, title=f"Shelf {n}", assignee_id=world.alice.id)
        for n in range(RACERS)
    ]

    results = await asyncio.gather(
        *(start_work(ctx, alice, task.id) for task in tasks),
        return_exceptions=True,
    )

    assert _unexpected(results) == []
    winners = [r for r in results if isinstance(r, Timer)]
    assert len(winners) == 1
    assert _codes(results) == [ErrorCode.TIMER_ALREADY_RUNNING] * (RACERS - 1)
    assert [t.id for t in await _active_timers(ctx, world)] == [winners[0].id]


def _timer(world: World, task_id: object) -> Timer:
    now = world.org.created_at
    return Timer(
        id=new_id(),
        organization_id=world.org.id,
        employee_id=world.alice.id,
        task_id=task_id,  # type: ignore[arg-type]
        state=TimerState.RUNNING,
        started_at=now,
        business_date=world.today,
        intervals=[TimerInterval(state=TimerState.RUNNING, started_at=now)],
    )


async def test_twenty_simultaneous_inserts_keep_one_active_timer(
    ctx: ServiceContext, world: World
) -> None:
    """Below the services: the partial unique index alone turns 19 inserts away."""
    task = await task_service.create_task(
        ctx, world.caller(world.manager), title="Count", assignee_id=world.alice.id
    )
    gate = asyncio.Event()

    async def add_timer() -> Timer:
        timer = _timer(world, task.id)
        async with ctx.uow() as uow:
            await gate.wait()
            await uow.timers.add(timer)
            await uow.commit()
        return timer

    racing = [asyncio.create_task(add_timer()) for _ in range(RACERS)]
    await asyncio.sleep(0.1)
    gate.set()
    results = await asyncio.gather(*racing, return_exceptions=True)

    assert _unexpected(results) == []
    assert len([r for r in results if isinstance(r, Timer)]) == 1
    assert _codes(results) == [ErrorCode.TIMER_ALREADY_RUNNING] * (RACERS - 1)
    assert len(await _active_timers(ctx, world)) == 1


async def test_two_concurrent_updates_one_wins_one_conflicts(
    ctx: ServiceContext, world: World
) -> None:
    task = await task_service.create_task(
        ctx, world.caller(world.manager), title="Count", estimated_minutes=10
    )
    both_read = asyncio.Barrier(2)

    async def update(change: dict[str, object]) -> Task:
        async with ctx.uow() as uow:
            stored = await uow.tasks.get(world.org.id, task.id)
            await both_read.wait()
            changed = replace(stored, **change)  # type: ignore[arg-type]
            await uow.tasks.update(changed)
            await uow.commit()
        return changed

    results = await asyncio.gather(
        update({"title": "Count the shelves"}),
        update({"estimated_minutes": 45}),
        return_exceptions=True,
    )

    assert _unexpected(results) == []
    assert _codes(results) == [ErrorCode.CONFLICT]
    (winner,) = [r for r in results if isinstance(r, Task)]
    async with ctx.uow() as uow:
        stored = await uow.tasks.get(world.org.id, task.id)
    assert stored == winner
    assert stored.version == task.version + 1


async def test_a_stale_update_is_a_conflict_and_changes_nothing(
    ctx: ServiceContext, world: World
) -> None:
    task = await task_service.create_task(ctx, world.caller(world.manager), title="Count")
    stale = replace(task, title="Stale")
    async with ctx.uow() as uow:
        await uow.tasks.update(replace(task, title="Fresh"))
        await uow.commit()
    async with ctx.uow() as uow:
        with pytest.raises(DomainError) as caught:
            await uow.tasks.update(stale)
    assert caught.value.code is ErrorCode.CONFLICT
    async with ctx.uow() as uow:
        assert (await uow.tasks.get(world.org.id, task.id)).title == "Fresh"


async def test_a_crash_mid_use_case_leaves_nothing_written(
    ctx: ServiceContext, world: World, pg_events
) -> None:
    alice = world.caller(world.alice)
    await attendance_service.clock_in(
        ctx, alice, latitude=STORE_LATITUDE, longitude=STORE_LONGITUDE
    )
    task = await task_service.create_task(
        ctx, world.caller(world.manager), title="Count", assignee_id=world.alice.id
    )
    events_before = await pg_events(world.org.id)
    department = Department(id=new_id(), organization_id=world.org.id, name="Lab")

    class CrashError(Exception):
        pass

    async def crash_after_writes() -> None:
        async with ctx.uow() as uow:
            await uow.departments.add(department)
            stored = await uow.tasks.get(world.org.id, task.id)
            await uow.tasks.update(replace(stored, title="Half-written"))
            await uow.timers.add(_timer(world, task.id))
            uow.emit(_event(world))
            raise CrashError

    with pytest.raises(CrashError):
        await crash_after_writes()

    async with ctx.uow() as uow:
        assert (await uow.tasks.get(world.org.id, task.id)).title == "Count"
        assert await uow.timers.find_active(world.org.id, world.alice.id) is None
        assert [d.id for d in await uow.departments.list_all(world.org.id)] == [world.department.id]
    assert await pg_events(world.org.id) == events_before
    # The employee can still start work: nothing of the crashed attempt is in the way.
    timer = await start_work(ctx, alice, task.id)
    assert timer.state is TimerState.RUNNING


def _event(world: World) -> DomainEvent:
    return DomainEvent(
        name=EventName.TIMER_STATE_CHANGED,
        organization_id=world.org.id,
        occurred_at=world.org.created_at,
    )


async def test_a_database_refusal_mid_use_case_rolls_back_earlier_writes(
    ctx: ServiceContext, world: World
) -> None:
    """A constraint refusing the third write undoes the first two as well."""
    department = Department(id=new_id(), organization_id=world.org.id, name="Lab")
    twin = replace(world.alice, id=new_id(), email=world.alice.email.upper())

    async def write_three() -> None:
        async with ctx.uow() as uow:
            await uow.departments.add(department)
            await uow.employees.add(twin)
            await uow.commit()

    with pytest.raises(DomainError) as caught:
        await write_three()
    assert caught.value.code is ErrorCode.VALIDATION_ERROR
    async with ctx.uow() as uow:
        names = [d.name for d in await uow.departments.list_all(world.org.id)]
    assert names == ["Sales"]
