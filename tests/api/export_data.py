# ruff: noqa: S608 -- the statements are built from this module's own constants
"""Many timers, made set-based in SQL, and the export rows they must give.

Timer ``i`` of ``n`` (all STOPPED, in Asia/Kolkata) belongs to employee ``i % 50`` and
task ``i % 500``; its business date is 1 February 2026 plus ``i % 28`` days; it starts at
09:00 local that day plus ``i // 28`` seconds, runs ``(i % 50 + 1)`` minutes and
``i % 997`` milliseconds, then is paused ``i % 7`` minutes; every eleventh was stopped
automatically at its shift's end. Ids are ``md5`` of the organization and the index, so
the test can name every row it expects without reading the database back.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

from jts_domain.exports.model import local_iso, seconds_text

EMPLOYEES = 50
TASKS = 500
DAYS = 28
FIRST_DAY = date(2026, 2, 1)
TIMEZONE = "Asia/Kolkata"
DEPARTMENT = "Export Team"


@functools.lru_cache(maxsize=4096)  # the 50 employees and 500 tasks recur in every row
def record_id(organization_id: UUID, kind: str, n: int) -> UUID:
    """The id the SQL gives record ``n`` of a kind (``d``, ``e``, ``k``, ``t``)."""
    return UUID(hashlib.md5(f"{organization_id}{kind}{n}".encode()).hexdigest())  # noqa: S324 -- ids, not security


def _sql_id(kind: str, n: str) -> str:
    return f"CAST(md5($1::uuid::text || '{kind}' || {n}) AS uuid)"


_DEPARTMENT = f"""
INSERT INTO departments (id, organization_id, name)
VALUES ({_sql_id("d", "0")}, $1::uuid, '{DEPARTMENT}')"""

_EMPLOYEES = f"""
INSERT INTO employees (id, organization_id, email, name, role, department_id, active, created_at)
SELECT {_sql_id("e", "n")}, $1::uuid, 'e' || n || '-' || left(replace($1::uuid::text, '-', ''), 12)
       || '@export.test', 'Employee ' || n, 'EMPLOYEE', {_sql_id("d", "0")}, true, now()
FROM generate_series(0, {EMPLOYEES - 1}) n"""

_TASKS = f"""
INSERT INTO tasks (id, organization_id, title, description, priority, status, assignee_id,
                   department_id, estimated_minutes, actual_seconds, requires_review, source,
                   created_at, status_changed_at, version)
SELECT {_sql_id("k", "k")}, $1::uuid, 'Task ' || k, '', 'MEDIUM', 'IN_PROGRESS',
       CAST(md5($1::uuid::text || 'e' || (k % {EMPLOYEES})) AS uuid), {_sql_id("d", "0")}, 60, 0,
       false, 'MANUAL', now(), now(), 1
FROM generate_series(0, {TASKS - 1}) k"""

_TIMERS_FROM = f"""
FROM generate_series($2::int, $3::int - 1) i
CROSS JOIN LATERAL (SELECT
    (timestamp '{FIRST_DAY.isoformat()} 09:00' + (i % {DAYS}) * interval '1 day')
        AT TIME ZONE '{TIMEZONE}' + (i / {DAYS}) * interval '1 second' AS started,
    ((i % 50) + 1) * interval '1 minute' + (i % 997) * interval '1 millisecond' AS active,
    (i % 7) * interval '1 minute' AS pause) s"""

_TIMERS = f"""
INSERT INTO timers (id, organization_id, employee_id, task_id, state, started_at,
                    business_date, stopped_at, auto_stopped, stop_reason, skipped_checks,
                    version)
SELECT {_sql_id("t", "i")}, $1::uuid, CAST(md5($1::uuid::text || 'e' || (i % {EMPLOYEES})) AS uuid),
       CAST(md5($1::uuid::text || 'k' || (i % {TASKS})) AS uuid), 'STOPPED', s.started,
       date '{FIRST_DAY.isoformat()}' + (i % {DAYS}), s.started + s.active + s.pause,
       i % 11 = 0, CASE WHEN i % 11 = 0 THEN 'SHIFT_END' ELSE 'TASK' END, '{{}}', 1
{_TIMERS_FROM}"""

_INTERVALS = f"""
INSERT INTO timer_intervals (timer_id, seq, state, started_at, ended_at)
SELECT {_sql_id("t", "i")}, 0, 'RUNNING', s.started, s.started + s.active {_TIMERS_FROM}
UNION ALL
SELECT {_sql_id("t", "i")}, 1, 'PAUSED', s.started + s.active, s.started + s.active + s.pause
{_TIMERS_FROM} WHERE i % 7 > 0"""

_CHUNK = 100_000


async def insert_timers(database_url: str, organization_id: UUID, count: int) -> None:
    """A department, its employees and tasks, and ``count`` timers with their intervals."""
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        async with connection.transaction():
            await connection.execute(_DEPARTMENT, organization_id)
            await connection.execute(_EMPLOYEES, organization_id)
            await connection.execute(_TASKS, organization_id)
        for start in range(0, count, _CHUNK):
            end = min(count, start + _CHUNK)
            async with connection.transaction():
                await connection.execute(_TIMERS, organization_id, start, end)
                await connection.execute(_INTERVALS, organization_id, start, end)
        await connection.execute("ANALYZE timers; ANALYZE timer_intervals")
    finally:
        await connection.close()


@dataclass(frozen=True, slots=True)
class ExpectedTimer:
    """What timer ``i`` is, as export cells."""

    index: int
    organization_id: UUID

    def cells(self) -> list[str | None]:
        """The timesheet row of this timer."""
        i, org = self.index, self.organization_id
        day = FIRST_DAY + timedelta(days=i % DAYS)
        started = datetime.combine(day, time(9), ZoneInfo(TIMEZONE)) + timedelta(seconds=i // DAYS)
        active = timedelta(minutes=i % 50 + 1, milliseconds=i % 997)
        pause = timedelta(minutes=i % 7)
        auto = i % 11 == 0
        employee = i % EMPLOYEES
        return [
            str(record_id(org, "t", i)),
            day.isoformat(),
            str(record_id(org, "e", employee)),
            f"Employee {employee}",
            f"e{employee}-{org.hex[:12]}@export.test",
            DEPARTMENT,
            str(record_id(org, "k", i % TASKS)),
            f"Task {i % TASKS}",
            "STOPPED",
            local_iso(started, TIMEZONE),
            local_iso(started + active + pause, TIMEZONE),
            seconds_text(active),
            seconds_text(pause),
            "0",
            "SHIFT_END" if auto else "TASK",
            "true" if auto else "false",
        ]


def export_order(count: int) -> list[int]:
    """The timers' indexes in export order: by business date, then start."""
    return sorted(range(count), key=lambda i: (i % DAYS, i // DAYS))
