"""Daily scores, performance over a range and SLA compliance."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import strawberry

from jts_api.context import Info
from jts_api.graphql.enums import ScoreMetricName
from jts_api.graphql.ids import to_id, to_optional_id
from jts_api.graphql.types.people import EmployeeType
from jts_domain import model
from jts_domain.services.monitoring import SlaCompliance
from jts_domain.services.scores import Performance, ScoreRun


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@strawberry.type(name="ScoreMetric")
class ScoreMetricType:
    """One line of a score's breakdown; ``value`` is null when the metric is undefined
    (then it has no weight in the score)."""

    name: ScoreMetricName
    numerator: float
    denominator: float
    value: float | None
    weight: float
    contribution: float = strawberry.field(description="Score points this metric adds.")

    @classmethod
    def of(cls, metric: model.ScoreMetric) -> ScoreMetricType:
        """The GraphQL shape of a score metric."""
        return cls(
            name=metric.name,
            numerator=float(metric.numerator),
            denominator=float(metric.denominator),
            value=_number(metric.value),
            weight=float(metric.weight),
            contribution=float(metric.contribution),
        )


@strawberry.type(name="DailyScore")
class DailyScoreType:
    """An employee's score for a business date, with its breakdown."""

    id: strawberry.ID
    date: date
    employee_id: strawberry.ID
    score: float | None = strawberry.field(description="0–100; null when no metric is defined.")
    reliability: float | None = strawberry.field(
        description="Punctual ÷ rostered days over the 30 days ending on the date, 0–100."
    )
    calculated_at: datetime
    metrics: list[ScoreMetricType]
    employee_uuid: strawberry.Private[UUID]

    @strawberry.field
    async def employee(self, info: Info) -> EmployeeType | None:
        employee = await info.context.loaders.employees.load(self.employee_uuid)
        return None if employee is None else EmployeeType.of(employee)

    @classmethod
    def of(cls, score: model.DailyScore) -> DailyScoreType:
        """The GraphQL shape of a stored daily score."""
        return cls(
            id=to_id(score.id),
            date=score.business_date,
            employee_id=to_id(score.employee_id),
            score=_number(score.score),
            reliability=_number(score.reliability),
            calculated_at=score.calculated_at,
            metrics=[ScoreMetricType.of(m) for m in score.metrics],
            employee_uuid=score.employee_id,
        )


@strawberry.type
class ScoreRunSummary:
    """What a day's calculation stored: one score per active employee."""

    date: date
    employees: int
    scored: int
    unscored: int = strawberry.field(description="Employees with no defined metric that day.")
    scores: list[DailyScoreType]

    @classmethod
    def of(cls, run: ScoreRun) -> ScoreRunSummary:
        """The GraphQL shape of a score run."""
        return cls(
            date=run.business_date,
            employees=len(run.scores),
            scored=run.scored,
            unscored=run.unscored,
            scores=[DailyScoreType.of(s) for s in run.scores],
        )


@strawberry.type
class PerformanceDay:
    """One date of a performance range: its scores and their mean."""

    date: date
    average: float | None
    scores: list[DailyScoreType]


@strawberry.type(name="Performance")
class PerformanceType:
    """Daily scores over a range; ``trend`` is the second half's mean daily average minus
    the first half's, in score points."""

    date_from: date = strawberry.field(name="from")
    date_to: date = strawberry.field(name="to")
    employee_ids: list[strawberry.ID]
    average: float | None
    trend: float | None
    days: list[PerformanceDay]

    @classmethod
    def of(cls, result: Performance) -> PerformanceType:
        """The GraphQL shape of a performance range."""
        return cls(
            date_from=result.date_from,
            date_to=result.date_to,
            employee_ids=[to_id(i) for i in result.employee_ids],
            average=_number(result.average),
            trend=_number(result.trend),
            days=[
                PerformanceDay(
                    date=d.business_date,
                    average=_number(d.average),
                    scores=[DailyScoreType.of(s) for s in d.scores],
                )
                for d in result.days
            ],
        )


@strawberry.type
class SlaComplianceDay:
    """SLA tasks met and counted on one date; ``rate`` in percent."""

    date: date
    met: int
    total: int
    rate: float | None


@strawberry.type(name="SlaCompliance")
class SlaComplianceType:
    """SLA tasks met ÷ counted over a range, from the stored daily scores."""

    date_from: date = strawberry.field(name="from")
    date_to: date = strawberry.field(name="to")
    department_id: strawberry.ID | None
    met: int
    total: int
    rate: float | None = strawberry.field(description="Percent; null when no SLA task counted.")
    days: list[SlaComplianceDay]

    @classmethod
    def of(cls, result: SlaCompliance) -> SlaComplianceType:
        """The GraphQL shape of SLA compliance."""
        return cls(
            date_from=result.date_from,
            date_to=result.date_to,
            department_id=to_optional_id(result.department_id),
            met=result.met,
            total=result.total,
            rate=_number(result.rate),
            days=[
                SlaComplianceDay(
                    date=d.business_date, met=d.met, total=d.total, rate=_number(d.rate)
                )
                for d in result.days
            ],
        )
