"""A small world to run use cases in: one organization with its people, places and shifts.

It is written through the ports (not through the use cases under test), so every service
test can start from the same known state on any adapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from uuid import UUID

from jts_domain.ids import new_id
from jts_domain.model import (
    Department,
    Employee,
    JobCategory,
    Organization,
    OrganizationSettings,
    Role,
    RosterEntry,
    ShiftTemplate,
    Store,
)
from jts_domain.services import Caller, ServiceContext
from jts_domain.shifts import business_date

STORE_LATITUDE = 12.9716
STORE_LONGITUDE = 77.5946


@dataclass(frozen=True, slots=True)
class World:
    """What :func:`build_world` made."""

    org: Organization
    department: Department
    store: Store
    shift: ShiftTemplate
    admin: Employee
    manager: Employee
    alice: Employee
    bob: Employee
    today: date

    def caller(self, employee: Employee) -> Caller:
        """The caller acting as ``employee``."""
        return Caller.of(employee)

    @property
    def system(self) -> Caller:
        """The caller of scheduled jobs."""
        return Caller.system(self.org.id)


def _employee(
    ctx: ServiceContext, org: Organization, name: str, role: Role, **kw: object
) -> Employee:
    return Employee(
        id=new_id(),
        organization_id=org.id,
        email=f"{name.lower()}-{new_id().hex[:12]}@example.test",
        name=name,
        role=role,
        created_at=ctx.clock.now(),
        **kw,  # type: ignore[arg-type]
    )


async def build_world(ctx: ServiceContext, settings: OrganizationSettings | None = None) -> World:
    """An organization in Asia/Kolkata with a department, a store, a 09:00–17:00 shift
    (30 min unpaid break), an admin, a manager of the department, and two SALES
    employees, Alice and Bob, both rostered today at the store."""
    now = ctx.clock.now()
    org = Organization(
        id=new_id(),
        name=f"Org {new_id().hex[:8]}",
        settings=settings or OrganizationSettings(),
        created_at=now,
    )
    store = Store(
        id=new_id(),
        organization_id=org.id,
        name="MG Road",
        latitude=STORE_LATITUDE,
        longitude=STORE_LONGITUDE,
        radius_meters=100.0,
    )
    shift = ShiftTemplate(
        id=new_id(),
        organization_id=org.id,
        name="Day",
        start_time=time(9, 0),
        end_time=time(17, 0),
        break_minutes=30,
    )
    admin = _employee(ctx, org, "Admin", Role.ADMIN)
    manager = _employee(ctx, org, "Manager", Role.MANAGER)
    department = Department(
        id=new_id(), organization_id=org.id, name="Sales", manager_id=manager.id
    )
    staff = {
        "department_id": department.id,
        "job_category": JobCategory.SALES,
        "store_id": store.id,
    }
    manager.department_id = department.id
    alice = _employee(ctx, org, "Alice", Role.EMPLOYEE, **staff)
    bob = _employee(ctx, org, "Bob", Role.EMPLOYEE, **staff)
    today = business_date(now, org.settings.timezone)
    async with ctx.uow() as uow:
        await uow.organizations.add(org)
        await uow.stores.add(store)
        await uow.shift_templates.add(shift)
        await uow.departments.add(department)
        for person in (admin, manager, alice, bob):
            await uow.employees.add(person)
        for person in (alice, bob):
            await uow.roster.add(roster_entry(org.id, person.id, today, shift.id, store.id))
        await uow.commit()
    return World(org, department, store, shift, admin, manager, alice, bob, today)


def roster_entry(
    organization_id: UUID, employee_id: UUID, day: date, shift_id: UUID, store_id: UUID
) -> RosterEntry:
    """A roster entry record."""
    return RosterEntry(
        id=new_id(),
        organization_id=organization_id,
        employee_id=employee_id,
        business_date=day,
        shift_template_id=shift_id,
        store_id=store_id,
    )


async def rostered_employee(
    ctx: ServiceContext,
    world: World,
    start: time,
    end: time,
    day: date,
    *,
    name: str = "Carol",
) -> Employee:
    """A new employee of the world's department, rostered on ``day`` for a new shift."""
    shift = ShiftTemplate(
        id=new_id(),
        organization_id=world.org.id,
        name=f"{start:%H%M}-{end:%H%M}",
        start_time=start,
        end_time=end,
    )
    person = Employee(
        id=new_id(),
        organization_id=world.org.id,
        email=f"{name.lower()}-{new_id().hex}@example.test",
        name=name,
        role=Role.EMPLOYEE,
        department_id=world.department.id,
        job_category=JobCategory.SALES,
        store_id=world.store.id,
        created_at=ctx.clock.now(),
    )
    async with ctx.uow() as uow:
        await uow.shift_templates.add(shift)
        await uow.employees.add(person)
        await uow.roster.add(roster_entry(world.org.id, person.id, day, shift.id, world.store.id))
        await uow.commit()
    return person
