"""JTS's own events become jobs to do, through their source types.

:func:`jobs_from_events` is the handler of the outbox consumer :data:`CONSUMER` (run by
the worker). What each event makes, and the payload it reads:

* ``task.assigned`` (``task_id``, ``title``, ``assignee_id``, ``assigned_by``,
  ``due_at``) → a ``task_assigned`` job for the assignee; none when people assign work
  to themselves.
* ``alert.raised`` (``alert_id``, ``kind``, ``message``, ``employee_id``,
  ``manager_id``, ``task_id``, ``digest``), by kind: SLA_AT_RISK → ``sla_at_risk``,
  SLA_BREACHED → ``sla_breached``, IDLE → ``idle_alert``, OVERTIME →
  ``overtime_alert`` (other kinds make nothing). Alerts sharing a ``digest`` (one SLA
  monitor run) make one job per recipient — the employee and the manager named — with
  every alert of theirs in it, of the most urgent source among them; an alert without
  a digest makes its own.
* ``daily_score.calculated`` (``employee_id``, ``business_date``, ``score``) → one
  ``daily_score_ready`` job per employee and date (recalculations make no more; a day
  without a score makes none).

Jobs are made by the SYSTEM actor, one record each with the channel the tenant's
settings choose; a job no enabled channel fits, or for someone who is not an active
employee, is skipped and counted. Each job's idempotency key comes from its event's
place in the outbox, so even a replayed batch could not make it twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from jts_domain.errors import DomainError
from jts_domain.jtd.catalog import CATALOG, SYSTEM
from jts_domain.jtd.drafts import JobDraft, build_job
from jts_domain.jtd.model import JobToDo, Recipient
from jts_domain.jtd.recording import load_tenant, record_created
from jts_domain.model import DomainEvent, Employee, EventName
from jts_domain.ports import OutboxBatch, UnitOfWork

CONSUMER = "jtd.jobs_from_events"

ALERT_SOURCES = {
    "SLA_AT_RISK": "sla_at_risk",
    "SLA_BREACHED": "sla_breached",
    "IDLE": "idle_alert",
    "OVERTIME": "overtime_alert",
}


@dataclass(frozen=True, slots=True)
class _Keyed:
    key: str
    event: DomainEvent

    def text(self, name: str) -> str | None:
        value = self.event.payload.get(name)
        return None if value is None else str(value)

    def uuid(self, name: str) -> UUID | None:
        """The payload's id, or None when absent or not an id (an event is never fatal)."""
        value = self.text(name)
        if value is None:
            return None
        try:
            return UUID(value)
        except ValueError:
            return None


def _employee_ids(items: Iterable[_Keyed]) -> set[UUID]:
    names = ("assignee_id", "employee_id", "manager_id")
    return {found for item in items for n in names if (found := item.uuid(n)) is not None}


def _assigned(item: _Keyed) -> tuple[UUID, JobDraft] | None:
    assignee = item.uuid("assignee_id")
    if assignee is None or assignee == item.uuid("assigned_by"):
        return None
    title = item.text("title") or "a task"
    due = item.text("due_at")
    body = f"You were assigned {title!r}" + (f", due {due}." if due else ".")
    draft = JobDraft(
        source_type="task_assigned",
        recipient=Recipient(employee_id=assignee),
        subject=f"Task assigned: {title}",
        body=body,
        payload={"task_id": item.text("task_id"), "due_at": due},
        idempotency_key=f"event:{item.key}",
    )
    return assignee, draft


def _score_ready(item: _Keyed) -> tuple[UUID, JobDraft] | None:
    employee, day, score = item.uuid("employee_id"), item.text("business_date"), item.text("score")
    if employee is None or day is None or score is None:
        return None
    draft = JobDraft(
        source_type="daily_score_ready",
        recipient=Recipient(employee_id=employee),
        subject=f"Your score for {day}: {score}",
        body=f"Your daily score for {day} is {score}. Open JTS to see why.",
        payload={"daily_score_id": item.text("daily_score_id"), "business_date": day},
        idempotency_key=f"daily_score_ready:{employee}:{day}",
    )
    return employee, draft


