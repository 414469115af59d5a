"""People as administrators and managers see them: ``employees``, ``employee`` and
``updateEmployee``."""

from __future__ import annotations

from dataclasses import replace

import pytest

from jts_domain.administration.employees import (
    EmployeeEdit,
    get_employee,
    list_employees,
    update_employee,
)
from jts_domain.administration.ports import EmployeeFilter
from jts_domain.clock import ManualClock
from jts_domain.errors import ErrorCode
from jts_domain.ids import new_id
from jts_domain.model import Department, Employee, JobCategory, Role, Store
from jts_domain.services import ServiceContext
from tests.services.audit_rows import audit_entries
from tests.services.builders import World, build_world
from tests.services.steps import expect_error


async def _add(ctx: ServiceContext, *records: Employee | Department | Store) -> None:
    async with ctx.uow() as uow:
        for record in records:
            if isinstance(record, Employee):
                await uow.employees.add(record)
            elif isinstance(record, Department):
                await uow.departments.add(record)
            else:
                await uow.stores.add(record)
        await uow.commit()


def _person(world: World, name: str, clock: ManualClock, **fields: object) -> Employee:
    clock.advance(seconds=1)  # created one after the other: the list's order
    values: dict[str, object] = {
        "role": Role.EMPLOYEE,
        "department_id": world.department.id,
        **fields,
    }
    return Employee(
        id=new_id(),
        organization_id=world.org.id,
        email=f"{name.lower().replace(' ', '.')}-{new_id().hex[:8]}@Example.test",
        name=name,
        created_at=clock.now(),
        **values,  # type: ignore[arg-type]
    )


async def _names(
    ctx: ServiceContext, world: World, caller: Employee, **filters: object
) -> list[str]:
    wanted = EmployeeFilter(**filters)  # type: ignore[arg-type]
    page = await list_employees(ctx, world.caller(caller), wanted)
    return [e.name for e in page.items]


