"""The scheduled jobs of PRODUCT.md as data, and when each one is due.

Each job runs on a schedule read in the organization's IANA timezone. Two kinds of
schedule exist, and daylight-saving changes treat them differently on purpose:

* **Wall-clock schedules** (:class:`Daily`, :class:`Monthly`) name a local time. A local
  time skipped by a spring-forward gap runs once, at the first instant after the gap
  (unless the gap swallowed the rest of the date, as Samoa's 30 December 2011, whose
  next date then runs only its own slot). A local time that happens twice on a
  fall-back night runs once, at its first occurrence. So there is exactly one slot per
  local date (per month, for :class:`Monthly`).
* **Interval schedules** (:class:`Every`) run whenever the local clock reads a multiple
  of the interval since midnight. They are about elapsed time: a repeated hour has its
  own slots (it really lasts an hour), a skipped hour has none.

Slots are UTC instants. :func:`due_slots` lists them in a window, :func:`next_slot`
finds the first one after an instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from jts_domain.errors import invalid
from jts_domain.shifts import require_aware, zone

_SECOND = timedelta(seconds=1)
_DAY = timedelta(days=1)
# A local clock never goes back (fall-back) or jumps (dateline moves) by more than a day,
# so every instant of a window has a local wall time within this margin of the window's.
_WALL_MARGIN = timedelta(hours=26)
_HOUR = timedelta(hours=1)
_SHORT_WINDOW = timedelta(days=2)


class JobName(StrEnum):
    """The scheduled jobs each organization runs, in its own timezone: PRODUCT.md's (but the
    operator's nightly backup, a :class:`SystemJobName`), the jobs-to-do agent, and the
    operations jobs (the roster sync, retention)."""

    CREATE_DAILY_ATTENDANCE = "create_daily_attendance"
    GENERATE_DAILY_PLANNERS = "generate_daily_planners"
    SLA_MONITOR = "sla_monitor"
    AUTO_STOP_TIMERS = "auto_stop_timers"
    REFRESH_PENDING_SUMMARIES = "refresh_pending_summaries"
    CALCULATE_DAILY_SCORES = "calculate_daily_scores"
    CLEANUP_JOB_HISTORY = "cleanup_job_history"
    DETECT_IDLE = "detect_idle"
    CHECK_OVERTIME = "check_overtime"
    SUMMARIZE_ACTIVITY = "summarize_activity"
    MAINTAIN_ACTIVITY_PARTITIONS = "maintain_activity_partitions"
    # jobs to do
    JTD_AGENT = "jtd_agent"
    # operations
    SYNC_ROSTER = "sync_roster"
    APPLY_RETENTION = "apply_retention"


@dataclass(frozen=True, slots=True)
class Daily:
    """Every day at a local wall-clock time."""

    at: time

    def describe(self) -> str:
        """The schedule in words, e.g. ``daily at 00:30``."""
        return f"daily at {self.at:%H:%M}"


@dataclass(frozen=True, slots=True)
class Monthly:
    """On one day of every month at a local wall-clock time (days 1–28, so every month)."""

    day: int
    at: time

    def __post_init__(self) -> None:
        if not 1 <= self.day <= 28:
            raise invalid("a monthly schedule runs on a day between 1 and 28", day=self.day)

    def describe(self) -> str:
        """The schedule in words, e.g. ``monthly on day 1 at 02:00``."""
        return f"monthly on day {self.day} at {self.at:%H:%M}"


@dataclass(frozen=True, slots=True)
class Every:
    """Whenever the local clock reads a multiple of ``minutes`` since midnight.

    ``minutes`` divides a day (5 → :00, :05, …; 60 → every hour on the hour).
    """

    minutes: int

    def __post_init__(self) -> None:
        if self.minutes <= 0 or (24 * 60) % self.minutes:
            raise invalid("an interval must divide a day into whole minutes", minutes=self.minutes)

    def describe(self) -> str:
        """The schedule in words, e.g. ``every 5 minutes`` or ``every hour``."""
        return "every hour" if self.minutes == 60 else f"every {self.minutes} minutes"


Schedule = Daily | Monthly | Every


@dataclass(frozen=True, slots=True)
class JobDefinition:
    """A scheduled job: its name, schedule and what it does."""

    name: JobName
    schedule: Schedule
    description: str


JOBS: dict[JobName, JobDefinition] = {
    job.name: job
    for job in (
        JobDefinition(
            JobName.CREATE_DAILY_ATTENDANCE, Daily(time(0, 30)), "ABSENT/OFF rows for today"
        ),
        JobDefinition(
            JobName.GENERATE_DAILY_PLANNERS,
            Daily(time(5, 0)),
            "roster template tasks and planners for today",
        ),
        JobDefinition(JobName.SLA_MONITOR, Every(60), "SLA statuses and alerts"),
        JobDefinition(JobName.AUTO_STOP_TIMERS, Every(5), "stop timers past shift end and grace"),
        JobDefinition(JobName.REFRESH_PENDING_SUMMARIES, Every(5), "workload levels"),
        JobDefinition(
            JobName.CALCULATE_DAILY_SCORES,
            Daily(time(23, 0)),
            "scores for the day (also when a shift ends)",
        ),
        JobDefinition(
            JobName.CLEANUP_JOB_HISTORY,
            Monthly(1, time(2, 0)),
            "drop execution logs older than 90 days",
        ),
        JobDefinition(JobName.DETECT_IDLE, Every(2), "IDLE alerts (and auto-pause) of idle timers"),
        JobDefinition(JobName.CHECK_OVERTIME, Every(30), "OVERTIME alerts above the threshold"),
        JobDefinition(
            JobName.SUMMARIZE_ACTIVITY, Daily(time(0, 10)), "activity summaries of the day before"
        ),
        JobDefinition(
            JobName.MAINTAIN_ACTIVITY_PARTITIONS,
            Daily(time(1, 0)),
            "heartbeat months ahead; months past retention dropped",
        ),
        JobDefinition(
            JobName.JTD_AGENT,
            Every(5),
            "agent mode: move due jobs to do of the auto-executed types",
        ),
        # operations
        JobDefinition(
            JobName.SYNC_ROSTER,
            Daily(time(6, 30)),
            "employees and roster entries from the organization's HR source",
        ),
        JobDefinition(
            JobName.APPLY_RETENTION,
            Monthly(1, time(3, 0)),
            "remove finished tasks and timers past their retention",
        ),
    )
}


class SystemJobName(StrEnum):
    """The jobs of the operator: one run for the whole installation, in the operator's
    timezone, never an organization's (no tenant sees, triggers or pauses them)."""

    NIGHTLY_BACKUP = "nightly_backup"