def _alert_groups(items: Iterable[_Keyed]) -> dict[tuple[str, UUID], list[_Keyed]]:
    groups: dict[tuple[str, UUID], list[_Keyed]] = defaultdict(list)
    for item in items:
        if item.text("kind") not in ALERT_SOURCES:
            continue
        digest = item.text("digest") or f"alert:{item.key}"
        for recipient in dict.fromkeys((item.uuid("employee_id"), item.uuid("manager_id"))):
            if recipient is not None:
                groups[(digest, recipient)].append(item)
    return groups


def _digest(digest: str, recipient: UUID, alerts: Sequence[_Keyed]) -> tuple[UUID, JobDraft]:
    sources = [ALERT_SOURCES[str(a.text("kind"))] for a in alerts]
    source = max(sources, key=lambda s: CATALOG.source_type(s).default_priority)
    messages = [a.text("message") or str(a.text("kind")) for a in alerts]
    subject = messages[0] if len(alerts) == 1 else f"{len(alerts)} alerts need your attention"
    payload = {
        "digest": digest,
        "alerts": [
            {"alert_id": a.text("alert_id"), "kind": a.text("kind"), "task_id": a.text("task_id")}
            for a in alerts
        ],
    }
    draft = JobDraft(
        source_type=source,
        recipient=Recipient(employee_id=recipient),
        subject=subject[:500],
        body="\n".join(f"- {m}" for m in messages),
        payload=payload,
        idempotency_key=f"digest:{digest}:{recipient}",
    )
    return recipient, draft


def drafts_of(items: Sequence[_Keyed]) -> list[tuple[UUID, JobDraft]]:
    """The jobs a batch of one organization's events asks for, with their recipient."""
    drafts: list[tuple[UUID, JobDraft]] = []
    alerts: list[_Keyed] = []
    for item in items:
        name = item.event.name
        if name is EventName.TASK_ASSIGNED:
            drafts.extend(filter(None, [_assigned(item)]))
        elif name is EventName.DAILY_SCORE_CALCULATED:
            drafts.extend(filter(None, [_score_ready(item)]))
        elif name is EventName.ALERT_RAISED:
            alerts.append(item)
    drafts.extend(_digest(d, r, group) for (d, r), group in _alert_groups(alerts).items())
    return drafts


async def _organization_jobs(
    uow: UnitOfWork, organization_id: UUID, items: Sequence[_Keyed], now: datetime
) -> dict[str, int]:
    drafts = drafts_of(items)
    if not drafts:
        return {}
    counts: dict[str, int] = defaultdict(int)
    people: dict[UUID, Employee] = {
        e.id: e for e in await uow.employees.get_many(organization_id, list(_employee_ids(items)))
    }
    tenant = await load_tenant(uow, organization_id)
    jobs: list[JobToDo] = []
    for recipient_id, draft in drafts:
        person = people.get(recipient_id)
        if person is None or not person.active:
            counts["skipped_recipient"] += 1
            continue
        named = Recipient(employee_id=person.id, name=person.name)
        try:
            job = build_job(CATALOG, replace(draft, recipient=named), tenant, actor=SYSTEM, now=now)
        except DomainError:
            counts["failed"] += 1
            continue
        if job.channel is None:
            counts["skipped_no_channel"] += 1
            continue
        jobs.append(job)
    stored = await uow.jtd.add_many(jobs)
    await record_created(uow, stored, "from JTS's events")
    counts["created"] += len(stored)
    return dict(counts)


async def jobs_from_events(uow: UnitOfWork, batch: OutboxBatch, now: datetime) -> dict[str, int]:
    """The consumer's handler: jobs for the batch's events, organization by organization."""
    by_organization: dict[UUID, list[_Keyed]] = defaultdict(list)
    for key, event in zip(batch.keys, batch.events, strict=True):
        by_organization[event.organization_id].append(_Keyed(key, event))
    totals: dict[str, int] = defaultdict(int)
    for organization_id, items in by_organization.items():
        for name, count in (await _organization_jobs(uow, organization_id, items, now)).items():
            totals[name] += count
    return dict(totals)
