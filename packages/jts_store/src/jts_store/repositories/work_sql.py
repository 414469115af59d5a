# ruff: noqa: S608 -- statements are assembled from this module's own column names; values are always bind parameters
"""The SQL of :mod:`jts_store.repositories.work`: the read of the aggregate, and the save
built from what changed (each shape of statement made once and kept)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import TextClause, text

from jts_domain.model import StatusChange, Timer
from jts_store.repositories.fragments import Fragment
from jts_store.repositories.tasks import history_values
from jts_store.repositories.timers import timer_values

_TIMER_JSON = """json_build_object(
    'id', {t}.id, 'organization_id', {t}.organization_id, 'employee_id', {t}.employee_id,
    'task_id', {t}.task_id, 'state', {t}.state, 'started_at', {t}.started_at,
    'business_date', {t}.business_date, 'stopped_at', {t}.stopped_at,
    'auto_stopped', {t}.auto_stopped, 'stop_reason', {t}.stop_reason,
    'skipped_checks', {t}.skipped_checks, 'override_by', {t}.override_by,
    'override_reason', {t}.override_reason, 'version', {t}.version,
    'intervals', (SELECT json_agg(json_build_array(i.state, i.started_at, i.ended_at)
                                  ORDER BY i.seq)
                  FROM timer_intervals i WHERE i.timer_id = {t}.id))"""

_READ = """
WITH subject AS ({subject})
SELECT t.*,
    o.settings AS org_settings,
    (SELECT {active_json} FROM timers a
      WHERE a.task_id = t.id AND a.state <> 'STOPPED' LIMIT 1) AS active_timer,
    (SELECT coalesce(extract(epoch FROM sum(i.ended_at - i.started_at)), 0)
       FROM timers st JOIN timer_intervals i ON i.timer_id = st.id
      WHERE st.task_id = t.id AND st.state = 'STOPPED' AND i.state = 'RUNNING'
    ) AS settled_seconds,
    e.active AS acting_active,
    e.role AS acting_role,
    local.day AS local_day,
    EXISTS (SELECT 1 FROM attendance at
             WHERE at.organization_id = t.organization_id AND at.employee_id = e.id
               AND at.clock_in_at IS NOT NULL AND at.clock_out_at IS NULL) AS clocked_in,
    (SELECT json_agg(json_build_object(
                'id', r.id, 'employee_id', r.employee_id, 'business_date', r.business_date,
                'shift_template_id', r.shift_template_id, 'store_id', r.store_id,
                'name', st.name, 'start_time', st.start_time, 'end_time', st.end_time,
                'break_minutes', st.break_minutes))
       FROM roster_entries r JOIN shift_templates st ON st.id = r.shift_template_id
      WHERE r.organization_id = t.organization_id AND r.employee_id = e.id
        AND r.business_date BETWEEN local.day - 1 AND local.day + 1) AS shifts,
    (SELECT rt.id FROM timers rt
      WHERE rt.employee_id = e.id AND rt.state <> 'STOPPED' LIMIT 1) AS running_timer_id,
    {asked} AS asked_timer
