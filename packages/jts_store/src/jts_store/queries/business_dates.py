"""SQL for business dates: an instant's date in an organization's timezone."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, cast, func

from jts_domain import shifts

_MARGIN = timedelta(days=1)


def falls_on(column: ColumnElement[Any], business_date: date, timezone: str) -> ColumnElement[bool]:
    """``column``'s local date in ``timezone`` is ``business_date`` (NULL never is).

    First a plain UTC range around the local day (which an index can use and which
    discards most rows cheaply), then the exact local date as ``AT TIME ZONE`` reads it —
    the same date :func:`jts_domain.shifts.business_date` gives.
    """
    start, end = shifts.local_day_bounds(business_date, timezone)
    return and_(
        column >= start - _MARGIN,
        column < end + _MARGIN,
        cast(func.timezone(timezone, column), Date) == business_date,
    )
