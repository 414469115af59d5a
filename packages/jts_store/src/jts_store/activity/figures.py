"""The span-union in SQL: a day's activity figures, and one timer's activity seconds.

Each heartbeat span ``[at, at + seconds)`` is clipped to each RUNNING interval of its
timer (an open interval runs until ``:until``). The union of the clipped spans of a
group is measured by gaps and islands: ordered by start, a span opens a new island when
it starts after every earlier span of the group ended; each island lasts from its first
start to its last end. Lengths are ``extract(epoch …)`` of exact timestamp differences,
so they agree with :mod:`jts_domain.activity.spans` to the microsecond.

Groups: ``active`` (ACTIVE spans), ``all`` (every span, so idle = all − active),
``task`` and ``app`` (ACTIVE spans of one task or app) per employee and business date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Boolean, Date, DateTime, Uuid

from jts_domain.activity.model import AppSeconds, DayFigures, TaskSeconds
from jts_store.repositories.transaction import TransactionConnection

_UNION = """
marked AS (
    SELECT *, max(hi) OVER (
               PARTITION BY {keys} ORDER BY lo, hi
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
    FROM seg
),
islands AS (
    SELECT *, count(*) FILTER (WHERE reach IS NULL OR lo > reach) OVER (
               PARTITION BY {keys} ORDER BY lo, hi ROWS UNBOUNDED PRECEDING) AS island
    FROM marked
),
lengths AS (
    SELECT {keys}, sum(len) AS seconds
    FROM (
        SELECT {keys}, island, extract(epoch FROM max(hi) - min(lo)) AS len
        FROM islands GROUP BY {keys}, island
    ) AS island_lengths
    GROUP BY {keys}
)
"""

_TIMER_SPANS = """
win AS (
    SELECT v.timer_id, v.started_at AS lo,
           greatest(v.started_at, coalesce(v.ended_at, :until)) AS hi
    FROM timer_intervals v JOIN tm ON tm.id = v.timer_id
    WHERE v.state = 'RUNNING'
),
beat AS (
    SELECT h.timer_id, h.kind, h.app, h.at, h.at + make_interval(secs => h.seconds) AS ends
    FROM tm JOIN heartbeats h
      ON h.organization_id = :organization_id AND h.employee_id = tm.employee_id
     AND h.at >= tm.started_at AND h.at < coalesce(tm.stopped_at, 'infinity')
     AND h.timer_id = tm.id
),
clip AS (
    SELECT b.timer_id, b.kind, b.app, greatest(b.at, w.lo) AS lo, least(b.ends, w.hi) AS hi
    FROM beat b JOIN win w ON w.timer_id = b.timer_id AND b.at < w.hi AND b.ends > w.lo
)
"""

DAY_FIGURES = text(
    f"""
WITH tm AS (
    SELECT t.id, t.employee_id, t.task_id, t.business_date, t.started_at, t.stopped_at, t.state
    FROM timers t
    WHERE t.organization_id = :organization_id
      AND t.business_date BETWEEN :date_from AND :date_to
      AND (:all_employees OR t.employee_id = ANY(:employee_ids))
      AND (CAST(:project_id AS uuid) IS NULL OR t.task_id IN (
          SELECT k.id FROM tasks k
          WHERE k.organization_id = :organization_id AND k.project_id = :project_id))
),
{_TIMER_SPANS},
placed AS (
    SELECT tm.employee_id, tm.business_date, tm.task_id, c.kind, c.app, c.lo, c.hi
    FROM clip c JOIN tm ON tm.id = c.timer_id
),
seg AS (
    SELECT employee_id, business_date, 'active' AS part, '' AS key, lo, hi
    FROM placed WHERE kind = 'ACTIVE'
    UNION ALL
    SELECT employee_id, business_date, 'all', '', lo, hi FROM placed
    UNION ALL
    SELECT employee_id, business_date, 'task', task_id::text, lo, hi
    FROM placed WHERE kind = 'ACTIVE'
    UNION ALL
    SELECT employee_id, business_date, 'app', app, lo, hi
    FROM placed WHERE kind = 'ACTIVE' AND app IS NOT NULL
),
{_UNION.format(keys="employee_id, business_date, part, key")},
beat_counts AS (SELECT timer_id, count(*) AS beats FROM beat GROUP BY timer_id),
running AS (
    SELECT timer_id, sum(extract(epoch FROM hi - lo)) AS running FROM win GROUP BY timer_id
),
per_timer AS (
    SELECT tm.id, tm.employee_id, tm.business_date, tm.state,
           coalesce(b.beats, 0) AS beats, coalesce(r.running, 0) AS running
    FROM tm LEFT JOIN beat_counts b ON b.timer_id = tm.id LEFT JOIN running r ON r.timer_id = tm.id
),
days AS (
    SELECT employee_id, business_date,
           sum(running) FILTER (WHERE beats > 0) AS tracked,
           sum(beats) AS beats,
           count(*) FILTER (WHERE state <> 'STOPPED') AS open_timers
    FROM per_timer GROUP BY employee_id, business_date
)
SELECT employee_id, business_date, 'day' AS part, '' AS key,
       coalesce(tracked, 0) AS seconds, beats, open_timers
FROM days
UNION ALL
SELECT employee_id, business_date, part, key, seconds, NULL, NULL FROM lengths
ORDER BY business_date, employee_id, part, key
"""  # noqa: S608 -- assembled from constant fragments, no input
).bindparams(
    bindparam("organization_id", type_=Uuid()),
    bindparam("employee_ids", type_=ARRAY(Uuid())),
    bindparam("all_employees", type_=Boolean()),
    bindparam("project_id", type_=Uuid()),
    bindparam("date_from", type_=Date()),
    bindparam("date_to", type_=Date()),
    bindparam("until", type_=DateTime(timezone=True)),
)

TIMER_ACTIVITY = text(
    f"""
WITH tm AS (
    SELECT t.id, t.employee_id, t.started_at, t.stopped_at FROM timers t
    WHERE t.organization_id = :organization_id AND t.id = :timer_id
),
{_TIMER_SPANS},
seg AS (SELECT timer_id, lo, hi FROM clip WHERE kind = 'ACTIVE'),
{_UNION.format(keys="timer_id")}
SELECT coalesce(sum(seconds), 0) FROM lengths
"""  # noqa: S608 -- assembled from constant fragments, no input
).bindparams(
    bindparam("organization_id", type_=Uuid()),
    bindparam("timer_id", type_=Uuid()),
    bindparam("until", type_=DateTime(timezone=True)),
)


def _seconds(value: Decimal | float | None) -> float:
    return 0.0 if value is None else float(value)


async def day_figures(
    db: TransactionConnection,
    organization_id: UUID,
    employee_ids: Sequence[UUID] | None,
    *,
    date_from: date,
    date_to: date,
    until: datetime,
    project_id: UUID | None,
) -> list[DayFigures]:
    """Figures per (employee, business date), by date then employee."""
    rows = await db.execute(
        DAY_FIGURES,
        {
            "organization_id": organization_id,
            "employee_ids": list(employee_ids or []),
            "all_employees": employee_ids is None,
            "project_id": project_id,
            "date_from": date_from,
            "date_to": date_to,
            "until": until,
        },
    )
    parts: defaultdict[tuple[date, UUID], dict[str, Any]] = defaultdict(dict)
    for row in rows:
        parts[(row.business_date, row.employee_id)].setdefault(row.part, []).append(row)
    return [_figures(day, employee, found) for (day, employee), found in parts.items()]


def _figures(day: date, employee: UUID, parts: dict[str, Any]) -> DayFigures:
    [base] = parts["day"]
    everything = parts["all"][0].seconds if "all" in parts else Decimal(0)
    active = parts["active"][0].seconds if "active" in parts else Decimal(0)
    return DayFigures(
        employee_id=employee,
        business_date=day,
        active_seconds=_seconds(active),
        tracked_seconds=_seconds(base.seconds),
        idle_seconds=_seconds(everything - active),
        heartbeats=int(base.beats),
        open_timers=int(base.open_timers),
        by_task=tuple(
            sorted(
                (
                    TaskSeconds(task_id=UUID(r.key), seconds=_seconds(r.seconds))
                    for r in parts.get("task", [])
                ),
                key=lambda t: t.task_id,
            )
        ),
        by_app=tuple(
            sorted(
                (AppSeconds(app=r.key, seconds=_seconds(r.seconds)) for r in parts.get("app", [])),
                key=lambda a: a.app,
            )
        ),
    )


async def timer_activity(
    db: TransactionConnection, organization_id: UUID, timer_id: UUID, until: datetime
) -> float:
    """One timer's activity seconds."""
    result = await db.execute(
        TIMER_ACTIVITY, {"organization_id": organization_id, "timer_id": timer_id, "until": until}
    )
    return _seconds(result.scalar_one())
