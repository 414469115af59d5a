"""JTD's master data, defined once: the migration seeds its tables from here, and every
rule reads it from here.

A flow is written as chains of statuses (``"created → pending → queued"`` is two moves);
the README's "Jobs to do" section prints the same chains. The first chain of a type is
its main line.
"""

from __future__ import annotations

import itertools
from uuid import UUID

from jts_domain.jtd.master import (
    Catalog,
    ChannelDefinition,
    EventTypeDefinition,
    SourceTypeDefinition,
    StatusDefinition,
    StatusType,
    SystemActor,
)
from jts_domain.model import ActorType

ARROW = "→"
CURRENCY = "INR"

AGENT_ACTOR_ID = UUID("00000000-0000-0000-0000-000000000001")
SYSTEM_ACTOR_ID = UUID("00000000-0000-0000-0000-000000000002")
WEBHOOK_ACTOR_ID = UUID("00000000-0000-0000-0000-000000000003")


def chain_edges(chains: tuple[str, ...]) -> frozenset[tuple[str, str]]:
    """The moves of chains such as ``"a → b → c"`` (here: a→b and b→c)."""
    edges: set[tuple[str, str]] = set()
    for chain in chains:
        codes = [code.strip() for code in chain.split(ARROW)]
        edges.update(itertools.pairwise(codes))
    return frozenset(edges)


def status_list(spec: str) -> tuple[StatusDefinition, ...]:
    """The statuses of a ``"created:initial pending …"`` list."""
    statuses = []
    for entry in spec.split():
        code, _, kind = entry.partition(":")
        statuses.append(
            StatusDefinition(
                code=code,
                name=code.replace("_", " ").capitalize(),
                type=StatusType(kind or StatusType.PROGRESS),
            )
        )
    return tuple(statuses)


#: The chains of each event type's flow (the README prints these).
FLOW_CHAINS: dict[str, tuple[str, ...]] = {
    "notification": (
        "created → pending → queued → executing → sent → delivered → read",
        "executing → failed → pending",
        "sent → read",
        "sent → failed → cancelled",
        "created → cancelled",
        "pending → cancelled",
        "queued → cancelled",
    ),
    "reminder": (
        "created → scheduled → pending → queued → executing → sent → delivered → read",
        "created → pending",
        "executing → failed → pending",
        "sent → read",
        "sent → failed → cancelled",
        "created → cancelled",
        "scheduled → cancelled",
        "pending → cancelled",
        "queued → cancelled",
    ),
    "appointment": (
        "created → scheduled → reminded → confirmed → in_progress → completed",
        "scheduled → rescheduled → reminded",
        "reminded → rescheduled → confirmed",
        "confirmed → rescheduled",
        "scheduled → confirmed → no_show → rescheduled",
        "created → cancelled",
        "scheduled → cancelled",
        "reminded → cancelled",
        "rescheduled → cancelled",
        "confirmed → cancelled",
    ),
    "service_visit": (
        "created → scheduled → confirmed → in_progress → completed",
        "scheduled → in_progress",
        "scheduled → rescheduled → confirmed",
        "confirmed → rescheduled → in_progress",
        "scheduled → missed → rescheduled",
        "confirmed → missed",
        "created → cancelled",
        "scheduled → cancelled",
        "confirmed → cancelled",
        "rescheduled → cancelled",
        "missed → cancelled",
    ),
    "task": (
        "created → pending → assigned → in_progress → completed",
        "assigned → cancelled",
        "in_progress → blocked → in_progress",
        "blocked → cancelled",
        "created → cancelled",
        "pending → cancelled",
    ),
    "payment": (
        "created → pending → queued → executing → sent → delivered → paid",
        "executing → failed → pending",
        "sent → paid",
        "sent → overdue → pending",
        "delivered → overdue → paid",
        "failed → cancelled",
        "overdue → cancelled",
        "created → cancelled",
        "pending → cancelled",
        "queued → cancelled",
    ),
    "document": (
        "created → pending → queued → executing → sent → delivered → viewed → signed",
        "executing → failed → pending",
        "sent → viewed → declined",
        "sent → expired",
        "delivered → expired",
        "viewed → expired",
        "failed → cancelled",
        "created → cancelled",
        "pending → cancelled",
        "queued → cancelled",
    ),
}

#: Each type's statuses in order, as ``code:type`` (``progress`` when no type is given).
STATUS_LISTS: dict[str, str] = {
    "notification": "created:initial pending queued executing sent:success delivered:success "
    "read:terminal failed:failure cancelled:terminal",
    "reminder": "created:initial scheduled pending queued executing sent:success "
    "delivered:success read:terminal failed:failure cancelled:terminal",
    "appointment": "created:initial scheduled reminded rescheduled confirmed in_progress "
    "completed:success no_show:failure cancelled:terminal",
    "service_visit": "created:initial scheduled confirmed rescheduled in_progress "
    "completed:success missed:failure cancelled:terminal",
    "task": "created:initial pending assigned in_progress blocked:failure completed:success "
    "cancelled:terminal",
    "payment": "created:initial pending queued executing sent:success delivered:success "
    "paid:success failed:failure overdue:failure cancelled:terminal",
    "document": "created:initial pending queued executing sent:success delivered:success viewed "
    "signed:success declined:failure expired:terminal failed:failure cancelled:terminal",
}

