"""Provider receipts: a provider tells JTS a message was delivered or read (on the
signed receipt endpoint); the job moves on as the WEBHOOK actor.

Receipts only move a job forward (sent → delivered → read): a late "delivered" after
"read" changes nothing, and a repeated receipt neither. A receipt for an id no attempt
has is NOT_FOUND.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jts_domain.delivery.model import DeliveryState
from jts_domain.delivery.rules import DELIVERED, READ, SENT
from jts_domain.errors import invalid, not_found
from jts_domain.jtd.catalog import CATALOG, WEBHOOK
from jts_domain.jtd.model import JobToDo
from jts_domain.jtd.recording import record_moves
from jts_domain.jtd.rules import apply_move
from jts_domain.services.context import ServiceContext

_ORDER = {SENT: 0, DELIVERED: 1, READ: 2}
_STATES = {DELIVERED: DeliveryState.DELIVERED, READ: DeliveryState.READ}


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptOutcome:
    """The job a receipt named, and whether it moved it."""

    job: JobToDo
    moved: bool


async def apply_receipt(
    ctx: ServiceContext, provider_message_id: str, status: str, at: datetime | None = None
) -> ReceiptOutcome:
    """Move the message's job to ``delivered`` or ``read`` (only forward)."""
    if status not in _STATES:
        raise invalid("a receipt's status is delivered or read", field="status")
    async with ctx.uow() as uow:
        attempt = await uow.delivery.attempt_by_provider_id(provider_message_id)
        if attempt is None:
            raise not_found("message", provider_message_id)
        job = await uow.jtd.get(attempt.organization_id, attempt.job_id)
        definition = CATALOG.event_type(job.event_type)
        if not definition.has_status(status) or _ORDER.get(job.status, -1) >= _ORDER[status]:
            return ReceiptOutcome(job=job, moved=False)
        when = ctx.clock.now() if at is None else min(at, ctx.clock.now())
        change = apply_move(
            CATALOG, job, status, actor=WEBHOOK, at=when, note=f"provider receipt: {status}"
        )
        await uow.jtd.update(job)
        await record_moves(uow, {job.id: job}, [change])
        found = await uow.delivery.deliveries(job.organization_id, [job.id])
        for delivery in found.values():
            delivery.state, delivery.updated_at = _STATES[status], when
        await uow.delivery.save_deliveries(list(found.values()))
        await uow.commit()
    return ReceiptOutcome(job=job, moved=True)
