"""Alerts and the audit log (connection pages)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.enums import ActorType, AlertKind, SlaStatus
from jts_api.graphql.ids import to_id, to_optional_id
from jts_api.graphql.types.paging import PageInfo, encode_cursor, page_info
from jts_api.graphql.types.people import EmployeeType
from jts_api.graphql.types.tasks import TaskType
from jts_domain import model
from jts_domain.services.paging import Page


@strawberry.type(name="Actor")
class ActorRecord:
    """Who made a change: a user (with id), the system, an agent or a webhook."""

    type: ActorType
    id: strawberry.ID | None
    name: str

    @classmethod
    def of(cls, actor: model.Actor) -> ActorRecord:
        """The GraphQL shape of an actor."""
        return cls(type=actor.type, id=to_optional_id(actor.id), name=actor.name)


@strawberry.type(name="Alert")
class AlertType:
    """A warning raised once per occasion: an SLA at risk or breached (per task), an idle
    spell of a timer (IDLE), a day over the overtime threshold (OVERTIME)."""

    id: strawberry.ID
    kind: AlertKind
    sla_status: SlaStatus | None
    message: str
    created_at: datetime
    task_id: strawberry.ID | None
    employee_id: strawberry.ID | None
    timer_id: strawberry.ID | None
    idle_since: datetime | None = strawberry.field(description="When an IDLE spell began.")
    business_date: date | None = strawberry.field(description="An OVERTIME alert's date.")
    resolved_at: datetime | None
    resolved_by: ActorRecord | None
    task_uuid: strawberry.Private[UUID | None]
    employee_uuid: strawberry.Private[UUID | None]

    @typed.field(description="The task the alert is about, when it names one.")
    async def task(self, info: Info) -> TaskType | None:
        if self.task_uuid is None:
            return None
        task = await info.context.loaders.tasks.load(self.task_uuid)
        return None if task is None else TaskType.of(task)

    @typed.field(description="Whom the alert is about (a task's assignee when raised).")
    async def employee(self, info: Info) -> EmployeeType | None:
        if self.employee_uuid is None:
            return None
        employee = await info.context.loaders.employees.load(self.employee_uuid)
        return None if employee is None else EmployeeType.of(employee)

    @classmethod
    def of(cls, alert: model.Alert) -> AlertType:
        """The GraphQL shape of an alert."""
        by = alert.resolved_by
        return cls(
            id=to_id(alert.id),
            kind=alert.kind,
            sla_status=alert.sla_status,
            message=alert.message,
            created_at=alert.created_at,
            task_id=to_optional_id(alert.task_id),
            employee_id=to_optional_id(alert.employee_id),
            timer_id=to_optional_id(alert.timer_id),
            idle_since=alert.idle_since,
            business_date=alert.business_date,
            resolved_at=alert.resolved_at,
            resolved_by=None if by is None else ActorRecord.of(by),
            task_uuid=alert.task_id,
            employee_uuid=alert.employee_id,
        )


@strawberry.type
class AlertEdge:
    node: AlertType
    cursor: str


@strawberry.type
class AlertConnection:
    """A page of alerts, newest first."""

    edges: list[AlertEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: Page[model.Alert]) -> AlertConnection:
        """The connection of a page of alerts."""
        edges = [
            AlertEdge(node=AlertType.of(a), cursor=encode_cursor(a.created_at, a.id))
            for a in page.items
        ]
        return cls(edges=edges, page_info=page_info([e.cursor for e in edges], page.has_next))


@strawberry.type(name="AuditEntry")
class AuditEntryType:
    """One change made through JTS."""

    id: strawberry.ID
    at: datetime
    actor: ActorRecord
    action: str = strawberry.field(description="The use case, e.g. task.assign.")
    entity_type: str
    entity_id: strawberry.ID | None
    summary: str

    @classmethod
    def of(cls, entry: model.AuditEntry) -> AuditEntryType:
        """The GraphQL shape of an audit entry."""
        actor = entry.actor
        return cls(
            id=to_id(entry.id),
            at=entry.at,
            actor=ActorRecord.of(actor),
            action=entry.action,
            entity_type=entry.entity_type,
            entity_id=to_optional_id(entry.entity_id),
            summary=entry.summary,
        )


@strawberry.type
class AuditEntryEdge:
    node: AuditEntryType
    cursor: str


@strawberry.type
class AuditEntryConnection:
    """A page of the audit log, newest first."""

    edges: list[AuditEntryEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: Page[model.AuditEntry]) -> AuditEntryConnection:
        """The connection of a page of audit entries."""
        edges = [
            AuditEntryEdge(node=AuditEntryType.of(e), cursor=encode_cursor(e.at, e.id))
            for e in page.items
        ]
        return cls(edges=edges, page_info=page_info([e.cursor for e in edges], page.has_next))
