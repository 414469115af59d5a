"""The daily planner: ``planner`` and ``generatePlanner``; ``autoAssign``."""

from __future__ import annotations

from datetime import date

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.ids import employee_or_self, parse_id
from jts_api.graphql.types.planning import AutoAssignResult, PlannerType
from jts_domain.services import auto_assignment, planning


@strawberry.type
class Query:
    @typed.field(
        description="An employee's ranked plan for a business date (the caller's by default);"
        " creates nothing."
    )
    async def planner(
        self, info: Info, date: date, employee_id: strawberry.ID | None = None
    ) -> PlannerType:
        ctx = info.context
        caller = ctx.require_caller()
        plan = await planning.view_planner(
            ctx.services,
            caller,
            employee_id=employee_or_self(employee_id, caller.employee_id),
            business_date=date,
        )
        return PlannerType.of(plan)


@strawberry.type
class Mutation:
    @typed.mutation(
        description="Create the roster's template tasks for the date (once), then rank the day."
    )
    async def generate_planner(
        self, info: Info, date: date, employee_id: strawberry.ID | None = None
    ) -> PlannerType:
        ctx = info.context
        caller = ctx.require_caller()
        plan = await planning.generate_planner(
            ctx.services,
            caller,
            employee_id=employee_or_self(employee_id, caller.employee_id),
            business_date=date,
        )
        return PlannerType.of(plan)

    @typed.mutation(
        description="Give a department's unassigned tasks to its employees on shift that date."
    )
    async def auto_assign(
        self, info: Info, department_id: strawberry.ID, date: date
    ) -> AutoAssignResult:
        ctx = info.context
        result = await auto_assignment.auto_assign(
            ctx.services,
            ctx.require_caller(),
            department_id=parse_id(department_id, "departmentId"),
            business_date=date,
        )
        return AutoAssignResult.of(result)
