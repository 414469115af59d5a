"""Durable outbox consumers: read committed events in commit order and act on them in the
same transaction that moves the consumer's position on.

A consumer is a name and a handler. :func:`consume_outbox` claims the next batch (whole
transactions, in commit order), hands it to the handler inside the unit of work, moves
the position to the batch's end and commits: the handler's effects and the position
commit together, so a crash or restart neither loses an event nor handles it twice.
Two workers never handle the same batch (the claim holds the consumer until commit).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from jts_domain.ports import OutboxBatch, UnitOfWork
from jts_domain.services.context import ServiceContext

#: Handles one batch inside the unit of work; answers counts of what it did, for the log.
EventHandler = Callable[[UnitOfWork, OutboxBatch, datetime], Awaitable[dict[str, int]]]

DEFAULT_BATCH = 500


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsumedBatch:
    """What one call of :func:`consume_outbox` did: how many events, and the handler's
    counts (nothing when there was nothing to read, or another worker held the consumer)."""

    events: int = 0
    counts: dict[str, int] = field(default_factory=dict)


async def consume_outbox(
    ctx: ServiceContext, consumer: str, handle: EventHandler, *, limit: int = DEFAULT_BATCH
) -> ConsumedBatch:
    """Handle the consumer's next batch of committed events, in one unit of work."""
    async with ctx.uow() as uow:
        batch = await uow.outbox_consumers.claim(consumer, limit)
        if batch is None:
            return ConsumedBatch()
        counts = await handle(uow, batch, ctx.clock.now())
        await uow.outbox_consumers.advance(consumer, batch.end)
        await uow.commit()
    return ConsumedBatch(events=len(batch.events), counts=counts)


async def consume_all(
    ctx: ServiceContext, consumer: str, handle: EventHandler, *, limit: int = DEFAULT_BATCH
) -> ConsumedBatch:
    """Handle batches until the consumer has read everything committed so far."""
    events, counts = 0, dict[str, int]()
    while True:
        done = await consume_outbox(ctx, consumer, handle, limit=limit)
        events += done.events
        for name, count in done.counts.items():
            counts[name] = counts.get(name, 0) + count
        if done.events == 0:
            return ConsumedBatch(events=events, counts=counts)
