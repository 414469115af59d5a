"""Jobs to do that JTS makes itself, on both adapters: service visits from a recurrence,
the agent, and jobs from JTS's own events (task assigned, SLA digests, scores ready).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from jts_domain.clock import ManualClock
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.ids import new_id
from jts_domain.jtd import agent as jtd_agent
from jts_domain.jtd import jobs as jtd
from jts_domain.jtd import settings as jtd_settings
from jts_domain.jtd.catalog import AGENT_ACTOR_ID
from jts_domain.jtd.from_events import CONSUMER, jobs_from_events
from jts_domain.jtd.model import JobToDo
from jts_domain.jtd.ports import JobToDoFilter
from jts_domain.jtd.recurrence import Frequency, Recurrence
from jts_domain.jtd.visits import schedule_service_visits
from jts_domain.model import ActorType, DomainEvent, EventName, TaskStatus
from jts_domain.services import ServiceContext
from jts_domain.services import tasks as task_service
from jts_domain.services.monitoring import sla_monitor
from jts_domain.services.outbox_consumers import consume_all
from jts_domain.services.scores import calculate_daily_scores
from jts_store.jtd.recurrence import DateutilRecurrences
from tests.services.builders import World
from tests.services.task_records import store_tasks, task_record

NEW_YORK = ZoneInfo("America/New_York")


def _monthly(count: int = 12, **fields: object) -> Recurrence:
    values: dict[str, object] = {
        "frequency": Frequency.MONTHLY,
        "start": date(2026, 3, 2),
        "at": time(10, 0),
        "count": count,
    }
    values.update(fields)
    return Recurrence(**values)  # type: ignore[arg-type]


async def _visits(ctx: ServiceContext, world: World, **fields: object) -> list[JobToDo]:
    values: dict[str, object] = {
        "client_key": "contract-42",
        "recurrence": _monthly(),
        "expander": DateutilRecurrences(),
        "subject": "Monthly AC service",
        "recipient_address": "customer@example.test",
        "recipient_name": "Customer",
        "timezone": "America/New_York",
    }
    values.update(fields)
    return await schedule_service_visits(ctx, world.caller(world.manager), **values)  # type: ignore[arg-type]


async def _all_jobs(ctx: ServiceContext, world: World) -> list[JobToDo]:
    page = await jtd.list_jobs_to_do(ctx, world.caller(world.admin), JobToDoFilter(), first=100)
    return list(page.items)


async def test_twelve_monthly_visits_keep_their_local_time_across_dst(
    ctx: ServiceContext, world: World
) -> None:
    """New York springs forward on 8 March 2026 and falls back on 1 November."""
    visits = await _visits(ctx, world)
    assert len(visits) == 12
    local = [v.scheduled_at.astimezone(NEW_YORK) for v in visits]
    assert {(t.hour, t.minute, t.day) for t in local} == {(10, 0, 2)}
    assert [t.month for t in local] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2]
    utc_hours = [v.scheduled_at.astimezone(UTC).hour for v in visits]
    assert utc_hours == [15, 14, 14, 14, 14, 14, 14, 14, 15, 15, 15, 15]
    assert {v.event_type for v in visits} == {"service_visit"}
    assert [v.payload["visit"] for v in visits] == list(range(1, 13))
    assert len(await _all_jobs(ctx, world)) == 12


async def test_the_same_request_twice_makes_twelve_not_twenty_four(
    ctx: ServiceContext, world: World
) -> None:
    first = await _visits(ctx, world)
    again = await _visits(ctx, world)
    assert [v.id for v in again] == [v.id for v in first]
    assert len(await _all_jobs(ctx, world)) == 12
    with pytest.raises(DomainError) as other:
        await _visits(ctx, world, recurrence=_monthly(count=6))
    assert other.value.code is ErrorCode.CONFLICT
    assert len(await _all_jobs(ctx, world)) == 12


async def test_a_recurrence_must_be_bounded_small_and_in_the_future(
    ctx: ServiceContext, world: World
) -> None:
    codes = []
    for fields in (
        {"recurrence": _monthly(count=None, until=date(2099, 1, 1), frequency=Frequency.DAILY)},
        {"recurrence": _monthly(start=date(2026, 3, 1))},  # the first visit is past
        {"client_key": ""},
        {"timezone": "Mars/Olympus_Mons"},
    ):
        with pytest.raises(DomainError) as refused:
            await _visits(ctx, world, **fields)
        codes.append(refused.value.code)
    with pytest.raises(DomainError) as unbounded:
        _monthly(count=None)
    codes.append(unbounded.value.code)
    assert codes == [ErrorCode.VALIDATION_ERROR] * 5
    assert await _all_jobs(ctx, world) == []


async def _agent_on(ctx: ServiceContext, world: World, *types: str) -> None:
    await jtd_settings.update_jtd_settings(
        ctx, world.caller(world.admin), agent_enabled=True, agent_event_types=frozenset(types)
    )


async def test_the_agent_moves_only_due_jobs_of_the_configured_types_as_agent(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    manager = world.caller(world.manager)
    note = await jtd.create_job_to_do(
        ctx, manager, subject="Hi", recipient_id=world.alice.id, source_type="system"
    )
    later = clock.now() + timedelta(hours=2)
    reminder = await jtd.create_job_to_do(
        ctx,
        manager,
        subject="Shift",
        source_type="shift_reminder",
        recipient_id=world.alice.id,
        scheduled_at=later,
    )
    task = await jtd.create_job_to_do(ctx, manager, subject="Count", recipient_id=world.bob.id)
    assert (await jtd_agent.run_agent(ctx, world.org.id)).enabled is False
    await _agent_on(ctx, world, "notification", "reminder")

    plan = await jtd_agent.agent_plan(ctx, manager)
    assert [(p.job.id, p.statuses) for p in plan] == [
        (note.id, ("pending", "queued")),
        (reminder.id, ("pending", "queued")),
    ]
    assert plan[1].at == later
    run = await jtd_agent.run_agent(ctx, world.org.id)
    assert (run.jobs_moved, run.moves) == (1, 2)
    moved = await jtd.get_job_to_do(ctx, manager, note.id)
    assert (moved.status, moved.performed_by.type, moved.performed_by.id) == (
        "queued",
        ActorType.AGENT,
        AGENT_ACTOR_ID,
    )
    assert (await jtd.get_job_to_do(ctx, manager, reminder.id)).status == "created"
    assert (await jtd.get_job_to_do(ctx, manager, task.id)).status == "created"
    clock.advance(hours=2)
    assert (await jtd_agent.run_agent(ctx, world.org.id)).jobs_moved == 1
    activity = await jtd_agent.agent_activity(ctx, manager)
    assert [(c.job_id, c.to_status) for c in activity.items] == [
        (reminder.id, "queued"),
        (reminder.id, "pending"),
        (note.id, "queued"),
        (note.id, "pending"),
    ]
    assert all(c.valid and c.actor.type is ActorType.AGENT for c in activity.items)
    assert (await jtd_agent.run_agent(ctx, world.org.id)).jobs_moved == 0


async def test_source_overrides_widen_or_narrow_what_the_agent_moves(
    ctx: ServiceContext, world: World
) -> None:
    admin, manager = world.caller(world.admin), world.caller(world.manager)
    await _agent_on(ctx, world, "notification")
    await jtd_settings.update_jtd_source_settings(ctx, admin, "system", auto_execute=False)
    await jtd_settings.update_jtd_source_settings(ctx, admin, "manual", auto_execute=True)
    excluded = await jtd.create_job_to_do(
        ctx, manager, subject="a", recipient_id=world.alice.id, source_type="system"
    )
    included = await jtd.create_job_to_do(ctx, manager, subject="b", recipient_id=world.alice.id)
    run = await jtd_agent.run_agent(ctx, world.org.id)
    assert run.jobs_moved == 1
    assert (await jtd.get_job_to_do(ctx, manager, excluded.id)).status == "created"
    moved = await jtd.get_job_to_do(ctx, manager, included.id)
    assert (moved.event_type, moved.status) == ("task", "assigned")


async def test_a_tenant_without_agent_mode_sees_nothing_move(
    ctx: ServiceContext, world: World
) -> None:
    manager = world.caller(world.manager)
    job = await jtd.create_job_to_do(
        ctx, manager, subject="a", recipient_id=world.alice.id, source_type="system"
    )
    assert await jtd_agent.agent_plan(ctx, manager) == []
    assert (await jtd_agent.run_agent(ctx, world.org.id)).moves == 0
    assert (await jtd.get_job_to_do(ctx, manager, job.id)).status == "created"
    assert (await jtd_agent.agent_activity(ctx, manager)).items == ()


async def _consume(ctx: ServiceContext) -> dict[str, int]:
    return (await consume_all(ctx, CONSUMER, jobs_from_events)).counts


async def _jobs_of(ctx: ServiceContext, world: World, source: str) -> list[JobToDo]:
    found = await jtd.list_jobs_to_do(
        ctx, world.caller(world.admin), JobToDoFilter(source_types=frozenset({source}))
    )
    return list(found.items)


async def test_an_assigned_task_makes_one_job_for_the_assignee_once(
    ctx: ServiceContext, world: World
) -> None:
    manager = world.caller(world.manager)
    created = await task_service.create_task(
        ctx, manager, title="Count", assignee_id=world.alice.id
    )
    other = await task_service.create_task(ctx, manager, title="Face shelves")
    await task_service.assign_task(ctx, manager, other.id, world.bob.id)
    await task_service.create_task(
        ctx, world.caller(world.bob), title="Mine", assignee_id=world.bob.id
    )
    await _consume(ctx)
    await _consume(ctx)
    jobs = await _jobs_of(ctx, world, "task_assigned")
    assert sorted((j.recipient.employee_id, j.subject) for j in jobs) == sorted(
        [(world.alice.id, "Task assigned: Count"), (world.bob.id, "Task assigned: Face shelves")]
    )
    assert {(j.channel, j.performed_by.type) for j in jobs} == {("inapp", ActorType.SYSTEM)}
    assert {j.payload["task_id"] for j in jobs} == {str(created.id), str(other.id)}


async def test_one_sla_digest_per_person_per_monitor_run(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """Two of Alice's tasks and one of Bob's are at risk; the manager hears of all three."""
    now = clock.now()
    deadline = now + timedelta(minutes=30)
    tasks = [
        task_record(world, now, assignee=person, sla_deadline=deadline, estimated_minutes=10)
        for person in (world.alice, world.alice, world.bob)
    ]
    await store_tasks(ctx, *tasks)
    await sla_monitor(ctx, world.org.id)
    counts = await _consume(ctx)
    assert counts.get("created", 0) >= 3
    digests = await _jobs_of(ctx, world, "sla_at_risk")
    by_person = {j.recipient.employee_id: j for j in digests}
    assert sorted(by_person, key=str) == sorted(
        [world.alice.id, world.bob.id, world.manager.id], key=str
    )
    assert len(digests) == 3
    assert len(by_person[world.alice.id].payload["alerts"]) == 2
    assert len(by_person[world.bob.id].payload["alerts"]) == 1
    assert len(by_person[world.manager.id].payload["alerts"]) == 3
    assert by_person[world.manager.id].subject == "3 alerts need your attention"
    clock.advance(minutes=45)  # now past the deadline: breached, a second run
    await sla_monitor(ctx, world.org.id)
    await _consume(ctx)
    breached = await _jobs_of(ctx, world, "sla_breached")
    assert len(breached) == 3
    assert {j.priority for j in breached} == {8}
    assert len(await _jobs_of(ctx, world, "sla_at_risk")) == 3


async def test_a_daily_score_makes_one_ready_job_per_employee_and_day(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    now = clock.now()
    done = task_record(world, now, assignee=world.alice, planned_date=world.today)
    done.status, done.completed_at = TaskStatus.COMPLETED, now
    await store_tasks(ctx, done)
    await calculate_daily_scores(ctx, world.system, business_date=world.today)
    await calculate_daily_scores(ctx, world.system, business_date=world.today)
    await _consume(ctx)
    ready = await _jobs_of(ctx, world, "daily_score_ready")
    # Alice and Bob are rostered (scored); the others have no defined metric (no score)
    people = sorted([world.alice.id, world.bob.id], key=str)
    assert sorted((j.recipient.employee_id for j in ready), key=str) == people
    assert all(j.subject.startswith(f"Your score for {world.today.isoformat()}: ") for j in ready)


def test_an_aware_start_is_refused() -> None:
    with pytest.raises(DomainError):
        _monthly(at=time(10, 0, tzinfo=UTC))
    assert datetime(2026, 1, 1, tzinfo=UTC).tzinfo is UTC


async def test_idle_and_overtime_alerts_are_handled_by_kind(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    """alert.raised as the activity work emits it (no digest): one job per alert and
    person; a kind JTD has no source type for makes nothing."""
    now = clock.now()
    async with ctx.uow() as uow:
        for kind in ("IDLE", "OVERTIME", "GEOFENCE_WOBBLE"):
            uow.emit(
                DomainEvent(
                    name=EventName.ALERT_RAISED,
                    organization_id=world.org.id,
                    occurred_at=now,
                    payload={
                        "alert_id": str(new_id()),
                        "kind": kind,
                        "message": f"Alice: {kind.lower()}",
                        "employee_id": str(world.alice.id),
                        "manager_id": str(world.manager.id),
                    },
                )
            )
        await uow.commit()
    await _consume(ctx)
    idle = await _jobs_of(ctx, world, "idle_alert")
    overtime = await _jobs_of(ctx, world, "overtime_alert")
    people = sorted([world.alice.id, world.manager.id], key=str)
    assert sorted((j.recipient.employee_id for j in idle), key=str) == people
    assert sorted((j.recipient.employee_id for j in overtime), key=str) == people
    assert {j.subject for j in idle} == {"Alice: idle"}
    assert len(await _all_jobs(ctx, world)) == 4
