"""The scheduled jobs' records: each run's execution log row and each job's pause switch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from jts_domain.schedule import JobName, SystemJobName


class JobTrigger(StrEnum):
    """Why a job ran: its schedule, a catch-up of a slot missed while no worker was up,
    or a person asking for it now."""

    SCHEDULE = "SCHEDULE"
    CATCH_UP = "CATCH_UP"
    MANUAL = "MANUAL"


@dataclass(slots=True, kw_only=True)
class JobExecution:
    """One run of a job for one organization: its execution log row.

    ``slot`` is the scheduled instant the run stands for (None for a manual run); the
    store keeps at most one row per organization, job and slot, so a slot runs once.
    ``finished_at`` is None while the run is under way (or was cut short and will be
    taken up again by a retry); ``attempts`` counts the times it was started.
    """

    id: UUID
    organization_id: UUID
    job: JobName
    slot: datetime | None
    trigger: JobTrigger
    started_at: datetime
    requested_by: UUID | None = None
    finished_at: datetime | None = None
    success: bool | None = None
    message: str | None = None
    error: str | None = None
    result: dict[str, Any] = field(default_factory=dict)
    attempts: int = 1

    @property
    def duration(self) -> timedelta | None:
        """How long the run took; None while it is under way."""
        return None if self.finished_at is None else self.finished_at - self.started_at

    @property
    def finished(self) -> bool:
        """Whether the run is over (successfully or not)."""
        return self.finished_at is not None


@dataclass(slots=True, kw_only=True)
class JobControl:
    """Whether a job is paused for an organization, and who last changed that, when."""

    organization_id: UUID
    job: JobName
    paused: bool
    changed_by: UUID | None
    changed_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class JobRunTotals:
    """Finished runs of one job, aggregated by the store: counts and durations (seconds).

    ``p95_seconds`` is the continuous 95th percentile (linear interpolation between the
    closest ranks, as PostgreSQL's ``percentile_cont``).
    """

    job: JobName
    runs: int
    succeeded: int
    mean_seconds: float | None
    p95_seconds: float | None


@dataclass(slots=True, kw_only=True)
class SystemJobRun:
    """One run of a system-wide job (:data:`jts_domain.schedule.SYSTEM_JOBS`): its row in
    the operator's execution log, which belongs to no organization.

    As for :class:`JobExecution`, a slot has at most one run; ``finished_at`` is None
    while the run is under way (or was cut short and will be taken up again).
    """

    id: UUID
    job: SystemJobName
    slot: datetime | None
    trigger: JobTrigger
    started_at: datetime
    finished_at: datetime | None = None
    success: bool | None = None
    message: str | None = None
    error: str | None = None
    result: dict[str, Any] = field(default_factory=dict)
    attempts: int = 1
