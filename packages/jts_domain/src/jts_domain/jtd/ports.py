"""What the JTD use cases need from storage (one repository, ``uow.jtd``), and the filters
it takes. The filters carry their own ``matches``/``covers`` so the in-memory adapter
applies exactly what the store's SQL does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from jts_domain.jtd.master import Catalog
from jts_domain.jtd.model import JobStatusChange, JobToDo, JtdSettings, SourceSettings
from jts_domain.model import ActorType


@dataclass(frozen=True, slots=True, kw_only=True)
class JobToDoFilter:
    """Filters of a job listing; None means any. ``recipient_id`` names the employee the
    jobs are addressed to (an employee's own listing always sets it)."""

    event_types: frozenset[str] | None = None
    statuses: frozenset[str] | None = None
    source_types: frozenset[str] | None = None
    recipient_id: UUID | None = None
    scheduled_from: datetime | None = None
    scheduled_to: datetime | None = None
    is_live: bool | None = None

    def matches(self, job: JobToDo) -> bool:
        """Whether the job passes every filter given (``scheduled_to`` is exclusive)."""
        checks = (
            self.event_types is None or job.event_type in self.event_types,
            self.statuses is None or job.status in self.statuses,
            self.source_types is None or job.source_type in self.source_types,
            self.recipient_id is None or job.recipient.employee_id == self.recipient_id,
            self.scheduled_from is None or job.scheduled_at >= self.scheduled_from,
            self.scheduled_to is None or job.scheduled_at < self.scheduled_to,
            self.is_live is None or job.is_live is self.is_live,
        )
        return all(checks)


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentScope:
    """The jobs the agent moves: of ``event_types`` unless their source is excluded, or
    of an included source; and only in a status from which it has a way to go
    (``movable`` holds those ``(event type, status)`` pairs)."""

    event_types: frozenset[str]
    include_sources: frozenset[str]
    exclude_sources: frozenset[str]
    movable: frozenset[tuple[str, str]]

    def covers(self, job: JobToDo) -> bool:
        """Whether the agent may move the job (whatever its scheduled time)."""
        if (job.event_type, job.status) not in self.movable:
            return False
        if job.source_type in self.include_sources:
            return True
        return job.event_type in self.event_types and job.source_type not in self.exclude_sources


class JtdRepository(Protocol):
    """Jobs to do, their history, the tenant's settings, and the stored master data."""

    async def catalog(self) -> Catalog:
        """The master data as stored (seeded from :data:`jts_domain.jtd.catalog.CATALOG`)."""
        ...

    async def settings(self, organization_id: UUID) -> JtdSettings:
        """The tenant's settings, or the defaults (version 0) when it never stored any."""
        ...

    async def save_settings(self, settings: JtdSettings) -> JtdSettings:
        """Store the settings if the stored version is still ``settings.version`` (CONFLICT
        otherwise); the settings as stored, with the next version."""
        ...

    async def source_settings(self, organization_id: UUID) -> dict[str, SourceSettings]:
        """The tenant's per-source overrides, by source type."""
        ...

    async def save_source_settings(self, settings: SourceSettings) -> None:
        """Insert or replace the tenant's overrides of one source type."""
        ...

    async def add_many(self, jobs: Sequence[JobToDo]) -> list[JobToDo]:
        """Store the jobs, except those whose idempotency key the organization already has
        (even when another transaction stored it concurrently); the ones stored."""
        ...

    async def find_by_keys(self, organization_id: UUID, keys: Sequence[str]) -> list[JobToDo]:
        """The organization's jobs with these idempotency keys, by scheduled time then id."""
        ...

    async def get(self, organization_id: UUID, job_id: UUID) -> JobToDo: ...

    async def get_many(self, organization_id: UUID, job_ids: Sequence[UUID]) -> list[JobToDo]:
        """The organization's jobs among the ids, by id (unknown ids are skipped)."""
        ...

    async def update(self, job: JobToDo) -> None:
        """Store a changed job; CONFLICT when its version is stale (NOT_FOUND when gone)."""
        ...

    async def update_many(self, jobs: Sequence[JobToDo]) -> set[UUID]:
        """Store each job whose version is still the stored one, bumping it; the ids
        written (a job someone changed meanwhile is left as they made it)."""
        ...

    async def add_history(self, changes: Sequence[JobStatusChange]) -> None: ...

    async def histories(
        self, organization_id: UUID, job_ids: Sequence[UUID]
    ) -> dict[UUID, list[JobStatusChange]]:
        """Each job's moves, oldest first (jobs without any are left out)."""
        ...

    async def search(
        self,
        organization_id: UUID,
        job_filter: JobToDoFilter,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[JobToDo]:
        """Jobs ordered by (scheduled_at, id), strictly after the cursor when given."""
        ...

    async def in_scope(
        self, organization_id: UUID, scope: AgentScope, *, until: datetime, limit: int
    ) -> list[JobToDo]:
        """Jobs the scope covers scheduled at or before ``until``, by (scheduled_at, id)."""
        ...

    async def changes_by(
        self,
        organization_id: UUID,
        actor_type: ActorType,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[JobStatusChange]:
        """Moves made by actors of the type, newest first by (ended_at, id), strictly
        before the cursor when given."""
        ...
