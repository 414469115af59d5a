"""Alerts in PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, bindparam, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Date, DateTime, Text, Uuid

from jts_domain.errors import not_found
from jts_domain.model import SLA_ALERT_KINDS, Actor, ActorType, Alert, AlertKind, SlaStatus
from jts_store.repositories.transaction import TransactionConnection
from jts_store.tables import AlertRow
from jts_store.tables.base import table_of

_alerts = table_of(AlertRow)

# Any number of alerts in one statement; one per occasion (each kind's partial unique
# index), whoever came first.
_ADD_ALERTS = text(
    """
    INSERT INTO alerts
        (id, organization_id, kind, task_id, employee_id, sla_status, message, created_at,
         timer_id, idle_since, business_date)
    SELECT * FROM unnest(:ids, :organization_ids, :kinds, :task_ids, :employee_ids,
                         :sla_statuses, :messages, :created_ats, :timer_ids, :idle_sinces,
                         :business_dates)
    ON CONFLICT DO NOTHING
    RETURNING id
    """
).bindparams(
    bindparam("ids", type_=ARRAY(Uuid())),
    bindparam("organization_ids", type_=ARRAY(Uuid())),
    bindparam("kinds", type_=ARRAY(Text())),
    bindparam("task_ids", type_=ARRAY(Uuid())),
    bindparam("employee_ids", type_=ARRAY(Uuid())),
    bindparam("sla_statuses", type_=ARRAY(Text())),
    bindparam("messages", type_=ARRAY(Text())),
    bindparam("created_ats", type_=ARRAY(DateTime(timezone=True))),
    bindparam("timer_ids", type_=ARRAY(Uuid())),
    bindparam("idle_sinces", type_=ARRAY(DateTime(timezone=True))),
    bindparam("business_dates", type_=ARRAY(Date())),
)

# The open IDLE alerts of the timers whose activity now reaches past the spell's start.
_RESOLVE_IDLE = text(
    """
    UPDATE alerts SET resolved_at = :at, resolved_by_type = :by_type, resolved_by_id = :by_id,
                      resolved_by_name = :by_name
    FROM unnest(:timer_ids, :active_untils) AS reached(timer_id, active_until)
    WHERE alerts.organization_id = :organization_id AND alerts.kind = 'IDLE'
      AND alerts.resolved_at IS NULL AND alerts.timer_id = reached.timer_id
      AND alerts.idle_since < reached.active_until
    RETURNING alerts.*
    """
).bindparams(
    bindparam("timer_ids", type_=ARRAY(Uuid())),
    bindparam("active_untils", type_=ARRAY(DateTime(timezone=True))),
    bindparam("by_id", type_=Uuid()),
)


def _any_of(name: str, ids: Sequence[UUID]) -> Any:
    """``= ANY(:ids)``: one array parameter however many ids there are."""
    return bindparam(name, list(ids), type_=ARRAY(Uuid())).any_()


def _alert(row: Row[Any]) -> Alert:
    resolved_by = None
    if row.resolved_by_type is not None:
        resolved_by = Actor(
            type=ActorType(row.resolved_by_type), id=row.resolved_by_id, name=row.resolved_by_name
        )
    return Alert(
        id=row.id,
        organization_id=row.organization_id,
        kind=AlertKind(row.kind),
        task_id=row.task_id,
        employee_id=row.employee_id,
        sla_status=None if row.sla_status is None else SlaStatus(row.sla_status),
        message=row.message,
        created_at=row.created_at,
        timer_id=row.timer_id,
        idle_since=row.idle_since,
        business_date=row.business_date,
        resolved_at=row.resolved_at,
        resolved_by=resolved_by,
    )


def _columns(alerts: Sequence[Alert]) -> dict[str, list[Any]]:
    return {
        "ids": [a.id for a in alerts],
        "organization_ids": [a.organization_id for a in alerts],
        "kinds": [a.kind.value for a in alerts],
        "task_ids": [a.task_id for a in alerts],
        "employee_ids": [a.employee_id for a in alerts],
        "sla_statuses": [None if a.sla_status is None else a.sla_status.value for a in alerts],
        "messages": [a.message for a in alerts],
        "created_ats": [a.created_at for a in alerts],
        "timer_ids": [a.timer_id for a in alerts],
        "idle_sinces": [a.idle_since for a in alerts],
        "business_dates": [a.business_date for a in alerts],
    }


class SqlAlerts:
    """Alerts, at most one per occasion (a partial unique index per kind)."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def add_if_new(self, alert: Alert) -> bool:
        return bool(await self.add_many_if_new([alert]))

    async def add_many_if_new(self, alerts: Sequence[Alert]) -> list[Alert]:
        if not alerts:
            return []
        rows = await self._db.execute(_ADD_ALERTS, _columns(alerts))
        stored = {row.id for row in rows}
        return [a for a in alerts if a.id in stored]

    async def get(self, organization_id: UUID, alert_id: UUID) -> Alert:
        statement = select(_alerts).where(
            _alerts.c.organization_id == organization_id, _alerts.c.id == alert_id
        )
        row = (await self._db.execute(statement)).one_or_none()
        if row is None:
            raise not_found("alert", alert_id)
        return _alert(row)

    async def resolve(self, alert: Alert) -> bool:
        by = alert.resolved_by
        statement = (
            update(_alerts)
            .where(
                _alerts.c.organization_id == alert.organization_id,
                _alerts.c.id == alert.id,
                _alerts.c.resolved_at.is_(None),
            )
            .values(
                resolved_at=alert.resolved_at,
                resolved_by_type=None if by is None else by.type.value,
                resolved_by_id=None if by is None else by.id,
                resolved_by_name=None if by is None else by.name,
            )
        )
        return bool((await self._db.execute(statement)).rowcount)

    async def resolve_idle(
        self, organization_id: UUID, active_until: dict[UUID, datetime], at: datetime, by: Actor
    ) -> list[Alert]:
        if not active_until:
            return []
        timers = sorted(active_until)
        rows = await self._db.execute(
            _RESOLVE_IDLE,
            {
                "organization_id": organization_id,
                "timer_ids": timers,
                "active_untils": [active_until[t] for t in timers],
                "at": at,
                "by_type": by.type.value,
                "by_id": by.id,
                "by_name": by.name,
            },
        )
        return sorted((_alert(row) for row in rows), key=lambda a: a.id)

    async def recent(
        self,
        organization_id: UUID,
        *,
        employee_ids: frozenset[UUID] | None = None,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[Alert]:
        statement = select(_alerts).where(_alerts.c.organization_id == organization_id)
        if employee_ids is not None:
            statement = statement.where(_alerts.c.employee_id.in_(sorted(employee_ids)))
        if after is not None:
            statement = statement.where(tuple_(_alerts.c.created_at, _alerts.c.id) < tuple_(*after))
        order = (_alerts.c.created_at.desc(), _alerts.c.id.desc())
        rows = await self._db.execute(statement.order_by(*order).limit(max(limit, 0)))
        return [_alert(row) for row in rows]

    async def kinds_for_tasks(
        self, organization_id: UUID, task_ids: Sequence[UUID]
    ) -> set[tuple[UUID, AlertKind]]:
        if not task_ids:
            return set()
        statement = select(_alerts.c.task_id, _alerts.c.kind).where(
            _alerts.c.organization_id == organization_id,
            _alerts.c.task_id == _any_of("task_ids", task_ids),
            _alerts.c.kind.in_(sorted(k.value for k in SLA_ALERT_KINDS)),
        )
        return {(task_id, AlertKind(kind)) for task_id, kind in await self._db.execute(statement)}
