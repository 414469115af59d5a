"""Looking up many employees and tasks at once, never across organizations."""

from __future__ import annotations

from jts_domain.ids import new_id
from jts_domain.services import ServiceContext
from jts_domain.services import tasks as task_service
from jts_domain.services.lookups import employees_by_id, tasks_by_id
from tests.services.builders import World, build_world


async def test_employees_are_found_by_id_within_the_callers_organization(
    ctx: ServiceContext, world: World
) -> None:
    other = await build_world(ctx)
    wanted = [world.alice.id, world.bob.id, other.alice.id, new_id(), world.alice.id]

    found = await employees_by_id(ctx, world.caller(world.manager), wanted)

    assert found == {world.alice.id: world.alice, world.bob.id: world.bob}
    assert await employees_by_id(ctx, world.caller(world.manager), []) == {}


async def test_tasks_are_found_by_id_within_the_callers_organization(
    ctx: ServiceContext, world: World
) -> None:
    other = await build_world(ctx)
    ours = await task_service.create_task(ctx, world.caller(world.manager), title="Ours")
    theirs = await task_service.create_task(ctx, other.caller(other.manager), title="Theirs")

    found = await tasks_by_id(ctx, world.caller(world.alice), [ours.id, theirs.id, new_id()])

    assert list(found) == [ours.id]
    assert found[ours.id].title == "Ours"
