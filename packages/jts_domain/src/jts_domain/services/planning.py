"""The daily planner: roster template tasks, the ranked plan, and the daily planner job.

Decisions where PRODUCT.md is silent:

* Employees see and generate their own planner. For someone else's, generating needs
  ``planner.manage`` and viewing ``planner.manage`` or ``score.read_team``, within the
  caller's reach (:mod:`jts_domain.services.access`).
* An employee without a roster entry that date has no shift and a capacity of 0, so any
  open work makes the planner overbooked.
* Template tasks are generated only for active employees with a department and a job
  category. A task is due at shift start + due offset and its SLA deadline is shift start
  + SLA minutes (none when the template has none). An archived template generates
  nothing; the tasks it generated before stay.
* The daily job commits employees in batches and redoes a failed batch one employee per
  unit of work, so one failure rolls back only that employee's planner and is reported in
  the run's summary. It reads what the planners share once and runs a few batches at a
  time, so a 10,000-employee day takes about a minute rather than several.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from jts_domain import planner, shifts
from jts_domain.errors import DomainError, not_found
from jts_domain.ids import new_id
from jts_domain.model import (
    Actor,
    Employee,
    Organization,
    Permission,
    RosterEntry,
    ShiftTemplate,
    SlaStatus,
    Task,
    TaskSource,
    TaskStatus,
    TaskTemplate,
)
from jts_domain.ports import UnitOfWork
from jts_domain.services.access import require_employee_reach
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.work.aggregate import TaskWork
from jts_domain.work.recording import save_work

#: Units of work of the daily planner job running at once.
PLANNER_CONCURRENCY = 4
#: Employees whose planners one unit of work of the daily job generates together.
PLANNER_BATCH = 50


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannerItem:
    """One ranked line of a planner."""

    rank: int
    task: Task
    carried_over: bool
    overdue: bool
    sla_status: SlaStatus | None
    remaining_minutes: int
    fits_in_shift: bool
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Planner:
    """An employee's plan for a business date.

    ``generated_task_ids`` are the template tasks created by this call (empty when they
    existed already, or for a read-only view).
    """

    business_date: date
    employee_id: UUID
    roster_entry: RosterEntry | None
    shift: ShiftTemplate | None
    capacity_minutes: int
    planned_minutes: int
    overbooked: bool
    items: tuple[PlannerItem, ...]
    generated_task_ids: tuple[UUID, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannerFailure:
    """An employee whose planner could not be generated, and why."""

    employee_id: UUID
    code: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannerRun:
    """What the daily planner job did for one organization."""

    business_date: date
    rostered: int
    generated: int
    tasks_created: int
    failures: tuple[PlannerFailure, ...]


@dataclass(frozen=True, slots=True)
class _Day:
    organization: Organization
    employee: Employee
    business_date: date
    entry: RosterEntry | None
    shift: ShiftTemplate | None

    @property
    def timezone(self) -> str:
        return self.organization.settings.timezone

    def window(self) -> shifts.ShiftWindow | None:
        if self.shift is None:
            return None
        s = self.shift
        return shifts.shift_window(self.business_date, s.start_time, s.end_time, self.timezone)


async def _load_day(uow: UnitOfWork, employee: Employee, business_date: date) -> _Day:
    org = employee.organization_id
    organization = await uow.organizations.get(org)
    entry = await uow.roster.find(org, employee.id, business_date)
    shift = None if entry is None else await uow.shift_templates.get(org, entry.shift_template_id)
    return _Day(organization, employee, business_date, entry, shift)


def _matches(template: TaskTemplate, day: _Day) -> bool:
    employee, entry = day.employee, day.entry
    return (
        entry is not None
        and template.archived_at is None
        and template.department_id == employee.department_id
        and template.shift_template_id == entry.shift_template_id
        and template.job_category == employee.job_category
    )


def _task_from_template(
    template: TaskTemplate, day: _Day, shift_start: datetime, now: datetime
) -> Task:
    def after_start(minutes: int | None) -> datetime | None:
        return None if minutes is None else shift_start + timedelta(minutes=minutes)

    return Task(
        id=new_id(),
        organization_id=day.organization.id,
        title=template.title,
        priority=template.priority,
        status=TaskStatus.ASSIGNED,
        assignee_id=day.employee.id,
        department_id=template.department_id,
        store_id=None if day.entry is None else day.entry.store_id,
        job_category=template.job_category,
        planned_date=day.business_date,
        due_at=after_start(template.due_offset_minutes),
        sla_deadline=after_start(template.sla_minutes),
        estimated_minutes=template.estimated_minutes,
        requires_review=template.requires_review,
        source=TaskSource.ROSTER,
        template_id=template.id,
        generated_for=day.employee.id,
        created_at=now,
        status_changed_at=now,
    )


async def _generate_template_tasks(
    uow: UnitOfWork,
    day: _Day,
    now: datetime,
    actor: Actor,
    all_templates: list[TaskTemplate] | None = None,
) -> list[Task]:
    """Create the roster's template tasks that do not exist yet (one per template).

    ``all_templates`` are the organization's templates when the caller read them already.
    """
    window = day.window()
    if window is None or not day.employee.active:
        return []
    org, employee_id = day.organization.id, day.employee.id
    if all_templates is None:
        all_templates = await uow.task_templates.list_all(org)
    templates = [t for t in all_templates if _matches(t, day)]
    created: list[Task] = []
    for template in sorted(templates, key=lambda t: t.id):
        found = await uow.tasks.find_generated(org, template.id, employee_id, day.business_date)
        if found is None:
            task = _task_from_template(template, day, window.start, now)
            await save_work(uow, TaskWork.create(task, actor))
            created.append(task)
    return created


async def _plan(uow: UnitOfWork, day: _Day, now: datetime, generated: list[Task]) -> Planner:
    """Rank the employee's candidates for the day with the planner calculator."""
    org, tz = day.organization.id, day.timezone
    tasks = await uow.tasks.for_planner(org, day.employee.id, day.business_date, tz)
    by_id = {task.id: task for task in tasks}
    window = day.window()
    capacity = 0
    if window is not None and day.shift is not None:
        capacity = shifts.capacity_minutes(window, day.shift.break_minutes)
    plan = planner.plan_day(
        [_candidate(task, day.business_date, day.timezone) for task in tasks],
        now=now,
        capacity_minutes=capacity,
        warning_minutes=day.organization.settings.sla_warning_minutes,
        timezone=tz,
    )
    return Planner(
        business_date=day.business_date,
        employee_id=day.employee.id,
        roster_entry=day.entry,
        shift=day.shift,
        capacity_minutes=plan.capacity_minutes,
        planned_minutes=plan.planned_minutes,
        overbooked=plan.overbooked,
        items=tuple(_item(item, by_id[item.task_id]) for item in plan.items),
        generated_task_ids=tuple(task.id for task in generated),
    )


