"""Setting up a tenant: registration, departments, stores, shifts, people, roster, templates.

Decisions where PRODUCT.md is silent:

* Departments, stores and shift templates need ``org.manage``; employees need
  ``employee.manage``; roster entries ``roster.manage``; task templates
  ``planner.manage``. Managers reach only the departments they manage
  (:mod:`jts_domain.services.access`).
* A department's manager must be an active ADMIN or MANAGER of the organization.
* A store's radius defaults to the organization's geofence radius setting.
* :func:`assign_roster` is an upsert: one entry per employee and date, and a second call
  for the same date replaces the shift and the store of the existing entry (same id).
"""

from __future__ import annotations

import math
from datetime import date, time
from uuid import UUID

from jts_domain import shifts
from jts_domain.administration.settings import tenant_timezones
from jts_domain.errors import invalid
from jts_domain.geo import validate_point
from jts_domain.ids import new_id
from jts_domain.model import (
    Department,
    Employee,
    JobCategory,
    Organization,
    OrganizationSettings,
    Permission,
    Role,
    RosterEntry,
    ShiftTemplate,
    Store,
    TaskPriority,
    TaskTemplate,
)
from jts_domain.ports import UnitOfWork
from jts_domain.services.access import require_department_reach, require_employee_reach
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext

_MAX_NAME = 200
_REFERENCE_DAY = date(2001, 1, 1)  # any date without a DST change in UTC


def clean_name(value: str, field: str = "name") -> str:
    """The stripped name, or VALIDATION_ERROR when it is blank or too long."""
    cleaned = value.strip()
    if not cleaned or len(cleaned) > _MAX_NAME:
        raise invalid(f"{field} must be 1 to {_MAX_NAME} characters", field=field)
    return cleaned


def clean_timezone(timezone: str) -> str:
    """The IANA timezone name, or VALIDATION_ERROR when it is not one."""
    if timezone not in tenant_timezones():
        raise invalid(f"unknown timezone {timezone!r}", field="timezone", timezone=timezone)
    return timezone


def clean_email(email: str) -> str:
    """The e-mail address in lower case, or VALIDATION_ERROR when it is not one."""
    cleaned = email.strip().lower()
    local, at, domain = cleaned.partition("@")
    valid = at and local and "." in domain.strip(".") and "@" not in domain
    if not valid or any(c.isspace() for c in cleaned) or len(cleaned) > 254:
        raise invalid("email is not a valid address", field="email")
    return cleaned


def check_radius(radius_meters: float) -> None:
    """VALIDATION_ERROR unless a geofence radius is above 0 and at most 100 km."""
    if not (math.isfinite(radius_meters) and 0 < radius_meters <= 100_000):
        raise invalid("radius_meters must be above 0 and at most 100 km", field="radius_meters")


def check_shift(start_time: time, end_time: time, break_minutes: int) -> None:
    """VALIDATION_ERROR unless the unpaid break is at least 0 and shorter than the shift
    (an end at or before the start crosses midnight)."""
    for name, value in (("start_time", start_time), ("end_time", end_time)):
        if value.tzinfo is not None:
            raise invalid(f"{name} must be a local time without a timezone", field=name)
    window = shifts.shift_window(_REFERENCE_DAY, start_time, end_time, "UTC")
    if isinstance(break_minutes, bool) or not 0 <= break_minutes < window.minutes:
        raise invalid(
            "break_minutes must be at least 0 and shorter than the shift", field="break_minutes"
        )


async def require_manager(uow: UnitOfWork, organization_id: UUID, manager_id: UUID) -> None:
    """NOT_FOUND unless the employee is the organization's; VALIDATION_ERROR unless they are
    an active ADMIN or MANAGER (who alone may manage a department)."""
    manager = await uow.employees.get(organization_id, manager_id)
    if manager.role is Role.EMPLOYEE or not manager.active:
        raise invalid(
            "a department's manager must be an active manager or admin", field="manager_id"
        )


async def _require_free_email(uow: UnitOfWork, email: str) -> None:
    if await uow.employees.find_by_email(email) is not None:
        raise invalid("this email is already registered", field="email")


