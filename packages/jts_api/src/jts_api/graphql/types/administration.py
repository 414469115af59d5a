"""What running an organization reads: the organization and its settings, employee pages,
task templates and pending summaries (the ``Workload`` type)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from uuid import UUID

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.enums import JobCategory, TaskPriority, WorkloadLevel
from jts_api.graphql.ids import to_id
from jts_api.graphql.types.paging import PageInfo, encode_cursor, page_info
from jts_api.graphql.types.people import EmployeeType
from jts_domain import model
from jts_domain.services.paging import Page
from jts_domain.workload import PendingSummary


def _weight(value: Decimal) -> float:
    return float(value)


@strawberry.type(name="ScoreWeights")
class ScoreWeightsType:
    """Weights of the daily score's metrics (only the defined metrics' weights count)."""

    completion: float
    timeliness: float
    utilization: float
    sla: float
    quality: float


@strawberry.type(name="WorkloadThresholds")
class WorkloadThresholdsType:
    """Per dimension, the inclusive upper bounds of LOW, MODERATE and HIGH (above: CRITICAL)."""

    pending: list[int]
    urgent: list[int]
    overdue: list[int]


@strawberry.type(name="OrganizationSettings")
class OrganizationSettingsType:
    """Every setting of an organization; local times are in ``timezone``."""

    timezone: str
    score_weights: ScoreWeightsType
    workload_thresholds: WorkloadThresholdsType
    late_grace_minutes: int = strawberry.field(description="Clock-in later than this is LATE.")
    geofence_radius_meters: float = strawberry.field(description="A new store's default radius.")
    sla_warning_minutes: int = strawberry.field(description="AT_RISK this long before a deadline.")
    shift_lead_minutes: int = strawberry.field(description="Work may start this early.")
    auto_stop_grace_minutes: int = strawberry.field(description="Timers stop after a shift's end.")
    idle_minutes: int
    idle_auto_pause: bool
    overtime_minutes: int
    activity_retention_months: int
    activity_late_days: int
    quiet_hours_start: time
    quiet_hours_end: time = strawberry.field(description="Equal to the start: no quiet hours.")
    task_retention_days: int = strawberry.field(
        description="Finished tasks are removed once older than this (apply_retention)."
    )
    timer_retention_days: int = strawberry.field(
        description="Finished tasks' timers are removed once older than this."
    )

    @classmethod
    def of(cls, settings: model.OrganizationSettings) -> OrganizationSettingsType:
        """The GraphQL shape of an organization's settings."""
        w, t = settings.score_weights, settings.workload
        return cls(
            timezone=settings.timezone,
            score_weights=ScoreWeightsType(
                completion=_weight(w.completion),
                timeliness=_weight(w.timeliness),
                utilization=_weight(w.utilization),
                sla=_weight(w.sla),
                quality=_weight(w.quality),
            ),
            workload_thresholds=WorkloadThresholdsType(
                pending=list(t.pending), urgent=list(t.urgent), overdue=list(t.overdue)
            ),
            late_grace_minutes=settings.late_grace_minutes,
            geofence_radius_meters=settings.geofence_radius_meters,
            sla_warning_minutes=settings.sla_warning_minutes,
            shift_lead_minutes=settings.shift_lead_minutes,
            auto_stop_grace_minutes=settings.auto_stop_grace_minutes,
            idle_minutes=settings.idle_minutes,
            idle_auto_pause=settings.idle_auto_pause,
            overtime_minutes=settings.overtime_minutes,
            activity_retention_months=settings.activity_retention_months,
            activity_late_days=settings.activity_late_days,
            quiet_hours_start=settings.quiet_hours_start,
            quiet_hours_end=settings.quiet_hours_end,
            task_retention_days=settings.task_retention_days,
            timer_retention_days=settings.timer_retention_days,
        )


