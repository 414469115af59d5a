"""Auto-assignment: a department's unassigned tasks to the employees on shift that date.

The calculator (:func:`jts_domain.assignment.auto_assign`) decides who gets what; this
use case gathers its inputs and applies its answer.

Decisions where PRODUCT.md is silent:

* Candidates are the department's active employees rostered that date; capacity is their
  shift's minutes less the unpaid break, and their store is the roster entry's store.
* Planned load is the remaining estimate (rounded up) of every task in their planner
  that date (open, assigned to them, planned or due that date, or carried over).
* A task's size is its remaining estimate in whole minutes, rounded up as in the
  planner. An undated task that gets assigned is planned for the date, so it shows in
  the assignee's planner.
* Each assignment appends a status history row with the caller as actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from jts_domain import assignment, planner, shifts
from jts_domain.model import Organization, Permission, Task
from jts_domain.ports import UnitOfWork
from jts_domain.services.access import require_department_reach
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.work.aggregate import TaskWork
from jts_domain.work.recording import save_work


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    """A task given to an employee by auto-assignment (the task as stored after it)."""

    task: Task
    employee_id: UUID


@dataclass(frozen=True, slots=True, kw_only=True)
class AutoAssignResult:
    """What auto-assignment did: the assignments, and the tasks that fit nobody."""

    department_id: UUID
    business_date: date
    assignments: tuple[Assignment, ...]
    unassigned: tuple[Task, ...]


async def _capacities(
    uow: UnitOfWork, organization: Organization, department_id: UUID, business_date: date
) -> list[assignment.AssigneeCapacity]:
    org, tz = organization.id, organization.settings.timezone
    staff = await uow.employees.list_active(org, department_id=department_id)
    roster = {e.employee_id: e for e in await uow.roster.list_for_date(org, business_date)}
    templates = {t.id: t for t in await uow.shift_templates.list_all(org)}
    capacities: list[assignment.AssigneeCapacity] = []
    for employee in staff:
        entry = roster.get(employee.id)
        if entry is None:
            continue
        shift = templates[entry.shift_template_id]
        window = shifts.shift_window(business_date, shift.start_time, shift.end_time, tz)
        load = await uow.tasks.for_planner(org, employee.id, business_date, tz)
        capacity = assignment.AssigneeCapacity(
            employee_id=employee.id,
            job_category=employee.job_category,
            store_id=entry.store_id,
            capacity_minutes=shifts.capacity_minutes(window, shift.break_minutes),
            planned_minutes=sum(_remaining(task) for task in load),
        )
        capacities.append(capacity)
    return capacities


def _remaining(task: Task) -> int:
    return planner.remaining_whole_minutes(task.estimated_minutes, task.actual_seconds)


def _assignable(task: Task) -> assignment.AssignableTask:
    return assignment.AssignableTask(
        task_id=task.id,
        estimated_minutes=_remaining(task),
        job_category=task.job_category,
        store_id=task.store_id,
    )


async def auto_assign(
    ctx: ServiceContext, caller: Caller, *, department_id: UUID, business_date: date
) -> AutoAssignResult:
    """Assign the department's unassigned PENDING tasks to its employees on shift.

    Needs ``task.assign`` within the caller's reach. Deterministic: the same tasks and
    loads give the same assignments.
    """
    now = ctx.clock.now()
    org = caller.organization_id
    async with ctx.uow() as uow:
        await require_department_reach(uow, caller, department_id, Permission.TASK_ASSIGN)
        organization = await uow.organizations.get(org)
        employees = await _capacities(uow, organization, department_id, business_date)
        tasks = {
            t.id: t for t in await uow.tasks.list_unassigned(org, department_id, business_date)
        }
        decision = assignment.auto_assign([_assignable(t) for t in tasks.values()], employees)
        assigned: list[Assignment] = []
        for task_id, employee_id in decision.assignments:
            task = tasks[task_id]
            task.planned_date = task.planned_date or business_date
            work = TaskWork(task)
            work.assign(employee_id, None, actor=caller.actor, at=now)
            await save_work(uow, work)
            assigned.append(Assignment(task=task, employee_id=employee_id))
        await uow.commit()
    return AutoAssignResult(
        department_id=department_id,
        business_date=business_date,
        assignments=tuple(assigned),
        unassigned=tuple(tasks[task_id] for task_id in decision.unassigned),
    )