@dataclass(frozen=True, slots=True)
class SystemJobDefinition:
    """A system-wide job: its name, schedule (in the operator's timezone) and what it does."""

    name: SystemJobName
    schedule: Schedule
    description: str


SYSTEM_JOBS: dict[SystemJobName, SystemJobDefinition] = {
    job.name: job
    for job in (
        SystemJobDefinition(
            SystemJobName.NIGHTLY_BACKUP,
            Daily(time(23, 30)),
            "database dump, JSON exports and manifest; 30 days kept",
        ),
    )
}


def _instants(wall: datetime, tz: ZoneInfo) -> list[datetime]:
    """The UTC instants at which the local clock reads ``wall`` (naive): 0, 1 or 2."""
    found: list[datetime] = []
    for fold in (0, 1):
        instant = wall.replace(tzinfo=tz, fold=fold).astimezone(UTC)
        if instant.astimezone(tz).replace(tzinfo=None) == wall and instant not in found:
            found.append(instant)
    return sorted(found)


def _after_gap(wall: datetime, tz: ZoneInfo) -> datetime:
    """The first instant whose local wall time is later than ``wall``, which is in a gap."""
    ends = sorted(wall.replace(tzinfo=tz, fold=f).astimezone(UTC) for f in (0, 1))
    low, high = ends
    bad, good = 0, (high - low) // _SECOND
    while good - bad > 1:
        middle = (bad + good) // 2
        if (low + middle * _SECOND).astimezone(tz).replace(tzinfo=None) > wall:
            good = middle
        else:
            bad = middle
    return low + good * _SECOND


def _wall_clock_slot(day: date, at: time, tz: ZoneInfo) -> datetime | None:
    """The slot of a local time on a date (see the module docstring); None if the date
    has no such time and the first instant after it belongs to another date."""
    wall = datetime.combine(day, at)
    instants = _instants(wall, tz)
    if instants:
        return instants[0]
    slot = _after_gap(wall, tz)
    return slot if slot.astimezone(tz).date() == day else None


