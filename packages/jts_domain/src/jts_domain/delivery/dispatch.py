"""The dispatcher's batch: claim due jobs, pass them through the gates, send what may
go, and record every attempt.

Two transactions a batch, with the sends between them:

1. **claim** — due jobs are held (``FOR UPDATE SKIP LOCKED`` in PostgreSQL: two workers
   never hold the same job), passed through quiet hours, the tenant's limits and the
   rates (:mod:`~jts_domain.delivery.limits`); each job that may go is moved through
   its flow to ``executing`` by the SYSTEM actor, and gets an attempt row with a unique
   key (``<job id>:<attempt>``) and a lease — all committed *before* anything is sent;
2. **send** — each message goes to its channel's sender with the attempt key as the
   provider's idempotency key, a bounded number at once; test-mode jobs and in-app
   messages reach no provider;
3. **record** — sent jobs move to ``sent`` (cost on the ledger, in-app ones into the
   inbox), failed ones to ``failed``: retried with backoff (:func:`~jts_domain.delivery.
   rules.retry_delay`) until :data:`~jts_domain.delivery.rules.MAX_ATTEMPTS`, then
   failed for good with the error.

In-app messages and test-mode jobs reach no provider: their "send" is the inbox row (or
nothing), so they are recorded in the claim's own transaction — the attempt, the move to
``sent``, the ledger row and the inbox message commit together, exactly once.

A worker that stops between 1 and 3 leaves its jobs ``executing`` with an open attempt;
once the lease ends another worker marks that attempt abandoned and tries again under a
new key: at least once, and never two sends for one attempt key.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from jts_domain.delivery.batch import DispatchRun, Send
from jts_domain.delivery.limits import GateResult, TenantGate, apply_gates
from jts_domain.delivery.model import (
    AttemptOutcome,
    ClaimedJob,
    DeliveryAttempt,
    DeliveryState,
    JobDelivery,
    OutgoingMessage,
    SendResult,
)
from jts_domain.delivery.ports import ChannelSender, MessageRenderer
from jts_domain.delivery.recording import record_results, write_results
from jts_domain.delivery.rules import EXECUTING, SEND_LEASE, claimable
from jts_domain.delivery.templates import TemplateBook, book_of, render_job
from jts_domain.delivery.warnings import warn_admins
from jts_domain.errors import DomainError
from jts_domain.ids import new_id
from jts_domain.jtd.catalog import CATALOG, SYSTEM
from jts_domain.jtd.model import JobStatusChange
from jts_domain.jtd.recording import record_moves
from jts_domain.jtd.rules import apply_move
from jts_domain.ports import UnitOfWork
from jts_domain.services.context import ServiceContext

INAPP = "inapp"
EMAIL = "email"
INTERNAL_PROVIDER = "Internal"
CLAIMABLE = claimable(CATALOG)


@dataclass(frozen=True, slots=True, kw_only=True)
class Dispatcher:
    """What a dispatcher sends with: a sender per channel (in-app needs none), the
    template renderer, the batch size, how many sends are out at once, and providers'
    own limits per minute (across tenants)."""

    senders: Mapping[str, ChannelSender]
    renderer: MessageRenderer
    batch_size: int = 500
    concurrency: int = 64
    provider_limits: Mapping[str, int] = field(default_factory=dict)
    #: per-minute rates replacing the catalog's, by channel (an operator's own contract)
    channel_rates: Mapping[str, int] = field(default_factory=dict)
    #: only these tenants' jobs (a worker dedicated to some tenants); None: everyone's
    tenants: frozenset[UUID] | None = None

    @property
    def channels(self) -> frozenset[str]:
        """The channels it can send (jobs of other channels wait for a worker that can)."""
        return frozenset(self.senders) | {INAPP}

    def provider_of(self, channel: str) -> str:
        """The provider a channel's messages go through."""
        sender = self.senders.get(channel)
        return INTERNAL_PROVIDER if sender is None else sender.provider


