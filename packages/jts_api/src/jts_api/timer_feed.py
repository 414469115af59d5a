"""Live timer changes: one outbox listener per process, fanned out to subscribers.

The store's :class:`~jts_store.bus.OutboxBus` reads every committed outbox event once,
in commit order, whichever API process (or worker) wrote it: a NOTIFY wakes it, and
it catches up from the outbox after a lost connection. :class:`TimerFeed` runs one bus
for the whole process (started and stopped with the app) and hands each
``timer.state_changed`` event to the in-process queues of the subscriptions following
that employee, so N subscribers cost one database connection, not N.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg
import structlog

from jts_domain.model import DomainEvent, EventName
from jts_store.bus import OutboxBus

#: Events a slow subscriber may have waiting before the oldest are dropped.
QUEUE_SIZE = 256
MAX_BACKOFF_SECONDS = 5.0

logger = structlog.get_logger("jts.timer_feed")

_Key = tuple[UUID, UUID]


@dataclass(frozen=True, slots=True)
class TimerChange:
    """A timer's state at one instant, as its event announced it."""

    organization_id: UUID
    employee_id: UUID
    timer_id: UUID
    task_id: UUID
    state: str
    active_seconds: float
    at: datetime

    @classmethod
    def of(cls, event: DomainEvent) -> TimerChange:
        """The change a ``timer.state_changed`` event announces."""
        payload = event.payload
        return cls(
            organization_id=event.organization_id,
            employee_id=UUID(str(payload["employee_id"])),
            timer_id=UUID(str(payload["timer_id"])),
            task_id=UUID(str(payload["task_id"])),
            state=str(payload["state"]),
            active_seconds=float(payload["active_seconds"]),
            at=datetime.fromisoformat(str(payload["at"])),
        )


class TimerFeed:
    """Fans one process's outbox stream out to per-employee subscriber queues."""

    def __init__(self, database_url: str) -> None:
        self._url = database_url
        self._queues: defaultdict[_Key, set[asyncio.Queue[TimerChange]]] = defaultdict(set)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start listening in the background from the end of the outbox (history is not
        replayed); an unreachable database delays the feed, never the app's start."""
        self._task = asyncio.create_task(self._run(OutboxBus(self._url)), name="jts-timer-feed")

    async def stop(self) -> None:
        """Stop listening; subscriptions end when their connections close."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self, bus: OutboxBus) -> None:
        backoff = 0.05
        while True:
            try:
                bus.position = await bus.end_of_log()
                break
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                logger.warning("timer feed cannot read the outbox yet", error=repr(error))
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
        async for delivery in bus.stream():
            if delivery.event.name is EventName.TIMER_STATE_CHANGED:
                try:
                    self._fan_out(TimerChange.of(delivery.event))
                except (KeyError, ValueError) as error:
                    logger.error("unreadable timer event", error=repr(error))

    def _fan_out(self, change: TimerChange) -> None:
        for queue in self._queues.get((change.organization_id, change.employee_id), ()):
            if queue.full():
                queue.get_nowait()  # a subscriber this far behind wants the newest state
            queue.put_nowait(change)

    def subscribers(self, organization_id: UUID, employee_id: UUID) -> int:
        """How many subscriptions follow the employee in this process now."""
        return len(self._queues.get((organization_id, employee_id), ()))

    @contextlib.asynccontextmanager
    async def subscribe(
        self, organization_id: UUID, employee_id: UUID
    ) -> AsyncIterator[asyncio.Queue[TimerChange]]:
        """A queue receiving the employee's timer changes until the block ends."""
        key = (organization_id, employee_id)
        queue: asyncio.Queue[TimerChange] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._queues[key].add(queue)
        try:
            yield queue
        finally:
            self._queues[key].discard(queue)
            if not self._queues[key]:
                del self._queues[key]