async def register_organization(
    ctx: ServiceContext,
    *,
    organization_name: str,
    timezone: str = "Asia/Kolkata",
    admin_email: str,
    admin_name: str,
    password_hash: str | None = None,
) -> tuple[Organization, Employee]:
    """Create a tenant and its first ADMIN; e-mail addresses are unique across tenants.

    ``password_hash`` (see :func:`jts_domain.services.accounts.register`) is stored with
    the admin in the same transaction.
    """
    name = clean_name(organization_name, "organization_name")
    tz = clean_timezone(timezone)
    email = clean_email(admin_email)
    person = clean_name(admin_name, "admin_name")
    now = ctx.clock.now()
    organization = Organization(
        id=new_id(), name=name, settings=OrganizationSettings(timezone=tz), created_at=now
    )
    admin = Employee(
        id=new_id(),
        organization_id=organization.id,
        email=email,
        name=person,
        role=Role.ADMIN,
        created_at=now,
    )
    async with ctx.uow() as uow:
        await _require_free_email(uow, email)
        await uow.organizations.add(organization)
        await uow.employees.add(admin)
        if password_hash is not None:
            await uow.credentials.set_password_hash(organization.id, admin.id, password_hash)
        await _recorded(
            ctx,
            uow,
            Caller.of(admin),
            "organization.register",
            entity_id=organization.id,
            summary=f"{organization.name!r} registered in {tz}, admin {admin.email}",
        )
        await uow.commit()
    return organization, admin


async def create_department(
    ctx: ServiceContext, caller: Caller, *, name: str, manager_id: UUID | None = None
) -> Department:
    """Create a department, optionally managed by an active ADMIN or MANAGER."""
    caller.require(Permission.ORG_MANAGE)
    department = Department(
        id=new_id(),
        organization_id=caller.organization_id,
        name=clean_name(name),
        manager_id=manager_id,
    )
    async with ctx.uow() as uow:
        if manager_id is not None:
            await require_manager(uow, caller.organization_id, manager_id)
        await uow.departments.add(department)
        await _recorded(
            ctx, uow, caller, "department.create", entity_id=department.id, summary=department.name
        )
        await uow.commit()
    return department


async def create_store(
    ctx: ServiceContext,
    caller: Caller,
    *,
    name: str,
    latitude: float,
    longitude: float,
    radius_meters: float | None = None,
) -> Store:
    """Create a store; its geofence radius defaults to the organization's setting."""
    caller.require(Permission.ORG_MANAGE)
    cleaned = clean_name(name)
    validate_point(latitude, longitude)
    if radius_meters is not None:
        check_radius(radius_meters)
    async with ctx.uow() as uow:
        organization = await uow.organizations.get(caller.organization_id)
        radius = radius_meters or organization.settings.geofence_radius_meters
        store = Store(
            id=new_id(),
            organization_id=caller.organization_id,
            name=cleaned,
            latitude=latitude,
            longitude=longitude,
            radius_meters=radius,
        )
        await uow.stores.add(store)
        summary = f"{store.name} at ({latitude}, {longitude}), radius {radius} m"
        await _recorded(ctx, uow, caller, "store.create", entity_id=store.id, summary=summary)
        await uow.commit()
    return store


async def create_shift_template(
    ctx: ServiceContext,
    caller: Caller,
    *,
    name: str,
    start_time: time,
    end_time: time,
    break_minutes: int = 0,
) -> ShiftTemplate:
    """Create a shift; an end at or before the start crosses midnight.

    The unpaid break must be shorter than the shift.
    """
    caller.require(Permission.ORG_MANAGE)
    check_shift(start_time, end_time, break_minutes)
    template = ShiftTemplate(
        id=new_id(),
        organization_id=caller.organization_id,
        name=clean_name(name),
        start_time=start_time,
        end_time=end_time,
        break_minutes=break_minutes,
    )
    async with ctx.uow() as uow:
        await uow.shift_templates.add(template)
        summary = f"{template.name} {start_time:%H:%M}-{end_time:%H:%M}, break {break_minutes} min"
        await _recorded(
            ctx, uow, caller, "shift_template.create", entity_id=template.id, summary=summary
        )
        await uow.commit()
    return template


async def create_employee(
    ctx: ServiceContext,
    caller: Caller,
    *,
    email: str,
    name: str,
    role: Role = Role.EMPLOYEE,
    department_id: UUID | None = None,
    job_category: JobCategory | None = None,
    store_id: UUID | None = None,
    password_hash: str | None = None,
) -> Employee:
    """Add a person to the caller's organization.

    ``password_hash`` (see :func:`jts_domain.services.accounts.create_account`) is stored
    with the employee in the same transaction.
    """
    caller.require(Permission.EMPLOYEE_MANAGE)
    employee = Employee(
        id=new_id(),
        organization_id=caller.organization_id,
        email=clean_email(email),
        name=clean_name(name),
        role=role,
        department_id=department_id,
        job_category=job_category,
        store_id=store_id,
        created_at=ctx.clock.now(),
    )
    async with ctx.uow() as uow:
        if department_id is not None:
            await uow.departments.get(caller.organization_id, department_id)
        if store_id is not None:
            await uow.stores.get(caller.organization_id, store_id)
        await _require_free_email(uow, employee.email)
        await uow.employees.add(employee)
        if password_hash is not None:
            await uow.credentials.set_password_hash(
                caller.organization_id, employee.id, password_hash
            )
        summary = f"{employee.email} as {employee.role.value}"
        await _recorded(ctx, uow, caller, "employee.create", entity_id=employee.id, summary=summary)
        await uow.commit()
    return employee


