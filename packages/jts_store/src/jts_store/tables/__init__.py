"""JTS's tables: SQLAlchemy declarative row classes on one :data:`METADATA`."""

from jts_store.tables.audit import AuditEntryRow
from jts_store.tables.base import METADATA, Base
from jts_store.tables.jobs import JobControlRow, JobExecutionRow
from jts_store.tables.measures import AlertRow, DailyScoreRow, OutboxRow
from jts_store.tables.operations import RosterSourceRow
from jts_store.tables.organization import DepartmentRow, EmployeeRow, OrganizationRow, StoreRow
from jts_store.tables.roster import AttendanceRow, RosterEntryRow, ShiftTemplateRow
from jts_store.tables.tasks import TaskRow, TaskStatusHistoryRow, TaskTemplateRow
from jts_store.tables.timers import ONE_ACTIVE_TIMER_INDEX, TimerIntervalRow, TimerRow

__all__ = [
    "METADATA",
    "ONE_ACTIVE_TIMER_INDEX",
    "AlertRow",
    "AttendanceRow",
    "AuditEntryRow",
    "Base",
    "DailyScoreRow",
    "DepartmentRow",
    "EmployeeRow",
    "JobControlRow",
    "JobExecutionRow",
    "OrganizationRow",
    "OutboxRow",
    "RosterEntryRow",
    "RosterSourceRow",
    "ShiftTemplateRow",
    "StoreRow",
    "TaskRow",
    "TaskStatusHistoryRow",
    "TaskTemplateRow",
    "TimerIntervalRow",
    "TimerRow",
]
