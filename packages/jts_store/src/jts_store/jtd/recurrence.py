"""The recurrence expander on ``python-dateutil``'s ``rrule`` (RFC 5545).

The domain describes a recurrence as data (:class:`~jts_domain.jtd.recurrence.Recurrence`)
and stays free of third-party libraries; this adapter lists its local wall-clock
occurrences, which the domain then places in the organization's timezone.
"""

from __future__ import annotations

from datetime import datetime, time
from itertools import islice
from typing import Literal

from dateutil import rrule

from jts_domain.jtd.recurrence import Frequency, Recurrence

_FREQUENCIES: dict[Frequency, Literal[0, 1, 2, 3, 4, 5, 6]] = {
    Frequency.DAILY: rrule.DAILY,
    Frequency.WEEKLY: rrule.WEEKLY,
    Frequency.MONTHLY: rrule.MONTHLY,
    Frequency.YEARLY: rrule.YEARLY,
}
_WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


class DateutilRecurrences:
    """A :class:`~jts_domain.jtd.recurrence.RecurrenceExpander` on ``dateutil.rrule``."""

    def occurrences(self, recurrence: Recurrence, limit: int) -> list[datetime]:
        """Up to ``limit`` naive local occurrences, from the first date and time on."""
        rule = rrule.rrule(
            _FREQUENCIES[recurrence.frequency],
            dtstart=recurrence.first,
            interval=recurrence.interval,
            count=recurrence.count,
            until=None
            if recurrence.until is None
            else datetime.combine(recurrence.until, time.max),
            byweekday=tuple(_WEEKDAYS[d.number] for d in recurrence.by_weekday) or None,
            bymonthday=recurrence.by_month_day or None,
        )
        return list(islice(rule, limit))
