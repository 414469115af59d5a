"""Related records read many at a time (what the API's loaders call), on both adapters."""

from __future__ import annotations

import pytest

from jts_domain.clock import ManualClock
from jts_domain.model import TaskStatus
from jts_domain.services import ServiceContext
from jts_domain.services import tasks as task_service
from jts_domain.services.related import (
    active_timers_for_tasks,
    employees_by_ids,
    histories_for_tasks,
    organization_settings,
    tasks_by_ids,
)
from tests.services.builders import World, build_world
from tests.services.steps import clock_in

pytestmark = pytest.mark.asyncio


async def test_employees_by_ids_stay_in_the_callers_organization(
    ctx: ServiceContext, world: World
) -> None:
    other = await build_world(ctx)
    asked = [world.alice.id, world.bob.id, other.alice.id, world.alice.id]
    found = await employees_by_ids(ctx, world.caller(world.manager), asked)
    assert set(found) == {world.alice.id, world.bob.id}
    assert found[world.alice.id].name == "Alice"
    assert await employees_by_ids(ctx, world.caller(world.manager), []) == {}


async def test_active_timers_and_histories_of_many_tasks(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    manager = world.caller(world.manager)
    started = await task_service.create_task(
        ctx, manager, title="Shelves", assignee_id=world.alice.id
    )
    idle = await task_service.create_task(ctx, manager, title="Till", assignee_id=world.alice.id)
    await clock_in(ctx, world, world.alice)
    await task_service.start_task(ctx, world.caller(world.alice), started.id)
    other = await build_world(ctx)
    foreign = await task_service.create_task(ctx, other.caller(other.admin), title="Elsewhere")

    asked = [started.id, idle.id, foreign.id]
    timers = await active_timers_for_tasks(ctx, manager, asked)
    assert set(timers) == {started.id}
    assert timers[started.id].employee_id == world.alice.id

    tasks = await tasks_by_ids(ctx, manager, asked)
    assert set(tasks) == {started.id, idle.id}
    assert tasks[started.id].status is TaskStatus.IN_PROGRESS

    histories = await histories_for_tasks(ctx, manager, asked)
    assert set(histories) == {started.id, idle.id}
    assert [c.to_status for c in histories[started.id]] == [
        TaskStatus.ASSIGNED,
        TaskStatus.IN_PROGRESS,
    ]
    assert [c.to_status for c in histories[idle.id]] == [TaskStatus.ASSIGNED]
    assert await histories_for_tasks(ctx, manager, []) == {}
    assert await active_timers_for_tasks(ctx, manager, []) == {}


async def test_organization_settings_are_the_callers(ctx: ServiceContext, world: World) -> None:
    settings = await organization_settings(ctx, world.caller(world.alice))
    assert settings.timezone == world.org.settings.timezone