async def test_an_admin_lists_everyone_filtered_and_searched(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    warehouse = Department(id=new_id(), organization_id=world.org.id, name="Warehouse")
    await _add(ctx, warehouse)
    await _add(
        ctx,
        _person(world, "Zoë Percent_Sign", clock, department_id=warehouse.id),
        _person(world, "Carl Inactive", clock, active=False),
        _person(world, "Meera Second Manager", clock, role=Role.MANAGER),
    )
    admin = world.admin
    everyone = await _names(ctx, world, admin)
    # the world's people were created together: by id among themselves, then the newer ones
    assert sorted(everyone[:4]) == ["Admin", "Alice", "Bob", "Manager"]
    assert everyone[4:] == ["Zoë Percent_Sign", "Carl Inactive", "Meera Second Manager"]
    assert await _names(ctx, world, admin, department_id=warehouse.id) == ["Zoë Percent_Sign"]
    assert await _names(ctx, world, admin, role=Role.MANAGER) == [
        "Manager",
        "Meera Second Manager",
    ]
    assert await _names(ctx, world, admin, active=False) == ["Carl Inactive"]
    assert await _names(ctx, world, admin, search="  ALI ") == ["Alice"]
    assert await _names(ctx, world, admin, search="example.TEST") == everyone
    assert await _names(ctx, world, admin, search="t_s") == ["Zoë Percent_Sign"]
    assert await _names(ctx, world, admin, search="%") == []
    assert await _names(ctx, world, admin, search="zoë") == ["Zoë Percent_Sign"]
    assert await _names(
        ctx, world, admin, department_id=world.department.id, active=True, search="MA"
    ) == ["Manager", "Meera Second Manager"]


async def test_the_list_comes_in_pages(ctx: ServiceContext, world: World) -> None:
    caller = world.caller(world.admin)
    people = sorted([world.admin, world.manager, world.alice, world.bob], key=lambda e: e.id)
    first = await list_employees(ctx, caller, EmployeeFilter(), first=3)
    assert ([e.id for e in first.items], first.has_next) == ([e.id for e in people[:3]], True)
    last = first.items[-1]
    rest = await list_employees(
        ctx, caller, EmployeeFilter(), first=3, after=(last.created_at, last.id)
    )
    assert ([e.id for e in rest.items], rest.has_next) == ([people[3].id], False)
    await expect_error(
        ErrorCode.VALIDATION_ERROR, list_employees(ctx, caller, EmployeeFilter(), first=0)
    )


async def test_a_manager_sees_their_departments_and_themselves(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    elsewhere = Department(id=new_id(), organization_id=world.org.id, name="Elsewhere")
    await _add(ctx, elsewhere, _person(world, "Out Of Reach", clock, department_id=elsewhere.id))
    assert sorted(await _names(ctx, world, world.manager)) == ["Alice", "Bob", "Manager"]
    assert await _names(ctx, world, world.manager, department_id=elsewhere.id) == []
    await expect_error(
        ErrorCode.FORBIDDEN, list_employees(ctx, world.caller(world.alice), EmployeeFilter())
    )
    other = await build_world(ctx)
    foreign = EmployeeFilter(department_id=other.department.id)
    await expect_error(ErrorCode.NOT_FOUND, list_employees(ctx, world.caller(world.admin), foreign))


async def test_one_employee_is_oneself_or_within_reach(ctx: ServiceContext, world: World) -> None:
    assert (await get_employee(ctx, world.caller(world.bob), world.bob.id)).name == "Bob"
    assert (await get_employee(ctx, world.caller(world.manager), world.bob.id)).active
    bob = world.caller(world.bob)
    await expect_error(ErrorCode.FORBIDDEN, get_employee(ctx, bob, world.alice.id))
    other = await build_world(ctx)
    await expect_error(
        ErrorCode.NOT_FOUND, get_employee(ctx, world.caller(other.admin), world.alice.id)
    )


async def test_an_admin_edits_a_profile_and_the_audit_says_what_changed(
    ctx: ServiceContext, world: World
) -> None:
    depot = Department(id=new_id(), organization_id=world.org.id, name="Depot")
    await _add(ctx, depot)
    edit = EmployeeEdit(
        name="  Alice Fernandes ",
        email=" ALICE.F@Example.TEST ",
        department_id=depot.id,
        store_id=None,
        job_category=JobCategory.SUPPORT,
    )

    updated = await update_employee(ctx, world.caller(world.admin), world.alice.id, edit)

    expected = replace(
        world.alice,
        name="Alice Fernandes",
        email="alice.f@example.test",
        department_id=depot.id,
        store_id=None,
        job_category=JobCategory.SUPPORT,
    )
    assert updated == expected
    async with ctx.uow() as uow:
        assert await uow.employees.get(world.org.id, world.alice.id) == expected
    [entry] = await audit_entries(ctx, world.org.id, "employee.update")
    assert entry.entity_id == world.alice.id
    assert entry.summary == (
        f"{world.alice.email}: name: 'Alice' → 'Alice Fernandes'; "
        f"email: '{world.alice.email}' → 'alice.f@example.test'; "
        f"department_id: {world.department.id} → {depot.id}; "
        f"store_id: {world.store.id} → none; job_category: SALES → SUPPORT"
    )


async def test_an_edit_that_changes_nothing_writes_nothing(
    ctx: ServiceContext, world: World
) -> None:
    same = EmployeeEdit(name="Alice", email=world.alice.email.upper())
    admin = world.caller(world.admin)
    assert await update_employee(ctx, admin, world.alice.id, same) == world.alice
    assert await audit_entries(ctx, world.org.id, "employee.update") == []


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        (EmployeeEdit(name="   "), ErrorCode.VALIDATION_ERROR),
        (EmployeeEdit(name="x" * 201), ErrorCode.VALIDATION_ERROR),
        (EmployeeEdit(email="not an address"), ErrorCode.VALIDATION_ERROR),
        (EmployeeEdit(department_id=new_id()), ErrorCode.NOT_FOUND),
        (EmployeeEdit(store_id=new_id()), ErrorCode.NOT_FOUND),
    ],
)
async def test_a_bad_edit_is_refused_and_changes_nothing(
    ctx: ServiceContext, world: World, edit: EmployeeEdit, code: ErrorCode
) -> None:
    await expect_error(code, update_employee(ctx, world.caller(world.admin), world.alice.id, edit))
    async with ctx.uow() as uow:
        assert await uow.employees.get(world.org.id, world.alice.id) == world.alice
    assert await audit_entries(ctx, world.org.id, "employee.update") == []


async def test_an_email_stays_unique_across_organizations(
    ctx: ServiceContext, world: World
) -> None:
    other = await build_world(ctx)
    taken = EmployeeEdit(email=other.bob.email.upper())
    error = await expect_error(
        ErrorCode.VALIDATION_ERROR,
        update_employee(ctx, world.caller(world.admin), world.alice.id, taken),
    )
    assert error.details["field"] == "email"
    async with ctx.uow() as uow:
        assert (await uow.employees.get(world.org.id, world.alice.id)).email == world.alice.email


async def test_only_employee_managers_edit_and_only_their_own_organizations(
    ctx: ServiceContext, world: World
) -> None:
    edit = EmployeeEdit(name="Renamed")
    await expect_error(
        ErrorCode.FORBIDDEN, update_employee(ctx, world.caller(world.manager), world.bob.id, edit)
    )
    other = await build_world(ctx)
    foreign_place = EmployeeEdit(department_id=other.department.id)
    await expect_error(
        ErrorCode.NOT_FOUND,
        update_employee(ctx, world.caller(world.admin), world.bob.id, foreign_place),
    )
    await expect_error(
        ErrorCode.NOT_FOUND,
        update_employee(ctx, world.caller(other.admin), world.bob.id, edit),
    )
    async with ctx.uow() as uow:
        assert await uow.employees.get(world.org.id, world.bob.id) == world.bob
