"""A stopped timer changes its employee's daily score: recalculate it, coalesced.

The outbox consumer :data:`CONSUMER` reads every committed ``timer.stopped`` event (its
payload carries the timer's ``business_date``) and asks a
:class:`ScoreRecalculations` queue for one recalculation per organization, employee and
business date of the batch. The queue coalesces: a request while one for the same key
is still waiting to run adds nothing (the waiting one reads everything committed by the
time it runs), and a request while one is running makes one more run after it, so a stop
that commits during a calculation is never missed. The run itself is the day's score
calculation (:func:`~jts_domain.services.scores.calculate_daily_scores`) for that one
employee: idempotent, so a repeated request only rewrites the same row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from jts_domain.model import DailyScore, DomainEvent, EventName
from jts_domain.ports import OutboxBatch, UnitOfWork
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.outbox_consumers import EventHandler
from jts_domain.services.scores import calculate_daily_scores

#: The outbox consumer's name (its position is kept under it).
CONSUMER = "scores.recalculate_on_timer_stop"


@dataclass(frozen=True, slots=True, order=True)
class ScoreRecalculation:
    """One employee's daily score to calculate again."""

    organization_id: UUID
    employee_id: UUID
    business_date: date

    @property
    def key(self) -> str:
        """The one key of every request for this organization, employee and date."""
        return f"{self.organization_id}:{self.employee_id}:{self.business_date.isoformat()}"


class ScoreRecalculations(Protocol):
    """Where recalculations are queued (the worker's saq queue, or a recording one)."""

    async def request(self, recalculation: ScoreRecalculation) -> bool:
        """Make sure a recalculation runs that reads everything committed now; False when
        one that will is waiting already (the request coalesced into it)."""
        ...


def recalculations(events: Iterable[DomainEvent]) -> list[ScoreRecalculation]:
    """The distinct (organization, employee, business date) of the ``timer.stopped``
    events, in order."""
    wanted = {
        ScoreRecalculation(
            organization_id=event.organization_id,
            employee_id=UUID(event.payload["employee_id"]),
            business_date=date.fromisoformat(event.payload["business_date"]),
        )
        for event in events
        if event.name is EventName.TIMER_STOPPED
    }
    return sorted(wanted)


def queue_recalculations(queue: ScoreRecalculations) -> EventHandler:
    """The consumer's handler: one request per employee and date a batch stopped timers
    for; counts of the stops, the requests and those that queued a run."""

    async def handle(uow: UnitOfWork, batch: OutboxBatch, now: datetime) -> dict[str, int]:
        stops = sum(1 for e in batch.events if e.name is EventName.TIMER_STOPPED)
        wanted = recalculations(batch.events)
        queued = 0
        for recalculation in wanted:
            queued += await queue.request(recalculation)
        return {"timer_stops": stops, "recalculations": len(wanted), "queued": queued}

    return handle


async def recalculate_score(
    ctx: ServiceContext, recalculation: ScoreRecalculation
) -> DailyScore | None:
    """Calculate one employee's daily score again (None when they are no longer active)."""
    caller = Caller.system(recalculation.organization_id, "score recalculation")
    run = await calculate_daily_scores(
        ctx,
        caller,
        business_date=recalculation.business_date,
        employee_id=recalculation.employee_id,
    )
    return run.scores[0] if run.scores else None
