"""Jobs to do on both adapters: creation, channels, soft-enforced moves, scheduling,
settings, permissions and tenant isolation.

The world's organization is in Asia/Kolkata; the clock starts at 09:00 IST on Monday
2 March 2026 and only the tests move it.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime, time, timedelta
from uuid import UUID

import pytest

from jts_domain.clock import ManualClock
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.jtd import jobs as jtd
from jts_domain.jtd import settings as jtd_settings
from jts_domain.jtd.catalog import CATALOG
from jts_domain.jtd.ports import JobToDoFilter
from jts_domain.model import ActorType, EventName
from jts_domain.services import ServiceContext
from jts_domain.services.audit import audit_log
from tests.services.builders import World, build_world
from tests.services.conftest import EventsReader


async def _code(awaitable: Awaitable[object]) -> ErrorCode:
    with pytest.raises(DomainError) as caught:
        await awaitable
    return caught.value.code


async def _notify(ctx: ServiceContext, world: World, **fields: object) -> jtd.JobToDo:
    values: dict[str, object] = {
        "subject": "Stock count moved to Friday",
        "source_type": "system",
        "recipient_id": world.alice.id,
    }
    values.update(fields)
    return await jtd.create_job_to_do(ctx, world.caller(world.manager), **values)  # type: ignore[arg-type]


async def test_a_job_is_one_record_on_the_first_enabled_channel(
    ctx: ServiceContext, world: World
) -> None:
    """task_assigned lists inapp then email; both are on by default: one in-app job."""
    job = await _notify(ctx, world, source_type="task_assigned")
    page = await jtd.list_jobs_to_do(ctx, world.caller(world.admin), JobToDoFilter())
    assert [j.id for j in page.items] == [job.id]
    assert (job.event_type, job.status, job.channel) == ("notification", "created", "inapp")
    assert (job.cost_minor, job.currency, job.priority) == (0, "INR", 5)
    assert job.recipient.name == "Alice"
    assert job.performed_by == world.caller(world.manager).actor
    assert job.scheduled_at == ctx.clock.now()


async def test_channels_follow_the_source_override_then_the_tenant(
    ctx: ServiceContext, world: World
) -> None:
    admin = world.caller(world.admin)
    await jtd_settings.update_jtd_settings(ctx, admin, channels_enabled={"sms": True})
    await jtd_settings.update_jtd_source_settings(
        ctx, admin, "payment_due", channels=("whatsapp", "sms"), priority=9, delay_seconds=600
    )
    job = await _notify(ctx, world, source_type="payment_due", recipient_address="+91 98450 00000")
    # whatsapp is off for the tenant; sms is on and reminders allow it
    assert (job.event_type, job.channel, job.cost_minor, job.priority) == ("reminder", "sms", 75, 9)
    assert job.scheduled_at == ctx.clock.now() + timedelta(seconds=600)
    test_mode = await _notify(ctx, world, source_type="payment_due", is_live=False)
    assert (test_mode.channel, test_mode.cost_minor, test_mode.is_live) == ("sms", 0, False)


async def test_no_fitting_channel_or_recipient_is_refused_and_writes_nothing(
    ctx: ServiceContext, world: World
) -> None:
    admin = world.caller(world.admin)
    await jtd_settings.update_jtd_settings(ctx, admin, channels_enabled={"email": False})
    refused = [
        await _code(_notify(ctx, world, source_type="payment_received")),  # email only
        await _code(_notify(ctx, world, recipient_id=None)),
        await _code(_notify(ctx, world, subject=" ")),
        await _code(_notify(ctx, world, subject="bad\x00byte")),
        await _code(_notify(ctx, world, priority=11)),
        await _code(_notify(ctx, world, source_type="carrier_pigeon")),
        await _code(_notify(ctx, world, channel="sms")),
        await _code(_notify(ctx, world, payload={"note": "\ud800"})),
        await _code(_notify(ctx, world, scheduled_at=ctx.clock.now() + timedelta(hours=1))),
    ]
    assert refused == [ErrorCode.VALIDATION_ERROR] * len(refused)
    page = await jtd.list_jobs_to_do(ctx, admin, JobToDoFilter())
    assert page.items == ()


async def test_moves_are_soft_enforced_flagged_recorded_and_announced(
    ctx: ServiceContext, world: World, clock: ManualClock, events: EventsReader
) -> None:
    job = await _notify(ctx, world)
    manager = world.caller(world.manager)
    clock.advance(seconds=30)
    await jtd.move_job_to_do(ctx, manager, job.id, "pending")
    clock.advance(seconds=45)
    moved = await jtd.move_job_to_do(ctx, manager, job.id, "delivered", "the provider said so")
    assert (moved.status, moved.valid_transition) == ("delivered", False)
    history = (await jtd.job_histories(ctx, manager, [job.id]))[job.id]
    assert [(c.from_status, c.to_status, c.valid) for c in history] == [
        ("created", "pending", True),
        ("pending", "delivered", False),
    ]
    assert [c.seconds_in_previous for c in history] == [30.0, 45.0]
    assert history[1].started_at == history[0].ended_at
    assert history[1].note == "the provider said so"
    entries = (await audit_log(ctx, world.caller(world.admin))).items
    assert entries[0].summary == "pending → delivered (outside the flow); the provider said so"
    changed = [
        e for e in await events(world.org.id) if e.name is EventName.JOB_TO_DO_STATUS_CHANGED
    ]
    assert [(e.payload["to_status"], e.payload["valid_transition"]) for e in changed] == [
        ("pending", True),
        ("delivered", False),
    ]
    assert await _code(jtd.move_job_to_do(ctx, manager, job.id, "teleported")) == (
        ErrorCode.VALIDATION_ERROR
    )


async def test_a_finished_job_is_not_cancelled_but_may_be_moved_explicitly(
    ctx: ServiceContext, world: World
) -> None:
    manager = world.caller(world.manager)
    job = await _notify(ctx, world)
    cancelled = await jtd.cancel_job_to_do(ctx, manager, job.id, "sent by mistake")
    assert (cancelled.status, cancelled.valid_transition) == ("cancelled", True)
    assert CATALOG.event_type("notification").is_finished("cancelled")
    assert await _code(jtd.cancel_job_to_do(ctx, manager, job.id, "again")) == (
        ErrorCode.INVALID_TRANSITION
    )
    reopened = await jtd.move_job_to_do(ctx, manager, job.id, "pending", "it was needed")
    assert (reopened.status, reopened.valid_transition) == ("pending", False)


async def test_rescheduling_takes_the_flows_rescheduled_status_when_it_has_one(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    manager = world.caller(world.manager)
    tomorrow = clock.now() + timedelta(days=1)
    visit = await _notify(
        ctx, world, source_type="appointment_created", scheduled_at=tomorrow, channel="email"
    )
    assert visit.event_type == "appointment"
    created = await jtd.reschedule_job_to_do(ctx, manager, visit.id, tomorrow + timedelta(hours=2))
    assert (created.status, created.scheduled_at) == ("created", tomorrow + timedelta(hours=2))
    await jtd.move_job_to_do(ctx, manager, visit.id, "scheduled")
    moved = await jtd.reschedule_job_to_do(ctx, manager, visit.id, tomorrow + timedelta(days=1))
    assert (moved.status, moved.valid_transition) == ("rescheduled", True)
    notification = await _notify(ctx, world)
    refused = [
        await _code(jtd.reschedule_job_to_do(ctx, manager, notification.id, tomorrow)),
        await _code(jtd.reschedule_job_to_do(ctx, manager, visit.id, clock.now() - timedelta(1))),
        await _code(jtd.reschedule_job_to_do(ctx, manager, visit.id, datetime(2026, 3, 9))),  # noqa: DTZ001
    ]
    assert refused == [ErrorCode.VALIDATION_ERROR] * 3


async def test_an_idempotency_key_makes_one_job(ctx: ServiceContext, world: World) -> None:
    first = await _notify(ctx, world, idempotency_key="welcome-alice")
    again = await _notify(ctx, world, idempotency_key="welcome-alice", subject="Other")
    assert again.id == first.id
    assert again.subject == first.subject
    page = await jtd.list_jobs_to_do(ctx, world.caller(world.admin), JobToDoFilter())
    assert len(page.items) == 1


async def test_employees_see_and_move_only_what_is_addressed_to_them(
    ctx: ServiceContext, world: World
) -> None:
    hers = await _notify(ctx, world)
    his = await _notify(ctx, world, recipient_id=world.bob.id)
    alice = world.caller(world.alice)
    page = await jtd.list_jobs_to_do(ctx, alice, JobToDoFilter())
    assert [j.id for j in page.items] == [hers.id]
    assert (await jtd.move_job_to_do(ctx, alice, hers.id, "pending")).status == "pending"
    refused = [
        await _code(jtd.get_job_to_do(ctx, alice, his.id)),
        await _code(jtd.move_job_to_do(ctx, alice, his.id, "pending")),
        await _code(jtd.list_jobs_to_do(ctx, alice, JobToDoFilter(recipient_id=world.bob.id))),
        await _code(jtd.cancel_job_to_do(ctx, alice, hers.id, "no")),
        await _code(jtd.create_job_to_do(ctx, alice, subject="x", recipient_id=world.alice.id)),
        await _code(jtd_settings.jtd_configuration(ctx, alice)),
        await _code(jtd_settings.update_jtd_settings(ctx, world.caller(world.manager))),
    ]
    assert refused == [ErrorCode.FORBIDDEN] * len(refused)


async def test_another_organizations_ids_are_not_found(ctx: ServiceContext, world: World) -> None:
    other = await build_world(ctx)
    theirs = await _notify(ctx, other)
    admin = world.caller(world.admin)
    refused = [
        await _code(jtd.get_job_to_do(ctx, admin, theirs.id)),
        await _code(jtd.move_job_to_do(ctx, admin, theirs.id, "pending")),
        await _code(jtd.cancel_job_to_do(ctx, admin, theirs.id, "mine now")),
        await _code(jtd.reschedule_job_to_do(ctx, admin, theirs.id, ctx.clock.now())),
        await _code(_notify(ctx, world, recipient_id=other.alice.id)),
    ]
    assert refused == [ErrorCode.NOT_FOUND] * len(refused)
    assert await jtd.job_histories(ctx, admin, [theirs.id]) == {}
    assert await jtd.jobs_by_ids(ctx, admin, [theirs.id]) == {}


async def test_settings_are_validated_audited_and_changed_field_by_field(
    ctx: ServiceContext, world: World
) -> None:
    admin = world.caller(world.admin)
    before = (await jtd_settings.jtd_configuration(ctx, admin)).settings
    assert (before.daily_limit, before.monthly_limit, before.version) == (1000, 30000, 0)
    assert (before.quiet_hours_start, before.quiet_hours_end) == (time(22, 0), time(8, 0))
    assert before.channels_enabled == {
        "email": True,
        "sms": False,
        "whatsapp": False,
        "push": False,
        "inapp": True,
    }
    refused = [
        await _code(jtd_settings.update_jtd_settings(ctx, admin, channels_enabled={"fax": True})),
        await _code(
            jtd_settings.update_jtd_settings(ctx, admin, agent_event_types=frozenset({"gossip"}))
        ),
        await _code(jtd_settings.update_jtd_settings(ctx, admin, daily_limit=40_000)),
        await _code(jtd_settings.update_jtd_source_settings(ctx, admin, "nope")),
        await _code(jtd_settings.update_jtd_source_settings(ctx, admin, "manual", channels=("x",))),
        await _code(jtd_settings.update_jtd_source_settings(ctx, admin, "manual", priority=0)),
    ]
    assert refused == [ErrorCode.VALIDATION_ERROR] * len(refused)
    assert (await jtd_settings.jtd_configuration(ctx, admin)).settings == before
    after = await jtd_settings.update_jtd_settings(
        ctx, admin, agent_enabled=True, channels_enabled={"push": True}, daily_limit=500
    )
    assert (after.agent_enabled, after.daily_limit, after.version) == (True, 500, 1)
    assert after.channels_enabled["push"]
    assert after.channels_enabled["email"]
    [entry, *_] = (await audit_log(ctx, admin)).items
    assert entry.action == "jtd_settings.update"
    assert entry.summary == (
        "agent_enabled: False → True; channels_enabled: {email: True, inapp: True, push: False, "
        "sms: False, whatsapp: False} → {email: True, inapp: True, push: True, sms: False, "
        "whatsapp: False}; daily_limit: 1000 → 500"
    )


async def test_the_stored_master_data_is_the_catalog(ctx: ServiceContext, world: World) -> None:
    assert await jtd.stored_catalog(ctx, world.caller(world.alice)) == CATALOG
    agent = CATALOG.system_actor("agent")
    assert (agent.id, agent.type) == (UUID("00000000-0000-0000-0000-000000000001"), ActorType.AGENT)
    assert [a.id.int for a in CATALOG.system_actors] == [1, 2, 3]


async def test_a_time_in_utc_is_kept_as_given(ctx: ServiceContext, world: World) -> None:
    at = datetime(2026, 3, 5, 4, 30, tzinfo=UTC)
    job = await _notify(ctx, world, source_type="shift_reminder", scheduled_at=at)
    page = await jtd.list_jobs_to_do(
        ctx,
        world.caller(world.admin),
        JobToDoFilter(scheduled_from=at, event_types=frozenset({"reminder"})),
    )
    assert [(j.id, j.scheduled_at) for j in page.items] == [(job.id, at)]
