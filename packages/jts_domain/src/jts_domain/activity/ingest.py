"""Recording activity: one heartbeat (``record_activity``) or an offline queue
(``upload_activity``), each item with its own result.

Decisions where PRODUCT.md is silent:

* A client id is processed once per organization, whatever its outcome: an item
  accepted *or rejected* (for a reason other than an unusable client id) keeps its id,
  so sending it again answers DUPLICATE and changes nothing. Within one upload the first
  item of a client id wins and the repeats are DUPLICATE.
* An item without a usable client id is rejected INVALID each time it is sent (it has
  nothing to be recognised by); every rejected item is kept for admins.
* A heartbeat reaching into a timer's pause or stop counts only its RUNNING part; one
  whose ``at`` falls outside every RUNNING interval of the caller's timers is NO_TIMER.
* Heartbeats are telemetry, not changes: they are not written to the audit log.
* Late data for a business date already summarized recomputes that summary in the same
  transaction; an ACTIVE heartbeat reaching past an open IDLE alert's spell resolves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from uuid import UUID

from jts_domain.activity.intake import (
    MAX_BATCH,
    Refusal,
    check_batch_size,
    client_id_problem,
    first_occurrences,
    item_problem,
    refusal,
)
from jts_domain.activity.model import (
    ActivityItem,
    ActivityKind,
    ActivityRejection,
    ActivityResult,
    ActivityStatus,
    ActivityUpload,
    RejectionReason,
)
from jts_domain.activity.ports import IngestBatch, IngestItem, IngestOutcome
from jts_domain.activity.summaries import refresh_summaries
from jts_domain.activity.watch import alert_event
from jts_domain.errors import invalid
from jts_domain.ids import new_id
from jts_domain.model import SYSTEM_ACTOR, DomainEvent, EventName
from jts_domain.ports import UnitOfWork
from jts_domain.services.context import Caller, ServiceContext

#: Why a heartbeat found no timer (kept with the rejection).
NO_TIMER_MESSAGE = "no timer of the caller was running at this time"


async def record_activity(
    ctx: ServiceContext, caller: Caller, item: ActivityItem
) -> ActivityResult:
    """Record one heartbeat of the caller; without a client id the server makes one."""
    if item.client_id is None:
        item = replace(item, client_id=new_id().hex)
    upload = await _ingest(ctx, caller, [item])
    return upload.results[0]


async def upload_activity(
    ctx: ServiceContext,
    caller: Caller,
    items: Sequence[ActivityItem],
    *,
    max_items: int = MAX_BATCH,
) -> ActivityUpload:
    """Record an offline queue of the caller's heartbeats (at most ``max_items``)."""
    problem = check_batch_size(items, max_items)
    if problem is not None:
        raise invalid(problem, field="items", count=len(items))
    return await _ingest(ctx, caller, items)


def _recorder(caller: Caller) -> UUID:
    if caller.employee_id is None:
        raise invalid("only an employee records activity")
    return caller.employee_id


async def _ingest(
    ctx: ServiceContext, caller: Caller, items: Sequence[ActivityItem]
) -> ActivityUpload:
    employee_id = _recorder(caller)
    now = ctx.clock.now()
    keyed = [client_id_problem(item.client_id) is None for item in items]
    kept, repeats = first_occurrences(items, keyed)
    async with ctx.uow() as uow:
        settings = (await uow.organizations.get(caller.organization_id)).settings
        late_window = timedelta(days=settings.activity_late_days)
        refusals = {p: refusal(items[p], now, late_window, keyed=keyed[p]) for p in kept}
        batch = _batch(caller.organization_id, employee_id, now, items, refusals, usable=keyed)
        outcome = await uow.activity.ingest(batch) if batch.keyed or batch.unkeyed else None
        upload = _upload(items, repeats, refusals, outcome, keyed)
        if outcome is not None and outcome.timers:
            await _follow_up(uow, batch, outcome, now)
        await uow.commit()
    return upload


def _batch(
    organization_id: UUID,
    employee_id: UUID,
    now: datetime,
    items: Sequence[ActivityItem],
    refusals: dict[int, Refusal | None],
    *,
    usable: Sequence[bool],
) -> IngestBatch:
    keyed: list[IngestItem] = []
    unkeyed: list[ActivityRejection] = []
    for position, refused in refusals.items():
        item = items[position]
        if usable[position]:
            keyed.append(IngestItem(item, refused))
        else:
            assert refused is not None  # an unusable client id is always refused
            unkeyed.append(_rejection(organization_id, employee_id, item, refused, now))
    keyed.sort(key=lambda k: k.client_id)
    return IngestBatch(
        organization_id=organization_id,
        employee_id=employee_id,
        received_at=now,
        keyed=tuple(keyed),
        unkeyed=tuple(unkeyed),
    )


