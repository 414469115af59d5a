"""The day's score inputs of a whole organization, in one SQL statement.

Tasks, timer intervals and the roster are each aggregated per employee in a CTE, then
joined to the active staff; a timer's running time counts, whole, toward the business date
the domain gave it when it started. The local day's UTC bounds and capacity are the parts
computed in Python: both depend on the timezone's daylight-saving rules, which
:mod:`jts_domain.shifts` defines (an instant is on the date when it falls within the
bounds), and an organization has only a handful of distinct shifts.

A calculation reads more in the same statement (:data:`SCORE_DAYS`): each employee's
punctual and rostered days over the reliability window, and the id, time and fingerprint
of the score already stored for the date, so that it can leave unchanged scores alone
without reading their breakdowns back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from typing import Any
from uuid import UUID

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, Text, Time, Uuid, bindparam, text

from jts_domain import shifts
from jts_domain.model import ScoreInputs
from jts_domain.model.scores import ScoreDay, StoredScore
from jts_store.repositories.transaction import TransactionConnection

# On the local date: within its UTC bounds, which jts_domain.shifts works out (daylight
# saving included) once, instead of a time-zone conversion per row and instant.
_ON_DAY = "({0} >= :day_start AND {0} < :day_end)"

_PER_EMPLOYEE = f"""
task_flags AS (
    SELECT assignee_id, status, due_at, completed_at, sla_deadline, quality_rating,
           coalesce(planned_date = :day OR {_ON_DAY.format("due_at")}, false) AS relevant,
           coalesce({_ON_DAY.format("sla_deadline")}, false) AS deadline_on_day,
           coalesce({_ON_DAY.format("completed_at")}, false) AS completed_on_day,
           coalesce({_ON_DAY.format("approved_at")}, false) AS approved_on_day
    FROM tasks
    WHERE organization_id = :organization_id
      AND assignee_id IS NOT NULL
      AND status <> 'CANCELLED'
),
task_counts AS (
    SELECT assignee_id AS employee_id,
           count(*) FILTER (WHERE relevant) AS relevant_tasks,
           count(*) FILTER (WHERE relevant AND status = 'COMPLETED') AS completed_tasks,
           count(*) FILTER (
               WHERE relevant AND status = 'COMPLETED'
                 AND (due_at IS NULL OR completed_at <= due_at)
           ) AS completed_on_time,
           count(*) FILTER (WHERE sla) AS sla_tasks,
           count(*) FILTER (
               WHERE sla AND status = 'COMPLETED' AND completed_at <= sla_deadline
           ) AS sla_met,
           count(*) FILTER (WHERE approved) AS approved_tasks,
           coalesce(sum(quality_rating) FILTER (WHERE approved), 0) AS quality_sum
    FROM (
        SELECT *,
               sla_deadline IS NOT NULL
                 AND (deadline_on_day OR (status = 'COMPLETED' AND completed_on_day)) AS sla,
               approved_on_day AND quality_rating IS NOT NULL AS approved
        FROM task_flags
    ) AS flagged
    GROUP BY assignee_id
),
running AS (
    SELECT timers.employee_id,
           sum(extract(epoch FROM i.ended_at - i.started_at)) AS active_seconds
    FROM timers
    JOIN timer_intervals AS i ON i.timer_id = timers.id
    WHERE timers.organization_id = :organization_id
      AND timers.business_date = :day
      AND i.state = 'RUNNING'
      AND i.ended_at IS NOT NULL
    GROUP BY timers.employee_id
),
rostered AS (
    SELECT r.employee_id, s.start_time, s.end_time, s.break_minutes
    FROM roster_entries AS r
    JOIN shift_templates AS s ON s.id = r.shift_template_id
    WHERE r.organization_id = :organization_id AND r.business_date = :day
)"""  # noqa: S608 -- assembled from constant fragments, no input

_INPUT_COLUMNS = """
       e.id AS employee_id,
       coalesce(c.relevant_tasks, 0) AS relevant_tasks,
       coalesce(c.completed_tasks, 0) AS completed_tasks,
       coalesce(c.completed_on_time, 0) AS completed_on_time,
       coalesce(c.sla_tasks, 0) AS sla_tasks,
       coalesce(c.sla_met, 0) AS sla_met,
       coalesce(c.approved_tasks, 0) AS approved_tasks,
       coalesce(c.quality_sum, 0) AS quality_sum,
       coalesce(a.active_seconds, 0) AS active_seconds,
       r.employee_id IS NOT NULL AS rostered,
       r.start_time, r.end_time, r.break_minutes"""

_STAFF = """
FROM employees AS e
LEFT JOIN task_counts AS c ON c.employee_id = e.id
LEFT JOIN running AS a ON a.employee_id = e.id
LEFT JOIN rostered AS r ON r.employee_id = e.id"""

_ACTIVE_STAFF = "WHERE e.organization_id = :organization_id AND e.active ORDER BY e.id"

# Punctual and rostered days of the reliability window, as SqlAttendance.punctuality
# counts them, without joining the window's roster to its attendance: each side is
# folded into a bit per day of the window (bit n: reliability_from + n days), and the
# punctual days are the rostered days whose bit is also set among the PRESENT days.
# One roster entry and one attendance row per employee and date (unique constraints),
# so a bit is a day and the counts are those of the join. At most 64 days (one bigint).
_PUNCTUALITY = """
rostered_window AS (
    SELECT employee_id, bit_or(1::int8 << (business_date - :reliability_from)) AS days
    FROM roster_entries
    WHERE organization_id = :organization_id
      AND business_date BETWEEN :reliability_from AND :day
    GROUP BY employee_id
),
present_window AS (
    SELECT employee_id, bit_or(1::int8 << (business_date - :reliability_from)) AS days
    FROM attendance
    WHERE organization_id = :organization_id AND status = 'PRESENT'
      AND business_date BETWEEN :reliability_from AND :day
    GROUP BY employee_id
),
punctuality AS (
    SELECT r.employee_id,
           coalesce(bit_count((r.days & p.days)::bit(64)), 0) AS punctual_days,
           bit_count(r.days::bit(64)) AS rostered_days
    FROM rostered_window AS r
    LEFT JOIN present_window AS p USING (employee_id)
)"""

#: The longest reliability window the bits of :data:`_PUNCTUALITY` hold.
MAX_RELIABILITY_DAYS = 64

_DAY_COLUMNS = """,
       coalesce(p.punctual_days, 0) AS punctual_days,
       coalesce(p.rostered_days, 0) AS rostered_days,
       d.id AS stored_id, d.calculated_at AS stored_at, d.fingerprint"""

_STORED = """
LEFT JOIN punctuality AS p ON p.employee_id = e.id
LEFT JOIN daily_scores AS d
       ON d.employee_id = e.id AND d.business_date = :day
      AND d.organization_id = :organization_id"""

_PARAMETERS = (
    bindparam("organization_id", type_=Uuid()),
    bindparam("day", type_=Date()),
    bindparam("day_start", type_=DateTime(timezone=True)),
    bindparam("day_end", type_=DateTime(timezone=True)),
)
_INPUT_TYPES: dict[str, Any] = {
    "employee_id": Uuid(),
    "relevant_tasks": Integer(),
    "completed_tasks": Integer(),
    "completed_on_time": Integer(),
    "sla_tasks": Integer(),
    "sla_met": Integer(),
    "approved_tasks": Integer(),
    "quality_sum": Integer(),
    "active_seconds": Numeric(),
    "rostered": Boolean(),
    "start_time": Time(),
    "end_time": Time(),
    "break_minutes": Integer(),
}

SCORE_INPUTS = (
    text(f"WITH {_PER_EMPLOYEE}\nSELECT {_INPUT_COLUMNS}{_STAFF}\n{_ACTIVE_STAFF}")
    .bindparams(*_PARAMETERS)
    .columns(**_INPUT_TYPES)
)

SCORE_DAYS = (
    text(
        f"WITH {_PER_EMPLOYEE},{_PUNCTUALITY}\n"
        f"SELECT {_INPUT_COLUMNS}{_DAY_COLUMNS}{_STAFF}{_STORED}\n{_ACTIVE_STAFF}"
    )
    .bindparams(*_PARAMETERS, bindparam("reliability_from", type_=Date()))
    .columns(
        **_INPUT_TYPES,
        punctual_days=Integer(),
        rostered_days=Integer(),
        stored_id=Uuid(),
        stored_at=DateTime(timezone=True),
        fingerprint=Text(),
    )
)


class SqlScoreQueries:
    """Set-based reads for scoring, equal to :class:`jts_domain.memory` 's in every number."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def score_inputs(
        self, organization_id: UUID, business_date: date, timezone: str
    ) -> list[ScoreInputs]:
        rows = await self._db.execute(
            SCORE_INPUTS, _parameters(organization_id, business_date, timezone)
        )
        capacity = _CapacityOfDay(business_date, timezone)
        return [_inputs(row, business_date, capacity) for row in rows]

    async def score_days(
        self, organization_id: UUID, business_date: date, timezone: str, *, reliability_from: date
    ) -> list[ScoreDay]:
        if not 0 <= (business_date - reliability_from).days < MAX_RELIABILITY_DAYS:
            msg = f"a reliability window spans 1 to {MAX_RELIABILITY_DAYS} days"
            raise ValueError(msg)
        parameters = _parameters(organization_id, business_date, timezone)
        rows = await self._db.execute(
            SCORE_DAYS, {**parameters, "reliability_from": reliability_from}
        )
        capacity = _CapacityOfDay(business_date, timezone)
        return [_score_day(row, business_date, capacity) for row in rows]


