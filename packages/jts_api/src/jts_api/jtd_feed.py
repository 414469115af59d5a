"""Live job-to-do changes: from the process's one live feed, coalesced, fanned out.

The committed ``job_to_do.status_changed`` events come from the process's one
:class:`~jts_api.live_feed.LiveFeed` (which reads every committed outbox event once, in
commit order, whichever process wrote it), so following job changes costs no outbox
listener of its own. Changes are coalesced per job before they reach anyone: the
first change of a job goes out at once, later ones within :data:`WINDOW` are held and
only the newest of them goes out when the window has passed (read on the app's clock,
checked every :data:`FLUSH_SECONDS`). Each subscription then keeps what its filter and
the caller's reach allow.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar
from uuid import UUID

import structlog

from jts_api.live_feed import LiveFeed
from jts_domain.model import DomainEvent, EventName
from jts_domain.ports import Clock

WINDOW = timedelta(milliseconds=500)
FLUSH_SECONDS = 0.05
QUEUE_SIZE = 256

logger = structlog.get_logger("jts.jtd_feed")

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Coalescer(Generic[K, V]):
    """At most one item per key per window: the first at once, then the newest held one
    once the window since the last sent has passed."""

    def __init__(self, window: timedelta) -> None:
        self._window = window
        self._sent_at: dict[K, datetime] = {}
        self._held: dict[K, V] = {}

    def offer(self, key: K, item: V, now: datetime) -> V | None:
        """The item to send now, or None when it is held (replacing an older held one)."""
        sent = self._sent_at.get(key)
        if sent is None or now - sent >= self._window:
            self._sent_at[key] = now
            self._held.pop(key, None)
            return item
        self._held[key] = item
        return None

    def due(self, now: datetime) -> list[V]:
        """The held items whose window has passed (sent now); keys quiet for a whole
        window are forgotten, so the map holds only recent jobs."""
        ready = [key for key in self._held if now - self._sent_at[key] >= self._window]
        items = [self._held.pop(key) for key in ready]
        for key in ready:
            self._sent_at[key] = now
        for key in [k for k, t in self._sent_at.items() if now - t >= self._window]:
            if key not in self._held:
                del self._sent_at[key]
        return items

    @property
    def held(self) -> int:
        """How many keys have an item waiting."""
        return len(self._held)

    def held_item(self, key: K) -> V | None:
        """The item waiting for the key's window, if any."""
        return self._held.get(key)


@dataclass(frozen=True, slots=True)
class JobToDoChange:
    """A job's move, as its event announced it."""

    organization_id: UUID
    job_id: UUID
    event_type: str
    source_type: str
    from_status: str
    to_status: str
    valid_transition: bool
    recipient_id: UUID | None
    actor_type: str
    actor_id: UUID | None
    actor_name: str
    at: datetime

    @classmethod
    def of(cls, event: DomainEvent) -> JobToDoChange:
        """The change a ``job_to_do.status_changed`` event announces."""
        p = event.payload
        recipient, actor = p.get("recipient_id"), p.get("actor_id")
        return cls(
            organization_id=event.organization_id,
            job_id=UUID(str(p["job_id"])),
            event_type=str(p["event_type"]),
            source_type=str(p["source_type"]),
            from_status=str(p["from_status"]),
            to_status=str(p["to_status"]),
            valid_transition=bool(p["valid_transition"]),
            recipient_id=None if recipient is None else UUID(str(recipient)),
            actor_type=str(p["actor_type"]),
            actor_id=None if actor is None else UUID(str(actor)),
            actor_name=str(p["actor_name"]),
            at=datetime.fromisoformat(str(p["at"])),
        )


Wanted = Callable[[JobToDoChange], bool]


class JobToDoFeed:
    """Fans one process's coalesced job changes out to per-organization subscribers."""

    def __init__(self, clock: Clock, window: timedelta = WINDOW) -> None:
        self._clock = clock
        self._coalescer: Coalescer[tuple[UUID, UUID], JobToDoChange] = Coalescer(window)
        self._subscribers: defaultdict[UUID, dict[int, tuple[asyncio.Queue[JobToDoChange], Wanted]]]
        self._subscribers = defaultdict(dict)
        self._tasks: list[asyncio.Task[None]] = []

    def attach(self, feed: LiveFeed) -> None:
        """Take job changes from the process's live feed."""
        feed.listen(EventName.JOB_TO_DO_STATUS_CHANGED, self._on_event)

    async def start(self) -> None:
        """Flush held changes as windows pass."""
        self._tasks = [asyncio.create_task(self._flush(), name="jts-jtd-feed-flush")]

    async def stop(self) -> None:
        """Stop flushing; subscriptions end when their connections close."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    def _on_event(self, event: DomainEvent) -> None:
        try:
            self.offer(JobToDoChange.of(event))
        except (KeyError, ValueError) as error:
            logger.error("unreadable job-to-do event", error=repr(error))

    async def _flush(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            for change in self._coalescer.due(self._clock.now()):
                self._fan_out(change)

    def offer(self, change: JobToDoChange) -> None:
        """Take a change in: out at once, or held until its job's window passes."""
        key = (change.organization_id, change.job_id)
        sent = self._coalescer.offer(key, change, self._clock.now())
        if sent is not None:
            self._fan_out(sent)

    def _fan_out(self, change: JobToDoChange) -> None:
        for queue, wanted in self._subscribers.get(change.organization_id, {}).values():
            if not wanted(change):
                continue
            if queue.full():
                queue.get_nowait()  # a subscriber this far behind wants the newest state
            queue.put_nowait(change)

    def held_change(self, organization_id: UUID, job_id: UUID) -> JobToDoChange | None:
        """The job's newest change waiting for its window to pass, if any."""
        return self._coalescer.held_item((organization_id, job_id))

    def subscribers(self, organization_id: UUID) -> int:
        """How many subscriptions of the organization this process serves now."""
        return len(self._subscribers.get(organization_id, {}))

    @contextlib.asynccontextmanager
    async def subscribe(
        self, organization_id: UUID, wanted: Wanted
    ) -> AsyncIterator[asyncio.Queue[JobToDoChange]]:
        """A queue receiving the organization's coalesced changes ``wanted`` keeps."""
        queue: asyncio.Queue[JobToDoChange] = asyncio.Queue(maxsize=QUEUE_SIZE)
        subscribers = self._subscribers[organization_id]
        subscribers[id(queue)] = (queue, wanted)
        try:
            yield queue
        finally:
            subscribers.pop(id(queue), None)
            if not subscribers:
                self._subscribers.pop(organization_id, None)
