# ruff: noqa: S608 -- statements are assembled from this module's own SQL fragments; values are always bind parameters
"""The SELECT of each export kind: cells rendered as text by PostgreSQL itself.

Instants are ``to_char``'d in the session's timezone, which the export sets for its own
transaction (``set_config('TimeZone', tz, true)``); durations are exact seconds
(``trim_scale`` of the epoch); so a writer only copies strings. The same statements are
what the benchmark runs under ``COPY … TO STDOUT``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Date, DateTime, TextClause, Uuid, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import TypeEngine

from jts_domain.exports.model import ExportKind, ExportScope

_ISO = "'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM'"
_DAY = "'YYYY-MM-DD'"


def _iso(column: str) -> str:
    return f"to_char({column}, {_ISO})"


def _flag(column: str) -> str:
    return f"CASE WHEN {column} THEN 'true' ELSE 'false' END"


_PERSON = "e.id::text, e.name, e.email, d.name"
_EMPLOYEE_SCOPE = """
    AND (CAST(:department_id AS uuid) IS NULL OR e.department_id = CAST(:department_id AS uuid))
    AND (:whole OR e.id = CAST(:self_id AS uuid)
         OR e.department_id = ANY(CAST(:departments AS uuid[])))"""

_TIMESHEETS = f"""
SELECT t.id::text, to_char(t.business_date, {_DAY}), {_PERSON}, k.id::text, k.title, t.state,
       {_iso("t.started_at")}, {_iso("t.stopped_at")},
       trim_scale(coalesce(s.active, 0))::text, trim_scale(coalesce(s.pause, 0))::text,
       trim_scale(coalesce(s.break, 0))::text, t.stop_reason, {_flag("t.auto_stopped")}
FROM timers t
JOIN employees e ON e.id = t.employee_id
LEFT JOIN departments d ON d.id = e.department_id
JOIN tasks k ON k.id = t.task_id
LEFT JOIN LATERAL (
    SELECT sum(x.seconds) FILTER (WHERE x.state = 'RUNNING') AS active,
           sum(x.seconds) FILTER (WHERE x.state = 'PAUSED') AS pause,
           sum(x.seconds) FILTER (WHERE x.state = 'ON_BREAK') AS break
    FROM (SELECT i.state, extract(epoch FROM greatest(
                     coalesce(i.ended_at, CAST(:at AS timestamptz)) - i.started_at,
                     interval '0')) AS seconds
          FROM timer_intervals i WHERE i.timer_id = t.id) x
) s ON true
WHERE t.organization_id = CAST(:organization_id AS uuid)
  AND t.business_date BETWEEN :date_from AND :date_to{_EMPLOYEE_SCOPE}
ORDER BY t.business_date, t.started_at, t.id
"""

_ATTENDANCE = f"""
SELECT to_char(a.business_date, {_DAY}), {_PERSON}, a.status, st.name,
       {_iso("a.clock_in_at")}, {_iso("a.clock_out_at")}, a.override_by::text, a.override_reason
FROM attendance a
JOIN employees e ON e.id = a.employee_id
LEFT JOIN departments d ON d.id = e.department_id
LEFT JOIN stores st ON st.id = a.store_id
WHERE a.organization_id = CAST(:organization_id AS uuid)
  AND a.business_date BETWEEN :date_from AND :date_to{_EMPLOYEE_SCOPE}
ORDER BY a.business_date, a.employee_id
"""


def _metric(name: str) -> str:
    return (
        "(SELECT trim_scale(CAST(m ->> 'value' AS numeric))::text "
        f"FROM jsonb_array_elements(sc.metrics) m WHERE m ->> 'name' = '{name}')"
    )


_METRICS = ("completion", "timeliness", "utilization", "sla", "quality")
_SCORES = f"""
SELECT to_char(sc.business_date, {_DAY}), {_PERSON},
       trim_scale(sc.score)::text, trim_scale(sc.reliability)::text,
       {", ".join(_metric(n) for n in _METRICS)},
       {_iso("sc.calculated_at")}
