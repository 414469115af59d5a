"""The world builder and the unit of work behave as the suite assumes, on every adapter."""

from __future__ import annotations

import pytest

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.ids import new_id
from jts_domain.model import Department
from jts_domain.services import ServiceContext
from tests.services.builders import World


async def test_world_is_readable_through_the_ports(ctx: ServiceContext, world: World) -> None:
    async with ctx.uow() as uow:
        org = await uow.organizations.get(world.org.id)
        staff = await uow.employees.list_active(world.org.id, department_id=world.department.id)
        roster = await uow.roster.list_for_date(world.org.id, world.today)
    assert org.settings.timezone == "Asia/Kolkata"
    assert {e.id for e in staff} == {world.manager.id, world.alice.id, world.bob.id}
    assert sorted(r.employee_id for r in roster) == sorted([world.alice.id, world.bob.id])


async def test_leaving_without_commit_rolls_back(ctx: ServiceContext, world: World) -> None:
    department = Department(id=new_id(), organization_id=world.org.id, name="Lab")
    async with ctx.uow() as uow:
        await uow.departments.add(department)
    async with ctx.uow() as uow:
        names = [d.name for d in await uow.departments.list_all(world.org.id)]
    assert names == ["Sales"]


async def test_an_exception_rolls_back_everything_written(
    ctx: ServiceContext, world: World
) -> None:
    department = Department(id=new_id(), organization_id=world.org.id, name="Lab")

    async def crash_after_a_write() -> None:
        async with ctx.uow() as uow:
            await uow.departments.add(department)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        await crash_after_a_write()
    async with ctx.uow() as uow:
        with pytest.raises(DomainError) as caught:
            await uow.departments.get(world.org.id, department.id)
    assert caught.value.code is ErrorCode.NOT_FOUND


async def test_ids_of_another_tenant_are_not_found(ctx: ServiceContext, world: World) -> None:
    async with ctx.uow() as uow:
        with pytest.raises(DomainError) as caught:
            await uow.employees.get(new_id(), world.alice.id)
    assert caught.value.code is ErrorCode.NOT_FOUND