def _rejection(
    organization_id: UUID, employee_id: UUID, item: ActivityItem, refused: Refusal, now: datetime
) -> ActivityRejection:
    """A rejection record of an item without a usable client id (texts as far as storable)."""
    usable = item_problem(item) is None
    return ActivityRejection(
        id=new_id(),
        organization_id=organization_id,
        employee_id=employee_id,
        client_id=None,
        at=item.at if item.at.tzinfo is not None else None,
        kind=item.kind,
        seconds=item.seconds,
        reason=refused.reason,
        message=refused.message,
        received_at=now,
        app=item.app if usable else None,
        url=item.url if usable else None,
        title=item.title if usable else None,
    )


def _upload(
    items: Sequence[ActivityItem],
    repeats: set[int],
    refusals: dict[int, Refusal | None],
    outcome: IngestOutcome | None,
    keyed: Sequence[bool],
) -> ActivityUpload:
    first_seen = outcome.first_seen if outcome is not None else {}
    results = [
        _result(item, position in repeats, refusals.get(position), first_seen, keyed[position])
        for position, item in enumerate(items)
    ]
    counts = dict.fromkeys(ActivityStatus, 0)
    for result in results:
        counts[result.status] += 1
    return ActivityUpload(
        accepted=counts[ActivityStatus.ACCEPTED],
        duplicates=counts[ActivityStatus.DUPLICATE],
        rejected=counts[ActivityStatus.REJECTED],
        results=tuple(results),
    )


def _result(
    item: ActivityItem,
    repeated: bool,
    refused: Refusal | None,
    first_seen: dict[str, UUID | None],
    keyed: bool,
) -> ActivityResult:
    client_id = item.client_id
    if repeated or (keyed and client_id not in first_seen):
        return ActivityResult(client_id=client_id, status=ActivityStatus.DUPLICATE)
    if refused is not None:
        return _refused(client_id, refused.reason, refused.message)
    timer_id = first_seen.get(client_id) if client_id is not None else None
    if timer_id is None:
        return _refused(client_id, RejectionReason.NO_TIMER, NO_TIMER_MESSAGE)
    return ActivityResult(client_id=client_id, status=ActivityStatus.ACCEPTED, timer_id=timer_id)


def _refused(client_id: str | None, reason: RejectionReason, message: str) -> ActivityResult:
    return ActivityResult(
        client_id=client_id, status=ActivityStatus.REJECTED, reason=reason, message=message
    )


def activity_reaches(open_idle_since: datetime, active_end: datetime) -> bool:
    """Whether activity ending at ``active_end`` ends the spell begun at ``open_idle_since``."""
    return active_end > open_idle_since


async def _follow_up(
    uow: UnitOfWork, batch: IngestBatch, outcome: IngestOutcome, now: datetime
) -> None:
    """After the write: resolve ended idle spells, recompute late days, announce it."""
    org = batch.organization_id
    active_end: dict[UUID, datetime] = {}
    for entry in batch.keyed:
        timer_id = outcome.first_seen.get(entry.client_id)
        if timer_id is None or entry.item.kind is not ActivityKind.ACTIVE:
            continue
        end = entry.item.ends_at
        if timer_id not in active_end or end > active_end[timer_id]:
            active_end[timer_id] = end
    reaching = {
        t.timer_id: active_end[t.timer_id]
        for t in outcome.timers
        if t.open_idle_since is not None
        and t.timer_id in active_end
        and activity_reaches(t.open_idle_since, active_end[t.timer_id])
    }
    if reaching:
        for alert in await uow.alerts.resolve_idle(org, reaching, now, SYSTEM_ACTOR):
            uow.emit(alert_event(EventName.ALERT_RESOLVED, alert, now))
    late = {(t.employee_id, t.business_date) for t in outcome.timers if t.summarized}
    if late:
        await refresh_summaries(uow, org, late, now)
    uow.emit(
        DomainEvent(
            name=EventName.ACTIVITY_RECORDED,
            organization_id=org,
            occurred_at=now,
            payload={
                "employee_id": str(batch.employee_id),
                "timer_ids": sorted(str(t.timer_id) for t in outcome.timers),
                "at": now.isoformat(),
            },
        )
    )