async def _tenants(uow: UnitOfWork, organization_ids: set[UUID]) -> dict[UUID, TenantGate]:
    tenants = {}
    for organization_id in organization_ids:
        organization = await uow.organizations.get(organization_id)
        tenants[organization_id] = TenantGate(
            organization_id=organization_id,
            timezone=organization.settings.timezone,
            settings=await uow.jtd.settings(organization_id),
        )
    return tenants


async def _books(uow: UnitOfWork, organization_ids: set[UUID]) -> dict[UUID, TemplateBook]:
    return {
        organization_id: book_of(
            await uow.delivery.default_language(organization_id),
            await uow.delivery.templates(organization_id),
        )
        for organization_id in organization_ids
    }


async def _addresses(uow: UnitOfWork, batch: Sequence[ClaimedJob]) -> dict[UUID, str]:
    """E-mail addresses of employees the batch's e-mail jobs name without an address."""
    wanted: dict[UUID, set[UUID]] = {}
    for claimed in batch:
        recipient = claimed.job.recipient
        if claimed.job.channel != EMAIL:
            continue
        if recipient.address is None and recipient.employee_id is not None:
            wanted.setdefault(claimed.job.organization_id, set()).add(recipient.employee_id)
    found: dict[UUID, str] = {}
    for organization_id, ids in wanted.items():
        for employee in await uow.employees.get_many(organization_id, sorted(ids)):
            found[employee.id] = employee.email
    return found


def _start(
    dispatcher: Dispatcher,
    claimed: ClaimedJob,
    book: TemplateBook,
    *,
    address: str | None,
    now: datetime,
    changes: list[JobStatusChange],
) -> Send:
    job = claimed.job
    path = CATALOG.event_type(job.event_type).path(job.status, EXECUTING) or ()
    changes.extend(
        apply_move(CATALOG, job, status, actor=SYSTEM, at=now, note="delivery") for status in path
    )
    job.attempts += 1
    channel = job.channel or ""
    attempt = DeliveryAttempt(
        id=new_id(),
        organization_id=job.organization_id,
        job_id=job.id,
        attempt=job.attempts,
        key=f"{job.id}:{job.attempts}",
        channel=channel,
        provider=dispatcher.provider_of(channel),
        started_at=now,
    )
    try:
        message = render_job(dispatcher.renderer, book, job, attempt.key)
    except DomainError as error:
        return Send(claimed=claimed, attempt=attempt, message=None, render_error=error.message)
    if message.to_address is None and address is not None:
        message = _with_address(message, address)
    return Send(claimed=claimed, attempt=attempt, message=message)


def _with_address(message: OutgoingMessage, address: str) -> OutgoingMessage:
    return replace(message, to_address=address)


async def _abandon_stale(uow: UnitOfWork, batch: Sequence[ClaimedJob], now: datetime) -> None:
    """Attempts left open by a worker that stopped are closed as abandoned."""
    stale = [c.job.id for c in batch if c.job.status == EXECUTING]
    if not stale:
        return
    open_attempts = await uow.delivery.open_attempts(stale)
    for attempt in open_attempts:
        attempt.outcome, attempt.finished_at = AttemptOutcome.ABANDONED, now
        attempt.error = "the worker sending it stopped before recording the result"
    await uow.delivery.finish_attempts(open_attempts)


def _sending(send: Send, overridden: set[UUID], now: datetime) -> JobDelivery:
    job = send.claimed.job
    send.critical_override = job.id in overridden
    return JobDelivery(
        job_id=job.id,
        organization_id=job.organization_id,
        state=DeliveryState.SENDING,
        reason="critical override of quiet hours" if send.critical_override else None,
        next_attempt_at=now + SEND_LEASE,
        critical_override=send.critical_override,
        updated_at=now,
    )


def _counts(gates: GateResult, claimed: int) -> DispatchRun:
    return DispatchRun(
        claimed=claimed,
        waiting=sum(d.state is DeliveryState.WAITING for d in gates.stopped),
        held=sum(d.state is DeliveryState.HELD for d in gates.stopped),
        critical_overrides=len(gates.overridden),
        warnings=len(gates.warnings),
    )