@strawberry.type(name="Organization")
class OrganizationType:
    """A tenant, with all its settings."""

    id: strawberry.ID
    name: str
    created_at: datetime
    settings: OrganizationSettingsType

    @classmethod
    def of(cls, organization: model.Organization) -> OrganizationType:
        """The GraphQL shape of an organization."""
        return cls(
            id=to_id(organization.id),
            name=organization.name,
            created_at=organization.created_at,
            settings=OrganizationSettingsType.of(organization.settings),
        )


@strawberry.type
class EmployeeEdge:
    node: EmployeeType
    cursor: str


@strawberry.type
class EmployeeConnection:
    edges: list[EmployeeEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: Page[model.Employee]) -> EmployeeConnection:
        """A page of employees, each with its cursor."""
        edges = [
            EmployeeEdge(node=EmployeeType.of(e), cursor=encode_cursor(e.created_at, e.id))
            for e in page.items
        ]
        return cls(edges=edges, page_info=page_info([e.cursor for e in edges], page.has_next))


@strawberry.type(name="TaskTemplate")
class TaskTemplateType:
    """Generates one task per rostered employee and date for a department, shift and
    category; offsets are minutes from the shift's start."""

    id: strawberry.ID
    department_id: strawberry.ID
    shift_template_id: strawberry.ID
    job_category: JobCategory
    title: str
    estimated_minutes: int
    priority: TaskPriority
    due_offset_minutes: int | None
    sla_minutes: int | None
    requires_review: bool
    archived_at: datetime | None = strawberry.field(
        description="Set once archived: the template generates nothing more."
    )

    @classmethod
    def of(cls, template: model.TaskTemplate) -> TaskTemplateType:
        """The GraphQL shape of a task template."""
        return cls(
            id=to_id(template.id),
            department_id=to_id(template.department_id),
            shift_template_id=to_id(template.shift_template_id),
            job_category=template.job_category,
            title=template.title,
            estimated_minutes=template.estimated_minutes,
            priority=template.priority,
            due_offset_minutes=template.due_offset_minutes,
            sla_minutes=template.sla_minutes,
            requires_review=template.requires_review,
            archived_at=template.archived_at,
        )


@strawberry.type
class PriorityCounts:
    """Open tasks by priority."""

    low: int
    medium: int
    high: int
    urgent: int


@strawberry.type(name="Workload")
class WorkloadType:
    """An employee's pending summary: open tasks counted, with a level per dimension and
    overall (the highest); due windows are the organization's local day, week (Monday to
    Sunday) and month."""

    employee_id: strawberry.ID
    level: WorkloadLevel
    pending: int
    urgent: int
    overdue: int = strawberry.field(description="Open tasks due before the summary was taken.")
    pending_level: WorkloadLevel
    urgent_level: WorkloadLevel
    overdue_level: WorkloadLevel
    by_priority: PriorityCounts
    due_today: int
    due_this_week: int
    due_this_month: int
    computed_at: datetime = strawberry.field(
        description="When the summary was taken: the last 5-minute run, or now when the "
        "employee has none stored yet."
    )
    employee_uuid: strawberry.Private[UUID]

    @typed.field(description="The employee summarized.")
    async def employee(self, info: Info) -> EmployeeType | None:
        employee = await info.context.loaders.employees.load(self.employee_uuid)
        return None if employee is None else EmployeeType.of(employee)

    @classmethod
    def of(cls, summary: PendingSummary) -> WorkloadType:
        """The GraphQL shape of a pending summary."""
        counts, assessed = summary.counts, summary.assessment
        return cls(
            employee_id=to_id(summary.employee_id),
            level=assessed.level,
            pending=counts.pending,
            urgent=counts.urgent,
            overdue=counts.overdue,
            pending_level=assessed.pending_level,
            urgent_level=assessed.urgent_level,
            overdue_level=assessed.overdue_level,
            by_priority=PriorityCounts(
                low=counts.low, medium=counts.medium, high=counts.high, urgent=counts.urgent
            ),
            due_today=counts.due_today,
            due_this_week=counts.due_this_week,
            due_this_month=counts.due_this_month,
            computed_at=summary.computed_at,
            employee_uuid=summary.employee_id,
        )
