"""Demo data, written through the use cases: what ``jts seed-demo`` and ``jts dev`` add
to an empty database.

An organization (Asia/Kolkata) with two stores, two departments with a manager each, a
day and a night shift, four employees rostered for a week from today, roster task
templates, and a few tasks. Everybody signs in with :data:`DEMO_PASSWORD`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta

from jts_domain.model import Employee, JobCategory, Role, ShiftTemplate, Store, TaskPriority
from jts_domain.ports import PasswordHasher
from jts_domain.services import Caller, ServiceContext, accounts, organization, tasks
from jts_domain.shifts import business_date

DEMO_PASSWORD = "jts-demo-password"  # noqa: S105 -- printed for people to try the demo
DEMO_DOMAIN = "demo.jts.test"
ROSTER_DAYS = 7
#: How many steps :func:`seed_demo` reports to its ``progress``.
DEMO_STEPS = 8


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """A demo account: who, and how to sign in."""

    email: str
    name: str
    role: Role


async def database_is_empty(ctx: ServiceContext) -> bool:
    """Whether no organization exists yet."""
    async with ctx.uow() as uow:
        return not await uow.organizations.list_all()


def _quiet(step: str) -> None:
    """No progress to show."""


async def seed_demo(
    ctx: ServiceContext, hasher: PasswordHasher, progress: Callable[[str], None] = _quiet
) -> list[DemoLogin]:
    """Write the demo organization; its logins, admin first. ``progress`` is told each
    of the :data:`DEMO_STEPS` steps as it is done."""
    _, admin = await accounts.register(
        ctx,
        hasher,
        organization_name="JTS Demo Retail",
        timezone="Asia/Kolkata",
        email=f"admin@{DEMO_DOMAIN}",
        password=DEMO_PASSWORD,
        name="Asha Admin",
    )
    boss = Caller.of(admin)
    progress("organization and admin")
    logins = [DemoLogin(admin.email, admin.name, admin.role)]

    async def person(local: str, name: str, role: Role, **fields: object) -> Employee:
        employee = await accounts.create_account(
            ctx,
            boss,
            hasher,
            email=f"{local}@{DEMO_DOMAIN}",
            name=name,
            password=DEMO_PASSWORD,
            role=role,
            **fields,  # type: ignore[arg-type]
        )
        logins.append(DemoLogin(employee.email, employee.name, employee.role))
        return employee

    mg_road = await organization.create_store(
        ctx, boss, name="MG Road", latitude=12.9716, longitude=77.5946, radius_meters=150
    )
    whitefield = await organization.create_store(
        ctx, boss, name="Whitefield Warehouse", latitude=12.9698, longitude=77.7500
    )
    progress("stores")
    day = await organization.create_shift_template(
        ctx, boss, name="Day", start_time=time(9), end_time=time(17), break_minutes=30
    )
    night = await organization.create_shift_template(
        ctx, boss, name="Night", start_time=time(22), end_time=time(6), break_minutes=30
    )
    progress("shifts")
    sales_lead = await person("meera.manager", "Meera Manager", Role.MANAGER)
    support_lead = await person("vikram.manager", "Vikram Manager", Role.MANAGER)
    sales = await organization.create_department(ctx, boss, name="Sales", manager_id=sales_lead.id)
    support = await organization.create_department(
        ctx, boss, name="Support", manager_id=support_lead.id
    )
    progress("managers and departments")
    teams = {
        "sales": (sales, JobCategory.SALES, day, mg_road),
        "support": (support, JobCategory.SUPPORT, night, whitefield),
    }
    people = [
        ("ravi", "Ravi Kumar", "sales"),
        ("priya", "Priya Singh", "sales"),
        ("arjun", "Arjun Rao", "support"),
        ("kavya", "Kavya Iyer", "support"),
    ]
    staff: list[tuple[Employee, ShiftTemplate, Store]] = []
    for local, name, team in people:
        department, category, shift, store = teams[team]
        employee = await person(
            local,
            name,
            Role.EMPLOYEE,
            department_id=department.id,
            job_category=category,
            store_id=store.id,
        )
        staff.append((employee, shift, store))
    progress("employees")
    today = business_date(ctx.clock.now(), "Asia/Kolkata")
    for offset in range(ROSTER_DAYS):
        for employee, shift, store in staff:
            await organization.assign_roster(
                ctx,
                boss,
                employee_id=employee.id,
                business_date=today + timedelta(days=offset),
                shift_template_id=shift.id,
                store_id=store.id,
            )
    progress("roster")
    templates = [
        (sales.id, day.id, JobCategory.SALES, "Open the till and count the float", 20, 15),
        (sales.id, day.id, JobCategory.SALES, "Restock the front shelves", 60, 180),
        (support.id, night.id, JobCategory.SUPPORT, "Check overnight tickets", 45, 60),
    ]
    for department_id, shift_id, category, title, minutes, due in templates:
        await organization.create_task_template(
            ctx,
            boss,
            department_id=department_id,
            shift_template_id=shift_id,
            job_category=category,
            title=title,
            estimated_minutes=minutes,
            due_offset_minutes=due,
            sla_minutes=due + 60,
        )
    progress("task templates")
    ravi, priya, arjun = (employee for employee, _, _ in staff[:3])
    work = [
        ("Set up the festive display", TaskPriority.HIGH, ravi, 90, True),
        ("Call back yesterday's customers", TaskPriority.MEDIUM, priya, 45, False),
        ("Audit the returns shelf", TaskPriority.URGENT, arjun, 60, True),
    ]
    for title, priority, assignee, minutes, review in work:
        await tasks.create_task(
            ctx,
            boss,
            title=title,
            priority=priority,
            assignee_id=assignee.id,
            planned_date=today,
            estimated_minutes=minutes,
            requires_review=review,
        )
    await tasks.create_task(
        ctx,
        boss,
        title="Label the new pallets",
        priority=TaskPriority.LOW,
        department_id=support.id,
        planned_date=today,
        estimated_minutes=30,
    )
    progress("tasks")
    return logins


async def demo_logins(ctx: ServiceContext) -> list[DemoLogin]:
    """The demo accounts that exist (an earlier seed), admin first."""
    async with ctx.uow() as uow:
        people = [
            employee
            for org in await uow.organizations.list_all()
            for employee in await uow.employees.list_active(org.id)
            if employee.email.endswith(f"@{DEMO_DOMAIN}")
        ]
    order = {Role.ADMIN: 0, Role.MANAGER: 1, Role.EMPLOYEE: 2}
    people.sort(key=lambda e: (order[e.role], e.email))
    return [DemoLogin(e.email, e.name, e.role) for e in people]