async def claim_batch(
    ctx: ServiceContext, dispatcher: Dispatcher
) -> tuple[list[Send], DispatchRun]:
    """Transaction 1: hold due jobs, gate them, commit the attempts of those that go (and
    the outcomes of those that reach no provider); the attempts still to send."""
    async with ctx.uow() as uow:
        now = ctx.clock.now()
        batch = await uow.delivery.claim_due(
            now, CLAIMABLE, dispatcher.channels, dispatcher.batch_size, dispatcher.tenants
        )
        if not batch:
            return [], DispatchRun()
        tenants = await _tenants(uow, {c.job.organization_id for c in batch})
        gates = await apply_gates(
            uow, batch, tenants, dispatcher.provider_limits, now=now,
            channel_rates=dispatcher.channel_rates,
        )  # fmt: skip
        books = await _books(uow, {c.job.organization_id for c in gates.go})
        addresses = await _addresses(uow, gates.go)
        await _abandon_stale(uow, gates.go, now)
        changes: list[JobStatusChange] = []
        sends = []
        for claimed in gates.go:
            job = claimed.job
            employee = job.recipient.employee_id
            address = addresses.get(employee) if employee is not None else None
            book = books[job.organization_id]
            sends.append(
                _start(dispatcher, claimed, book, address=address, now=now, changes=changes)
            )
        jobs = {s.claimed.job.id: s.claimed.job for s in sends}
        await uow.jtd.update_many(list(jobs.values()))
        await record_moves(uow, jobs, changes)
        await uow.delivery.add_attempts([s.attempt for s in sends])
        sending = [_sending(s, gates.overridden, now) for s in sends]
        internal = [s for s in sends if _internal(s)]
        external = [s for s in sends if not _internal(s)]
        await uow.delivery.save_deliveries([*sending, *gates.stopped])
        done = await write_results(uow, internal, [_internal_result(s) for s in internal], now)
        await warn_admins(uow, gates.warnings, tenants, now)
        await uow.commit()
    run = _counts(gates, len(batch))
    run.add(done)
    return external, run


def _internal(send: Send) -> bool:
    """Whether the attempt reaches no provider (in-app, test mode, or nothing to send)."""
    message = send.message
    return message is None or not message.is_live or message.channel == INAPP


def _internal_result(send: Send) -> SendResult:
    if send.message is None:
        return SendResult(ok=False, error=send.render_error, permanent=True)
    return SendResult(ok=True)


async def _send_one(dispatcher: Dispatcher, send: Send, gate: asyncio.Semaphore) -> SendResult:
    if send.message is None or _internal(send):
        return _internal_result(send)
    sender = dispatcher.senders[send.message.channel]
    async with gate:
        return await sender.send(send.message)


async def send_all(dispatcher: Dispatcher, sends: Sequence[Send]) -> list[SendResult]:
    """Step 2: every message to its sender, at most ``concurrency`` at once."""
    gate = asyncio.Semaphore(max(dispatcher.concurrency, 1))
    return list(await asyncio.gather(*(_send_one(dispatcher, s, gate) for s in sends)))


async def dispatch_batch(ctx: ServiceContext, dispatcher: Dispatcher) -> DispatchRun:
    """One batch: claim, send, record."""
    sends, run = await claim_batch(ctx, dispatcher)
    if not sends:
        return run if run.claimed else DispatchRun()
    results = await send_all(dispatcher, sends)
    recorded = await record_results(ctx, sends, results)
    run.add(recorded)
    return run


async def dispatch_due(
    ctx: ServiceContext, dispatcher: Dispatcher, *, max_batches: int = 1_000
) -> DispatchRun:
    """Batches until none claims anything (jobs that wait are not due again until their
    wait ends, so this ends)."""
    total = DispatchRun()
    for _ in range(max_batches):
        run = await dispatch_batch(ctx, dispatcher)
        total.add(run)
        if run.claimed == 0:
            break
    return total