FROM subject s
JOIN tasks t ON t.id = s.task_id AND t.organization_id = :organization_id
JOIN organizations o ON o.id = t.organization_id
CROSS JOIN LATERAL (
    SELECT CAST((CAST(:at AS timestamptz) AT TIME ZONE (o.settings ->> 'timezone')) AS date) AS day
) local
LEFT JOIN employees e ON e.id = CAST(:acting AS uuid) AND e.organization_id = t.organization_id
"""

_ASKED = f"(SELECT {_TIMER_JSON.format(t='k')} FROM timers k WHERE k.id = s.timer_id)"


def _read(subject: str, asked: str) -> TextClause:
    return text(_READ.format(subject=subject, active_json=_TIMER_JSON.format(t="a"), asked=asked))


#: The work of a task.
FOR_TASK = _read("SELECT CAST(:key AS uuid) AS task_id", "NULL")
#: The work of a timer's task (the timer as ``asked_timer``).
FOR_TIMER = _read(
    "SELECT task_id, id AS timer_id FROM timers"
    " WHERE id = CAST(:key AS uuid) AND organization_id = :organization_id",
    _ASKED,
)
#: The work of an employee's non-stopped timer.
FOR_EMPLOYEE = _read(
    "SELECT task_id, id AS timer_id FROM timers WHERE organization_id = :organization_id"
    " AND employee_id = CAST(:key AS uuid) AND state <> 'STOPPED'",
    _ASKED,
)

_HISTORY_COLUMNS = (
    "id", "organization_id", "task_id", "from_status", "to_status", "at", "actor_type",
    "actor_id", "actor_name", "note", "seconds_in_previous",
)  # fmt: skip
_TIMER_COLUMNS = (
    "id", "organization_id", "employee_id", "task_id", "state", "started_at", "business_date",
    "stopped_at", "auto_stopped", "stop_reason", "skipped_checks", "override_by",
    "override_reason", "version",
)  # fmt: skip
_TIMER_CHANGES = ("state", "stopped_at", "auto_stopped", "stop_reason")
_INTERVAL_COLUMNS = ("seq", "state", "started_at", "ended_at")


@dataclass(slots=True)
class WorkWrite:
    """What one save writes (built by the repository from the aggregate)."""

    organization_id: UUID
    task_id: UUID
    insert_task: dict[str, Any] | None = None
    task_version: int | None = None
    task_set: dict[str, Any] = field(default_factory=dict)
    history: list[StatusChange] = field(default_factory=list)
    timer: Timer | None = None
    #: (version, interval count) of the timer as read; None for a new timer.
    timer_read: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class _Shape:
    insert_task: tuple[str, ...]
    task_set: tuple[str, ...]
    history: int
    new_timer_intervals: int
    #: For a changed timer: whether an interval was closed, and how many were opened.
    changed_timer: tuple[bool, int] | None


def save_fragment(write: WorkWrite) -> Fragment:
    """The statement parts saving ``write`` (sent with the commit), and its parameters."""
    params: dict[str, Any] = {
        "organization_id": write.organization_id,
        "task_id": write.task_id,
    }
    insert = tuple(write.insert_task or ())
    for name in insert:
        params[f"n_{name}"] = (write.insert_task or {})[name]
    task_set = tuple(sorted(write.task_set)) if write.insert_task is None else ()
    if task_set:
        params["task_version"] = write.task_version
        params.update({f"s_{name}": write.task_set[name] for name in task_set})
    for n, change in enumerate(write.history):
        params.update({f"h{n}_{k}": v for k, v in history_values(change).items()})
    new_intervals, changed = _timer_params(write, params)
    ctes, selects = _parts(_Shape(insert, task_set, len(write.history), new_intervals, changed))
    return Fragment(ctes=ctes, selects=selects, params=params)


def _timer_params(write: WorkWrite, params: dict[str, Any]) -> tuple[int, tuple[bool, int] | None]:
    timer = write.timer
    if timer is None:
        return 0, None
    params["timer_id"] = timer.id
    values = timer_values(timer)
    if write.timer_read is None:
        params.update({f"m_{k}": values[k] for k in _TIMER_COLUMNS})
        _interval_params(timer, 0, params)
        return len(timer.intervals), None
    version, count = write.timer_read
    params["timer_version"] = version
    params.update({f"m_{k}": values[k] for k in _TIMER_CHANGES})
    closed = count > 0 and timer.intervals[count - 1].ended_at is not None
    if closed:
        params["c_seq"] = count - 1
        params["c_ended_at"] = timer.intervals[count - 1].ended_at
    opened = _interval_params(timer, count, params)
    return 0, (closed, opened)


def _interval_params(timer: Timer, start: int, params: dict[str, Any]) -> int:
    for n, interval in enumerate(timer.intervals[start:]):
        params[f"i{n}_seq"] = start + n
        params[f"i{n}_state"] = interval.state.value
        params[f"i{n}_started_at"] = interval.started_at
        params[f"i{n}_ended_at"] = interval.ended_at
    return len(timer.intervals) - start


def _values(prefix: str, columns: tuple[str, ...]) -> str:
    return "(" + ", ".join(f":{prefix}_{c}" for c in columns) + ")"


@cache
def _parts(shape: _Shape) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Data-modifying CTEs for each part that changed, and the SELECT's guards of the
    versioned updates."""
    parts: list[str] = []
    if shape.insert_task:
        columns = ", ".join(shape.insert_task)
        parts.append(
            f"nt AS (INSERT INTO tasks ({columns}) VALUES {_values('n', shape.insert_task)})"
        )
    if shape.task_set:
        sets = ", ".join(f"{c} = :s_{c}" for c in shape.task_set)
        parts.append(
            f"t AS (UPDATE tasks SET {sets}, version = version + 1 WHERE id = :task_id"
            " AND organization_id = :organization_id AND version = :task_version RETURNING 1)"
        )
    if shape.history:
        rows = ", ".join(_values(f"h{n}", _HISTORY_COLUMNS) for n in range(shape.history))
        parts.append(
            f"h AS (INSERT INTO task_status_history ({', '.join(_HISTORY_COLUMNS)}) VALUES {rows})"
        )
    parts.extend(_timer_parts(shape))
    # jts_expect (migration 0031) raises CONFLICT when a versioned update found no row, so
    # the statement writes nothing at all: it is safe outside a transaction.
    selects = []
    if shape.task_set:
        selects.append("jts_expect((SELECT count(*) FROM t) = 1, 'task') AS task_saved")
    if shape.changed_timer is not None:
        selects.append("jts_expect((SELECT count(*) FROM tu) = 1, 'timer') AS timer_saved")
    return tuple(parts), tuple(selects)


def _timer_parts(shape: _Shape) -> list[str]:
    parts: list[str] = []
    interval_columns = ", ".join(("timer_id", *_INTERVAL_COLUMNS))
    if shape.new_timer_intervals:
        parts.append(
            f"nm AS (INSERT INTO timers ({', '.join(_TIMER_COLUMNS)})"
            f" VALUES {_values('m', _TIMER_COLUMNS)})"
        )
        opened = shape.new_timer_intervals
    elif shape.changed_timer is not None:
        closed, opened = shape.changed_timer
        sets = ", ".join(f"{c} = :m_{c}" for c in _TIMER_CHANGES)
        parts.append(
            f"tu AS (UPDATE timers SET {sets}, version = version + 1 WHERE id = :timer_id"
            " AND organization_id = :organization_id AND version = :timer_version RETURNING 1)"
        )
        if closed:
            parts.append(
                "ic AS (UPDATE timer_intervals SET ended_at = :c_ended_at"
                " WHERE timer_id = :timer_id AND seq = :c_seq)"
            )
    else:
        return parts
    if opened:
        rows = ", ".join(
            "(:timer_id, " + ", ".join(f":i{n}_{c}" for c in _INTERVAL_COLUMNS) + ")"
            for n in range(opened)
        )
        parts.append(f"io AS (INSERT INTO timer_intervals ({interval_columns}) VALUES {rows})")
    return parts