_ALL = ("email", "sms", "whatsapp", "push", "inapp")

#: code, name, category, channels, scheduling, agent target, reschedule status
_EVENT_TYPES: tuple[tuple[str, str, str, tuple[str, ...], bool, str, str | None], ...] = (
    ("notification", "Notification", "communication", _ALL, False, "queued", None),
    ("reminder", "Reminder", "communication", _ALL, True, "queued", None),
    (
        "appointment",
        "Appointment",
        "scheduling",
        ("email", "sms", "whatsapp", "inapp"),
        True,
        "scheduled",
        "rescheduled",
    ),
    (
        "service_visit",
        "Service Visit",
        "scheduling",
        ("email", "sms", "whatsapp"),
        True,
        "scheduled",
        "rescheduled",
    ),
    ("task", "Task", "action", ("inapp", "email"), True, "assigned", None),
    ("payment", "Payment", "communication", ("email", "sms", "whatsapp"), False, "queued", None),
    ("document", "Document", "communication", ("email", "inapp"), False, "queued", None),
)

_CHANNELS = (
    ChannelDefinition(
        code="email", name="Email", provider="MSG91", cost_minor=25, currency=CURRENCY,
        rate_limit_per_minute=100,
    ),
    ChannelDefinition(
        code="sms", name="SMS", provider="MSG91", cost_minor=75, currency=CURRENCY,
        rate_limit_per_minute=50,
    ),
    ChannelDefinition(
        code="whatsapp", name="WhatsApp", provider="MSG91", cost_minor=50, currency=CURRENCY,
        rate_limit_per_minute=30,
    ),
    ChannelDefinition(
        code="push", name="Push", provider="Firebase", cost_minor=1, currency=CURRENCY,
        rate_limit_per_minute=500,
    ),
    ChannelDefinition(
        code="inapp", name="In-App", provider="Internal", cost_minor=0, currency=CURRENCY,
        rate_limit_per_minute=1000,
    ),
)  # fmt: skip

#: code, name, default event type, default channels, default priority (1–10)
_SOURCE_TYPES: tuple[tuple[str, str, str, tuple[str, ...], int], ...] = (
    ("user_invite", "User Invitation", "notification", ("email",), 5),
    ("user_created", "User Created", "notification", ("email", "inapp"), 5),
    ("contract_created", "Contract Created", "notification", ("email",), 5),
    ("service_scheduled", "Service Scheduled", "service_visit", ("email", "sms"), 5),
    ("service_reminder", "Service Reminder", "reminder", ("email", "sms", "whatsapp"), 5),
    ("appointment_created", "Appointment Created", "appointment", ("email", "sms"), 5),
    ("appointment_reminder", "Appointment Reminder", "reminder", ("email", "sms", "whatsapp"), 5),
    ("payment_due", "Payment Due", "reminder", ("email", "sms"), 6),
    ("payment_received", "Payment Received", "notification", ("email",), 5),
    ("manual", "Manual", "task", (), 5),
    ("system", "System", "notification", ("inapp",), 5),
    ("task_assigned", "Task Assigned", "notification", ("inapp", "email"), 5),
    ("sla_at_risk", "SLA At Risk", "notification", ("inapp", "email"), 6),
    ("sla_breached", "SLA Breached", "notification", ("inapp", "email", "sms"), 8),
    ("idle_alert", "Idle Alert", "notification", ("inapp", "push"), 5),
    ("overtime_alert", "Overtime Alert", "notification", ("inapp", "email"), 6),
    ("daily_score_ready", "Daily Score Ready", "notification", ("inapp",), 3),
    ("shift_reminder", "Shift Reminder", "reminder", ("push", "sms", "inapp"), 5),
)

SYSTEM_ACTORS = (
    SystemActor(code="agent", id=AGENT_ACTOR_ID, name="JTS Agent", type=ActorType.AGENT),
    SystemActor(code="system", id=SYSTEM_ACTOR_ID, name="System", type=ActorType.SYSTEM),
    SystemActor(code="webhook", id=WEBHOOK_ACTOR_ID, name="Webhook", type=ActorType.WEBHOOK),
)

CATALOG = Catalog(
    event_types=(
        EventTypeDefinition(
            code=code,
            name=name,
            category=category,
            channels=channels,
            scheduling=scheduling,
            statuses=status_list(STATUS_LISTS[code]),
            flows=chain_edges(FLOW_CHAINS[code]),
            agent_target=target,
            cancel_status="cancelled",
            reschedule_status=reschedule,
        )
        for code, name, category, channels, scheduling, target, reschedule in _EVENT_TYPES
    ),
    channels=_CHANNELS,
    source_types=(
        SourceTypeDefinition(
            code=code, name=name, event_type=event_type, channels=channels, default_priority=p
        )
        for code, name, event_type, channels, p in _SOURCE_TYPES
    ),
    system_actors=SYSTEM_ACTORS,
)

AGENT = CATALOG.system_actor("agent").actor
SYSTEM = CATALOG.system_actor("system").actor
WEBHOOK = CATALOG.system_actor("webhook").actor
