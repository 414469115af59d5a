"""What activity tracking needs from storage: one repository, ``uow.activity``.

The store writes a batch of heartbeats set-wise and aggregates spans in SQL; the
in-memory adapter does the same in Python with :mod:`jts_domain.activity.spans`, and
both are held to the same tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from jts_domain.activity.intake import Refusal
from jts_domain.activity.model import (
    ActivityItem,
    ActivityRejection,
    DailyActivity,
    DayFigures,
    PresenceFacts,
    Project,
    TimerActivity,
)


@dataclass(frozen=True, slots=True)
class IngestItem:
    """An item with a usable client id, and the refusal decided before the store (if any)."""

    item: ActivityItem
    refusal: Refusal | None = None

    @property
    def client_id(self) -> str:
        """The item's client id (always set on an ingest item)."""
        assert self.item.client_id is not None
        return self.item.client_id


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestBatch:
    """One upload of one employee, ready to be written in one go.

    ``keyed`` holds distinct client ids in client-id order (the order the store takes
    its keys in, so that overlapping concurrent uploads never deadlock); ``unkeyed``
    the rejections of items that had no usable client id.
    """

    organization_id: UUID
    employee_id: UUID
    received_at: datetime
    keyed: tuple[IngestItem, ...]
    unkeyed: tuple[ActivityRejection, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TouchedTimer:
    """A timer that received heartbeats in an ingest.

    ``summarized``: its business date already has a stored summary (late data);
    ``open_idle_since``: the start of its unresolved IDLE alert's spell, if it has one.
    """

    timer_id: UUID
    employee_id: UUID
    business_date: date
    summarized: bool
    open_idle_since: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestOutcome:
    """What an ingest stored: for each client id first seen now, the timer its heartbeat
    went to (None: rejected, for its refusal or for NO_TIMER). Client ids of the batch
    that are not here had been seen before (DUPLICATE)."""

    first_seen: dict[str, UUID | None]
    timers: tuple[TouchedTimer, ...] = ()


class ActivityRepository(Protocol):
    """Heartbeats (partitioned by month), their keys, rejections, summaries, projects."""

    async def ingest(self, batch: IngestBatch) -> IngestOutcome:
        """Write a batch: each client id once per organization (whatever else differs),
        each heartbeat on the employee's timer whose RUNNING interval holds its ``at``
        (or rejected NO_TIMER), every rejection kept; the month storage it needs is made
        first. Concurrent batches sharing client ids store each id exactly once."""
        ...

    async def rejections(
        self, organization_id: UUID, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[ActivityRejection]:
        """Rejected items, newest first by ``(received_at, id)``, strictly after the cursor."""
        ...

    async def add_project(self, project: Project) -> None:
        """Store a project; VALIDATION_ERROR when the organization has one of that name."""
        ...

    async def get_project(self, organization_id: UUID, project_id: UUID) -> Project: ...
    async def list_projects(self, organization_id: UUID) -> list[Project]:
        """The organization's projects by name."""
        ...

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
        """Figures of each (employee, business date) in the range that has a timer, by
        date then employee (see :class:`DayFigures`); only the project's tasks' timers
        when a project is given; every employee when ``employee_ids`` is None."""
        ...

    async def timer_activity(self, organization_id: UUID, timer_id: UUID, until: datetime) -> float:
        """One timer's activity seconds (ACTIVE union clipped to RUNNING) up to ``until``."""
        ...

    async def save_summaries(self, summaries: Sequence[DailyActivity]) -> None:
        """Insert or replace each (employee, date) summary."""
        ...

    async def summaries(
        self,
        organization_id: UUID,
        employee_ids: Sequence[UUID] | None,
        date_from: date,
        date_to: date,
    ) -> list[DailyActivity]:
        """Stored summaries in the range, by date then employee."""
        ...

    async def unsettled_dates(self, organization_id: UUID, since: date) -> list[date]:
        """Dates from ``since`` on with a summary computed while a timer still ran."""
        ...

    async def active_timers(self, organization_id: UUID) -> list[TimerActivity]:
        """Every non-stopped timer of the organization with its heartbeat facts."""
        ...

    async def presence_facts(
        self, organization_id: UUID, employee_ids: Sequence[UUID] | None
    ) -> list[PresenceFacts]:
        """Presence facts of the active employees (among the ids, when given), by id."""
        ...

    async def running_seconds(
        self, organization_id: UUID, dates: Sequence[date], until: datetime
    ) -> dict[tuple[UUID, date], float]:
        """RUNNING seconds of each employee's timers per business date (open intervals
        counted until ``until``); pairs without running time are left out."""
        ...

    async def storage_months(self) -> list[date]:
        """The months that have heartbeat storage (shared by every organization)."""
        ...

    async def create_months(self, months: Sequence[date]) -> None:
        """Make storage for the months (a month that exists is left alone)."""
        ...

    async def drop_months(self, months: Sequence[date]) -> None:
        """Detach and drop the months' storage, heartbeats and all."""
        ...

    async def delete_before(self, organization_id: UUID, cutoff: datetime) -> int:
        """Delete the organization's heartbeats, keys and rejections older than ``cutoff``
        (by ``at`` for heartbeats, by receipt for the others); how many heartbeats."""
        ...
