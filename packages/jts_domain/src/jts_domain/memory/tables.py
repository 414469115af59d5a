"""The in-memory tables: dictionaries of immutable-by-convention records.

Repositories store and return copies, so a use case that edits a record it read
changes nothing until it calls ``update``; a unit of work can then roll back by
restoring the dictionaries it saw at the start.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, Protocol, TypeVar
from uuid import UUID

from jts_domain.activity.model import ActivityRejection, DailyActivity, Heartbeat, Project
from jts_domain.errors import DomainError, ErrorCode, not_found
from jts_domain.login_throttle import LoginAttempts
from jts_domain.memory.delivery_tables import DeliveryTables, WebhookTables
from jts_domain.memory.jtd_tables import JtdTables
from jts_domain.model import (
    Alert,
    Attendance,
    AuditEntry,
    DailyScore,
    Department,
    DomainEvent,
    Employee,
    JobControl,
    JobExecution,
    Organization,
    RosterEntry,
    ShiftTemplate,
    StatusChange,
    Store,
    SystemJobRun,
    Task,
    TaskTemplate,
    Timer,
)
from jts_domain.roster_sync.model import RosterSource
from jts_domain.workload import PendingSummary

RecordT = TypeVar("RecordT")


class _Owned(Protocol):
    @property
    def id(self) -> UUID: ...
    @property
    def organization_id(self) -> UUID: ...


OwnedT = TypeVar("OwnedT", bound=_Owned)
VersionedT = TypeVar("VersionedT", Task, Timer, Attendance)


def get_owned(table: dict[UUID, OwnedT], organization_id: UUID, key: UUID, entity: str) -> OwnedT:
    record = table.get(key)
    if record is None or record.organization_id != organization_id:
        raise not_found(entity, key)
    return detached(record)


def get_many_owned(
    table: dict[UUID, OwnedT], organization_id: UUID, keys: Iterable[UUID]
) -> list[OwnedT]:
    found = (table.get(key) for key in set(keys))
    rows = [r for r in found if r is not None and r.organization_id == organization_id]
    return [detached(r) for r in sorted(rows, key=lambda r: r.id)]


def of_org(table: dict[UUID, OwnedT], organization_id: UUID) -> list[OwnedT]:
    rows = [r for r in table.values() if r.organization_id == organization_id]
    return [detached(r) for r in sorted(rows, key=lambda r: r.id)]


def insert_new(table: dict[UUID, OwnedT], record: OwnedT) -> None:
    if record.id in table:
        raise DomainError(
            ErrorCode.CONFLICT, "a record with this id exists", {"id": str(record.id)}
        )
    table[record.id] = detached(record)


def check_version(stored: VersionedT | None, record: VersionedT, entity: str) -> None:
    if stored is None or stored.organization_id != record.organization_id:
        raise not_found(entity, record.id)
    if stored.version != record.version:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"the {entity} was changed by someone else; reload and retry",
            {"id": str(record.id), "version": record.version},
        )
    record.version += 1


def page(
    rows: list[OwnedT],
    key: Callable[[OwnedT], tuple[datetime, UUID]],
    after: tuple[datetime, UUID] | None,
    limit: int,
    *,
    newest_first: bool = False,
) -> list[OwnedT]:
    rows.sort(key=key, reverse=newest_first)
    if after is not None:
        rows = [r for r in rows if (key(r) < after if newest_first else key(r) > after)]
    return [detached(r) for r in rows[:limit]]


def detached(record: RecordT) -> RecordT:
    """A deep copy, so that nobody shares a stored record."""
    return copy.deepcopy(record)


@dataclass(slots=True)
class Tables:
    """Every table of the in-memory database."""

    organizations: dict[UUID, Organization] = field(default_factory=dict)
    employees: dict[UUID, Employee] = field(default_factory=dict)
    password_hashes: dict[UUID, str] = field(default_factory=dict)
    departments: dict[UUID, Department] = field(default_factory=dict)
    stores: dict[UUID, Store] = field(default_factory=dict)
    shift_templates: dict[UUID, ShiftTemplate] = field(default_factory=dict)
    roster: dict[tuple[UUID, date], RosterEntry] = field(default_factory=dict)
    attendance: dict[tuple[UUID, date], Attendance] = field(default_factory=dict)
    tasks: dict[UUID, Task] = field(default_factory=dict)
    history: dict[UUID, list[StatusChange]] = field(default_factory=dict)
    timers: dict[UUID, Timer] = field(default_factory=dict)
    task_templates: dict[UUID, TaskTemplate] = field(default_factory=dict)
    scores: dict[tuple[UUID, date], DailyScore] = field(default_factory=dict)
    alerts: dict[UUID, Alert] = field(default_factory=dict)
    audit: dict[UUID, AuditEntry] = field(default_factory=dict)
    job_executions: dict[UUID, JobExecution] = field(default_factory=dict)
    job_controls: dict[tuple[UUID, str], JobControl] = field(default_factory=dict)
    login_attempts: dict[str, LoginAttempts] = field(default_factory=dict)
    system_job_runs: dict[UUID, SystemJobRun] = field(default_factory=dict)
    pending_summaries: dict[tuple[UUID, UUID], PendingSummary] = field(default_factory=dict)
    outbox: list[DomainEvent] = field(default_factory=list)
    heartbeats: dict[tuple[UUID, str], Heartbeat] = field(default_factory=dict)
    activity_keys: dict[tuple[UUID, str], datetime] = field(default_factory=dict)
    activity_rejections: dict[UUID, ActivityRejection] = field(default_factory=dict)
    activity_summaries: dict[tuple[UUID, UUID, date], DailyActivity] = field(default_factory=dict)
    activity_months: set[date] = field(default_factory=set)
    projects: dict[UUID, Project] = field(default_factory=dict)
    jtd: JtdTables = field(default_factory=JtdTables)
    # delivery and webhooks
    delivery: DeliveryTables = field(default_factory=DeliveryTables)
    webhooks: WebhookTables = field(default_factory=WebhookTables)
    roster_sources: dict[UUID, RosterSource] = field(default_factory=dict)

    def snapshot(self) -> dict[str, Any]:
        """Shallow copies of every table (records are never mutated in place)."""
        snap: dict[str, Any] = {}
        for f in fields(self):
            table = getattr(self, f.name)
            if f.name == "history":
                snap[f.name] = {key: list(rows) for key, rows in table.items()}
            else:
                snap[f.name] = copy.copy(table)
        return snap

    def restore(self, snap: dict[str, Any]) -> None:
        """Put back the tables taken by :meth:`snapshot`."""
        for name, table in snap.items():
            setattr(self, name, table)