def _parameters(organization_id: UUID, business_date: date, timezone: str) -> dict[str, Any]:
    day_start, day_end = shifts.local_day_bounds(business_date, timezone)
    return {
        "organization_id": organization_id,
        "day": business_date,
        "day_start": day_start,
        "day_end": day_end,
    }


class _CapacityOfDay:
    """Capacity minutes of each distinct shift on one date (computed once per shift)."""

    def __init__(self, day: date, timezone: str) -> None:
        self._day = day
        self._timezone = timezone
        self._known: dict[tuple[time, time, int], int] = {}

    def of(self, start: time, end: time, break_minutes: int) -> int:
        key = (start, end, break_minutes)
        if key not in self._known:
            window = shifts.shift_window(self._day, start, end, self._timezone)
            self._known[key] = shifts.capacity_minutes(window, break_minutes)
        return self._known[key]


def _inputs(values: Sequence[Any], day: date, capacity: _CapacityOfDay) -> ScoreInputs:
    """The :class:`ScoreInputs` of a row's first columns (those of ``_INPUT_TYPES``)."""
    (
        employee_id,
        relevant_tasks,
        completed_tasks,
        completed_on_time,
        sla_tasks,
        sla_met,
        approved_tasks,
        quality_sum,
        active_seconds,
        rostered,
        start_time,
        end_time,
        break_minutes,
    ) = values
    return ScoreInputs(
        employee_id=employee_id,
        business_date=day,
        relevant_tasks=relevant_tasks,
        completed_tasks=completed_tasks,
        completed_on_time=completed_on_time,
        rostered=rostered,
        capacity_minutes=capacity.of(start_time, end_time, break_minutes) if rostered else 0,
        active_seconds=float(active_seconds),
        sla_tasks=sla_tasks,
        sla_met=sla_met,
        approved_tasks=approved_tasks,
        quality_sum=quality_sum,
    )


_INPUT_COUNT = len(_INPUT_TYPES)


def _score_day(row: Any, day: date, capacity: _CapacityOfDay) -> ScoreDay:
    inputs = _inputs(row[:_INPUT_COUNT], day, capacity)
    punctual_days, rostered_days, stored_id, stored_at, fingerprint = row[_INPUT_COUNT:]
    stored = None
    if stored_id is not None:
        stored = StoredScore(
            employee_id=inputs.employee_id,
            business_date=day,
            id=stored_id,
            calculated_at=stored_at,
            fingerprint=fingerprint,
        )
    return ScoreDay(
        inputs=inputs,
        punctual_days=punctual_days,
        rostered_days=rostered_days,
        stored=stored,
    )
