"""``uow.activity`` on PostgreSQL: the activity repository."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Row, bindparam, delete, insert, select, text, tuple_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Boolean, Date, DateTime, Double, Integer, Numeric, Text, Uuid

from jts_domain.activity.model import (
    ActivityKind,
    ActivityRejection,
    AppSeconds,
    DailyActivity,
    DayFigures,
    PresenceFacts,
    Project,
    RejectionReason,
    TaskSeconds,
    TimerActivity,
)
from jts_domain.activity.months import add_months, month_of
from jts_domain.activity.ports import IngestBatch, IngestOutcome
from jts_domain.errors import not_found
from jts_store.activity import active_timers, figures, partitions
from jts_store.activity.ingest import INGEST, ingest_outcome, ingest_parameters
from jts_store.activity.tables import (
    ActivityKeyRow,
    ActivityRejectionRow,
    DailyActivityRow,
    HeartbeatRow,
    ProjectRow,
)
from jts_store.repositories.transaction import TransactionConnection
from jts_store.tables.base import table_of

_rejections = table_of(ActivityRejectionRow)
_projects = table_of(ProjectRow)
_daily = table_of(DailyActivityRow)
_keys = table_of(ActivityKeyRow)
_heartbeats = table_of(HeartbeatRow)

# Any number of summaries in one statement; one per employee and date.
_SAVE_SUMMARIES = text(
    """
    INSERT INTO activity_daily
        (organization_id, employee_id, business_date, active_seconds, timer_seconds,
         idle_seconds, heartbeats, productivity, by_task, top_apps, settled, computed_at)
    SELECT organization_id, employee_id, business_date, active_seconds, timer_seconds,
           idle_seconds, heartbeats, productivity, by_task::jsonb, top_apps::jsonb, settled,
           computed_at
    FROM unnest(:organization_ids, :employee_ids, :business_dates, :active_seconds,
                :timer_seconds, :idle_seconds, :heartbeats, :productivities, :by_tasks,
                :top_apps, :settled, :computed_ats)
        AS s(organization_id, employee_id, business_date, active_seconds, timer_seconds,
             idle_seconds, heartbeats, productivity, by_task, top_apps, settled, computed_at)
    ON CONFLICT (organization_id, employee_id, business_date) DO UPDATE SET
        active_seconds = excluded.active_seconds, timer_seconds = excluded.timer_seconds,
        idle_seconds = excluded.idle_seconds, heartbeats = excluded.heartbeats,
        productivity = excluded.productivity, by_task = excluded.by_task,
        top_apps = excluded.top_apps, settled = excluded.settled,
        computed_at = excluded.computed_at
    """
).bindparams(
    bindparam("organization_ids", type_=ARRAY(Uuid())),
    bindparam("employee_ids", type_=ARRAY(Uuid())),
    bindparam("business_dates", type_=ARRAY(Date())),
    bindparam("active_seconds", type_=ARRAY(Double())),
    bindparam("timer_seconds", type_=ARRAY(Double())),
    bindparam("idle_seconds", type_=ARRAY(Double())),
    bindparam("heartbeats", type_=ARRAY(Integer())),
    bindparam("productivities", type_=ARRAY(Numeric())),
    bindparam("by_tasks", type_=ARRAY(Text())),
    bindparam("top_apps", type_=ARRAY(Text())),
    bindparam("settled", type_=ARRAY(Boolean())),
    bindparam("computed_ats", type_=ARRAY(DateTime(timezone=True))),
)


def _rejection(row: Row[Any]) -> ActivityRejection:
    return ActivityRejection(
        id=row.id,
        organization_id=row.organization_id,
        employee_id=row.employee_id,
        client_id=row.client_id,
        at=row.at,
        kind=None if row.kind is None else ActivityKind(row.kind),
        seconds=row.seconds,
        reason=RejectionReason(row.reason),
        message=row.message,
        received_at=row.received_at,
        app=row.app,
        url=row.url,
        title=row.title,
    )


def _project(row: Row[Any]) -> Project:
    return Project(
        id=row.id,
        organization_id=row.organization_id,
        name=row.name,
        description=row.description,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def _summary(row: Row[Any]) -> DailyActivity:
    return DailyActivity(
        organization_id=row.organization_id,
        employee_id=row.employee_id,
        business_date=row.business_date,
        active_seconds=row.active_seconds,
        timer_seconds=row.timer_seconds,
        idle_seconds=row.idle_seconds,
        heartbeats=row.heartbeats,
        productivity=None if row.productivity is None else Decimal(row.productivity),
        by_task=tuple(
            TaskSeconds(task_id=UUID(t["task_id"]), seconds=t["seconds"]) for t in row.by_task
        ),
        top_apps=tuple(AppSeconds(app=a["app"], seconds=a["seconds"]) for a in row.top_apps),
        settled=row.settled,
        computed_at=row.computed_at,
    )


def _summary_columns(summaries: Sequence[DailyActivity]) -> dict[str, list[Any]]:
    return {
        "organization_ids": [s.organization_id for s in summaries],
        "employee_ids": [s.employee_id for s in summaries],
        "business_dates": [s.business_date for s in summaries],
        "active_seconds": [s.active_seconds for s in summaries],
        "timer_seconds": [s.timer_seconds for s in summaries],
        "idle_seconds": [s.idle_seconds for s in summaries],
        "heartbeats": [s.heartbeats for s in summaries],
        "productivities": [s.productivity for s in summaries],
        "by_tasks": [
            json.dumps([{"task_id": str(t.task_id), "seconds": t.seconds} for t in s.by_task])
            for s in summaries
        ],
        "top_apps": [
            json.dumps([{"app": a.app, "seconds": a.seconds} for a in s.top_apps])
            for s in summaries
        ],
        "settled": [s.settled for s in summaries],
        "computed_ats": [s.computed_at for s in summaries],
    }


class SqlActivity:
    """Heartbeats, keys, rejections, summaries, projects and month partitions."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def ingest(self, batch: IngestBatch) -> IngestOutcome:
        ats = [e.item.at for e in batch.keyed if e.refusal is None]
        if ats:
            # Accepted heartbeats span at most a few days: every month from first to last.
            first, last = month_of(min(ats)), month_of(max(ats))
            months = [first]
            while months[-1] < last:
                months.append(add_months(months[-1], 1))
            await partitions.ensure_months(self._db, months)
        rows = await self._db.execute(INGEST, ingest_parameters(batch))
        return ingest_outcome(batch, rows)

    async def rejections(
        self, organization_id: UUID, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[ActivityRejection]:
        statement = select(_rejections).where(_rejections.c.organization_id == organization_id)
        if after is not None:
            key = tuple_(_rejections.c.received_at, _rejections.c.id)
            statement = statement.where(key < tuple_(*after))
        order = (_rejections.c.received_at.desc(), _rejections.c.id.desc())
        rows = await self._db.execute(statement.order_by(*order).limit(max(limit, 0)))
        return [_rejection(row) for row in rows]

    async def add_project(self, project: Project) -> None:
        values = {
            "id": project.id,
            "organization_id": project.organization_id,
            "name": project.name,
            "description": project.description,
            "created_at": project.created_at,
            "created_by": project.created_by,
        }
        await self._db.execute(insert(_projects).values(**values))

    async def get_project(self, organization_id: UUID, project_id: UUID) -> Project:
        statement = select(_projects).where(
            _projects.c.organization_id == organization_id, _projects.c.id == project_id
        )
        row = (await self._db.execute(statement)).one_or_none()
        if row is None:
            raise not_found("project", project_id)
        return _project(row)

    async def list_projects(self, organization_id: UUID) -> list[Project]:
        statement = (
            select(_projects)
            .where(_projects.c.organization_id == organization_id)
            .order_by(_projects.c.name, _projects.c.id)
        )
        return [_project(row) for row in await self._db.execute(statement)]

    async def day_figures(
        self,
        organization_id: UUID,
        employee_ids: Sequence[UUID] | None,
        date_from: date,
        date_to: date,
        until: datetime,
        *,
        project_id: UUID | None = None,
    ) -> list[DayFigures]:
        return await figures.day_figures(
            self._db,
            organization_id,
            employee_ids,
            date_from=date_from,
            date_to=date_to,
            until=until,
            project_id=project_id,
        )

    async def timer_activity(self, organization_id: UUID, timer_id: UUID, until: datetime) -> float:
        return await figures.timer_activity(self._db, organization_id, timer_id, until)

    async def save_summaries(self, summaries: Sequence[DailyActivity]) -> None:
        latest = list(
            {(s.organization_id, s.employee_id, s.business_date): s for s in summaries}.values()
        )
        if latest:
            await self._db.execute(_SAVE_SUMMARIES, _summary_columns(latest))

    async def summaries(
        self,
        organization_id: UUID,
        employee_ids: Sequence[UUID] | None,
        date_from: date,
        date_to: date,
    ) -> list[DailyActivity]:
        statement = select(_daily).where(
            _daily.c.organization_id == organization_id,
            _daily.c.business_date.between(date_from, date_to),
        )
        if employee_ids is not None:
            wanted = bindparam("employee_ids", list(employee_ids), type_=ARRAY(Uuid()))
            statement = statement.where(_daily.c.employee_id == wanted.any_())
        statement = statement.order_by(_daily.c.business_date, _daily.c.employee_id)
        return [_summary(row) for row in await self._db.execute(statement)]

    async def unsettled_dates(self, organization_id: UUID, since: date) -> list[date]:
        statement = (
            select(_daily.c.business_date)
            .where(
                _daily.c.organization_id == organization_id,
                _daily.c.business_date >= since,
                _daily.c.settled.is_(False),
            )
            .distinct()
            .order_by(_daily.c.business_date)
        )
        return list((await self._db.execute(statement)).scalars())

    async def active_timers(self, organization_id: UUID) -> list[TimerActivity]:
        return await active_timers.active_timers(self._db, organization_id)

    async def presence_facts(
        self, organization_id: UUID, employee_ids: Sequence[UUID] | None
    ) -> list[PresenceFacts]:
        return await active_timers.presence_facts(self._db, organization_id, employee_ids)

    async def running_seconds(
        self, organization_id: UUID, dates: Sequence[date], until: datetime
    ) -> dict[tuple[UUID, date], float]:
        return await active_timers.running_seconds(self._db, organization_id, dates, until)

    async def storage_months(self) -> list[date]:
        return await partitions.existing_months(self._db)

    async def create_months(self, months: Sequence[date]) -> None:
        await partitions.create_months(self._db.engine, months)

    async def drop_months(self, months: Sequence[date]) -> None:
        await partitions.drop_months(self._db.engine, months)

    async def delete_before(self, organization_id: UUID, cutoff: datetime) -> int:
        gone = await self._db.execute(
            delete(_heartbeats).where(
                _heartbeats.c.organization_id == organization_id, _heartbeats.c.at < cutoff
            )
        )
        for table in (_keys, _rejections):
            await self._db.execute(
                delete(table).where(
                    table.c.organization_id == organization_id, table.c.received_at < cutoff
                )
            )
        return int(gone.rowcount)
