"""Daily scores: ``dailyScore``, ``performance`` and ``calculateDailyScores``."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.ids import employee_or_self, parse_optional_id
from jts_api.graphql.types.scores import DailyScoreType, PerformanceType, ScoreRunSummary
from jts_domain.services import scores


@strawberry.type
class Query:
    @typed.field(
        description="An employee's score for a date (the caller's by default);"
        " null before it is calculated."
    )
    async def daily_score(
        self, info: Info, date: date, employee_id: strawberry.ID | None = None
    ) -> DailyScoreType | None:
        ctx = info.context
        caller = ctx.require_caller()
        score = await scores.get_daily_score(
            ctx.services,
            caller,
            employee_id=employee_or_self(employee_id, caller.employee_id),
            business_date=date,
        )
        return None if score is None else DailyScoreType.of(score)

    @typed.field(
        description="Daily scores of an employee or a department over at most 366 days"
        " (the caller's own with neither), with their average and trend."
    )
    async def performance(
        self,
        info: Info,
        date_from: Annotated[date, strawberry.argument(name="from")],
        date_to: Annotated[date, strawberry.argument(name="to")],
        employee_id: strawberry.ID | None = None,
        department_id: strawberry.ID | None = None,
    ) -> PerformanceType:
        ctx = info.context
        result = await scores.performance(
            ctx.services,
            ctx.require_caller(),
            date_from=date_from,
            date_to=date_to,
            employee_id=parse_optional_id(employee_id, "employeeId"),
            department_id=parse_optional_id(department_id, "departmentId"),
        )
        return PerformanceType.of(result)


@strawberry.type
class Mutation:
    @typed.mutation(description="Score every active employee for a business date.")
    async def calculate_daily_scores(self, info: Info, date: date) -> ScoreRunSummary:
        ctx = info.context
        run = await scores.calculate_daily_scores(
            ctx.services, ctx.require_caller(), business_date=date
        )
        return ScoreRunSummary.of(run)
