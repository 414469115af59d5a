"""The daily planner and auto-assignment."""

from __future__ import annotations

from datetime import date, time
from uuid import UUID

import strawberry

from jts_api.context import Info
from jts_api.graphql.enums import SlaStatus
from jts_api.graphql.ids import to_id
from jts_api.graphql.types.people import EmployeeType
from jts_api.graphql.types.tasks import TaskType
from jts_domain.services import auto_assignment, planning


@strawberry.type
class PlannerShift:
    """The shift an employee is rostered on that date, and where."""

    shift_template_id: strawberry.ID
    name: str
    start_time: time
    end_time: time
    break_minutes: int
    store_id: strawberry.ID


@strawberry.type(name="PlannerItem")
class PlannerItemType:
    """One ranked line of a planner: the task, its remaining estimate, whether it fits."""

    rank: int
    task: TaskType
    carried_over: bool = strawberry.field(description="Open from an earlier date.")
    overdue: bool
    sla_status: SlaStatus | None
    remaining_minutes: int = strawberry.field(description="Estimate − actual, never below 0.")
    fits_in_shift: bool = strawberry.field(
        description="Whether it fits in the capacity left by the items ranked before it."
    )
    reason: str = strawberry.field(description="Why it is ranked here.")

    @classmethod
    def of(cls, item: planning.PlannerItem) -> PlannerItemType:
        """The GraphQL shape of a planner item."""
        return cls(
            rank=item.rank,
            task=TaskType.of(item.task),
            carried_over=item.carried_over,
            overdue=item.overdue,
            sla_status=item.sla_status,
            remaining_minutes=item.remaining_minutes,
            fits_in_shift=item.fits_in_shift,
            reason=item.reason,
        )


@strawberry.type(name="Planner")
class PlannerType:
    """An employee's plan for a business date."""

    date: date
    employee_id: strawberry.ID
    capacity_minutes: int = strawberry.field(description="Shift minutes less the unpaid break.")
    planned_minutes: int = strawberry.field(description="The items' remaining estimates.")
    overbooked: bool
    shift: PlannerShift | None
    items: list[PlannerItemType]
    generated_task_ids: list[strawberry.ID] = strawberry.field(
        description="Template tasks this call created (generatePlanner only)."
    )
    employee_uuid: strawberry.Private[UUID]

    @strawberry.field
    async def employee(self, info: Info) -> EmployeeType | None:
        employee = await info.context.loaders.employees.load(self.employee_uuid)
        return None if employee is None else EmployeeType.of(employee)

    @classmethod
    def of(cls, plan: planning.Planner) -> PlannerType:
        """The GraphQL shape of a domain planner."""
        shift = None
        if plan.shift is not None and plan.roster_entry is not None:
            shift = PlannerShift(
                shift_template_id=to_id(plan.shift.id),
                name=plan.shift.name,
                start_time=plan.shift.start_time,
                end_time=plan.shift.end_time,
                break_minutes=plan.shift.break_minutes,
                store_id=to_id(plan.roster_entry.store_id),
            )
        return cls(
            date=plan.business_date,
            employee_id=to_id(plan.employee_id),
            capacity_minutes=plan.capacity_minutes,
            planned_minutes=plan.planned_minutes,
            overbooked=plan.overbooked,
            shift=shift,
            items=[PlannerItemType.of(item) for item in plan.items],
            generated_task_ids=[to_id(i) for i in plan.generated_task_ids],
            employee_uuid=plan.employee_id,
        )


@strawberry.type
class AutoAssignment:
    """A task auto-assignment gave to an employee."""

    task: TaskType
    employee_uuid: strawberry.Private[UUID]

    @strawberry.field
    async def employee(self, info: Info) -> EmployeeType | None:
        employee = await info.context.loaders.employees.load(self.employee_uuid)
        return None if employee is None else EmployeeType.of(employee)


@strawberry.type
class UnassignedTask:
    """A task that fit nobody's remaining capacity."""

    task: TaskType


@strawberry.type
class AutoAssignResult:
    """What auto-assignment did for a department and date."""

    department_id: strawberry.ID
    date: date
    assigned: list[AutoAssignment]
    unassigned: list[UnassignedTask]

    @classmethod
    def of(cls, result: auto_assignment.AutoAssignResult) -> AutoAssignResult:
        """The GraphQL shape of the use case's result."""
        return cls(
            department_id=to_id(result.department_id),
            date=result.business_date,
            assigned=[
                AutoAssignment(task=TaskType.of(a.task), employee_uuid=a.employee_id)
                for a in result.assignments
            ],
            unassigned=[UnassignedTask(task=TaskType.of(t)) for t in result.unassigned],
        )
