"""Auto-assignment of unassigned tasks to the employees on shift.

Greedy and deterministic: tasks go largest estimate first (ties by task id), each to the
eligible employee with the least load so far (planned + assigned here) who still has room
for it, ties by employee id. Nobody is ever loaded beyond capacity; a task that fits
nobody at its turn stays unassigned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from jts_domain.errors import invalid
from jts_domain.model.organization import JobCategory


@dataclass(frozen=True)
class AssignableTask:
    """An unassigned task; a named category or store restricts who may take it."""

    task_id: UUID
    estimated_minutes: int
    job_category: JobCategory | None
    store_id: UUID | None


@dataclass(frozen=True)
class AssigneeCapacity:
    """An employee on shift: what they do, where, and how much room they have."""

    employee_id: UUID
    job_category: JobCategory | None
    store_id: UUID | None
    capacity_minutes: int
    planned_minutes: int


@dataclass(frozen=True)
class AutoAssignment:
    """``(task_id, employee_id)`` pairs in assignment order, and the tasks nobody could take."""

    assignments: tuple[tuple[UUID, UUID], ...]
    unassigned: tuple[UUID, ...]


def is_eligible(task: AssignableTask, employee: AssigneeCapacity) -> bool:
    """Same job category and same store, for whichever of the two the task names."""
    category_ok = task.job_category is None or task.job_category == employee.job_category
    store_ok = task.store_id is None or task.store_id == employee.store_id
    return category_ok and store_ok


def assignment_order(tasks: Sequence[AssignableTask]) -> list[AssignableTask]:
    """The order tasks are handed out in: largest estimate first, then by task id."""
    return sorted(tasks, key=lambda t: (-t.estimated_minutes, t.task_id))


def _check_unique(ids: list[UUID], what: str) -> None:
    if len(set(ids)) != len(ids):
        raise invalid(f"an {what} appears twice in the auto-assignment input")


def auto_assign(
    tasks: Sequence[AssignableTask], employees: Sequence[AssigneeCapacity]
) -> AutoAssignment:
    """Hand out ``tasks`` to ``employees`` without exceeding anyone's capacity.

    Raises ``DomainError(VALIDATION_ERROR)`` for a negative estimate or a task or employee
    listed twice.

    >>> from uuid import UUID
    >>> ann, bob = UUID(int=1), UUID(int=2)
    >>> staff = [AssigneeCapacity(ann, None, None, 480, 400),
    ...          AssigneeCapacity(bob, None, None, 480, 0)]
    >>> result = auto_assign([AssignableTask(UUID(int=9), 120, None, None)], staff)
    >>> result.assignments == ((UUID(int=9), bob),), result.unassigned
    (True, ())
    """
    _check_unique([t.task_id for t in tasks], "task")
    _check_unique([e.employee_id for e in employees], "employee")
    for task in tasks:
        if task.estimated_minutes < 0:
            raise invalid("an estimate cannot be negative", task_id=str(task.task_id))
    load = {e.employee_id: e.planned_minutes for e in employees}
    staff = sorted(employees, key=lambda e: e.employee_id)
    assignments: list[tuple[UUID, UUID]] = []
    unassigned: list[UUID] = []
    for task in assignment_order(tasks):
        room = [
            e
            for e in staff
            if is_eligible(task, e)
            and load[e.employee_id] + task.estimated_minutes <= e.capacity_minutes
        ]
        if not room:
            unassigned.append(task.task_id)
            continue
        chosen = min(room, key=lambda e: (load[e.employee_id], e.employee_id))
        load[chosen.employee_id] += task.estimated_minutes
        assignments.append((task.task_id, chosen.employee_id))
    return AutoAssignment(assignments=tuple(assignments), unassigned=tuple(unassigned))
