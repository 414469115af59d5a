"""Delivery on both adapters: the dispatcher's gates (quiet hours, tenant limits, channel
rates), attempts and retries, test mode, templates, the inbox, usage, receipts.

The world's organization is in Asia/Kolkata; the clock starts at 09:00 IST on Monday
2 March 2026 and only the tests move it. Each dispatcher is limited to the test's own
tenant (the PostgreSQL database is shared by the whole run).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest

from jts_domain.clock import ManualClock
from jts_domain.delivery import inbox as delivery_inbox
from jts_domain.delivery.dispatch import Dispatcher, dispatch_due
from jts_domain.delivery.model import DeliveryState
from jts_domain.delivery.receipts import apply_receipt
from jts_domain.delivery.templates import (
    list_message_templates,
    save_message_template,
    set_default_language,
)
from jts_domain.delivery.usage import jtd_usage
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.jtd import jobs as jtd
from jts_domain.jtd import settings as jtd_settings
from jts_domain.jtd.model import JobToDo
from jts_domain.jtd.ports import JobToDoFilter
from jts_domain.model import ActorType
from jts_domain.services import ServiceContext
from jts_jobs.delivery.email import SmtpSender
from jts_store.delivery.rendering import JinjaRenderer
from tests.receivers import SmtpInbox
from tests.services.builders import World

RENDERER = JinjaRenderer()


@pytest.fixture
def smtp() -> Iterator[SmtpInbox]:
    inbox = SmtpInbox()
    inbox.start()
    yield inbox
    inbox.stop()


def _dispatcher(world: World, smtp: SmtpInbox | None = None, **kw: object) -> Dispatcher:
    senders = {} if smtp is None else {"email": SmtpSender(smtp.url, "JTS <jts@example.test>")}
    return Dispatcher(
        senders=senders,  # type: ignore[arg-type]
        renderer=RENDERER,
        tenants=frozenset({world.org.id}),
        **kw,  # type: ignore[arg-type]
    )


async def _job(ctx: ServiceContext, world: World, **fields: object) -> JobToDo:
    values: dict[str, object] = {
        "subject": "Stock count at 10:00",
        "source_type": "system",
        "recipient_id": world.alice.id,
    }
    values.update(fields)
    return await jtd.create_job_to_do(ctx, world.caller(world.manager), **values)  # type: ignore[arg-type]


async def _jobs(ctx: ServiceContext, world: World, ids: list) -> dict:
    return await jtd.jobs_by_ids(ctx, world.caller(world.admin), ids)


async def _deliveries(ctx: ServiceContext, world: World, ids: list) -> dict:
    async with ctx.uow() as uow:
        return await uow.delivery.deliveries(world.org.id, ids)


async def _settings(ctx: ServiceContext, world: World, **changes: object) -> None:
    await jtd_settings.update_jtd_settings(ctx, world.caller(world.admin), **changes)  # type: ignore[arg-type]


async def test_an_in_app_job_goes_through_its_flow_into_the_inbox(
    ctx: ServiceContext, world: World
) -> None:
    job = await _job(ctx, world)
    run = await dispatch_due(ctx, _dispatcher(world))
    assert (run.claimed, run.sent) == (1, 1)
    [stored] = (await _jobs(ctx, world, [job.id])).values()
    assert (stored.status, stored.attempts, stored.cost_minor) == ("sent", 1, 0)
    history = (await jtd.job_histories(ctx, world.caller(world.admin), [job.id]))[job.id]
    assert [(c.from_status, c.to_status, c.valid) for c in history] == [
        ("created", "pending", True),
        ("pending", "queued", True),
        ("queued", "executing", True),
        ("executing", "sent", True),
    ]
    assert {c.actor.type for c in history} == {ActorType.SYSTEM}
    page = await delivery_inbox.list_inbox(ctx, world.caller(world.alice))
    assert [(m.job_id, m.subject) for m in page.items] == [(job.id, "Stock count at 10:00")]
    assert (await delivery_inbox.list_inbox(ctx, world.caller(world.bob))).items == ()
    again = await dispatch_due(ctx, _dispatcher(world))
    assert again.claimed == 0


async def test_marking_a_message_read_moves_its_job_to_read(
    ctx: ServiceContext, world: World
) -> None:
    job = await _job(ctx, world)
    await dispatch_due(ctx, _dispatcher(world))
    [message] = (await delivery_inbox.list_inbox(ctx, world.caller(world.alice))).items
    with pytest.raises(DomainError) as foreign:
        await delivery_inbox.mark_inbox_read(ctx, world.caller(world.bob), [message.id])
    assert foreign.value.code is ErrorCode.NOT_FOUND
    [marked] = await delivery_inbox.mark_inbox_read(ctx, world.caller(world.alice), [message.id])
    assert marked.read_at == ctx.clock.now()
    assert await delivery_inbox.mark_inbox_read(ctx, world.caller(world.alice), [message.id]) == []
    [stored] = (await _jobs(ctx, world, [job.id])).values()
    assert stored.status == "read"
    unread = await delivery_inbox.list_inbox(ctx, world.caller(world.alice), unread_only=True)
    assert unread.items == ()
    assert (await _deliveries(ctx, world, [job.id]))[job.id].state is DeliveryState.READ


async def test_an_email_job_is_rendered_and_received_by_smtp(
    ctx: ServiceContext, world: World, smtp: SmtpInbox
) -> None:
    await _settings(ctx, world, channels_enabled={"email": True, "inapp": False})
    await save_message_template(
        ctx, world.caller(world.admin), RENDERER, event_type="notification", channel="email",
        language="en", subject="[JTS] {{ subject }}",
        body="Hello {{ recipient_name }},\n{{ subject }} (priority {{ priority }}).",
    )  # fmt: skip
    job = await _job(ctx, world, source_type="system", channel="email")
    run = await dispatch_due(ctx, _dispatcher(world, smtp))
    assert run.sent == 1
    [(recipients, message)] = smtp.received()
    assert recipients == [world.alice.email]
    assert message["Subject"] == "[JTS] Stock count at 10:00"
    text = message.get_payload().replace("\r\n", "\n").strip()
    assert text == "Hello Alice,\nStock count at 10:00 (priority 5)."
    assert message["X-JTS-Attempt"] == f"{job.id}:1"
    [stored] = (await _jobs(ctx, world, [job.id])).values()
    assert (stored.status, stored.cost_minor) == ("sent", 25)


async def test_a_language_without_a_template_falls_back_to_the_tenant_default(
    ctx: ServiceContext, world: World
) -> None:
    admin = world.caller(world.admin)
    for language, greeting in (("en", "Hello"), ("hi", "Namaste")):
        await save_message_template(
            ctx, admin, RENDERER, event_type="notification", channel="inapp",
            language=language, subject=f"{greeting}: {{{{ subject }}}}", body="{{ body }}",
        )  # fmt: skip
    await set_default_language(ctx, admin, "hi")
    tamil = await _job(ctx, world, payload={"language": "ta"})
    english = await _job(ctx, world, recipient_id=world.bob.id, payload={"language": "en"})
    await dispatch_due(ctx, _dispatcher(world))
    [to_alice] = (await delivery_inbox.list_inbox(ctx, world.caller(world.alice))).items
    [to_bob] = (await delivery_inbox.list_inbox(ctx, world.caller(world.bob))).items
    assert (to_alice.job_id, to_alice.subject) == (tamil.id, "Namaste: Stock count at 10:00")
    assert (to_bob.job_id, to_bob.subject) == (english.id, "Hello: Stock count at 10:00")
    assert len(await list_message_templates(ctx, admin)) == 2


async def test_a_template_naming_unknown_variables_is_refused(
    ctx: ServiceContext, world: World
) -> None:
    with pytest.raises(DomainError) as caught:
        await save_message_template(
            ctx, world.caller(world.admin), RENDERER, event_type="notification",
            channel="inapp", language="en", subject="{{ subject }}",
            body="{{ password }} {{ payload.x }} {{ __class__ }}",
        )  # fmt: skip
    assert caught.value.code is ErrorCode.VALIDATION_ERROR
    assert caught.value.details["unknown"] == ["__class__", "password"]
    assert await list_message_templates(ctx, world.caller(world.admin)) == []
    with pytest.raises(DomainError) as forbidden:
        await save_message_template(
            ctx, world.caller(world.alice), RENDERER, event_type="notification",
            channel="inapp", language="en", subject="x", body="y",
        )  # fmt: skip
    assert forbidden.value.code is ErrorCode.FORBIDDEN


async def test_quiet_hours_hold_a_normal_job_until_eight_and_let_priority_nine_through(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """22:00–08:00 in Asia/Kolkata: at 23:00 IST a normal job waits until 08:00 IST."""
    clock.advance(hours=14)  # 23:00 IST
    normal = await _job(ctx, world, subject="Tomorrow's plan")
    urgent = await _job(ctx, world, subject="Freezer alarm", priority=9)
    run = await dispatch_due(ctx, _dispatcher(world))
    assert (run.sent, run.waiting, run.critical_overrides) == (1, 1, 1)
    jobs = await _jobs(ctx, world, [normal.id, urgent.id])
    assert (jobs[normal.id].status, jobs[urgent.id].status) == ("created", "sent")
    deliveries = await _deliveries(ctx, world, [normal.id, urgent.id])
    eight_ist = datetime(2026, 3, 3, 2, 30, tzinfo=UTC)
    assert deliveries[normal.id].state is DeliveryState.WAITING
    assert deliveries[normal.id].next_attempt_at == eight_ist
    assert "quiet hours" in (deliveries[normal.id].reason or "")
    assert deliveries[urgent.id].critical_override is True
    history = (await jtd.job_histories(ctx, world.caller(world.admin), [urgent.id]))[urgent.id]
    assert "critical override" in (history[-1].note or "")
    clock.advance(hours=8, minutes=59)  # 07:59 IST
    assert (await dispatch_due(ctx, _dispatcher(world))).claimed == 0
    clock.advance(minutes=1)  # 08:00 IST
    assert (await dispatch_due(ctx, _dispatcher(world))).sent == 1
    assert (await _jobs(ctx, world, [normal.id]))[normal.id].status == "sent"


async def test_over_the_daily_limit_the_rest_is_held_and_admins_are_warned_once(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await _settings(ctx, world, daily_limit=10)
    made = [await _job(ctx, world, subject=f"Note {n}") for n in range(15)]
    run = await dispatch_due(ctx, _dispatcher(world))
    assert (run.sent, run.held, run.warnings) == (10 + 1, 5, 1)  # the warning is sent too
    deliveries = await _deliveries(ctx, world, [j.id for j in made])
    held = [d for d in deliveries.values() if d.state is DeliveryState.HELD]
    assert len(held) == 5
    assert {d.reason for d in held} == {"daily limit of 10 messages reached"}
    assert {d.next_attempt_at for d in held} == {datetime(2026, 3, 2, 18, 30, tzinfo=UTC)}
    warnings = await jtd.list_jobs_to_do(
        ctx, world.caller(world.admin), JobToDoFilter(recipient_id=world.admin.id)
    )
    [warning] = warnings.items
    assert warning.subject == "80 % of the daily message limit is used"
    more = await _job(ctx, world, subject="One more")
    again = await dispatch_due(ctx, _dispatcher(world))
    assert (again.sent, again.held, again.warnings) == (0, 1, 0)
    assert (await _deliveries(ctx, world, [more.id]))[more.id].state is DeliveryState.HELD
    clock.advance(hours=10)  # 19:00 IST... still the same local day
    assert (await dispatch_due(ctx, _dispatcher(world))).claimed == 0
    clock.advance(hours=5)  # 00:00 IST the next day: released, into quiet hours
    assert (await dispatch_due(ctx, _dispatcher(world))).waiting == 6
    clock.advance(hours=8)  # 08:00 IST: they go
    released = await dispatch_due(ctx, _dispatcher(world))
    assert released.sent == 6


async def test_two_hundred_emails_at_100_a_minute_take_two_windows_and_none_is_lost(
    ctx: ServiceContext, world: World, clock: ManualClock, smtp: SmtpInbox
) -> None:
    await _settings(ctx, world, channels_enabled={"email": True, "inapp": False})
    made = [await _job(ctx, world, subject=f"Mail {n}", channel="email") for n in range(200)]
    first = await dispatch_due(ctx, _dispatcher(world, smtp))
    assert (first.sent, first.waiting) == (100, 100)
    assert len(smtp.received()) == 100
    clock.advance(seconds=30)  # same minute window: nothing more
    assert (await dispatch_due(ctx, _dispatcher(world, smtp))).sent == 0
    clock.advance(seconds=30)
    second = await dispatch_due(ctx, _dispatcher(world, smtp))
    assert second.sent == 100
    subjects = sorted(message["Subject"] for _, message in smtp.received())
    assert subjects == sorted(f"Mail {n}" for n in range(200))
    jobs = await _jobs(ctx, world, [j.id for j in made])
    assert {j.status for j in jobs.values()} == {"sent"}


async def test_test_mode_jobs_reach_no_provider_and_cost_nothing(
    ctx: ServiceContext, world: World, smtp: SmtpInbox
) -> None:
    await _settings(ctx, world, channels_enabled={"email": True, "inapp": False})
    job = await _job(ctx, world, channel="email", is_live=False)
    run = await dispatch_due(ctx, _dispatcher(world, smtp))
    assert (run.sent, run.test_mode) == (0, 1)
    assert smtp.received() == []
    [stored] = (await _jobs(ctx, world, [job.id])).values()
    assert (stored.status, stored.cost_minor) == ("sent", 0)
    day = date(2026, 3, 2)
    [row] = await jtd_usage(ctx, world.caller(world.admin), day, day)
    assert (row.channel, row.messages, row.cost_minor) == ("email", 1, 0)


async def test_usage_sums_the_ledger_per_channel_and_local_day(
    ctx: ServiceContext, world: World, clock: ManualClock, smtp: SmtpInbox
) -> None:
    await _settings(ctx, world, quiet_hours_start=time(0), quiet_hours_end=time(0))
    for n in range(3):
        await _job(ctx, world, subject=f"Mail {n}", channel="email")
    await _job(ctx, world, subject="In-app")
    await dispatch_due(ctx, _dispatcher(world, smtp))
    clock.advance(hours=15)  # 00:00 IST on Tuesday
    await _job(ctx, world, subject="Tuesday mail", channel="email")
    await dispatch_due(ctx, _dispatcher(world, smtp))
    rows = await jtd_usage(ctx, world.caller(world.admin), date(2026, 3, 2), date(2026, 3, 3))
    assert [(r.day, r.channel, r.messages, r.cost_minor) for r in rows] == [
        ("2026-03-02", "email", 3, 75),
        ("2026-03-02", "inapp", 1, 0),
        ("2026-03-03", "email", 1, 25),
    ]
    with pytest.raises(DomainError) as forbidden:
        await jtd_usage(ctx, world.caller(world.alice), date(2026, 3, 2), date(2026, 3, 3))
    assert forbidden.value.code is ErrorCode.FORBIDDEN


async def test_a_failing_send_is_retried_with_backoff_then_fails_with_the_error(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """An SMTP server nobody listens on: every attempt fails; five attempts, then failed."""
    await _settings(ctx, world, channels_enabled={"email": True, "inapp": False})
    job = await _job(ctx, world, channel="email")
    dead = Dispatcher(
        senders={"email": SmtpSender("smtp://127.0.0.1:9", "jts@example.test", timeout=2)},
        renderer=RENDERER,
        tenants=frozenset({world.org.id}),
    )
    waits = []
    for _ in range(4):
        run = await dispatch_due(ctx, dead)
        assert run.retrying == 1
        delivery = (await _deliveries(ctx, world, [job.id]))[job.id]
        assert delivery.state is DeliveryState.RETRYING
        assert delivery.next_attempt_at is not None
        waits.append(delivery.next_attempt_at - clock.now())
        assert (await dispatch_due(ctx, dead)).claimed == 0  # not before its time
        clock.advance(seconds=waits[-1].total_seconds())
    assert waits == [timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=8),
                     timedelta(minutes=32)]  # fmt: skip
    last = await dispatch_due(ctx, dead)
    assert last.failed == 1
    [stored] = (await _jobs(ctx, world, [job.id])).values()
    assert (stored.status, stored.attempts) == ("failed", 5)
    assert stored.last_error is not None
    async with ctx.uow() as uow:
        attempts = await uow.delivery.attempts(world.org.id, job.id)
    assert [a.key for a in attempts] == [f"{job.id}:{n}" for n in range(1, 6)]
    assert {a.outcome.value for a in attempts if a.outcome} == {"failed"}
    clock.advance(days=1)
    assert (await dispatch_due(ctx, dead)).claimed == 0


async def test_a_receipt_moves_a_sent_job_to_delivered_then_read(
    ctx: ServiceContext, world: World
) -> None:
    job = await _job(ctx, world)
    await dispatch_due(ctx, _dispatcher(world))
    provider_id = f"{job.id}:1"
    delivered = await apply_receipt(ctx, provider_id, "delivered")
    assert (delivered.moved, delivered.job.status) == (True, "delivered")
    late = await apply_receipt(ctx, provider_id, "delivered")
    assert late.moved is False
    read = await apply_receipt(ctx, provider_id, "read")
    assert (read.job.status, read.job.performed_by.type) == ("read", ActorType.WEBHOOK)
    with pytest.raises(DomainError) as unknown:
        await apply_receipt(ctx, "nobody-knows-this", "read")
    assert unknown.value.code is ErrorCode.NOT_FOUND
