"""The worker's outbox consumers: JTS's own events become jobs to do, stopped timers queue
score recalculations, and whatever else follows the outbox durably (the webhook
dispatcher will be another entry).

Each consumer is a name and a domain handler (:data:`CONSUMERS`); the loop asks each for
everything committed since its position, then waits ``JTS_OUTBOX_POLL_SECONDS``. Several
workers may run it: a consumer's batch is held by one worker at a time, and its position
moves in the transaction of its effects (:mod:`jts_domain.services.outbox_consumers`).
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from jts_domain.jtd.from_events import CONSUMER as JOBS_FROM_EVENTS
from jts_domain.jtd.from_events import jobs_from_events
from jts_domain.services import ServiceContext
from jts_domain.services.outbox_consumers import ConsumedBatch, EventHandler, consume_all

log = structlog.get_logger("jts_jobs")

CONSUMERS: dict[str, EventHandler] = {JOBS_FROM_EVENTS: jobs_from_events}


class OutboxConsumers:
    """Runs every consumer of :data:`CONSUMERS` until the outbox is read, now or in a loop."""

    def __init__(
        self,
        ctx: ServiceContext,
        poll_seconds: float,
        more: dict[str, EventHandler] | None = None,
    ) -> None:
        self.ctx = ctx
        self.poll_seconds = poll_seconds
        #: :data:`CONSUMERS` and those that need the worker's queue (``more``).
        self.handlers = {**CONSUMERS, **(more or {})}

    async def run_once(self) -> dict[str, ConsumedBatch]:
        """Let each consumer read everything committed so far; what each did."""
        done: dict[str, ConsumedBatch] = {}
        for name, handle in self.handlers.items():
            done[name] = await consume_all(self.ctx, name, handle)
            if done[name].events:
                log.info(
                    "outbox consumed", consumer=name, events=done[name].events, **done[name].counts
                )
        return done

    async def loop(self, stop: asyncio.Event) -> None:
        """Consume, then wait ``poll_seconds``, until ``stop`` is set."""
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:  # the loop outlives a failed batch (logged with its trace)
                log.exception("outbox consumer failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.poll_seconds)
