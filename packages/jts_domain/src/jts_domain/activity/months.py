"""Months of heartbeat storage: which exist ahead, which are past every retention.

Heartbeats are stored by calendar month of ``at`` in UTC. A month is named by its first
day. The months of the current one and the next :data:`MONTHS_AHEAD` are kept ready;
a month is dropped once it is older than the longest retention of any organization
(each organization's own older rows are deleted when its retention is shorter).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

#: Months made ready beyond the current one.
MONTHS_AHEAD = 3


def month_of(instant: datetime) -> date:
    """The first day of the UTC month holding ``instant``.

    >>> month_of(datetime(2026, 3, 31, 23, 59, tzinfo=UTC))
    datetime.date(2026, 3, 1)
    """
    utc = instant.astimezone(UTC)
    return date(utc.year, utc.month, 1)


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after (or before) ``month``.

    >>> add_months(date(2026, 1, 1), -13), add_months(date(2026, 11, 1), 3)
    (datetime.date(2024, 12, 1), datetime.date(2027, 2, 1))
    """
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_start(month: date) -> datetime:
    """The first instant (UTC) of a month."""
    return datetime(month.year, month.month, 1, tzinfo=UTC)


def retention_cutoff(now: datetime, retention_months: int) -> date:
    """The oldest month an organization keeping ``retention_months`` still keeps."""
    return add_months(month_of(now), -retention_months)


@dataclass(frozen=True, slots=True)
class MonthPlan:
    """What the maintenance job does: months to create and months to drop."""

    create: tuple[date, ...]
    drop: tuple[date, ...]


def month_plan(existing: Iterable[date], now: datetime, retentions: Iterable[int]) -> MonthPlan:
    """Create the current month and :data:`MONTHS_AHEAD` more when missing; drop the
    months older than the longest of the retentions (none without any retention).

    >>> plan = month_plan([date(2024, 12, 1), date(2025, 1, 1), date(2026, 3, 1)],
    ...                   datetime(2026, 3, 2, tzinfo=UTC), [13, 6])
    >>> [m.isoformat() for m in plan.create], [m.isoformat() for m in plan.drop]
    (['2026-04-01', '2026-05-01', '2026-06-01'], ['2024-12-01', '2025-01-01'])
    """
    have = set(existing)
    current = month_of(now)
    wanted = [add_months(current, n) for n in range(MONTHS_AHEAD + 1)]
    longest = max(retentions, default=None)
    drop: list[date] = []
    if longest is not None:
        cutoff = retention_cutoff(now, longest)
        drop = sorted(m for m in have if m < cutoff)
    return MonthPlan(create=tuple(m for m in wanted if m not in have), drop=tuple(drop))