def _local(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


def _wall_bounds(tz: ZoneInfo, after: datetime, until: datetime) -> tuple[datetime, datetime]:
    """Local wall times between which every instant of ``(after, until]`` reads.

    A short window in which the UTC offset does not change (checked hour by hour; no
    zone changes its offset twice within an hour) reads exactly from ``after``'s wall
    to ``until``'s; anything else gets the margin of a day either side.
    """
    if until - after <= _SHORT_WINDOW:
        hours = int((until - after) / _HOUR) + 1
        probes = [after + n * _HOUR for n in range(hours)] + [until]
        if len({p.astimezone(tz).utcoffset() for p in probes}) == 1:
            return _local(after, tz), _local(until, tz)
    return _local(after, tz) - _WALL_MARGIN, _local(until, tz) + _WALL_MARGIN


def _wall_clock_slots(
    schedule: Daily | Monthly, tz: ZoneInfo, after: datetime, until: datetime
) -> list[datetime]:
    low, high = _wall_bounds(tz, after, until)
    first, last = low.date(), high.date()
    slots: list[datetime] = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        if isinstance(schedule, Monthly) and day.day != schedule.day:
            continue
        slot = _wall_clock_slot(day, schedule.at, tz)
        if slot is not None and after < slot <= until:
            slots.append(slot)
    return slots


def _interval_slots(
    schedule: Every, tz: ZoneInfo, after: datetime, until: datetime
) -> list[datetime]:
    step = timedelta(minutes=schedule.minutes)
    low, high = _wall_bounds(tz, after, until)
    wall = datetime.combine(low.date(), time(0))
    wall += ((low - wall) // step) * step
    slots: set[datetime] = set()
    while wall <= high:
        slots.update(i for i in _instants(wall, tz) if after < i <= until)
        wall += step
    return sorted(slots)


def due_slots(
    schedule: Schedule, timezone: str, after: datetime, until: datetime
) -> list[datetime]:
    """The UTC instants of the schedule's slots in ``(after, until]``, in order.

    >>> from datetime import UTC, datetime, time
    >>> [s.isoformat() for s in due_slots(
    ...     Daily(time(0, 30)), "Asia/Kolkata",
    ...     datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 3, tzinfo=UTC))]
    ['2026-03-01T19:00:00+00:00', '2026-03-02T19:00:00+00:00']
    >>> [s.isoformat() for s in due_slots(  # fall back: 01:00–02:00 happens twice
    ...     Every(30), "America/New_York",
    ...     datetime(2026, 11, 1, 5, 0, tzinfo=UTC), datetime(2026, 11, 1, 7, 0, tzinfo=UTC))]
    ['2026-11-01T05:30:00+00:00', '2026-11-01T06:00:00+00:00', '2026-11-01T06:30:00+00:00', \
'2026-11-01T07:00:00+00:00']
    """
    tz = zone(timezone)
    after = require_aware(after, "after").astimezone(UTC)
    until = require_aware(until, "until").astimezone(UTC)
    if until <= after:
        return []
    if isinstance(schedule, Every):
        return _interval_slots(schedule, tz, after, until)
    return _wall_clock_slots(schedule, tz, after, until)


def _horizon(schedule: Schedule) -> timedelta:
    """A window long enough to hold at least one slot in any timezone."""
    if isinstance(schedule, Monthly):
        return timedelta(days=32)
    return 3 * _DAY


def next_slot(schedule: Schedule, timezone: str, after: datetime) -> datetime:
    """The first slot strictly after ``after``.

    >>> from datetime import UTC, datetime, time
    >>> next_slot(Monthly(1, time(2, 0)), "Asia/Kolkata",
    ...           datetime(2026, 3, 2, tzinfo=UTC)).isoformat()
    '2026-03-31T20:30:00+00:00'
    """
    start = require_aware(after, "after").astimezone(UTC)
    window = _horizon(schedule)
    while True:
        slots = due_slots(schedule, timezone, start, start + window)
        if slots:
            return slots[0]
        start += window


def latest_slot(
    schedule: Schedule, timezone: str, after: datetime, until: datetime
) -> datetime | None:
    """The last slot in ``(after, until]``, None if there is none (reads at most one
    horizon back from ``until``, so it is cheap however old ``after`` is)."""
    until = require_aware(until, "until").astimezone(UTC)
    window_start = max(require_aware(after, "after").astimezone(UTC), until - _horizon(schedule))
    slots = due_slots(schedule, timezone, window_start, until)
    return slots[-1] if slots else None
