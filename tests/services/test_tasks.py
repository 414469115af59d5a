"""Task use cases: every trigger, valid and invalid, permissions, history and events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from uuid import UUID

import pytest

from jts_domain.clock import ManualClock
from jts_domain.errors import ErrorCode
from jts_domain.ids import new_id
from jts_domain.lifecycle import TASK_TRIGGERS, allowed_task_actions, task_transition
from jts_domain.model import (
    ActorType,
    Department,
    Employee,
    EventName,
    Role,
    StopReason,
    Task,
    TaskStatus,
    TimerState,
)
from jts_domain.ports import TaskFilter
from jts_domain.services import ServiceContext
from jts_domain.services import tasks as task_service
from jts_domain.services import timers as timer_service
from tests.services.builders import World, build_world
from tests.services.steps import clock_in, expect_error

pytestmark = pytest.mark.asyncio

TaskAction = Callable[[ServiceContext, World, UUID], Awaitable[Task]]


async def new_task(
    ctx: ServiceContext,
    world: World,
    *,
    assignee: Employee | None = None,
    requires_review: bool = False,
    **fields: object,
) -> Task:
    return await task_service.create_task(
        ctx,
        world.caller(world.manager),
        title="Restock shelves",
        assignee_id=None if assignee is None else assignee.id,
        requires_review=requires_review,
        estimated_minutes=30,
        **fields,  # type: ignore[arg-type]
    )


def _by_alice(name: str) -> TaskAction:
    async def act(ctx: ServiceContext, world: World, task_id: UUID) -> Task:
        fn = getattr(task_service, f"{name}_task")
        return await fn(ctx, world.caller(world.alice), task_id)  # type: ignore[no-any-return]

    return act


def _by_manager(name: str, *args: object) -> TaskAction:
    async def act(ctx: ServiceContext, world: World, task_id: UUID) -> Task:
        fn = getattr(task_service, f"{name}_task")
        return await fn(ctx, world.caller(world.manager), task_id, *args)  # type: ignore[no-any-return]

    return act


async def _assign(ctx: ServiceContext, world: World, task_id: UUID) -> Task:
    return await task_service.assign_task(ctx, world.caller(world.manager), task_id, world.alice.id)


async def _decline(ctx: ServiceContext, world: World, task_id: UUID) -> Task:
    return await task_service.decline_task(ctx, world.caller(world.alice), task_id, "busy")


async def _hold(ctx: ServiceContext, world: World, task_id: UUID) -> Task:
    return await task_service.hold_task(ctx, world.caller(world.alice), task_id, "waiting")


ACTIONS: dict[str, TaskAction] = {
    "assign": _assign,
    "accept": _by_alice("accept"),
    "decline": _decline,
    "start": _by_alice("start"),
    "pause": _by_alice("pause"),
    "resume": _by_alice("resume"),
    "hold": _hold,
    "submit": _by_alice("submit"),
    "complete": _by_alice("complete"),
    "approve": _by_manager("approve", 4),
    "reject": _by_manager("reject", "redo the labels"),
    "reopen": _by_manager("reopen"),
    "cancel": _by_manager("cancel", "not needed"),
}

#: A path of triggers from a new assigned task to each status.
PATHS: dict[TaskStatus, tuple[str, ...]] = {
    TaskStatus.PENDING: ("decline",),
    TaskStatus.ASSIGNED: (),
    TaskStatus.ACCEPTED: ("accept",),
    TaskStatus.IN_PROGRESS: ("start",),
    TaskStatus.PAUSED: ("start", "pause"),
    TaskStatus.ON_HOLD: ("start", "hold"),
    TaskStatus.PENDING_REVIEW: ("start", "submit"),
    TaskStatus.COMPLETED: ("start", "complete"),
    TaskStatus.REJECTED: ("start", "submit", "reject"),
    TaskStatus.CANCELLED: ("cancel",),
}
REVIEWED = {TaskStatus.PENDING_REVIEW, TaskStatus.REJECTED}


async def task_in(
    ctx: ServiceContext, world: World, clock: ManualClock, status: TaskStatus
) -> Task:
    task = await new_task(ctx, world, assignee=world.alice, requires_review=status in REVIEWED)
    for trigger in PATHS[status]:
        clock.advance(minutes=1)
        task = await ACTIONS[trigger](ctx, world, task.id)
    assert task.status is status
    return task


@pytest.mark.parametrize("trigger", TASK_TRIGGERS)
@pytest.mark.parametrize("status", list(TaskStatus))
async def test_every_trigger_from_every_status(
    ctx: ServiceContext, world: World, clock: ManualClock, status: TaskStatus, trigger: str
) -> None:
    await clock_in(ctx, world, world.alice)
    task = await task_in(ctx, world, clock, status)
    allowed = allowed_task_actions(task)
    clock.advance(minutes=1)
    if trigger in allowed:
        moved = await ACTIONS[trigger](ctx, world, task.id)
        expected = task_transition(status, trigger, requires_review=task.requires_review)
        assert moved.status is expected
        history = await task_service.task_history(ctx, world.caller(world.manager), task.id)
        assert (history[-1].from_status, history[-1].to_status) == (status, expected)
    else:
        error = await expect_error(
            ErrorCode.INVALID_TRANSITION, ACTIONS[trigger](ctx, world, task.id)
        )
        assert error.details["allowed"] == list(allowed)
        assert error.details["state"] == status.value
        assert error.details["trigger"] == trigger
        after = await task_service.get_task(ctx, world.caller(world.manager), task.id)
        assert (after.status, after.version) == (task.status, task.version)


async def test_create_pending_or_assigned_with_a_first_history_row(
    ctx: ServiceContext, world: World
) -> None:
    pending = await new_task(ctx, world)
    assigned = await new_task(ctx, world, assignee=world.alice)
    assert pending.status is TaskStatus.PENDING
    assert pending.assignee_id is None
    assert assigned.status is TaskStatus.ASSIGNED
    assert assigned.department_id == world.alice.department_id
    history = await task_service.task_history(ctx, world.caller(world.manager), assigned.id)
    assert [(h.from_status, h.to_status) for h in history] == [(None, TaskStatus.ASSIGNED)]
    assert history[0].actor.id == world.manager.id


async def test_an_employee_creates_for_themselves_but_not_for_others(
    ctx: ServiceContext, world: World
) -> None:
    alice = world.caller(world.alice)
    own = await task_service.create_task(ctx, alice, title="Mine", assignee_id=world.alice.id)
    assert own.status is TaskStatus.ASSIGNED
    await expect_error(
        ErrorCode.FORBIDDEN,
        task_service.create_task(ctx, alice, title="Yours", assignee_id=world.bob.id),
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "   "},
        {"title": "x" * 201},
        {"estimated_minutes": -5},
        {"due_at": datetime(2026, 3, 2, 12, 0)},  # noqa: DTZ001 -- a naive datetime is the bad input
        {"sla_deadline": datetime(2026, 3, 2, 12, 0)},  # noqa: DTZ001 -- the bad input
    ],
)
async def test_bad_task_input_changes_nothing(
    ctx: ServiceContext, world: World, fields: dict[str, object]
) -> None:
    kwargs: dict[str, object] = {"title": "Fine", "assignee_id": world.alice.id, **fields}
    await expect_error(
        ErrorCode.VALIDATION_ERROR,
        task_service.create_task(ctx, world.caller(world.manager), **kwargs),  # type: ignore[arg-type]
    )
    async with ctx.uow() as uow:
        assert await uow.tasks.search(world.org.id, TaskFilter()) == []


async def test_the_assignee_must_be_an_active_employee_of_the_organization(
    ctx: ServiceContext, world: World
) -> None:
    other = await build_world(ctx)
    manager = world.caller(world.manager)
    await expect_error(
        ErrorCode.NOT_FOUND,
        task_service.create_task(ctx, manager, title="T", assignee_id=other.alice.id),
    )
    gone = Employee(
        id=new_id(),
        organization_id=world.org.id,
        email=f"gone-{new_id().hex}@example.test",
        name="Gone",
        role=Role.EMPLOYEE,
        department_id=world.department.id,
        active=False,
        created_at=ctx.clock.now(),
    )
    async with ctx.uow() as uow:
        await uow.employees.add(gone)
        await uow.commit()
    await expect_error(
        ErrorCode.VALIDATION_ERROR,
        task_service.create_task(ctx, manager, title="T", assignee_id=gone.id),
    )
    async with ctx.uow() as uow:
        assert await uow.tasks.search(world.org.id, TaskFilter()) == []


async def test_only_the_assignee_works_on_a_task(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await clock_in(ctx, world, world.bob)
    task = await new_task(ctx, world, assignee=world.alice)
    bob = world.caller(world.bob)
    await expect_error(ErrorCode.NOT_ASSIGNEE, task_service.accept_task(ctx, bob, task.id))
    await expect_error(ErrorCode.NOT_ASSIGNEE, task_service.decline_task(ctx, bob, task.id, "no"))
    await expect_error(ErrorCode.NOT_ASSIGNEE, task_service.start_task(ctx, bob, task.id))
    alice = world.caller(world.alice)
    await expect_error(
        ErrorCode.FORBIDDEN, task_service.assign_task(ctx, alice, task.id, world.bob.id)
    )
    await expect_error(ErrorCode.FORBIDDEN, task_service.cancel_task(ctx, alice, task.id, "x"))
    await clock_in(ctx, world, world.alice)
    await task_service.start_task(ctx, alice, task.id)
    await expect_error(ErrorCode.NOT_ASSIGNEE, task_service.hold_task(ctx, bob, task.id, "no"))
    await expect_error(ErrorCode.NOT_ASSIGNEE, task_service.pause_task(ctx, bob, task.id))
    await expect_error(ErrorCode.NOT_ASSIGNEE, task_service.complete_task(ctx, bob, task.id))
    after = await task_service.get_task(ctx, alice, task.id)
    assert after.status is TaskStatus.IN_PROGRESS


async def test_reviewers_and_assigners_act_only_within_their_departments(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    stranger = Employee(
        id=new_id(),
        organization_id=world.org.id,
        email=f"stranger-{new_id().hex}@example.test",
        name="Stranger",
        role=Role.MANAGER,
        created_at=ctx.clock.now(),
    )
    async with ctx.uow() as uow:
        await uow.employees.add(stranger)
        await uow.departments.add(
            Department(id=new_id(), organization_id=world.org.id, name="HR", manager_id=stranger.id)
        )
        await uow.commit()
    await clock_in(ctx, world, world.alice)
    task = await task_in(ctx, world, clock, TaskStatus.PENDING_REVIEW)
    caller = world.caller(stranger)
    await expect_error(ErrorCode.FORBIDDEN, task_service.approve_task(ctx, caller, task.id, 5))
    await expect_error(ErrorCode.FORBIDDEN, task_service.cancel_task(ctx, caller, task.id, "x"))
    other = await build_world(ctx)
    await expect_error(
        ErrorCode.NOT_FOUND, task_service.get_task(ctx, other.caller(other.admin), task.id)
    )


async def test_decline_unassigns_and_a_manager_may_hold(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    declined = await task_in(ctx, world, clock, TaskStatus.PENDING)
    assert declined.assignee_id is None
    history = await task_service.task_history(ctx, world.caller(world.manager), declined.id)
    assert history[-1].note == "busy"
    await clock_in(ctx, world, world.alice)
    working = await task_in(ctx, world, clock, TaskStatus.IN_PROGRESS)
    held = await task_service.hold_task(ctx, world.caller(world.manager), working.id, "parts")
    assert held.status is TaskStatus.ON_HOLD
    assert await timer_service.current_timer(ctx, world.caller(world.alice)) is None


async def test_assign_is_refused_while_the_task_is_timed(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await clock_in(ctx, world, world.alice)
    task = await task_in(ctx, world, clock, TaskStatus.PAUSED)
    error = await expect_error(
        ErrorCode.INVALID_TRANSITION,
        task_service.assign_task(ctx, world.caller(world.manager), task.id, world.bob.id),
    )
    assert "assign" not in error.details["allowed"]
    after = await task_service.get_task(ctx, world.caller(world.manager), task.id)
    assert after.assignee_id == world.alice.id


async def test_submit_and_complete_follow_requires_review(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await clock_in(ctx, world, world.alice)
    alice = world.caller(world.alice)
    task = await new_task(ctx, world, assignee=world.alice, requires_review=True)
    task = await task_service.start_task(ctx, alice, task.id)
    error = await expect_error(
        ErrorCode.INVALID_TRANSITION, task_service.complete_task(ctx, alice, task.id)
    )
    assert error.details["allowed"] == ["pause", "hold", "submit", "cancel"]
    assert allowed_task_actions(task) == ("pause", "hold", "submit", "cancel")


async def test_history_records_every_transition_with_time_in_previous_status(
    ctx: ServiceContext, world: World, clock: ManualClock, events: Callable[..., Awaitable[list]]
) -> None:
    await clock_in(ctx, world, world.alice)
    alice, manager = world.caller(world.alice), world.caller(world.manager)
    task = await new_task(ctx, world, assignee=world.alice, requires_review=True)
    clock.advance(minutes=3)
    await task_service.accept_task(ctx, alice, task.id)
    clock.advance(minutes=2)
    await task_service.start_task(ctx, alice, task.id)
    clock.advance(minutes=20)
    await task_service.submit_task(ctx, alice, task.id)
    clock.advance(minutes=4)
    await task_service.reject_task(ctx, manager, task.id, "smudged")
    await task_service.reopen_task(ctx, manager, task.id)
    clock.advance(minutes=1)
    await task_service.start_task(ctx, alice, task.id)
    clock.advance(minutes=10)
    await task_service.submit_task(ctx, alice, task.id)
    clock.advance(minutes=5)
    done = await task_service.approve_task(ctx, manager, task.id, 4)
    history = await task_service.task_history(ctx, manager, task.id)
    assert [h.to_status for h in history] == [
        TaskStatus.ASSIGNED,
        TaskStatus.ACCEPTED,
        TaskStatus.IN_PROGRESS,
        TaskStatus.PENDING_REVIEW,
        TaskStatus.REJECTED,
        TaskStatus.ASSIGNED,
        TaskStatus.IN_PROGRESS,
        TaskStatus.PENDING_REVIEW,
        TaskStatus.COMPLETED,
    ]
    assert [h.seconds_in_previous for h in history] == [0, 180, 120, 1200, 240, 0, 60, 600, 300]
    assert [h.actor.id for h in history[1:4]] == [world.alice.id] * 3
    assert history[4].actor.id == world.manager.id
    assert all(h.actor.type is ActorType.USER for h in history)
    assert done.status is TaskStatus.COMPLETED
    assert done.quality_rating == 4
    assert done.approved_at == done.completed_at == clock.now()
    assert done.actual_seconds == 30 * 60
    completed = [e for e in await events(world.org.id) if e.name is EventName.TASK_COMPLETED]
    assert [e.payload["task_id"] for e in completed] == [str(task.id)]


@pytest.mark.parametrize("quality", [0, 6, -1, True])
async def test_approve_needs_a_quality_from_one_to_five(
    ctx: ServiceContext, world: World, clock: ManualClock, quality: int
) -> None:
    await clock_in(ctx, world, world.alice)
    task = await task_in(ctx, world, clock, TaskStatus.PENDING_REVIEW)
    await expect_error(
        ErrorCode.VALIDATION_ERROR,
        task_service.approve_task(ctx, world.caller(world.manager), task.id, quality),
    )
    after = await task_service.get_task(ctx, world.caller(world.manager), task.id)
    assert after.status is TaskStatus.PENDING_REVIEW
    assert after.quality_rating is None


async def test_blank_notes_and_reasons_are_refused(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    task = await new_task(ctx, world, assignee=world.alice)
    alice, manager = world.caller(world.alice), world.caller(world.manager)
    await expect_error(
        ErrorCode.VALIDATION_ERROR, task_service.decline_task(ctx, alice, task.id, " ")
    )
    await expect_error(
        ErrorCode.VALIDATION_ERROR, task_service.cancel_task(ctx, manager, task.id, "")
    )
    after = await task_service.get_task(ctx, manager, task.id)
    assert (after.status, after.version) == (TaskStatus.ASSIGNED, task.version)


async def test_actual_time_sums_all_timers_of_the_task(
    ctx: ServiceContext, world: World, clock: ManualClock, events: Callable[..., Awaitable[list]]
) -> None:
    await clock_in(ctx, world, world.alice)
    alice = world.caller(world.alice)
    task = await new_task(ctx, world, assignee=world.alice)
    await task_service.start_task(ctx, alice, task.id)
    clock.advance(minutes=10)
    await task_service.pause_task(ctx, alice, task.id)
    clock.advance(minutes=7)
    held = await task_service.hold_task(ctx, alice, task.id, "waiting for stock")
    assert held.actual_seconds == 600
    clock.advance(minutes=30)
    resumed = await task_service.resume_task(ctx, alice, task.id)
    assert resumed.status is TaskStatus.IN_PROGRESS
    clock.advance(minutes=15)
    done = await task_service.complete_task(ctx, alice, task.id)
    assert done.actual_seconds == 25 * 60
    assert done.actual_minutes == 25
    timers = await timer_service.timer_history(ctx, alice)
    assert [t.state for t in timers] == [TimerState.STOPPED, TimerState.STOPPED]
    assert all(t.stop_reason is StopReason.TASK and not t.auto_stopped for t in timers)
    stopped = [e for e in await events(world.org.id) if e.name is EventName.TIMER_STOPPED]
    assert len(stopped) == 2


async def test_cancel_stops_the_running_timer(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await clock_in(ctx, world, world.alice)
    task = await task_in(ctx, world, clock, TaskStatus.IN_PROGRESS)
    clock.advance(minutes=12)
    cancelled = await task_service.cancel_task(ctx, world.caller(world.manager), task.id, "dup")
    assert cancelled.status is TaskStatus.CANCELLED
    assert cancelled.actual_seconds == 12 * 60
    assert await timer_service.current_timer(ctx, world.caller(world.alice)) is None
    assert clock.now() - cancelled.status_changed_at == timedelta(0)
