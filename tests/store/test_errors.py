"""What the database refuses reaches the use cases as the domain error they expect."""

from __future__ import annotations

from dataclasses import replace

import pytest

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.ids import new_id
from jts_domain.model import Department, Store
from jts_domain.services import ServiceContext
from tests.services.builders import World, roster_entry


async def _refusal(ctx: ServiceContext, write) -> DomainError:
    async def attempt() -> None:
        async with ctx.uow() as uow:
            await write(uow)
            await uow.commit()

    with pytest.raises(DomainError) as caught:
        await attempt()
    return caught.value


async def test_a_second_roster_entry_for_a_date_is_a_validation_error(
    ctx: ServiceContext, world: World
) -> None:
    entry = roster_entry(world.org.id, world.alice.id, world.today, world.shift.id, world.store.id)
    error = await _refusal(ctx, lambda uow: uow.roster.add(entry))
    assert error.code is ErrorCode.VALIDATION_ERROR
    assert "already rostered" in error.message


async def test_emails_are_unique_whatever_their_case(ctx: ServiceContext, world: World) -> None:
    twin = replace(world.bob, id=new_id(), email=world.bob.email.upper())
    error = await _refusal(ctx, lambda uow: uow.employees.add(twin))
    assert error.code is ErrorCode.VALIDATION_ERROR
    assert "e-mail" in error.message


async def test_a_reference_to_nothing_is_not_found(ctx: ServiceContext, world: World) -> None:
    department = Department(
        id=new_id(), organization_id=world.org.id, name="Lab", manager_id=new_id()
    )
    error = await _refusal(ctx, lambda uow: uow.departments.add(department))
    assert error.code is ErrorCode.NOT_FOUND


async def test_an_existing_id_is_a_conflict(ctx: ServiceContext, world: World) -> None:
    error = await _refusal(ctx, lambda uow: uow.stores.add(world.store))
    assert error.code is ErrorCode.CONFLICT


async def test_out_of_range_values_are_validation_errors(ctx: ServiceContext, world: World) -> None:
    nowhere = Store(
        id=new_id(),
        organization_id=world.org.id,
        name="Nowhere",
        latitude=91.0,
        longitude=0.0,
        radius_meters=0.0,
    )
    error = await _refusal(ctx, lambda uow: uow.stores.add(nowhere))
    assert error.code is ErrorCode.VALIDATION_ERROR


async def test_updating_another_tenants_task_is_not_found(
    ctx: ServiceContext, world: World
) -> None:
    from jts_domain.services import tasks as task_service

    task = await task_service.create_task(ctx, world.caller(world.manager), title="Count")
    foreign = replace(task, organization_id=new_id())
    error = await _refusal(ctx, lambda uow: uow.tasks.update(foreign))
    assert error.code is ErrorCode.NOT_FOUND