async def assign_roster(
    ctx: ServiceContext,
    caller: Caller,
    *,
    employee_id: UUID,
    business_date: date,
    shift_template_id: UUID,
    store_id: UUID,
) -> RosterEntry:
    """Put an employee on a shift at a store for a date; replaces that date's entry."""
    caller.require(Permission.ROSTER_MANAGE)
    org = caller.organization_id
    async with ctx.uow() as uow:
        employee = await require_employee_reach(uow, caller, employee_id, Permission.ROSTER_MANAGE)
        if not employee.active:
            raise invalid("an inactive employee cannot be rostered", field="employee_id")
        await uow.shift_templates.get(org, shift_template_id)
        await uow.stores.get(org, store_id)
        entry = await uow.roster.find(org, employee_id, business_date)
        if entry is None:
            entry = RosterEntry(
                id=new_id(),
                organization_id=org,
                employee_id=employee_id,
                business_date=business_date,
                shift_template_id=shift_template_id,
                store_id=store_id,
            )
            await uow.roster.add(entry)
        else:
            entry.shift_template_id = shift_template_id
            entry.store_id = store_id
            await uow.roster.update(entry)
        summary = f"employee {employee_id} on {business_date}: shift {shift_template_id}"
        await _recorded(ctx, uow, caller, "roster.assign", entity_id=entry.id, summary=summary)
        await uow.commit()
    return entry


def check_template_minutes(estimated: int, due_offset: int | None, sla: int | None) -> None:
    if not 0 < estimated <= 24 * 60:
        raise invalid("estimated_minutes must be between 1 and 1440", field="estimated_minutes")
    if due_offset is not None and not 0 <= due_offset <= 48 * 60:
        raise invalid("due_offset_minutes must be between 0 and 2880", field="due_offset_minutes")
    if sla is not None and not 0 < sla <= 48 * 60:
        raise invalid("sla_minutes must be between 1 and 2880", field="sla_minutes")


async def create_task_template(
    ctx: ServiceContext,
    caller: Caller,
    *,
    department_id: UUID,
    shift_template_id: UUID,
    job_category: JobCategory,
    title: str,
    estimated_minutes: int,
    priority: TaskPriority = TaskPriority.MEDIUM,
    due_offset_minutes: int | None = None,
    sla_minutes: int | None = None,
    requires_review: bool = False,
) -> TaskTemplate:
    """Create a roster task template (one task per rostered employee and date).

    Offsets are minutes from the shift's start: the task is due at start + due offset and
    its SLA deadline is start + SLA minutes.
    """
    caller.require(Permission.PLANNER_MANAGE)
    check_template_minutes(estimated_minutes, due_offset_minutes, sla_minutes)
    template = TaskTemplate(
        id=new_id(),
        organization_id=caller.organization_id,
        department_id=department_id,
        shift_template_id=shift_template_id,
        job_category=job_category,
        title=clean_name(title, "title"),
        estimated_minutes=estimated_minutes,
        priority=priority,
        due_offset_minutes=due_offset_minutes,
        sla_minutes=sla_minutes,
        requires_review=requires_review,
    )
    async with ctx.uow() as uow:
        await require_department_reach(uow, caller, department_id, Permission.PLANNER_MANAGE)
        await uow.shift_templates.get(caller.organization_id, shift_template_id)
        await uow.task_templates.add(template)
        await _recorded(
            ctx, uow, caller, "task_template.create", entity_id=template.id, summary=template.title
        )
        await uow.commit()
    return template


async def _recorded(
    ctx: ServiceContext,
    uow: UnitOfWork,
    caller: Caller,
    action: str,
    *,
    entity_id: UUID,
    summary: str,
) -> None:
    """The audit entry of a setup change, written in the change's own unit of work."""
    await record_change(
        uow,
        caller.organization_id,
        caller.actor,
        ctx.clock.now(),
        action=action,
        entity_type=action.partition(".")[0],
        entity_id=entity_id,
        summary=summary,
    )
