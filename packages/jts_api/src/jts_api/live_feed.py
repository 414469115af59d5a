"""The live feed: one outbox listener per API process, fanned out to subscribers by topic.

The store's :class:`~jts_store.bus.OutboxBus` reads every committed outbox event once, in
commit order, whichever API process (or worker) wrote it: a NOTIFY wakes it, and it
catches up from the outbox after a lost connection. :class:`LiveFeed` runs one bus for
the whole process and hands each event

* to the **listeners** of its name (plain callbacks: the caller cache and the websocket
  sessions drop what an access change ends), and
* to the **subscribers** of every topic it belongs to. A :class:`TopicKind` says which
  events feed it and under which keys (``timerUpdated``: timer state changes, keyed by
  employee); a subscription follows one kind, organization and key.

N subscribers cost one database connection, not N. Each subscriber has a bounded queue:
when it is full (the client reads slower than events come), the oldest waiting event is
dropped and counted, so a slow or dead subscriber never holds up the feed or the others,
and what it gets last is always the newest state. An event is wrapped once in a
:class:`LiveEvent` shared by all its subscribers, whose :meth:`LiveEvent.view` builds
what a subscription sends once per event, not once per subscriber.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from uuid import UUID

import asyncpg
import structlog

from jts_domain.model import DomainEvent, EventName
from jts_store.bus import OutboxBus

#: Events a subscriber may have waiting before the oldest are dropped.
QUEUE_SIZE = 64
MAX_BACKOFF_SECONDS = 5.0

logger = structlog.get_logger("jts.live_feed")

ViewT = TypeVar("ViewT")
Listener = Callable[[DomainEvent], None]


@dataclass(frozen=True, slots=True)
class TopicKind:
    """A kind of live topic: the events that feed it and the key(s) each belongs under
    (an employee, a department…; None for organization-wide topics)."""

    name: str
    events: frozenset[EventName]
    keys: Callable[[DomainEvent], Iterable[UUID | None]]


_TopicKey = tuple[str, UUID, UUID | None]


@dataclass(slots=True)
class LiveEvent:
    """One committed event as its subscribers receive it."""

    event: DomainEvent
    _views: dict[str, Any] = field(default_factory=dict)

    def view(self, name: str, make: Callable[[DomainEvent], ViewT]) -> ViewT:
        """``make(event)``, computed by the first subscriber that asks and shared by all."""
        if name not in self._views:
            self._views[name] = make(self.event)
        found: ViewT = self._views[name]
        return found


class Subscription:
    """A subscriber's bounded queue of live events."""

    def __init__(self, size: int) -> None:
        self._queue: asyncio.Queue[LiveEvent] = asyncio.Queue(maxsize=size)
        #: Events dropped because this subscriber was too far behind.
        self.dropped = 0

    def offer(self, live: LiveEvent) -> bool:
        """Queue the event, dropping the oldest waiting one when full; False if dropped."""
        kept = True
        if self._queue.full():
            self._queue.get_nowait()
            self.dropped += 1
            kept = False
        self._queue.put_nowait(live)
        return kept

    async def next(self) -> LiveEvent:
        """The next event (waits for one)."""
        return await self._queue.get()


class LiveFeed:
    """Fans one process's outbox stream out to listeners and topic subscribers."""

    def __init__(
        self,
        database_url: str,
        *,
        queue_size: int = QUEUE_SIZE,
        on_drop: Callable[[], None] | None = None,
    ) -> None:
        self._url = database_url
        self._queue_size = queue_size
        self._on_drop = on_drop
        self._kinds: defaultdict[EventName, dict[str, TopicKind]] = defaultdict(dict)
        self._subscribers: defaultdict[_TopicKey, set[Subscription]] = defaultdict(set)
        self._listeners: defaultdict[EventName, list[Listener]] = defaultdict(list)
        self._on_ready: list[Callable[[], None]] = []
        self._task: asyncio.Task[None] | None = None
        #: Set once the feed reads the outbox (events committed from then on arrive).
        self.ready = asyncio.Event()
        #: Events dropped for subscribers that were too far behind, in total.
        self.dropped = 0

    def listen(self, name: EventName, listener: Listener) -> None:
        """Call ``listener(event)`` for every committed event of that name."""
        self._listeners[name].append(listener)

    def on_ready(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` when the feed starts reading (what it skipped is lost)."""
        self._on_ready.append(callback)

    async def start(self) -> None:
        """Start listening in the background from the end of the outbox (history is not
        replayed); an unreachable database delays the feed, never the app's start."""
        self.ready = asyncio.Event()
        self._task = asyncio.create_task(self._run(OutboxBus(self._url)), name="jts-live-feed")

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
                logger.warning("live feed cannot read the outbox yet", error=repr(error))
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
        for callback in self._on_ready:
            callback()
        self.ready.set()
        async for delivery in bus.stream():
            self.publish(delivery.event)

    def publish(self, event: DomainEvent) -> None:
        """Hand a committed event to its listeners and subscribers (the bus calls this)."""
        for listener in self._listeners.get(event.name, ()):
            try:
                listener(event)
            except (KeyError, ValueError, TypeError) as error:
                logger.error("unreadable live event", name=event.name.value, error=repr(error))
        kinds = self._kinds.get(event.name)
        if not kinds:
            return
        live = LiveEvent(event)
        for kind in kinds.values():
            try:
                keys = set(kind.keys(event))
            except (KeyError, ValueError, TypeError) as error:
                logger.error("unreadable live event", name=event.name.value, error=repr(error))
                continue
            for key in keys:
                for subscription in self._subscribers.get(
                    (kind.name, event.organization_id, key), ()
                ):
                    if not subscription.offer(live):
                        self.dropped += 1
                        if self._on_drop is not None:
                            self._on_drop()

    def subscribers(self, kind: TopicKind, organization_id: UUID, key: UUID | None) -> int:
        """How many subscriptions follow the topic in this process now."""
        return len(self._subscribers.get((kind.name, organization_id, key), ()))

    @contextlib.asynccontextmanager
    async def subscribe(
        self, kind: TopicKind, organization_id: UUID, key: UUID | None
    ) -> AsyncIterator[Subscription]:
        """A subscription to the topic's events until the block ends."""
        for name in kind.events:
            self._kinds[name][kind.name] = kind
        topic = (kind.name, organization_id, key)
        subscription = Subscription(self._queue_size)
        self._subscribers[topic].add(subscription)
        try:
            yield subscription
        finally:
            self._subscribers[topic].discard(subscription)
            if not self._subscribers[topic]:
                del self._subscribers[topic]