def _candidate(task: Task, business_date: date, timezone: str) -> planner.PlanCandidate:
    return planner.PlanCandidate(
        task_id=task.id,
        priority=task.priority,
        due_at=task.due_at,
        sla_deadline=task.sla_deadline,
        created_at=task.created_at,
        estimated_minutes=task.estimated_minutes,
        actual_seconds=task.actual_seconds,
        carried_over=planner.plan_date(task.planned_date, task.due_at, task.created_at, timezone)
        < business_date,
    )


def _item(item: planner.PlanItem, task: Task) -> PlannerItem:
    return PlannerItem(
        rank=item.rank,
        task=task,
        carried_over=item.carried_over,
        overdue=item.overdue,
        sla_status=item.sla_status,
        remaining_minutes=item.remaining_minutes,
        fits_in_shift=item.fits_in_shift,
        reason=item.reason,
    )


async def generate_planner(
    ctx: ServiceContext, caller: Caller, *, employee_id: UUID, business_date: date
) -> Planner:
    """Create the roster's template tasks (idempotently), then rank the employee's day."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        employee = await require_employee_reach(
            uow, caller, employee_id, Permission.PLANNER_MANAGE, allow_self=True
        )
        day = await _load_day(uow, employee, business_date)
        generated = await _generate_template_tasks(uow, day, now, caller.actor)
        result = await _plan(uow, day, now, generated)
        await uow.commit()
    return result


async def view_planner(
    ctx: ServiceContext, caller: Caller, *, employee_id: UUID, business_date: date
) -> Planner:
    """Rank the employee's day without creating anything (read-only)."""
    async with ctx.uow() as uow:
        employee = await require_employee_reach(
            uow,
            caller,
            employee_id,
            Permission.PLANNER_MANAGE,
            Permission.SCORE_READ_TEAM,
            allow_self=True,
        )
        day = await _load_day(uow, employee, business_date)
        return await _plan(uow, day, ctx.clock.now(), [])


def _failure(employee_id: UUID, code: str, message: str) -> PlannerFailure:
    return PlannerFailure(employee_id=employee_id, code=code, message=message)


