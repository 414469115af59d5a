"""In-app messages: an employee's inbox, read a page at a time, and marking messages
read (which also moves their jobs to ``read``, as their recipient)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from jts_domain.delivery.model import DeliveryState, InboxMessage, JobDelivery
from jts_domain.delivery.rules import READ
from jts_domain.errors import invalid
from jts_domain.jtd.catalog import CATALOG
from jts_domain.jtd.recording import record_moves
from jts_domain.jtd.rules import apply_move
from jts_domain.ports import UnitOfWork
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.paging import Cursor, Page, read_page

MAX_MARK = 100


def _own(caller: Caller) -> UUID:
    if caller.employee_id is None:
        raise invalid("only an employee has an inbox", field="caller")
    return caller.employee_id


async def list_inbox(
    ctx: ServiceContext,
    caller: Caller,
    *,
    unread_only: bool = False,
    first: int = 50,
    after: Cursor | None = None,
) -> Page[InboxMessage]:
    """The caller's in-app messages, newest first."""
    employee_id = _own(caller)
    async with ctx.uow() as uow:

        async def fetch(cursor: Cursor | None, limit: int) -> list[InboxMessage]:
            return await uow.delivery.inbox(
                caller.organization_id, employee_id, unread_only=unread_only, after=cursor,
                limit=limit,
            )  # fmt: skip

        return await read_page(fetch, first=first, after=after)


async def _jobs_read(uow: UnitOfWork, caller: Caller, marked: Sequence[InboxMessage]) -> None:
    jobs = await uow.jtd.get_many(caller.organization_id, [m.job_id for m in marked])
    now = max((m.read_at for m in marked if m.read_at), default=None)
    if now is None:
        return
    moving = [j for j in jobs if CATALOG.event_type(j.event_type).has_status(READ)]
    moving = [j for j in moving if j.status != READ]
    changes = [
        apply_move(CATALOG, job, READ, actor=caller.actor, at=now, note="read in the inbox")
        for job in moving
    ]
    written = await uow.jtd.update_many(moving)
    kept = [c for c in changes if c.job_id in written]
    await record_moves(uow, {j.id: j for j in moving}, kept)
    deliveries = await uow.delivery.deliveries(caller.organization_id, sorted(written))
    for delivery in deliveries.values():
        delivery.state, delivery.updated_at = DeliveryState.READ, now
    await uow.delivery.save_deliveries(list(deliveries.values()))


async def mark_inbox_read(
    ctx: ServiceContext, caller: Caller, message_ids: Sequence[UUID]
) -> list[InboxMessage]:
    """Mark the caller's messages read (others' ids are NOT_FOUND); the messages marked
    now (already read ones are left as they were)."""
    employee_id = _own(caller)
    if not 1 <= len(message_ids) <= MAX_MARK:
        raise invalid(f"mark between 1 and {MAX_MARK} messages at once", field="ids")
    async with ctx.uow() as uow:
        marked = await uow.delivery.mark_read(
            caller.organization_id, employee_id, list(dict.fromkeys(message_ids)), ctx.clock.now()
        )
        await _jobs_read(uow, caller, marked)
        await uow.commit()
    return marked


async def job_deliveries(
    ctx: ServiceContext, caller: Caller, job_ids: Sequence[UUID]
) -> dict[UUID, JobDelivery]:
    """The delivery states of jobs the caller has already read, in one read."""
    async with ctx.uow() as uow:
        return await uow.delivery.deliveries(caller.organization_id, job_ids)