FROM daily_scores sc
JOIN employees e ON e.id = sc.employee_id
LEFT JOIN departments d ON d.id = e.department_id
WHERE sc.organization_id = CAST(:organization_id AS uuid)
  AND sc.business_date BETWEEN :date_from AND :date_to{_EMPLOYEE_SCOPE}
ORDER BY sc.business_date, sc.employee_id
"""

_TASKS = f"""
SELECT k.id::text, to_char(p.day, {_DAY}), k.title, k.status, k.priority, k.assignee_id::text,
       a.name, d.name, st.name, k.job_category, {_iso("k.due_at")}, {_iso("k.sla_deadline")},
       k.last_sla_status, k.estimated_minutes::text, round(k.actual_seconds)::bigint::text,
       {_flag("k.requires_review")}, k.quality_rating::text, k.source,
       {_iso("k.created_at")}, {_iso("k.completed_at")}
FROM tasks k
CROSS JOIN LATERAL (
    SELECT coalesce(k.planned_date, CAST(timezone(CAST(:timezone AS text), k.due_at) AS date),
                    CAST(timezone(CAST(:timezone AS text), k.created_at) AS date)) AS day
) p
LEFT JOIN employees a ON a.id = k.assignee_id
LEFT JOIN departments d ON d.id = k.department_id
LEFT JOIN stores st ON st.id = k.store_id
WHERE k.organization_id = CAST(:organization_id AS uuid)
  AND p.day BETWEEN :date_from AND :date_to
  AND (CAST(:department_id AS uuid) IS NULL OR k.department_id = CAST(:department_id AS uuid))
  AND (:whole
       OR (k.department_id IS NULL AND :departmentless)
       OR k.department_id = ANY(CAST(:departments AS uuid[]))
       OR k.assignee_id = CAST(:self_id AS uuid) OR k.created_by = CAST(:self_id AS uuid))
ORDER BY p.day, k.created_at, k.id
"""

_SQL = {
    ExportKind.TIMESHEETS: _TIMESHEETS,
    ExportKind.ATTENDANCE: _ATTENDANCE,
    ExportKind.SCORES: _SCORES,
    ExportKind.TASKS: _TASKS,
}

_TYPES: dict[str, TypeEngine[Any]] = {
    "organization_id": Uuid(),
    "department_id": Uuid(),
    "self_id": Uuid(),
    "departments": ARRAY(Uuid()),
    "date_from": Date(),
    "date_to": Date(),
    "at": DateTime(timezone=True),
    "whole": Boolean(),
    "departmentless": Boolean(),
}


def export_statement(scope: ExportScope) -> tuple[TextClause, dict[str, Any]]:
    """The SELECT of the scope's kind and its parameters."""
    statement = text(_SQL[scope.kind])
    statement = statement.bindparams(
        *(
            bindparam(name, type_=type_)
            for name, type_ in _TYPES.items()
            if f":{name}" in _SQL[scope.kind]
        )
    )
    return statement, _parameters(scope)


def _parameters(scope: ExportScope) -> dict[str, Any]:
    values: dict[str, Any] = {
        "organization_id": scope.organization_id,
        "date_from": scope.date_from,
        "date_to": scope.date_to,
        "department_id": scope.department_id,
    }
    if scope.kind is ExportKind.TASKS:
        reach = scope.task_reach
        values |= {
            "timezone": scope.timezone,
            "whole": reach is None,
            "departmentless": reach is not None and reach.departmentless,
            "departments": [] if reach is None else sorted(reach.department_ids),
            "self_id": None if reach is None else reach.employee_id,
        }
        return values
    people = scope.employee_reach
    values |= {
        "whole": people is None,
        "departments": [] if people is None else sorted(people.department_ids),
        "self_id": None if people is None else people.employee_id,
    }
    if scope.kind is ExportKind.TIMESHEETS:
        values["at"] = scope.at
    return values


#: Makes the export's transaction render instants in the organization's timezone.
SET_TIMEZONE = text("SELECT set_config('TimeZone', :timezone, true)")