@dataclass(frozen=True, slots=True)
class _Organization:
    """What every employee's planner of one date shares, read once per run."""

    organization: Organization
    business_date: date
    employees: dict[UUID, Employee]
    shifts: dict[UUID, ShiftTemplate]
    templates: list[TaskTemplate]


async def _read_organization(
    ctx: ServiceContext, organization_id: UUID, business_date: date | None
) -> tuple[_Organization, list[RosterEntry]]:
    async with ctx.uow() as uow:
        organization = await uow.organizations.get(organization_id)
        tz = organization.settings.timezone
        day = business_date or shifts.business_date(ctx.clock.now(), tz)
        entries = await uow.roster.list_for_date(organization_id, day)
        employees = {e.id: e for e in await uow.employees.list_active(organization_id)}
        shift_templates = {t.id: t for t in await uow.shift_templates.list_all(organization_id)}
        templates = await uow.task_templates.list_all(organization_id)
    return _Organization(organization, day, employees, shift_templates, templates), entries


async def _daily_planner(
    uow: UnitOfWork, ctx: ServiceContext, caller: Caller, shared: _Organization, entry: RosterEntry
) -> int:
    """One rostered employee's template tasks and planner; how many tasks it created."""
    employee = shared.employees.get(entry.employee_id)
    if employee is None:  # inactive: no template tasks, the plan is still ranked
        employee = await uow.employees.get(shared.organization.id, entry.employee_id)
    shift = shared.shifts.get(entry.shift_template_id)
    if shift is None:
        raise not_found("shift template", entry.shift_template_id)
    day = _Day(shared.organization, employee, shared.business_date, entry, shift)
    now = ctx.clock.now()
    generated = await _generate_template_tasks(uow, day, now, caller.actor, shared.templates)
    await _plan(uow, day, now, generated)
    return len(generated)


async def _daily_planners(
    ctx: ServiceContext, caller: Caller, shared: _Organization, entries: list[RosterEntry]
) -> int:
    """Several employees' planners in one unit of work: all of them, or none."""
    async with ctx.uow() as uow:
        created = 0
        for entry in entries:
            created += await _daily_planner(uow, ctx, caller, shared, entry)
        await uow.commit()
    return created


async def generate_daily_planners(
    ctx: ServiceContext, organization_id: UUID, business_date: date | None = None
) -> PlannerRun:
    """The scheduled job: generate every rostered employee's planner for a date.

    The date defaults to today in the organization's timezone. What every planner shares
    (organization, staff, shifts, templates) is read once; then employees are handled in
    batches of ``PLANNER_BATCH``, one unit of work each, a few batches at a time. A batch
    that fails is rolled back and redone one employee per unit of work, so a failure is
    recorded for the employees that fail and the others' planners are kept. Failures are
    reported in roster order.
    """
    shared, entries = await _read_organization(ctx, organization_id, business_date)
    caller = Caller.system(organization_id, "generate_daily_planners")
    room = asyncio.Semaphore(PLANNER_CONCURRENCY)

    async def plan_alone(entry: RosterEntry) -> int | PlannerFailure:
        try:
            return await _daily_planners(ctx, caller, shared, [entry])
        except DomainError as error:
            return _failure(entry.employee_id, error.code.value, error.message)
        except Exception as error:  # noqa: BLE001 -- one bad employee never stops the run
            return _failure(entry.employee_id, type(error).__name__, str(error))

    async def plan_batch(batch: list[RosterEntry]) -> list[int | PlannerFailure]:
        """Per employee of the batch: tasks created (all on the first), or its failure."""
        async with room:
            try:
                created = await _daily_planners(ctx, caller, shared, batch)
            except Exception:  # noqa: BLE001 -- the batch rolled back; each employee alone
                return [await plan_alone(entry) for entry in batch]
            counts: list[int | PlannerFailure] = [created]
            return counts + [0] * (len(batch) - 1)

    batches = [entries[i : i + PLANNER_BATCH] for i in range(0, len(entries), PLANNER_BATCH)]
    outcomes = [o for part in await asyncio.gather(*map(plan_batch, batches)) for o in part]
    failures = tuple(o for o in outcomes if isinstance(o, PlannerFailure))
    return PlannerRun(
        business_date=shared.business_date,
        rostered=len(entries),
        generated=len(entries) - len(failures),
        tasks_created=sum(o for o in outcomes if isinstance(o, int)),
        failures=failures,
    )
