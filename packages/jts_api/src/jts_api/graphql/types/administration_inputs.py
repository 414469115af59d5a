"""The inputs of the administration mutations, and the domain edits they stand for.

A field left out of an input keeps its value; ``null`` clears a field that may be empty
and is a VALIDATION_ERROR naming any other field.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import TypeVar
from uuid import UUID

import strawberry
from strawberry.types.unset import UnsetType

from jts_api.graphql.enums import Environment, JobCategory, Role, TaskPriority
from jts_api.graphql.ids import parse_id, parse_optional_id
from jts_domain.administration.changes import KEEP, Keep
from jts_domain.administration.employees import EmployeeEdit
from jts_domain.administration.places import DepartmentEdit, ShiftTemplateEdit, StoreEdit
from jts_domain.administration.ports import EmployeeFilter
from jts_domain.administration.settings import SettingsEdit, ThresholdsEdit, WeightsEdit
from jts_domain.administration.task_edits import TaskEdit
from jts_domain.administration.task_templates import TaskTemplateEdit
from jts_domain.errors import invalid

T = TypeVar("T")
UNSET = strawberry.UNSET


def required(value: T | UnsetType | None, field: str) -> T | Keep:
    """A field that cannot be cleared: left out keeps it, null is refused."""
    if isinstance(value, UnsetType):
        return KEEP
    if value is None:
        raise invalid(f"{field} cannot be null", field=field)
    return value


def clearable(value: T | UnsetType | None) -> T | Keep | None:
    """A field that may be cleared with null."""
    return KEEP if isinstance(value, UnsetType) else value


def _id(value: strawberry.ID | UnsetType | None, field: str) -> UUID | Keep:
    given = required(value, field)
    return given if given is KEEP else parse_id(given, field)


def _clearable_id(value: strawberry.ID | UnsetType | None, field: str) -> UUID | Keep | None:
    given = clearable(value)
    return given if given is KEEP or given is None else parse_id(given, field)


def _weight(value: float | UnsetType | None, field: str) -> Decimal | Keep:
    given = required(value, field)
    if given is KEEP:
        return KEEP
    try:
        return Decimal(str(given))
    except InvalidOperation:
        raise invalid(f"{field} must be a number", field=field) from None


def _bounds(value: list[int] | UnsetType | None, field: str) -> tuple[int, int, int] | Keep:
    given = required(value, field)
    if given is KEEP:
        return KEEP
    if len(given) != 3:
        raise invalid(f"{field} must list three bounds: LOW, MODERATE, HIGH", field=field)
    return (given[0], given[1], given[2])


@strawberry.input
class ScoreWeightsInput:
    """New weights of some metrics (each from 0 to 100; their sum must stay above 0)."""

    completion: float | None = UNSET
    timeliness: float | None = UNSET
    utilization: float | None = UNSET
    sla: float | None = UNSET
    quality: float | None = UNSET

    def to_edit(self) -> WeightsEdit:
        """The domain's edit of the weights."""
        return WeightsEdit(
            completion=_weight(self.completion, "scoreWeights.completion"),
            timeliness=_weight(self.timeliness, "scoreWeights.timeliness"),
            utilization=_weight(self.utilization, "scoreWeights.utilization"),
            sla=_weight(self.sla, "scoreWeights.sla"),
            quality=_weight(self.quality, "scoreWeights.quality"),
        )


@strawberry.input
class WorkloadThresholdsInput:
    """New bounds of some dimensions: three whole numbers each, not decreasing."""

    pending: list[int] | None = UNSET
    urgent: list[int] | None = UNSET
    overdue: list[int] | None = UNSET

    def to_edit(self) -> ThresholdsEdit:
        """The domain's edit of the thresholds."""
        return ThresholdsEdit(
            pending=_bounds(self.pending, "workloadThresholds.pending"),
            urgent=_bounds(self.urgent, "workloadThresholds.urgent"),
            overdue=_bounds(self.overdue, "workloadThresholds.overdue"),
        )


