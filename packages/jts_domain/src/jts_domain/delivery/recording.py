"""The dispatcher's last step: what each attempt's result leaves behind, in one
transaction — the job's move, the attempt's outcome, the ledger row, the inbox message,
and the delivery state (with the next attempt's time when it is retried)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from jts_domain.delivery.batch import DispatchRun, Send
from jts_domain.delivery.model import (
    AttemptOutcome,
    DeliveryState,
    InboxMessage,
    JobDelivery,
    LedgerEntry,
    SendResult,
)
from jts_domain.delivery.rules import FAILED, MAX_ATTEMPTS, SENT, retry_delay
from jts_domain.ids import new_id
from jts_domain.jtd.catalog import CATALOG, SYSTEM
from jts_domain.jtd.model import JobStatusChange
from jts_domain.jtd.recording import record_moves
from jts_domain.jtd.rules import apply_move
from jts_domain.model import DomainEvent, EventName
from jts_domain.ports import UnitOfWork
from jts_domain.services.context import ServiceContext

INAPP = "inapp"


def inbox_event(message: InboxMessage) -> DomainEvent:
    """The event a new inbox message makes (for the live ``inboxMessage`` feed)."""
    return DomainEvent(
        name=EventName.INBOX_MESSAGE_ADDED,
        organization_id=message.organization_id,
        occurred_at=message.created_at,
        payload={
            "message_id": str(message.id),
            "employee_id": str(message.employee_id),
            "job_id": str(message.job_id),
            "subject": message.subject,
            "body": message.body,
            "priority": message.priority,
            "at": message.created_at.isoformat(),
        },
    )


class _Outcomes:
    """What the results of a batch write."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.changes: list[JobStatusChange] = []
        self.deliveries: list[JobDelivery] = []
        self.ledger: list[LedgerEntry] = []
        self.inbox: list[InboxMessage] = []
        self.run = DispatchRun()

    def delivery(self, send: Send, state: DeliveryState, reason: str | None,
                 next_at: datetime | None, provider_id: str | None = None) -> None:  # fmt: skip
        job = send.claimed.job
        self.deliveries.append(
            JobDelivery(
                job_id=job.id,
                organization_id=job.organization_id,
                state=state,
                reason=reason,
                next_attempt_at=next_at,
                critical_override=send.critical_override,
                provider_message_id=provider_id,
                updated_at=self.now,
            )
        )

    def sent(self, send: Send, result: SendResult) -> None:
        job, attempt, now = send.claimed.job, send.attempt, self.now
        attempt.outcome = AttemptOutcome.SENT if job.is_live else AttemptOutcome.TEST_MODE
        attempt.provider_message_id = result.provider_message_id or attempt.key
        channel = CATALOG.channel(attempt.channel)
        job.cost_minor = channel.cost_minor if job.is_live else 0
        job.last_error = None
        note = "sent" if job.is_live else "sent in test mode (no provider, no cost)"
        if send.critical_override:
            note += "; critical override of quiet hours"
        self.changes.append(apply_move(CATALOG, job, SENT, actor=SYSTEM, at=now, note=note))
        self.ledger.append(
            LedgerEntry(
                id=new_id(),
                organization_id=job.organization_id,
                job_id=job.id,
                channel=attempt.channel,
                provider=attempt.provider,
                cost_minor=job.cost_minor,
                currency=channel.currency,
                is_live=job.is_live,
                sent_at=now,
            )
        )
        if job.is_live and attempt.channel == INAPP and job.recipient.employee_id is not None:
            self.inbox.append(_inbox_message(send, now))
        reason = None if note == "sent" else note
        self.delivery(send, DeliveryState.SENT, reason, None, attempt.provider_message_id)
        if job.is_live:
            self.run.sent += 1
        else:
            self.run.test_mode += 1

    def failed(self, send: Send, result: SendResult) -> None:
        job, attempt, now = send.claimed.job, send.attempt, self.now
        error = (result.error or "the provider refused the message")[:2_000]
        attempt.outcome, attempt.error = AttemptOutcome.FAILED, error
        job.last_error = error
        if result.permanent or job.attempts >= MAX_ATTEMPTS:
            note = f"attempt {job.attempts} failed, no more attempts: {error}"
            self.changes.append(apply_move(CATALOG, job, FAILED, actor=SYSTEM, at=now, note=note))
            self.delivery(send, DeliveryState.FAILED, error, None)
            self.run.failed += 1
            return
        next_at = now + retry_delay(job.attempts)
        note = f"attempt {job.attempts} failed, retry at {next_at.isoformat()}: {error}"
        self.changes.append(apply_move(CATALOG, job, FAILED, actor=SYSTEM, at=now, note=note))
        self.delivery(send, DeliveryState.RETRYING, error, next_at)
        self.run.retrying += 1


def _inbox_message(send: Send, now: datetime) -> InboxMessage:
    job, message = send.claimed.job, send.message
    assert job.recipient.employee_id is not None
    return InboxMessage(
        id=new_id(),
        organization_id=job.organization_id,
        employee_id=job.recipient.employee_id,
        job_id=job.id,
        subject=message.subject if message else job.subject,
        body=message.body if message else job.body,
        priority=job.priority,
        created_at=now,
    )


async def write_results(
    uow: UnitOfWork, sends: Sequence[Send], results: Sequence[SendResult], now: datetime
) -> DispatchRun:
    """Every attempt's outcome, written in the caller's unit of work (not committed). A
    job someone changed while it was out keeps their change; its attempt, its cost and
    its inbox message are recorded all the same (the message did go)."""
    out = _Outcomes(now)
    for send, result in zip(sends, results, strict=True):
        send.attempt.finished_at = out.now
        if result.ok:
            out.sent(send, result)
        else:
            out.failed(send, result)
    jobs = {s.claimed.job.id: s.claimed.job for s in sends}
    written = await uow.jtd.update_many(list(jobs.values()))
    await record_moves(uow, jobs, [c for c in out.changes if c.job_id in written])
    await uow.delivery.finish_attempts([s.attempt for s in sends])
    await uow.delivery.add_ledger(out.ledger)
    for message in await uow.delivery.add_inbox(out.inbox):
        uow.emit(inbox_event(message))
    await uow.delivery.save_deliveries(out.deliveries)
    return out.run


async def record_results(
    ctx: ServiceContext, sends: Sequence[Send], results: Sequence[SendResult]
) -> DispatchRun:
    """Transaction 3: the outcomes of the attempts that went to a provider."""
    async with ctx.uow() as uow:
        run = await write_results(uow, sends, results, ctx.clock.now())
        await uow.commit()
    return run
