"""Live activity computed from events: presence changes and activity seconds.

It listens to the process's one :class:`~jts_api.live_feed.LiveFeed` (which reads every
committed event once, in commit order, whichever replica or worker wrote it) and, for
what its subscribers follow, reads what the events do not carry:

* ``activity.recorded`` becomes the timer's activity seconds, read after commit — at most
  once a second per employee (the first at once, then the newest state once the second
  has passed, on the app's clock), and only while someone in this process follows them.
* Clock-ins and -outs, timer changes and IDLE alerts (raised or resolved) make the
  employee's presence be read again, and so do heartbeats of someone last seen IDLE; it
  goes out when its state changed.

Reads happen in tasks of their own, so a slow read never holds the feed up. Raised
alerts need no read: ``alertRaised`` follows the live feed's topic directly.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import structlog

from jts_api.jtd_feed import Coalescer
from jts_api.live_feed import LiveFeed
from jts_domain.activity.model import Presence
from jts_domain.activity.reads import Watch, employee_presence, timer_activity_now
from jts_domain.model import DomainEvent, EventName
from jts_domain.services import ServiceContext

THROTTLE = timedelta(seconds=1)
FLUSH_SECONDS = 0.05
QUEUE_SIZE = 256

logger = structlog.get_logger("jts.activity_feed")

_PRESENCE_EVENTS = frozenset(
    {
        EventName.TIMER_STATE_CHANGED,
        EventName.ATTENDANCE_CHANGED,
        EventName.ACTIVITY_RECORDED,
        EventName.ALERT_RAISED,
        EventName.ALERT_RESOLVED,
    }
)


def _uuid(payload: dict[str, Any], name: str) -> UUID | None:
    value = payload.get(name)
    return None if value is None else UUID(str(value))


@dataclass(frozen=True, slots=True)
class ActivityPush:
    """A timer's activity seconds at an instant."""

    employee_id: UUID
    timer_id: UUID
    activity_seconds: float
    at: datetime


Push = ActivityPush | Presence


@dataclass(frozen=True, slots=True)
class _Subscriber:
    topic: str
    watch: Watch
    queue: asyncio.Queue[Push]


class ActivityFeed:
    """Presence and activity seconds for the subscriptions of one process."""

    def __init__(self, ctx: ServiceContext, queue_size: int = QUEUE_SIZE) -> None:
        self._ctx = ctx
        self._queue_size = queue_size
        self._subscribers: defaultdict[UUID, dict[int, _Subscriber]] = defaultdict(dict)
        self._throttle: Coalescer[tuple[UUID, UUID], DomainEvent] = Coalescer(THROTTLE)
        self._presence: dict[tuple[UUID, UUID], str] = {}
        self._flusher: asyncio.Task[None] | None = None
        self._reads: set[asyncio.Task[None]] = set()

    def attach(self, feed: LiveFeed) -> None:
        """Take the events that move presence or activity from the live feed."""
        for name in _PRESENCE_EVENTS:
            feed.listen(name, self.take)

    async def start(self) -> None:
        """Send held activity as seconds pass."""
        self._flusher = asyncio.create_task(self._flush(), name="jts-activity-feed-flush")

    async def stop(self) -> None:
        """Stop flushing and reading; subscriptions end when their connections close."""
        tasks = [*self._reads, *([self._flusher] if self._flusher is not None else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._flusher, self._reads = None, set()

    def take(self, event: DomainEvent) -> None:
        """Route one committed event to what follows it in this process."""
        org = event.organization_id
        if org not in self._subscribers or event.name not in _PRESENCE_EVENTS:
            return
        employee = _uuid(event.payload, "employee_id")
        if employee is None:
            return
        if event.name is EventName.ACTIVITY_RECORDED and self._follows(org, "activity"):
            sent = self._throttle.offer((org, employee), event, self._ctx.clock.now())
            if sent is not None:
                self._read(self._activity(sent))
        if self._follows(org, "presence") and self._moves_presence(event):
            self._read(self._presence_of(org, employee))

    def _moves_presence(self, event: DomainEvent) -> bool:
        if event.name in (EventName.ALERT_RAISED, EventName.ALERT_RESOLVED):
            return event.payload.get("kind") == "IDLE"
        if event.name is EventName.ACTIVITY_RECORDED:
            # Heartbeats move presence only out of IDLE (or when it is not known yet).
            employee = UUID(str(event.payload["employee_id"]))
            known = self._presence.get((event.organization_id, employee))
            return known in (None, "IDLE")
        return True

    def _follows(self, org: UUID, topic: str) -> bool:
        return any(s.topic == topic for s in self._subscribers.get(org, {}).values())

    def _read(self, work: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._reads.add(task)
        task.add_done_callback(self._reads.discard)

    async def _flush(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            for event in self._throttle.due(self._ctx.clock.now()):
                self._read(self._activity(event))

    async def _activity(self, event: DomainEvent) -> None:
        org, payload = event.organization_id, event.payload
        employee = UUID(str(payload["employee_id"]))
        for timer in payload.get("timer_ids", []):
            seconds = await self._guarded(timer_activity_now, org, UUID(str(timer)))
            if seconds is not None:
                push = ActivityPush(employee, UUID(str(timer)), seconds, self._ctx.clock.now())
                self._fan_out(org, "activity", push)

    async def _presence_of(self, org: UUID, employee: UUID) -> None:
        presence = await self._guarded(employee_presence, org, employee)
        if presence is None:
            return
        key = (org, employee)
        if self._presence.get(key) == presence.state.value:
            return
        self._presence[key] = presence.state.value
        self._fan_out(org, "presence", presence)

    async def _guarded(self, read: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        try:
            return await read(self._ctx, *args)
        except Exception as error:  # noqa: BLE001 -- one failed read must not end the feed
            logger.error("activity feed read failed", error=repr(error))
            return None

    def _fan_out(self, org: UUID, topic: str, push: Push) -> None:
        department = getattr(push, "department_id", None)
        for subscriber in self._subscribers.get(org, {}).values():
            if subscriber.topic != topic or not subscriber.watch.covers(
                push.employee_id, department
            ):
                continue
            if subscriber.queue.full():
                subscriber.queue.get_nowait()  # a subscriber this far behind wants the newest
            subscriber.queue.put_nowait(push)

    def subscribers(self, organization_id: UUID, topic: str) -> int:
        """How many subscriptions of the topic this process serves for the organization."""
        return sum(
            1 for s in self._subscribers.get(organization_id, {}).values() if s.topic == topic
        )

    @contextlib.asynccontextmanager
    async def subscribe(
        self, organization_id: UUID, topic: str, watch: Watch
    ) -> AsyncIterator[asyncio.Queue[Push]]:
        """A queue of the topic's pushes (``presence`` or ``activity``) about the people
        ``watch`` covers."""
        queue: asyncio.Queue[Push] = asyncio.Queue(maxsize=self._queue_size)
        subscribers = self._subscribers[organization_id]
        subscribers[id(queue)] = _Subscriber(topic, watch, queue)
        try:
            yield queue
        finally:
            subscribers.pop(id(queue), None)
            if not subscribers:
                self._subscribers.pop(organization_id, None)
