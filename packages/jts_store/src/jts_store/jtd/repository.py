"""Jobs to do in PostgreSQL: set-based writes, keyset reads, the agent's scope in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, bindparam, false, or_, select, text, true, tuple_
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.types import Boolean, DateTime, Integer, Text, Uuid

from jts_domain.errors import not_found
from jts_domain.jtd.master import Catalog
from jts_domain.jtd.model import JobStatusChange, JobToDo, JtdSettings, SourceSettings
from jts_domain.jtd.ports import AgentScope, JobToDoFilter
from jts_domain.model import ActorType
from jts_store.errors import stale
from jts_store.jtd.master_rows import MASTER_TABLES, catalog_from_rows
from jts_store.jtd.rows import (
    change_of,
    change_values,
    job_of,
    job_values,
    settings_of,
    settings_values,
    source_settings_of,
)
from jts_store.jtd.tables import (
    JobToDoHistoryRow,
    JobToDoRow,
    JtdSettingsRow,
    JtdSourceSettingsRow,
)
from jts_store.repositories.transaction import TransactionConnection, in_batches
from jts_store.tables import METADATA
from jts_store.tables.base import table_of

_jobs = table_of(JobToDoRow)
_history = table_of(JobToDoHistoryRow)
_settings = table_of(JtdSettingsRow)
_sources = table_of(JtdSourceSettingsRow)

# What a move (or a delivery attempt) changes, for any number of jobs in one statement;
# a job whose version moved on is left alone and not returned.
_UPDATE_MANY = text(
    """
    UPDATE jobs_to_do AS j SET
        status = u.status, status_changed_at = u.status_changed_at,
        performed_by_type = u.performed_by_type, performed_by_id = u.performed_by_id,
        performed_by_name = u.performed_by_name, valid_transition = u.valid_transition,
        scheduled_at = u.scheduled_at, attempts = u.attempts, last_error = u.last_error,
        version = j.version + 1
    FROM unnest(:ids, :organization_ids, :versions, :statuses, :status_changed_ats,
                :performed_by_types, :performed_by_ids, :performed_by_names,
                :valid_transitions, :scheduled_ats, :attempts, :last_errors)
        AS u(id, organization_id, version, status, status_changed_at, performed_by_type,
             performed_by_id, performed_by_name, valid_transition, scheduled_at, attempts,
             last_error)
    WHERE j.id = u.id AND j.organization_id = u.organization_id AND j.version = u.version
    RETURNING j.id
    """
).bindparams(
    bindparam("ids", type_=ARRAY(Uuid())),
    bindparam("organization_ids", type_=ARRAY(Uuid())),
    bindparam("versions", type_=ARRAY(Integer())),
    bindparam("statuses", type_=ARRAY(Text())),
    bindparam("status_changed_ats", type_=ARRAY(DateTime(timezone=True))),
    bindparam("performed_by_types", type_=ARRAY(Text())),
    bindparam("performed_by_ids", type_=ARRAY(Uuid())),
    bindparam("performed_by_names", type_=ARRAY(Text())),
    bindparam("valid_transitions", type_=ARRAY(Boolean())),
    bindparam("scheduled_ats", type_=ARRAY(DateTime(timezone=True))),
    bindparam("attempts", type_=ARRAY(Integer())),
    bindparam("last_errors", type_=ARRAY(Text())),
)

_MUTABLE = (
    "status",
    "status_changed_at",
    "performed_by_type",
    "performed_by_id",
    "performed_by_name",
    "valid_transition",
    "scheduled_at",
    "attempts",
    "last_error",
)


def _filter_clauses(job_filter: JobToDoFilter) -> list[ColumnElement[bool]]:
    f, c = job_filter, _jobs.c
    clauses: list[ColumnElement[bool]] = []
    if f.event_types is not None:
        clauses.append(c.event_type.in_(sorted(f.event_types)))
    if f.statuses is not None:
        clauses.append(c.status.in_(sorted(f.statuses)))
    if f.source_types is not None:
        clauses.append(c.source_type.in_(sorted(f.source_types)))
    if f.recipient_id is not None:
        clauses.append(c.recipient_employee_id == f.recipient_id)
    if f.scheduled_from is not None:
        clauses.append(c.scheduled_at >= f.scheduled_from)
    if f.scheduled_to is not None:
        clauses.append(c.scheduled_at < f.scheduled_to)
    if f.is_live is not None:
        clauses.append(c.is_live.is_(f.is_live))
    return clauses


def _scope_clause(scope: AgentScope) -> ColumnElement[bool]:
    c = _jobs.c
    movable = (
        tuple_(c.event_type, c.status).in_(sorted(scope.movable)) if scope.movable else false()
    )
    by_type = (
        and_(
            c.event_type.in_(sorted(scope.event_types)),
            c.source_type.not_in(sorted(scope.exclude_sources))
            if scope.exclude_sources
            else true(),
        )
        if scope.event_types
        else false()
    )
    by_source = (
        c.source_type.in_(sorted(scope.include_sources)) if scope.include_sources else false()
    )
    return and_(movable, or_(by_type, by_source))


class SqlJtd:
    """The JTD repository of a unit of work."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def catalog(self) -> Catalog:
        rows: dict[str, list[dict[str, Any]]] = {}
        for name in MASTER_TABLES:
            result = await self._db.execute(select(METADATA.tables[name]))
            rows[name] = [dict(row._mapping) for row in result]
        return catalog_from_rows(rows)

    async def settings(self, organization_id: UUID) -> JtdSettings:
        statement = select(_settings).where(_settings.c.organization_id == organization_id)
        row = (await self._db.execute(statement)).first()
        return settings_of(row) if row is not None else JtdSettings(organization_id=organization_id)

    async def save_settings(self, settings: JtdSettings) -> JtdSettings:
        saved = replace(settings, version=settings.version + 1)
        values = settings_values(saved)
        upsert = insert(_settings).values(**values)
        statement = upsert.on_conflict_do_update(
            index_elements=["organization_id"],
            set_={k: v for k, v in values.items() if k != "organization_id"},
            where=_settings.c.version == settings.version,
        ).returning(_settings.c.version)
        if (await self._db.execute(statement)).first() is None:
            raise stale("JTD settings", settings.organization_id, settings.version)
        return saved

    async def source_settings(self, organization_id: UUID) -> dict[str, SourceSettings]:
        statement = (
            select(_sources)
            .where(_sources.c.organization_id == organization_id)
            .order_by(_sources.c.source_type)
        )
        return {
            row.source_type: source_settings_of(row) for row in await self._db.execute(statement)
        }

    async def save_source_settings(self, settings: SourceSettings) -> None:
        values = {
            "organization_id": settings.organization_id,
            "source_type": settings.source_type,
            "channels": None if settings.channels is None else list(settings.channels),
            "auto_execute": settings.auto_execute,
            "priority": settings.priority,
            "delay_seconds": settings.delay_seconds,
        }
        statement = insert(_sources).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=["organization_id", "source_type"],
            set_={
                k: statement.excluded[k]
                for k in values
                if k not in ("organization_id", "source_type")
            },
        )
        await self._db.execute(statement)

    async def add_many(self, jobs: Sequence[JobToDo]) -> list[JobToDo]:
        stored: set[UUID] = set()
        for chunk in in_batches(jobs, len(_jobs.c)):
            statement = (
                insert(_jobs)
                .values([job_values(job) for job in chunk])
                .on_conflict_do_nothing(index_elements=["organization_id", "idempotency_key"])
                .returning(_jobs.c.id)
            )
            stored.update(row.id for row in await self._db.execute(statement))
        return [job for job in jobs if job.id in stored]

    async def find_by_keys(self, organization_id: UUID, keys: Sequence[str]) -> list[JobToDo]:
        if not keys:
            return []
        statement = (
            select(_jobs)
            .where(_jobs.c.organization_id == organization_id, _jobs.c.idempotency_key.in_(keys))
            .order_by(_jobs.c.scheduled_at, _jobs.c.id)
        )
        return [job_of(row) for row in await self._db.execute(statement)]

    async def get(self, organization_id: UUID, job_id: UUID) -> JobToDo:
        statement = select(_jobs).where(
            _jobs.c.organization_id == organization_id, _jobs.c.id == job_id
        )
        row = (await self._db.execute(statement)).first()
        if row is None:
            raise not_found("job to do", job_id)
        return job_of(row)

    async def get_many(self, organization_id: UUID, job_ids: Sequence[UUID]) -> list[JobToDo]:
        if not job_ids:
            return []
        statement = (
            select(_jobs)
            .where(_jobs.c.organization_id == organization_id, _jobs.c.id.in_(set(job_ids)))
            .order_by(_jobs.c.id)
        )
        return [job_of(row) for row in await self._db.execute(statement)]

    async def update(self, job: JobToDo) -> None:
        values = job_values(job)
        await self._db.update_versioned(
            _jobs,
            [_jobs.c.organization_id == job.organization_id, _jobs.c.id == job.id],
            entity="job to do",
            record_id=job.id,
            version=job.version,
            values={name: values[name] for name in (*_MUTABLE, "channel", "priority")},
        )
        job.version += 1

    async def update_many(self, jobs: Sequence[JobToDo]) -> set[UUID]:
        if not jobs:
            return set()
        rows = [job_values(job) for job in jobs]
        columns = {
            "ids": "id",
            "organization_ids": "organization_id",
            "versions": "version",
            "statuses": "status",
            "status_changed_ats": "status_changed_at",
            "performed_by_types": "performed_by_type",
            "performed_by_ids": "performed_by_id",
            "performed_by_names": "performed_by_name",
            "valid_transitions": "valid_transition",
            "scheduled_ats": "scheduled_at",
            "attempts": "attempts",
            "last_errors": "last_error",
        }
        params = {param: [r[column] for r in rows] for param, column in columns.items()}
        written = {row.id for row in await self._db.execute(_UPDATE_MANY, params)}
        for job in jobs:
            if job.id in written:
                job.version += 1
        return written

    async def add_history(self, changes: Sequence[JobStatusChange]) -> None:
        for chunk in in_batches(changes, len(_history.c)):
            await self._db.execute(insert(_history).values([change_values(c) for c in chunk]))

    async def histories(
        self, organization_id: UUID, job_ids: Sequence[UUID]
    ) -> dict[UUID, list[JobStatusChange]]:
        if not job_ids:
            return {}
        statement = (
            select(_history)
            .where(
                _history.c.organization_id == organization_id,
                _history.c.job_id.in_(set(job_ids)),
            )
            .order_by(_history.c.job_id, _history.c.ended_at, _history.c.id)
        )
        found: dict[UUID, list[JobStatusChange]] = {}
        for row in await self._db.execute(statement):
            found.setdefault(row.job_id, []).append(change_of(row))
        return found

    async def search(
        self,
        organization_id: UUID,
        job_filter: JobToDoFilter,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[JobToDo]:
        statement = select(_jobs).where(
            _jobs.c.organization_id == organization_id, *_filter_clauses(job_filter)
        )
        if after is not None:
            statement = statement.where(tuple_(_jobs.c.scheduled_at, _jobs.c.id) > tuple_(*after))
        statement = statement.order_by(_jobs.c.scheduled_at, _jobs.c.id).limit(max(limit, 0))
        return [job_of(row) for row in await self._db.execute(statement)]

    async def in_scope(
        self, organization_id: UUID, scope: AgentScope, *, until: datetime, limit: int
    ) -> list[JobToDo]:
        statement = (
            select(_jobs)
            .where(
                _jobs.c.organization_id == organization_id,
                _jobs.c.scheduled_at <= until,
                _scope_clause(scope),
            )
            .order_by(_jobs.c.scheduled_at, _jobs.c.id)
            .limit(max(limit, 0))
        )
        return [job_of(row) for row in await self._db.execute(statement)]

    async def changes_by(
        self,
        organization_id: UUID,
        actor_type: ActorType,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[JobStatusChange]:
        h = _history.c
        statement = select(_history).where(
            h.organization_id == organization_id, h.actor_type == actor_type.value
        )
        if after is not None:
            statement = statement.where(tuple_(h.ended_at, h.id) < tuple_(*after))
        statement = statement.order_by(h.ended_at.desc(), h.id.desc()).limit(max(limit, 0))
        return [change_of(row) for row in await self._db.execute(statement)]
