"""Live inbox messages: one outbox listener per process, fanned out to each employee's
``inboxMessage`` subscriptions.

Built as :mod:`jts_api.jtd_feed` is: the store's :class:`~jts_store.bus.OutboxBus`
reads every committed ``inbox.message_added`` event once, in commit order, from
whichever worker or replica committed it, starting from the end of the log.
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

QUEUE_SIZE = 256
MAX_BACKOFF_SECONDS = 5.0

logger = structlog.get_logger("jts.inbox_feed")


@dataclass(frozen=True, slots=True)
class InboxArrival:
    """A message that arrived in an employee's inbox."""

    organization_id: UUID
    employee_id: UUID
    message_id: UUID
    job_id: UUID
    subject: str
    body: str
    priority: int
    at: datetime

    @classmethod
    def of(cls, event: DomainEvent) -> InboxArrival:
        """The arrival an ``inbox.message_added`` event announces."""
        p = event.payload
        return cls(
            organization_id=event.organization_id,
            employee_id=UUID(str(p["employee_id"])),
            message_id=UUID(str(p["message_id"])),
            job_id=UUID(str(p["job_id"])),
            subject=str(p["subject"]),
            body=str(p.get("body", "")),
            priority=int(p.get("priority", 5)),
            at=datetime.fromisoformat(str(p["at"])),
        )


class InboxFeed:
    """Fans one process's inbox arrivals out to the subscriptions of each employee."""

    def __init__(self, database_url: str) -> None:
        self._url = database_url
        self._subscribers: defaultdict[tuple[UUID, UUID], dict[int, asyncio.Queue[InboxArrival]]]
        self._subscribers = defaultdict(dict)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Listen from the end of the outbox."""
        self._task = asyncio.create_task(self._listen(OutboxBus(self._url)), name="jts-inbox")

    async def stop(self) -> None:
        """Stop listening."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _listen(self, bus: OutboxBus) -> None:
        backoff = 0.05
        while True:
            try:
                bus.position = await bus.end_of_log()
                break
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                logger.warning("inbox feed cannot read the outbox yet", error=repr(error))
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
        async for delivery in bus.stream():
            if delivery.event.name is EventName.INBOX_MESSAGE_ADDED:
                try:
                    self.offer(InboxArrival.of(delivery.event))
                except (KeyError, ValueError) as error:
                    logger.error("unreadable inbox event", error=repr(error))

    def offer(self, arrival: InboxArrival) -> None:
        """Hand an arrival to its employee's subscriptions."""
        key = (arrival.organization_id, arrival.employee_id)
        for queue in self._subscribers.get(key, {}).values():
            if queue.full():
                queue.get_nowait()  # a subscriber this far behind reads the inbox instead
            queue.put_nowait(arrival)

    def subscribers(self, organization_id: UUID, employee_id: UUID) -> int:
        """How many subscriptions of the employee this process serves now."""
        return len(self._subscribers.get((organization_id, employee_id), {}))

    @contextlib.asynccontextmanager
    async def subscribe(
        self, organization_id: UUID, employee_id: UUID
    ) -> AsyncIterator[asyncio.Queue[InboxArrival]]:
        """A queue receiving the employee's arrivals."""
        queue: asyncio.Queue[InboxArrival] = asyncio.Queue(maxsize=QUEUE_SIZE)
        key = (organization_id, employee_id)
        self._subscribers[key][id(queue)] = queue
        try:
            yield queue
        finally:
            self._subscribers[key].pop(id(queue), None)
            if not self._subscribers[key]:
                self._subscribers.pop(key, None)
