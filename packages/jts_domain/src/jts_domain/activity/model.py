"""Activity tracking's records: heartbeats, their results, projects, summaries, presence.

A heartbeat is what a desktop or mobile client reports while a timer runs: at ``at`` the
person was ACTIVE (or IDLE) for ``seconds``. Its span is ``[at, at + seconds)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from uuid import UUID


class ActivityKind(StrEnum):
    """What a heartbeat says the person was doing."""

    ACTIVE = "ACTIVE"
    IDLE = "IDLE"


class ActivityStatus(StrEnum):
    """What became of one reported heartbeat."""

    ACCEPTED = "ACCEPTED"
    DUPLICATE = "DUPLICATE"
    REJECTED = "REJECTED"


class RejectionReason(StrEnum):
    """Why a heartbeat was rejected."""

    TOO_OLD = "TOO_OLD"
    IN_FUTURE = "IN_FUTURE"
    NO_TIMER = "NO_TIMER"
    INVALID = "INVALID"


class PresenceState(StrEnum):
    """Where a person stands right now."""

    OFFLINE = "OFFLINE"
    ON_SHIFT = "ON_SHIFT"
    WORKING = "WORKING"
    IDLE = "IDLE"
    ON_BREAK = "ON_BREAK"


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityItem:
    """One heartbeat as a client sends it (``client_id`` is its idempotency key)."""

    client_id: str | None
    at: datetime
    kind: ActivityKind
    seconds: int
    app: str | None = None
    url: str | None = None
    title: str | None = None

    @property
    def ends_at(self) -> datetime:
        """The end of the heartbeat's span ``[at, at + seconds)``."""
        return self.at + timedelta(seconds=self.seconds)


@dataclass(frozen=True, slots=True, kw_only=True)
class Heartbeat:
    """An accepted heartbeat, on the timer that was RUNNING at its ``at``."""

    organization_id: UUID
    employee_id: UUID
    timer_id: UUID
    client_id: str
    at: datetime
    kind: ActivityKind
    seconds: int
    received_at: datetime
    app: str | None = None
    url: str | None = None
    title: str | None = None

    @property
    def ends_at(self) -> datetime:
        """The end of the heartbeat's span."""
        return self.at + timedelta(seconds=self.seconds)


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityResult:
    """The outcome of one item: its status, and why when it was rejected."""

    client_id: str | None
    status: ActivityStatus
    reason: RejectionReason | None = None
    message: str | None = None
    timer_id: UUID | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityUpload:
    """The outcome of an upload: counts, and one result per item in the order sent."""

    accepted: int
    duplicates: int
    rejected: int
    results: tuple[ActivityResult, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityRejection:
    """A rejected item, kept for admins with what the client sent."""

    id: UUID
    organization_id: UUID
    employee_id: UUID
    client_id: str | None
    at: datetime | None
    kind: ActivityKind | None
    seconds: int | None
    reason: RejectionReason
    message: str
    received_at: datetime
    app: str | None = None
    url: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Project:
    """A group of tasks that reports can sum work over."""

    id: UUID
    organization_id: UUID
    name: str
    description: str
    created_at: datetime
    created_by: UUID | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskSeconds:
    """Activity seconds spent on one task."""

    task_id: UUID
    seconds: float


@dataclass(frozen=True, slots=True, kw_only=True)
class AppSeconds:
    """Activity seconds spent in one application."""

    app: str
    seconds: float


@dataclass(frozen=True, slots=True, kw_only=True)
class DayFigures:
    """The raw figures of one employee's business date, as the store aggregates them.

    Everything counts the timers whose business date it is, up to an instant (an open
    interval counts until then): ``active_seconds`` is the union of their ACTIVE spans
    clipped to their RUNNING intervals, ``idle_seconds`` the IDLE spans' union outside the
    ACTIVE ones (clipped the same way), ``tracked_seconds`` the RUNNING time of the timers
    that received at least one heartbeat, ``open_timers`` how many were not stopped yet.
    ``by_task`` and ``by_app`` split ``active_seconds`` (an app's spans may overlap
    another's, so apps can add up to more).
    """

    employee_id: UUID
    business_date: date
    active_seconds: float = 0.0
    tracked_seconds: float = 0.0
    idle_seconds: float = 0.0
    heartbeats: int = 0
    open_timers: int = 0
    by_task: tuple[TaskSeconds, ...] = ()
    by_app: tuple[AppSeconds, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class DailyActivity:
    """An employee's activity summary for a business date (stored once a day is over).

    ``productivity`` is active ÷ tracked timer seconds × 100, None when no tracked timer
    ran. ``settled`` says no timer of the date was still running when it was computed.
    """

    organization_id: UUID
    employee_id: UUID
    business_date: date
    active_seconds: float
    timer_seconds: float
    idle_seconds: float
    heartbeats: int
    productivity: Decimal | None
    by_task: tuple[TaskSeconds, ...]
    top_apps: tuple[AppSeconds, ...]
    settled: bool
    computed_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class TimerActivity:
    """A non-stopped timer and what its heartbeats say, for idle detection and presence.

    ``state_since`` is the start of the timer's current interval; ``last_active_end`` the
    latest end of its ACTIVE heartbeats (None without any); ``tracked`` whether it has
    received any heartbeat at all.
    """

    timer_id: UUID
    employee_id: UUID
    task_id: UUID
    state: str
    state_since: datetime
    tracked: bool
    last_active_end: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PresenceFacts:
    """What presence is decided from, for one active employee."""

    employee_id: UUID
    department_id: UUID | None
    clocked_in_at: datetime | None
    last_clock_out: datetime | None
    timer: TimerActivity | None
    last_stop: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Presence:
    """Where one person stands now, and since when (None: not known)."""

    employee_id: UUID
    department_id: UUID | None
    state: PresenceState
    since: datetime | None