@strawberry.input
class UpdateOrganizationSettingsInput:
    """The settings to change; the others stay as they are."""

    timezone: str | None = UNSET
    score_weights: ScoreWeightsInput | None = UNSET
    workload_thresholds: WorkloadThresholdsInput | None = UNSET
    late_grace_minutes: int | None = UNSET
    geofence_radius_meters: float | None = UNSET
    sla_warning_minutes: int | None = UNSET
    shift_lead_minutes: int | None = UNSET
    auto_stop_grace_minutes: int | None = UNSET
    idle_minutes: int | None = UNSET
    idle_auto_pause: bool | None = UNSET
    overtime_minutes: int | None = UNSET
    activity_retention_months: int | None = UNSET
    activity_late_days: int | None = UNSET
    quiet_hours_start: time | None = UNSET
    quiet_hours_end: time | None = UNSET
    task_retention_days: int | None = UNSET
    timer_retention_days: int | None = UNSET

    def to_edit(self) -> SettingsEdit:
        """The domain's edit of the settings."""
        weights = required(self.score_weights, "scoreWeights")
        thresholds = required(self.workload_thresholds, "workloadThresholds")
        return SettingsEdit(
            timezone=required(self.timezone, "timezone"),
            score_weights=WeightsEdit() if weights is KEEP else weights.to_edit(),
            workload=ThresholdsEdit() if thresholds is KEEP else thresholds.to_edit(),
            late_grace_minutes=required(self.late_grace_minutes, "lateGraceMinutes"),
            geofence_radius_meters=required(self.geofence_radius_meters, "geofenceRadiusMeters"),
            sla_warning_minutes=required(self.sla_warning_minutes, "slaWarningMinutes"),
            shift_lead_minutes=required(self.shift_lead_minutes, "shiftLeadMinutes"),
            auto_stop_grace_minutes=required(self.auto_stop_grace_minutes, "autoStopGraceMinutes"),
            idle_minutes=required(self.idle_minutes, "idleMinutes"),
            idle_auto_pause=required(self.idle_auto_pause, "idleAutoPause"),
            overtime_minutes=required(self.overtime_minutes, "overtimeMinutes"),
            activity_retention_months=required(
                self.activity_retention_months, "activityRetentionMonths"
            ),
            activity_late_days=required(self.activity_late_days, "activityLateDays"),
            quiet_hours_start=required(self.quiet_hours_start, "quietHoursStart"),
            quiet_hours_end=required(self.quiet_hours_end, "quietHoursEnd"),
            task_retention_days=required(self.task_retention_days, "taskRetentionDays"),
            timer_retention_days=required(self.timer_retention_days, "timerRetentionDays"),
        )


@strawberry.input
class EmployeeFilterInput:
    """Filters of ``employees``; every one given must match."""

    department_id: strawberry.ID | None = None
    role: Role | None = None
    active: bool | None = None
    search: str | None = strawberry.field(
        default=None, description="A part of the name or e-mail address, any case."
    )

    def to_filter(self) -> EmployeeFilter:
        """The domain's employee filter."""
        department = parse_optional_id(self.department_id, "departmentId")
        return EmployeeFilter(
            department_id=department, role=self.role, active=self.active, search=self.search
        )


@strawberry.input
class UpdateEmployeeInput:
    """A person's profile fields to change (role and active flag have mutations of their own)."""

    name: str | None = UNSET
    email: str | None = UNSET
    department_id: strawberry.ID | None = UNSET
    store_id: strawberry.ID | None = UNSET
    job_category: JobCategory | None = UNSET

    def to_edit(self) -> EmployeeEdit:
        """The domain's edit of the profile."""
        return EmployeeEdit(
            name=required(self.name, "name"),
            email=required(self.email, "email"),
            department_id=_clearable_id(self.department_id, "departmentId"),
            store_id=_clearable_id(self.store_id, "storeId"),
            job_category=clearable(self.job_category),
        )


