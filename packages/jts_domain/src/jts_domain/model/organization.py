"""Tenants, people and places: organizations, employees, departments, stores."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from enum import StrEnum
from uuid import UUID


class Role(StrEnum):
    """What a person is; what they may do is decided by :data:`ROLE_PERMISSIONS`."""

    ADMIN = "ADMIN"
    MANAGER = "MANAGER"
    EMPLOYEE = "EMPLOYEE"


class Permission(StrEnum):
    """Permission strings; checks are made on these, never on role names."""

    ORG_MANAGE = "org.manage"
    EMPLOYEE_MANAGE = "employee.manage"
    ROSTER_MANAGE = "roster.manage"
    TASK_CREATE = "task.create"
    TASK_ASSIGN = "task.assign"
    TASK_REVIEW = "task.review"
    TIMER_OVERRIDE = "timer.override"
    ATTENDANCE_OVERRIDE = "attendance.override"
    SCORE_READ_TEAM = "score.read_team"
    SCORE_CALCULATE = "score.calculate"
    PLANNER_MANAGE = "planner.manage"
    SCHEDULED_JOB_READ = "scheduled_job.read"
    SCHEDULED_JOB_EXECUTE = "scheduled_job.execute"
    AUDIT_READ = "audit.read"
    # jobs to do: read all of the organization's, manage them, configure the tenant's JTD
    JTD_READ = "jtd.read"
    JTD_MANAGE = "jtd.manage"
    JTD_CONFIGURE = "jtd.configure"
    # webhooks: endpoints, their secrets, deliveries and replays (admins)
    WEBHOOK_MANAGE = "webhook.manage"


_MANAGER_PERMISSIONS = frozenset(
    {
        Permission.ROSTER_MANAGE,
        Permission.TASK_CREATE,
        Permission.TASK_ASSIGN,
        Permission.TASK_REVIEW,
        Permission.TIMER_OVERRIDE,
        Permission.ATTENDANCE_OVERRIDE,
        Permission.SCORE_READ_TEAM,
        Permission.PLANNER_MANAGE,
        Permission.SCHEDULED_JOB_READ,
        Permission.JTD_READ,
        Permission.JTD_MANAGE,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.MANAGER: _MANAGER_PERMISSIONS,
    Role.EMPLOYEE: frozenset({Permission.TASK_CREATE}),
}


class JobCategory(StrEnum):
    """The kind of work a person or task belongs to."""

    SALES = "SALES"
    HR = "HR"
    LAB = "LAB"
    SUPPORT = "SUPPORT"
    ADMIN = "ADMIN"


class Environment(StrEnum):
    """Where the work happens."""

    RETAIL = "RETAIL"
    OFFICE = "OFFICE"
    WAREHOUSE = "WAREHOUSE"
    LAB = "LAB"


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreWeights:
    """Weights of the daily score's metrics; only the defined metrics' weights are summed."""

    completion: Decimal = Decimal("0.30")
    timeliness: Decimal = Decimal("0.20")
    utilization: Decimal = Decimal("0.20")
    sla: Decimal = Decimal("0.20")
    quality: Decimal = Decimal("0.10")


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkloadThresholds:
    """Upper bounds (inclusive) of LOW, MODERATE and HIGH for each workload dimension.

    Above the HIGH bound a dimension is CRITICAL.
    """

    pending: tuple[int, int, int] = (10, 15, 20)
    urgent: tuple[int, int, int] = (2, 3, 5)
    overdue: tuple[int, int, int] = (1, 2, 3)


@dataclass(frozen=True, slots=True, kw_only=True)
class OrganizationSettings:
    """Per-tenant settings: timezone, score weights and thresholds.

    Quiet hours are local wall-clock times in ``timezone`` (messages wait while they last);
    equal start and end mean none.
    """

    timezone: str = "Asia/Kolkata"
    score_weights: ScoreWeights = field(default_factory=ScoreWeights)
    workload: WorkloadThresholds = field(default_factory=WorkloadThresholds)
    idle_minutes: int = 5
    overtime_minutes: int = 540
    sla_warning_minutes: int = 60
    late_grace_minutes: int = 10
    quiet_hours_start: time = time(22, 0)
    quiet_hours_end: time = time(8, 0)
    shift_lead_minutes: int = 15
    auto_stop_grace_minutes: int = 10
    geofence_radius_meters: float = 100.0
    idle_auto_pause: bool = False
    activity_retention_months: int = 13
    activity_late_days: int = 7
    #: Retention (see :mod:`jts_domain.retention`): finished tasks and timers kept this long.
    task_retention_days: int = 365
    timer_retention_days: int = 183


@dataclass(slots=True, kw_only=True)
class Organization:
    """A tenant: every other record belongs to exactly one."""

    id: UUID
    name: str
    settings: OrganizationSettings
    created_at: datetime


@dataclass(slots=True, kw_only=True)
class Department:
    """A team; a manager manages the departments whose ``manager_id`` is theirs."""

    id: UUID
    organization_id: UUID
    name: str
    manager_id: UUID | None = None


@dataclass(slots=True, kw_only=True)
class Store:
    """A place of work with a geofence (haversine radius in metres)."""

    id: UUID
    organization_id: UUID
    name: str
    latitude: float
    longitude: float
    radius_meters: float


@dataclass(slots=True, kw_only=True)
class Employee:
    """A person of an organization (credentials are kept by the API, not here)."""

    id: UUID
    organization_id: UUID
    email: str
    name: str
    role: Role
    department_id: UUID | None = None
    job_category: JobCategory | None = None
    store_id: UUID | None = None
    active: bool = True
    created_at: datetime
    #: Moves on at every change of the person's access (deactivated, reactivated, role
    #: changed). A token carries the epoch it was issued in and stops working once the
    #: epoch has moved on, so every session of the person ends with such a change.
    access_epoch: int = 0
    #: The employee's id in the organization's HR system (roster sync), unique per tenant.
    external_id: str | None = None

    @property
    def permissions(self) -> frozenset[Permission]:
        """The permissions granted by this employee's role."""
        return ROLE_PERMISSIONS[self.role]
