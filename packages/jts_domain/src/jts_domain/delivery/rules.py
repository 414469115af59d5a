"""Delivery's rules as pure functions: which jobs a dispatcher takes and how it moves
them, quiet hours in the tenant's timezone, retry backoff, and counter windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from jts_domain.delivery.model import DeliveryState, JobDelivery
from jts_domain.jtd.master import Catalog, StatusType
from jts_domain.jtd.model import JobToDo

#: A job goes through its flow to this status while an attempt is out, then to SENT.
EXECUTING, SENT, FAILED = "executing", "sent", "failed"
DELIVERED, READ = "delivered", "read"
#: Priority at or above which a job goes out in quiet hours (a critical override).
CRITICAL_PRIORITY = 9
#: Attempts of a message before it ends failed, and the waits between them.
MAX_ATTEMPTS = 5
_FIRST_RETRY = timedelta(seconds=30)
_RETRY_CAP = timedelta(hours=1)
#: How long an attempt may be out before another worker takes the job again.
SEND_LEASE = timedelta(minutes=5)
#: Counter windows: a channel's rate per minute.
RATE_WINDOW = timedelta(minutes=1)
#: The share of a tenant's limit at which its admins get one warning.
WARNING_SHARE = 0.8
_SECOND = timedelta(seconds=1)
#: The delivery states in which a failed job is still delivery's to try again, and in
#: which an executing one is (its lease over: the worker sending it stopped).
RETRY_STATES = frozenset({DeliveryState.RETRYING, DeliveryState.WAITING, DeliveryState.HELD})
STALE_STATES = frozenset({DeliveryState.SENDING, DeliveryState.WAITING, DeliveryState.HELD})


@dataclass(frozen=True, slots=True)
class Claimable:
    """The ``(event type, status)`` pairs a dispatcher takes: ``fresh`` ones lead to
    ``executing`` (not yet tried), ``retry`` ones are ``failed`` (taken only while their
    delivery is retrying), ``stale`` ones are ``executing`` (taken when the lease ran
    out: the worker that held them stopped)."""

    fresh: frozenset[tuple[str, str]]
    retry: frozenset[tuple[str, str]]
    stale: frozenset[tuple[str, str]]

    @property
    def event_types(self) -> frozenset[str]:
        """The message event types (those whose flow sends)."""
        return frozenset(event_type for event_type, _ in self.stale)

    def takes(
        self, job: JobToDo, delivery: JobDelivery | None, channels: frozenset[str], now: datetime
    ) -> bool:
        """Whether a dispatcher with these channels takes the job at ``now`` (the store's
        claim says the same in SQL)."""
        if job.channel not in channels or job.scheduled_at > now:
            return False
        waiting_until = None if delivery is None else delivery.next_attempt_at
        if waiting_until is not None and waiting_until > now:
            return False
        pair = (job.event_type, job.status)
        if pair in self.fresh:
            return True
        state = None if delivery is None else delivery.state
        if pair in self.retry:
            return state in RETRY_STATES
        return pair in self.stale and state in STALE_STATES


def claimable(catalog: Catalog) -> Claimable:
    """What the dispatcher takes, read from the flows: the event types with an
    ``executing`` status, and their statuses from which the flow leads there."""
    fresh: set[tuple[str, str]] = set()
    retry: set[tuple[str, str]] = set()
    stale: set[tuple[str, str]] = set()
    for definition in catalog.event_types.values():
        if not definition.has_status(EXECUTING) or not definition.has_status(SENT):
            continue
        stale.add((definition.code, EXECUTING))
        if definition.has_status(FAILED):
            retry.add((definition.code, FAILED))
        for status in definition.statuses:
            if status.type not in (StatusType.INITIAL, StatusType.PROGRESS):
                continue
            if status.code != EXECUTING and definition.path(status.code, EXECUTING):
                fresh.add((definition.code, status.code))
    return Claimable(frozenset(fresh), frozenset(retry), frozenset(stale))


def retry_delay(attempt: int) -> timedelta:
    """The wait after failed attempt ``attempt`` (1-based): 30 s, 2 min, 8 min, 32 min…
    never more than an hour."""
    wait = _FIRST_RETRY
    for _ in range(max(attempt - 1, 0)):
        wait *= 4
        if wait >= _RETRY_CAP:
            return _RETRY_CAP
    return wait


def window_start(now: datetime, width: timedelta = RATE_WINDOW) -> datetime:
    """The start of the fixed window holding ``now`` (windows are aligned to the epoch)."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return now - (now - epoch) % width


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The first UTC instant at which the local clock of ``tz`` reads ``day at``, or
    passes it (a time a spring-forward gap skips is reached when the gap ends)."""
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == naive:
        return first
    # In a gap: fold=1 maps before it, fold=0 after it; find where the clock jumps.
    low, high = naive.replace(tzinfo=tz, fold=1).astimezone(UTC), first
    while high - low > _SECOND:
        middle = low + (high - low) / 2
        if middle.astimezone(tz).replace(tzinfo=None) >= naive:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0) if high.microsecond else high


def quiet_until(now: datetime, timezone: str, start: time, end: time) -> datetime | None:
    """The end of the quiet window holding ``now`` (as a UTC instant), or None outside
    one. The window runs from ``start`` to ``end`` on the local clock and may cross
    midnight; equal ends mean no quiet hours.

    >>> from datetime import UTC, datetime, time
    >>> at_23 = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)  # 23:00 in Asia/Kolkata
    >>> quiet_until(at_23, "Asia/Kolkata", time(22), time(8)).isoformat()
    '2026-03-03T02:30:00+00:00'
    >>> quiet_until(datetime(2026, 3, 2, 6, 0, tzinfo=UTC), "Asia/Kolkata", time(22), time(8))
    """
    if start == end:
        return None
    tz = ZoneInfo(timezone)
    local = now.astimezone(tz)
    wall, today = local.time().replace(tzinfo=None), local.date()
    if start < end:
        inside, end_day = start <= wall < end, today
    elif wall >= start:
        inside, end_day = True, today + timedelta(days=1)
    else:
        inside, end_day = wall < end, today
    if not inside:
        return None
    return local_instant(end_day, end, tz)


def next_local_midnight(now: datetime, timezone: str) -> datetime:
    """The start of the next local day, as a UTC instant."""
    tz = ZoneInfo(timezone)
    return local_instant(now.astimezone(tz).date() + timedelta(days=1), time(0), tz)


def next_local_month(now: datetime, timezone: str) -> datetime:
    """The start of the next local month, as a UTC instant."""
    tz = ZoneInfo(timezone)
    today = now.astimezone(tz).date()
    first = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    return local_instant(first, time(0), tz)


def crossed_warning(before: int, after: int, limit: int) -> bool:
    """Whether taking the counter from ``before`` to ``after`` crossed 80 % of the limit
    (exactly one taker sees the crossing, as the counter moves one way)."""
    if limit <= 0:
        return False
    threshold = limit * WARNING_SHARE
    return before < threshold <= after
