"""Setting up a tenant: registration, places, shifts, people, the roster and templates."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import time, timedelta

import pytest

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.ids import new_id
from jts_domain.model import JobCategory, Role, TaskPriority
from jts_domain.services import ServiceContext
from jts_domain.services.organization import (
    assign_roster,
    create_department,
    create_employee,
    create_shift_template,
    create_store,
    create_task_template,
    register_organization,
)
from tests.services.builders import World, build_world


def _email(name: str = "owner") -> str:
    return f"{name}-{new_id().hex[:12]}@Example.TEST"


async def _code(awaitable: Awaitable[object]) -> ErrorCode:
    with pytest.raises(DomainError) as caught:
        await awaitable
    return caught.value.code


async def test_register_creates_the_tenant_and_its_admin(ctx: ServiceContext) -> None:
    email = _email()
    org, admin = await register_organization(
        ctx,
        organization_name="  Acme Retail ",
        timezone="Europe/Berlin",
        admin_email=f" {email} ",
        admin_name="Asha",
    )
    assert (org.name, org.settings.timezone) == ("Acme Retail", "Europe/Berlin")
    assert (admin.role, admin.email, admin.organization_id) == (Role.ADMIN, email.lower(), org.id)
    async with ctx.uow() as uow:
        assert (await uow.organizations.get(org.id)).name == "Acme Retail"
        assert (await uow.employees.find_by_email(email.lower())) == admin


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("timezone", "Mars/Olympus_Mons"),
        ("timezone", "../etc/passwd"),
        ("admin_email", "not-an-address"),
        ("admin_email", "two@@example.test"),
        ("organization_name", "   "),
        ("admin_name", ""),
    ],
)
async def test_bad_registration_input_changes_nothing(
    ctx: ServiceContext, field: str, value: str
) -> None:
    email = _email()
    arguments = {
        "organization_name": "Acme",
        "timezone": "Asia/Kolkata",
        "admin_email": email,
        "admin_name": "Asha",
    }
    arguments[field] = value
    async with ctx.uow() as uow:
        before = len(await uow.organizations.list_all())
    assert await _code(register_organization(ctx, **arguments)) is ErrorCode.VALIDATION_ERROR
    async with ctx.uow() as uow:
        assert len(await uow.organizations.list_all()) == before
        assert await uow.employees.find_by_email(email.lower()) is None


async def test_an_email_registers_once_whatever_its_case(ctx: ServiceContext) -> None:
    email = _email()
    await register_organization(
        ctx, organization_name="First", admin_email=email, admin_name="Asha"
    )
    async with ctx.uow() as uow:
        before = len(await uow.organizations.list_all())
    second = register_organization(
        ctx, organization_name="Second", admin_email=email.upper(), admin_name="Ravi"
    )
    assert await _code(second) is ErrorCode.VALIDATION_ERROR
    async with ctx.uow() as uow:
        assert len(await uow.organizations.list_all()) == before


async def test_a_store_defaults_to_the_organizations_geofence(
    ctx: ServiceContext, world: World
) -> None:
    store = await create_store(
        ctx, world.caller(world.admin), name="Indiranagar", latitude=12.97, longitude=77.64
    )
    assert store.radius_meters == world.org.settings.geofence_radius_meters
    async with ctx.uow() as uow:
        assert await uow.stores.get(world.org.id, store.id) == store


@pytest.mark.parametrize(
    ("latitude", "longitude", "radius"),
    [(90.5, 77.0, 100.0), (12.0, -180.01, 100.0), (12.0, 77.0, 0.0), (12.0, 77.0, -5.0)],
)
async def test_bad_coordinates_change_nothing(
    ctx: ServiceContext, world: World, latitude: float, longitude: float, radius: float
) -> None:
    attempt = create_store(
        ctx,
        world.caller(world.admin),
        name="Nowhere",
        latitude=latitude,
        longitude=longitude,
        radius_meters=radius,
    )
    assert await _code(attempt) is ErrorCode.VALIDATION_ERROR
    async with ctx.uow() as uow:
        assert [s.id for s in await uow.stores.list_all(world.org.id)] == [world.store.id]


async def test_only_org_managers_create_departments_stores_and_shifts(
    ctx: ServiceContext, world: World
) -> None:
    manager = world.caller(world.manager)
    assert await _code(create_department(ctx, manager, name="Lab")) is ErrorCode.FORBIDDEN
    store = create_store(ctx, manager, name="X", latitude=1.0, longitude=1.0)
    assert await _code(store) is ErrorCode.FORBIDDEN
    shift = create_shift_template(ctx, manager, name="X", start_time=time(9), end_time=time(17))
    assert await _code(shift) is ErrorCode.FORBIDDEN


async def test_a_department_is_managed_by_a_manager_of_the_same_tenant(
    ctx: ServiceContext, world: World
) -> None:
    admin = world.caller(world.admin)
    lab = await create_department(ctx, admin, name="Lab", manager_id=world.manager.id)
    assert lab.manager_id == world.manager.id
    by_employee = create_department(ctx, admin, name="Ops", manager_id=world.alice.id)
    assert await _code(by_employee) is ErrorCode.VALIDATION_ERROR
    other = await build_world(ctx)
    foreign = create_department(ctx, admin, name="Ops", manager_id=other.manager.id)
    assert await _code(foreign) is ErrorCode.NOT_FOUND


async def test_a_night_shift_crosses_midnight_and_its_break_must_fit(
    ctx: ServiceContext, world: World
) -> None:
    admin = world.caller(world.admin)
    night = await create_shift_template(
        ctx, admin, name="Night", start_time=time(22), end_time=time(6), break_minutes=45
    )
    assert (night.start_time, night.end_time, night.break_minutes) == (time(22), time(6), 45)
    too_long = create_shift_template(
        ctx, admin, name="Short", start_time=time(9), end_time=time(10), break_minutes=60
    )
    assert await _code(too_long) is ErrorCode.VALIDATION_ERROR
    negative = create_shift_template(
        ctx, admin, name="Odd", start_time=time(9), end_time=time(17), break_minutes=-1
    )
    assert await _code(negative) is ErrorCode.VALIDATION_ERROR


async def test_creating_an_employee_checks_permission_email_and_tenant(
    ctx: ServiceContext, world: World
) -> None:
    admin = world.caller(world.admin)
    email = _email("carol")
    carol = await create_employee(
        ctx,
        admin,
        email=email,
        name="Carol",
        department_id=world.department.id,
        job_category=JobCategory.SALES,
        store_id=world.store.id,
    )
    assert (carol.role, carol.email) == (Role.EMPLOYEE, email.lower())
    again = create_employee(ctx, admin, email=email.upper(), name="Carol Two")
    assert await _code(again) is ErrorCode.VALIDATION_ERROR
    by_manager = create_employee(ctx, world.caller(world.manager), email=_email(), name="Dan")
    assert await _code(by_manager) is ErrorCode.FORBIDDEN
    other = await build_world(ctx)
    foreign = create_employee(
        ctx, admin, email=_email(), name="Eve", department_id=other.department.id
    )
    assert await _code(foreign) is ErrorCode.NOT_FOUND


async def test_one_roster_entry_per_date_the_second_call_replaces_it(
    ctx: ServiceContext, world: World
) -> None:
    admin = world.caller(world.admin)
    night = await create_shift_template(
        ctx, admin, name="Night", start_time=time(22), end_time=time(6)
    )
    kiosk = await create_store(ctx, admin, name="Kiosk", latitude=12.9, longitude=77.6)
    manager = world.caller(world.manager)
    tomorrow = world.today + timedelta(days=1)
    first = await assign_roster(
        ctx,
        manager,
        employee_id=world.alice.id,
        business_date=tomorrow,
        shift_template_id=world.shift.id,
        store_id=world.store.id,
    )
    second = await assign_roster(
        ctx,
        manager,
        employee_id=world.alice.id,
        business_date=tomorrow,
        shift_template_id=night.id,
        store_id=kiosk.id,
    )
    assert second.id == first.id
    async with ctx.uow() as uow:
        entries = await uow.roster.list_for_date(world.org.id, tomorrow)
    assert [(e.id, e.shift_template_id, e.store_id) for e in entries] == [
        (first.id, night.id, kiosk.id)
    ]


async def test_rostering_needs_the_permission_and_the_employees_department(
    ctx: ServiceContext, world: World
) -> None:
    roster = {
        "business_date": world.today,
        "shift_template_id": world.shift.id,
        "store_id": world.store.id,
    }
    by_self = assign_roster(ctx, world.caller(world.alice), employee_id=world.alice.id, **roster)
    assert await _code(by_self) is ErrorCode.FORBIDDEN
    other = await build_world(ctx)
    outsider = world.caller(other.manager)
    foreign = assign_roster(ctx, outsider, employee_id=world.alice.id, **roster)
    assert await _code(foreign) is ErrorCode.NOT_FOUND
    lab = await create_department(ctx, world.caller(world.admin), name="Lab")
    carol = await create_employee(
        ctx, world.caller(world.admin), email=_email("carol"), name="Carol", department_id=lab.id
    )
    unmanaged = assign_roster(ctx, world.caller(world.manager), employee_id=carol.id, **roster)
    assert await _code(unmanaged) is ErrorCode.FORBIDDEN


async def test_task_templates_are_validated_before_anything_is_stored(
    ctx: ServiceContext, world: World
) -> None:
    manager = world.caller(world.manager)
    template = {
        "department_id": world.department.id,
        "shift_template_id": world.shift.id,
        "job_category": JobCategory.SALES,
        "title": "Open the till",
    }
    created = await create_task_template(
        ctx,
        manager,
        **template,
        estimated_minutes=15,
        priority=TaskPriority.HIGH,
        due_offset_minutes=30,
        sla_minutes=60,
    )
    assert (created.estimated_minutes, created.sla_minutes) == (15, 60)
    zero = create_task_template(ctx, manager, **template, estimated_minutes=0)
    assert await _code(zero) is ErrorCode.VALIDATION_ERROR
    employee = create_task_template(ctx, world.caller(world.alice), **template, estimated_minutes=5)
    assert await _code(employee) is ErrorCode.FORBIDDEN
    other = await build_world(ctx)
    foreign = create_task_template(
        ctx, manager, **{**template, "shift_template_id": other.shift.id}, estimated_minutes=5
    )
    assert await _code(foreign) is ErrorCode.NOT_FOUND
    async with ctx.uow() as uow:
        assert [t.id for t in await uow.task_templates.list_all(world.org.id)] == [created.id]
