"""JTS's tables: SQLAlchemy declarative row classes on one :data:`METADATA`.

Activity tracking's tables live with the rest of that subsystem (``jts_store.activity``).
"""

import jts_store.activity.tables  # noqa: F401 -- its rows join METADATA
from jts_store.delivery import tables as delivery_tables
from jts_store.jtd import tables as jtd_tables
from jts_store.tables.audit import AuditEntryRow
from jts_store.tables.base import METADATA, Base
from jts_store.tables.jobs import JobControlRow, JobExecutionRow
from jts_store.tables.monitoring import AlertRow
from jts_store.tables.operations import RosterSourceRow
from jts_store.tables.operator import LoginAttemptRow, SystemJobRunRow
from jts_store.tables.organization import DepartmentRow, EmployeeRow, OrganizationRow, StoreRow
from jts_store.tables.outbox import OutboxRow
from jts_store.tables.outbox_consumers import OutboxConsumerRow
from jts_store.tables.pending_summaries import PendingSummaryRow
from jts_store.tables.roster import AttendanceRow, RosterEntryRow, ShiftTemplateRow
from jts_store.tables.scores import DailyScoreRow
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
    "LoginAttemptRow",
    "OrganizationRow",
    "OutboxConsumerRow",
    "OutboxRow",
    "PendingSummaryRow",
    "RosterEntryRow",
    "RosterSourceRow",
    "ShiftTemplateRow",
    "StoreRow",
    "SystemJobRunRow",
    "TaskRow",
    "TaskStatusHistoryRow",
    "TaskTemplateRow",
    "TimerIntervalRow",
    "TimerRow",
    "delivery_tables",
    "jtd_tables",
]
