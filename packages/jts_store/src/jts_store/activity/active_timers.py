"""What is going on now: active timers with their heartbeat facts, presence facts, and
each day's RUNNING time (for idle detection, presence and overtime).

A timer's last ACTIVE end is found from its latest ACTIVE heartbeats only: no heartbeat
lasts more than :data:`~jts_domain.activity.intake.MAX_SECONDS`, so the latest end is
among those starting at most that long before the latest start.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Boolean, Date, DateTime, Uuid

from jts_domain.activity.intake import MAX_SECONDS
from jts_domain.activity.model import PresenceFacts, TimerActivity
from jts_store.repositories.transaction import TransactionConnection

ACTIVE_TIMERS = text(
    f"""
SELECT t.id, t.employee_id, t.task_id, t.state, cur.started_at AS state_since,
       EXISTS (
           SELECT 1 FROM heartbeats h
           WHERE h.organization_id = t.organization_id AND h.employee_id = t.employee_id
             AND h.at >= t.started_at AND h.timer_id = t.id
       ) AS tracked,
       (
           SELECT max(h.at + make_interval(secs => h.seconds)) FROM heartbeats h
           WHERE h.organization_id = t.organization_id AND h.employee_id = t.employee_id
             AND h.timer_id = t.id AND h.kind = 'ACTIVE'
             AND h.at >= last.at - interval '{MAX_SECONDS} seconds'
       ) AS last_active_end
FROM timers t
JOIN LATERAL (
    SELECT v.started_at FROM timer_intervals v WHERE v.timer_id = t.id
    ORDER BY v.seq DESC LIMIT 1
) AS cur ON true
LEFT JOIN LATERAL (
    SELECT h.at FROM heartbeats h
    WHERE h.organization_id = t.organization_id AND h.employee_id = t.employee_id
      AND h.at >= t.started_at AND h.timer_id = t.id AND h.kind = 'ACTIVE'
    ORDER BY h.at DESC LIMIT 1
) AS last ON true
WHERE t.organization_id = :organization_id AND t.state <> 'STOPPED'
  AND (:all_employees OR t.employee_id = ANY(:employee_ids))
ORDER BY t.started_at, t.id
"""  # noqa: S608 -- a constant of the domain, no input
).bindparams(
    bindparam("organization_id", type_=Uuid()),
    bindparam("employee_ids", type_=ARRAY(Uuid())),
    bindparam("all_employees", type_=Boolean()),
)

PRESENCE = text(
    """
SELECT e.id, e.department_id,
       (SELECT max(a.clock_in_at) FROM attendance a
        WHERE a.organization_id = e.organization_id AND a.employee_id = e.id
          AND a.clock_in_at IS NOT NULL AND a.clock_out_at IS NULL) AS clocked_in_at,
       (SELECT max(a.clock_out_at) FROM attendance a
        WHERE a.organization_id = e.organization_id AND a.employee_id = e.id) AS last_clock_out,
       (SELECT max(t.stopped_at) FROM timers t
        WHERE t.organization_id = e.organization_id AND t.employee_id = e.id) AS last_stop
FROM employees e
WHERE e.organization_id = :organization_id AND e.active
  AND (:all_employees OR e.id = ANY(:employee_ids))
ORDER BY e.id
"""
).bindparams(
    bindparam("organization_id", type_=Uuid()),
    bindparam("employee_ids", type_=ARRAY(Uuid())),
    bindparam("all_employees", type_=Boolean()),
)

RUNNING_SECONDS = text(
    """
SELECT t.employee_id, t.business_date,
       sum(extract(epoch FROM greatest(v.started_at, coalesce(v.ended_at, :until)) - v.started_at))
           AS seconds
FROM timers t JOIN timer_intervals v ON v.timer_id = t.id AND v.state = 'RUNNING'
WHERE t.organization_id = :organization_id AND t.business_date = ANY(:dates)
GROUP BY t.employee_id, t.business_date
HAVING sum(extract(epoch FROM greatest(v.started_at, coalesce(v.ended_at, :until))
                              - v.started_at)) > 0
"""
).bindparams(
    bindparam("organization_id", type_=Uuid()),
    bindparam("dates", type_=ARRAY(Date())),
    bindparam("until", type_=DateTime(timezone=True)),
)


def _who(employee_ids: Sequence[UUID] | None) -> dict[str, Any]:
    return {"employee_ids": list(employee_ids or []), "all_employees": employee_ids is None}


def _timer(row: Any) -> TimerActivity:
    return TimerActivity(
        timer_id=row.id,
        employee_id=row.employee_id,
        task_id=row.task_id,
        state=row.state,
        state_since=row.state_since,
        tracked=row.tracked,
        last_active_end=row.last_active_end,
    )


async def active_timers(
    db: TransactionConnection, organization_id: UUID, employee_ids: Sequence[UUID] | None = None
) -> list[TimerActivity]:
    """The non-stopped timers (of the employees, when given), oldest first."""
    rows = await db.execute(
        ACTIVE_TIMERS, {"organization_id": organization_id, **_who(employee_ids)}
    )
    return [_timer(row) for row in rows]


async def presence_facts(
    db: TransactionConnection, organization_id: UUID, employee_ids: Sequence[UUID] | None
) -> list[PresenceFacts]:
    """Presence facts of the active employees (among the ids, when given), by id."""
    people = list(
        await db.execute(PRESENCE, {"organization_id": organization_id, **_who(employee_ids)})
    )
    if not people:
        return []
    timers = {
        t.employee_id: t for t in await active_timers(db, organization_id, [p.id for p in people])
    }
    return [
        PresenceFacts(
            employee_id=p.id,
            department_id=p.department_id,
            clocked_in_at=p.clocked_in_at,
            last_clock_out=p.last_clock_out,
            timer=timers.get(p.id),
            last_stop=p.last_stop,
        )
        for p in people
    ]


async def running_seconds(
    db: TransactionConnection, organization_id: UUID, dates: Sequence[date], until: datetime
) -> dict[tuple[UUID, date], float]:
    """RUNNING seconds per (employee, business date) of the dates."""
    rows = await db.execute(
        RUNNING_SECONDS, {"organization_id": organization_id, "dates": list(dates), "until": until}
    )
    return {(row.employee_id, row.business_date): float(row.seconds) for row in rows}
