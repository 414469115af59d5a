"""SQL for business dates: an instant's date in an organization's timezone."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, Table, cast, func


def local_date(column: ColumnElement[Any], timezone: str) -> ColumnElement[date]:
    """``column``'s date in ``timezone``, as :func:`jts_domain.shifts.business_date` gives it."""
    return cast(func.timezone(timezone, column), Date)


def plan_date(tasks: Table, timezone: str) -> ColumnElement[date]:
    """A task's plan date (:func:`jts_domain.planner.plan_date`): planned date, else the
    local date of its due time, else the local date it was created on."""
    return func.coalesce(
        tasks.c.planned_date,
        local_date(tasks.c.due_at, timezone),
        local_date(tasks.c.created_at, timezone),
    )
