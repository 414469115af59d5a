"""In-memory jobs to do and outbox consumers, held to the same tests as the store's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode, not_found
from jts_domain.jtd.catalog import CATALOG
from jts_domain.jtd.master import Catalog
from jts_domain.jtd.model import JobStatusChange, JobToDo, JtdSettings, SourceSettings
from jts_domain.jtd.ports import AgentScope, JobToDoFilter
from jts_domain.memory.tables import Tables, detached
from jts_domain.model import ActorType
from jts_domain.ports import OutboxBatch


def _schedule_key(job: JobToDo) -> tuple[datetime, UUID]:
    return (job.scheduled_at, job.id)


class MemoryJtd:
    """Jobs to do in process memory (the master data is the domain's catalog itself)."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def catalog(self) -> Catalog:
        return CATALOG

    async def settings(self, organization_id: UUID) -> JtdSettings:
        found = self._t.jtd.settings.get(organization_id)
        return found if found is not None else JtdSettings(organization_id=organization_id)

    async def save_settings(self, settings: JtdSettings) -> JtdSettings:
        stored = await self.settings(settings.organization_id)
        if stored.version != settings.version:
            raise DomainError(
                ErrorCode.CONFLICT,
                "the JTD settings were changed by someone else; reload and retry",
                {"version": settings.version},
            )
        saved = replace(settings, version=settings.version + 1)
        self._t.jtd.settings[settings.organization_id] = saved
        return saved

    async def source_settings(self, organization_id: UUID) -> dict[str, SourceSettings]:
        rows = self._t.jtd.source_settings
        return {s: row for (org, s), row in sorted(rows.items()) if org == organization_id}

    async def save_source_settings(self, settings: SourceSettings) -> None:
        self._t.jtd.source_settings[(settings.organization_id, settings.source_type)] = settings

    def _keys(self, organization_id: UUID) -> set[str]:
        return {
            job.idempotency_key
            for job in self._t.jtd.jobs.values()
            if job.organization_id == organization_id and job.idempotency_key is not None
        }

    async def add_many(self, jobs: Sequence[JobToDo]) -> list[JobToDo]:
        stored: list[JobToDo] = []
        for job in jobs:
            if job.id in self._t.jtd.jobs:
                raise DomainError(ErrorCode.CONFLICT, "a record with this id exists")
            if job.idempotency_key is not None and job.idempotency_key in self._keys(
                job.organization_id
            ):
                continue
            self._t.jtd.jobs[job.id] = detached(job)
            stored.append(job)
        return stored

    async def find_by_keys(self, organization_id: UUID, keys: Sequence[str]) -> list[JobToDo]:
        wanted = set(keys)
        found = [
            job
            for job in self._t.jtd.jobs.values()
            if job.organization_id == organization_id and job.idempotency_key in wanted
        ]
        return [detached(job) for job in sorted(found, key=_schedule_key)]

    async def get(self, organization_id: UUID, job_id: UUID) -> JobToDo:
        job = self._t.jtd.jobs.get(job_id)
        if job is None or job.organization_id != organization_id:
            raise not_found("job to do", job_id)
        return detached(job)

    async def get_many(self, organization_id: UUID, job_ids: Sequence[UUID]) -> list[JobToDo]:
        found = (self._t.jtd.jobs.get(job_id) for job_id in set(job_ids))
        rows = [job for job in found if job is not None and job.organization_id == organization_id]
        return [detached(job) for job in sorted(rows, key=lambda j: j.id)]

    def _fresh(self, job: JobToDo) -> bool:
        stored = self._t.jtd.jobs.get(job.id)
        return (
            stored is not None
            and stored.organization_id == job.organization_id
            and (stored.version == job.version)
        )

    async def update(self, job: JobToDo) -> None:
        stored = self._t.jtd.jobs.get(job.id)
        if stored is None or stored.organization_id != job.organization_id:
            raise not_found("job to do", job.id)
        if not self._fresh(job):
            raise DomainError(
                ErrorCode.CONFLICT,
                "the job to do was changed by someone else; reload and retry",
                {"id": str(job.id), "version": job.version},
            )
        job.version += 1
        self._t.jtd.jobs[job.id] = detached(job)

    async def update_many(self, jobs: Sequence[JobToDo]) -> set[UUID]:
        written: set[UUID] = set()
        for job in jobs:
            if self._fresh(job):
                job.version += 1
                self._t.jtd.jobs[job.id] = detached(job)
                written.add(job.id)
        return written

    async def add_history(self, changes: Sequence[JobStatusChange]) -> None:
        for change in changes:
            self._t.jtd.history.setdefault(change.job_id, []).append(change)

    async def histories(
        self, organization_id: UUID, job_ids: Sequence[UUID]
    ) -> dict[UUID, list[JobStatusChange]]:
        found: dict[UUID, list[JobStatusChange]] = {}
        for job_id in set(job_ids):
            rows = [
                c
                for c in self._t.jtd.history.get(job_id, [])
                if c.organization_id == (organization_id)
            ]
            if rows:
                found[job_id] = sorted(rows, key=lambda c: (c.ended_at, c.id))
        return found

    def _of(self, organization_id: UUID) -> list[JobToDo]:
        return [j for j in self._t.jtd.jobs.values() if j.organization_id == organization_id]

    async def search(
        self,
        organization_id: UUID,
        job_filter: JobToDoFilter,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[JobToDo]:
        rows = sorted(
            (j for j in self._of(organization_id) if job_filter.matches(j)), key=_schedule_key
        )
        if after is not None:
            rows = [j for j in rows if _schedule_key(j) > after]
        return [detached(j) for j in rows[: max(limit, 0)]]

    async def in_scope(
        self, organization_id: UUID, scope: AgentScope, *, until: datetime, limit: int
    ) -> list[JobToDo]:
        rows = sorted(
            (j for j in self._of(organization_id) if j.scheduled_at <= until and scope.covers(j)),
            key=_schedule_key,
        )
        return [detached(j) for j in rows[: max(limit, 0)]]

    async def changes_by(
        self,
        organization_id: UUID,
        actor_type: ActorType,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[JobStatusChange]:
        rows = [
            change
            for changes in self._t.jtd.history.values()
            for change in changes
            if change.organization_id == organization_id and change.actor.type is actor_type
        ]
        rows.sort(key=lambda c: (c.ended_at, c.id), reverse=True)
        if after is not None:
            rows = [c for c in rows if (c.ended_at, c.id) < after]
        return rows[: max(limit, 0)]


class MemoryOutboxConsumers:
    """Consumer positions over the in-memory outbox (positions are list indexes).

    Units of work run one at a time here, so a claim is never contended. The outbox
    keeps no transaction boundaries; a batch is extended past ``limit`` while the next
    event has the same organization and instant as the last (what one commit writes).
    """

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def claim(self, consumer: str, limit: int) -> OutboxBatch | None:
        outbox = self._t.outbox
        start = self._t.jtd.consumer_positions.get(consumer, 0)
        end = min(start + max(limit, 1), len(outbox))
        if end <= start:
            return None
        last = outbox[end - 1]
        while end < len(outbox) and (
            outbox[end].organization_id,
            outbox[end].occurred_at,
        ) == (last.organization_id, last.occurred_at):
            end += 1
        return OutboxBatch(
            events=tuple(outbox[start:end]),
            keys=tuple(str(index) for index in range(start, end)),
            end=str(end),
        )

    async def advance(self, consumer: str, end: str) -> None:
        self._t.jtd.consumer_positions[consumer] = int(end)