@strawberry.input
class UpdateDepartmentInput:
    name: str | None = UNSET
    manager_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="An active manager or admin; null: no manager."
    )

    def to_edit(self) -> DepartmentEdit:
        """The domain's edit of the department."""
        return DepartmentEdit(
            name=required(self.name, "name"),
            manager_id=_clearable_id(self.manager_id, "managerId"),
        )


@strawberry.input
class UpdateStoreInput:
    name: str | None = UNSET
    latitude: float | None = UNSET
    longitude: float | None = UNSET
    radius_meters: float | None = UNSET

    def to_edit(self) -> StoreEdit:
        """The domain's edit of the store."""
        return StoreEdit(
            name=required(self.name, "name"),
            latitude=required(self.latitude, "latitude"),
            longitude=required(self.longitude, "longitude"),
            radius_meters=required(self.radius_meters, "radiusMeters"),
        )


@strawberry.input
class UpdateShiftTemplateInput:
    name: str | None = UNSET
    start_time: time | None = UNSET
    end_time: time | None = UNSET
    break_minutes: int | None = UNSET

    def to_edit(self) -> ShiftTemplateEdit:
        """The domain's edit of the shift."""
        return ShiftTemplateEdit(
            name=required(self.name, "name"),
            start_time=required(self.start_time, "startTime"),
            end_time=required(self.end_time, "endTime"),
            break_minutes=required(self.break_minutes, "breakMinutes"),
        )


@strawberry.input
class CreateTaskTemplateInput:
    department_id: strawberry.ID
    shift_template_id: strawberry.ID
    job_category: JobCategory
    title: str
    estimated_minutes: int
    priority: TaskPriority = TaskPriority.MEDIUM
    due_offset_minutes: int | None = None
    sla_minutes: int | None = None
    requires_review: bool = False


@strawberry.input
class UpdateTaskTemplateInput:
    department_id: strawberry.ID | None = UNSET
    shift_template_id: strawberry.ID | None = UNSET
    job_category: JobCategory | None = UNSET
    title: str | None = UNSET
    estimated_minutes: int | None = UNSET
    priority: TaskPriority | None = UNSET
    due_offset_minutes: int | None = UNSET
    sla_minutes: int | None = UNSET
    requires_review: bool | None = UNSET

    def to_edit(self) -> TaskTemplateEdit:
        """The domain's edit of the template."""
        return TaskTemplateEdit(
            department_id=_id(self.department_id, "departmentId"),
            shift_template_id=_id(self.shift_template_id, "shiftTemplateId"),
            job_category=required(self.job_category, "jobCategory"),
            title=required(self.title, "title"),
            estimated_minutes=required(self.estimated_minutes, "estimatedMinutes"),
            priority=required(self.priority, "priority"),
            due_offset_minutes=clearable(self.due_offset_minutes),
            sla_minutes=clearable(self.sla_minutes),
            requires_review=required(self.requires_review, "requiresReview"),
        )


@strawberry.input
class UpdateTaskInput:
    """A task's fields to change; status, assignee and timers move through the lifecycle."""

    title: str | None = UNSET
    description: str | None = UNSET
    priority: TaskPriority | None = UNSET
    planned_date: date | None = UNSET
    due_at: datetime | None = UNSET
    sla_deadline: datetime | None = UNSET
    estimated_minutes: int | None = UNSET
    department_id: strawberry.ID | None = UNSET
    store_id: strawberry.ID | None = UNSET
    job_category: JobCategory | None = UNSET
    environment: Environment | None = UNSET

    def to_edit(self) -> TaskEdit:
        """The domain's edit of the task."""
        return TaskEdit(
            title=required(self.title, "title"),
            description=required(self.description, "description"),
            priority=required(self.priority, "priority"),
            planned_date=clearable(self.planned_date),
            due_at=clearable(self.due_at),
            sla_deadline=clearable(self.sla_deadline),
            estimated_minutes=required(self.estimated_minutes, "estimatedMinutes"),
            department_id=_clearable_id(self.department_id, "departmentId"),
            store_id=_clearable_id(self.store_id, "storeId"),
            job_category=clearable(self.job_category),
            environment=clearable(self.environment),
        )
