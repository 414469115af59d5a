"""Recording activity on both adapters: results per item, exactly once, the right timer,
rejections kept, and counting that never doubles."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from uuid import uuid4

import pytest

from jts_domain.activity.ingest import record_activity, upload_activity
from jts_domain.activity.model import ActivityKind, ActivityStatus, RejectionReason
from jts_domain.activity.projects import create_project, list_projects
from jts_domain.activity.reads import activity_rejections, activity_summary
from jts_domain.clock import ManualClock
from jts_domain.errors import ErrorCode
from jts_domain.services import ServiceContext
from jts_domain.services import tasks as task_service
from jts_domain.services import timers as timer_service
from tests.services.activity_steps import beat, every, start_working
from tests.services.builders import World
from tests.services.steps import expect_error


async def test_a_heartbeat_lands_on_the_running_timer(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    working = await start_working(ctx, world)
    start = clock.now()
    clock.advance(minutes=2)
    result = await record_activity(ctx, world.caller(world.alice), beat(start, 60, client_id=None))
    assert result.status is ActivityStatus.ACCEPTED
    assert result.timer_id == working.timer.id
    assert result.client_id  # the server made one
    summary = await activity_summary(ctx, world.caller(world.alice), world.today)
    assert (summary.active_seconds, summary.timer_seconds, summary.heartbeats) == (60.0, 120.0, 1)
    assert str(summary.productivity) == "50.00"


async def test_an_upload_splits_into_accepted_and_duplicates_and_a_replay_changes_nothing(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await start_working(ctx, world)
    start = clock.now()
    clock.advance(minutes=30)
    alice = world.caller(world.alice)
    earlier = every(start, 10)
    assert (await upload_activity(ctx, alice, earlier)).accepted == 10
    fresh = every(start + timedelta(minutes=5), 40)
    # 5 repeats of earlier data with other contents, and 5 repeats inside the batch
    batch = [
        *fresh,
        *(replace(b, seconds=99, kind=ActivityKind.IDLE) for b in earlier[:5]),
        *fresh[:5],
    ]
    upload = await upload_activity(ctx, alice, batch)
    assert (upload.accepted, upload.duplicates, upload.rejected) == (40, 10, 0)
    assert [r.status for r in upload.results[40:]] == [ActivityStatus.DUPLICATE] * 10
    before = await activity_summary(ctx, alice, world.today)
    assert before.active_seconds == 50 * 30
    replay = await upload_activity(ctx, alice, batch)
    assert (replay.accepted, replay.duplicates, replay.rejected) == (0, 50, 0)
    assert await activity_summary(ctx, alice, world.today) == before


async def test_each_rejection_reason_leaves_the_rest_of_the_batch_accepted(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    working = await start_working(ctx, world)
    start = clock.now()
    clock.advance(minutes=10)
    alice = world.caller(world.alice)
    good = every(start, 4)
    bad = [
        beat(clock.now() - timedelta(days=8)),  # TOO_OLD
        beat(clock.now() + timedelta(minutes=3)),  # IN_FUTURE
        beat(start - timedelta(minutes=1)),  # NO_TIMER: before the timer started
        beat(start, 0),  # INVALID: zero seconds
        beat(start, client_id="x" * 256),  # INVALID: client id too long
        replace(beat(start), client_id=None),  # INVALID: no client id in an upload
        beat(start, title="bad\x00text"),  # INVALID: unstorable text
    ]
    upload = await upload_activity(ctx, alice, [good[0], *bad[:4], good[1], *bad[4:], *good[2:]])
    assert (upload.accepted, upload.duplicates, upload.rejected) == (4, 0, 7)
    reasons = [r.reason for r in upload.results if r.status is ActivityStatus.REJECTED]
    assert reasons == [
        RejectionReason.TOO_OLD,
        RejectionReason.IN_FUTURE,
        RejectionReason.NO_TIMER,
        RejectionReason.INVALID,
        RejectionReason.INVALID,
        RejectionReason.INVALID,
        RejectionReason.INVALID,
    ]
    accepted = [r for r in upload.results if r.status is ActivityStatus.ACCEPTED]
    assert {r.timer_id for r in accepted} == {working.timer.id}
    assert all(r.message for r in upload.results if r.status is ActivityStatus.REJECTED)
    kept = await activity_rejections(ctx, world.caller(world.admin), first=50)
    assert sorted(r.reason.value for r in kept.items) == sorted(r.value for r in reasons)
    assert {r.employee_id for r in kept.items} == {world.alice.id}
    await expect_error(ErrorCode.FORBIDDEN, activity_rejections(ctx, alice, first=10))
    # a rejected item keeps its client id: sent again, it is a duplicate and nothing is kept
    again = await upload_activity(ctx, alice, bad[:4])
    assert again.duplicates == 4
    assert len((await activity_rejections(ctx, world.caller(world.admin), first=50)).items) == 7


async def test_offline_data_after_a_stop_still_lands_on_its_timer(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    working = await start_working(ctx, world)
    start = clock.now()
    clock.advance(minutes=5)
    await task_service.pause_task(ctx, world.caller(world.alice), working.task.id)
    clock.advance(minutes=5)
    await task_service.resume_task(ctx, world.caller(world.alice), working.task.id)
    clock.advance(minutes=5)
    await timer_service.stop_timer(ctx, world.caller(world.alice))
    clock.advance(hours=1)
    alice = world.caller(world.alice)
    upload = await upload_activity(
        ctx,
        alice,
        [
            beat(start + timedelta(minutes=4), 120),  # 60 s running, then into the pause
            beat(start + timedelta(minutes=7)),  # during the pause: no timer ran
            beat(start + timedelta(minutes=14), 600),  # 60 s before the stop
        ],
    )
    assert [r.status for r in upload.results] == [
        ActivityStatus.ACCEPTED,
        ActivityStatus.REJECTED,
        ActivityStatus.ACCEPTED,
    ]
    assert upload.results[0].timer_id == upload.results[2].timer_id == working.timer.id
    summary = await activity_summary(ctx, alice, world.today)
    assert (summary.active_seconds, summary.timer_seconds) == (120.0, 600.0)


async def test_overlaps_count_once_and_the_day_is_split_by_task_and_app(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    working = await start_working(ctx, world)
    start = clock.now()
    clock.advance(minutes=20)
    alice = world.caller(world.alice)
    await upload_activity(
        ctx,
        alice,
        [
            beat(start, 120, app="editor"),
            beat(start + timedelta(seconds=60), 120, app="browser"),  # 60 s overlap
            beat(start + timedelta(minutes=5), 60, kind=ActivityKind.IDLE, app=None),
            beat(start + timedelta(minutes=5, seconds=30), 60, app="editor"),  # 30 s over idle
        ],
    )
    summary = await activity_summary(ctx, alice, world.today)
    assert summary.active_seconds == 180 + 60
    assert summary.idle_seconds == 30
    assert summary.heartbeats == 4
    assert [(t.task_id, t.seconds) for t in summary.by_task] == [(working.task.id, 240.0)]
    assert [(a.app, a.seconds) for a in summary.top_apps] == [("editor", 180.0), ("browser", 120.0)]
    assert str(summary.productivity) == "20.00"  # 240 s of 1,200


async def test_parallel_heartbeats_and_overlapping_uploads_count_exactly(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await start_working(ctx, world)
    start = clock.now()
    clock.advance(hours=2)
    alice = world.caller(world.alice)
    singles = every(start, 100, step=30, seconds=30)
    results = await asyncio.gather(*(record_activity(ctx, alice, b) for b in singles))
    assert all(r.status is ActivityStatus.ACCEPTED for r in results)
    pool = every(start + timedelta(minutes=50), 200, step=10, seconds=10)
    batches = [pool[i * 15 : i * 15 + 60] for i in range(10)]  # each overlaps the next
    uploads = await asyncio.gather(*(upload_activity(ctx, alice, b) for b in batches))
    assert sum(u.accepted for u in uploads) == len(
        {b.client_id for batch in batches for b in batch}
    )
    summary = await activity_summary(ctx, alice, world.today)
    assert summary.heartbeats == 100 + 195
    assert summary.active_seconds == 100 * 30 + 195 * 10


async def test_only_employees_record_and_a_batch_has_a_limit(
    ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    await start_working(ctx, world)
    start = clock.now()
    await expect_error(ErrorCode.VALIDATION_ERROR, record_activity(ctx, world.system, beat(start)))
    error = await expect_error(
        ErrorCode.VALIDATION_ERROR,
        upload_activity(ctx, world.caller(world.alice), every(start, 11), max_items=10),
    )
    assert "at most 10" in error.message
    empty = await upload_activity(ctx, world.caller(world.alice), [])
    assert (empty.accepted, empty.duplicates, empty.rejected, empty.results) == (0, 0, 0, ())


@pytest.mark.parametrize("who", ["bob", "manager"])
async def test_a_client_id_is_once_per_organization_whoever_sends_it(
    ctx: ServiceContext, world: World, clock: ManualClock, who: str
) -> None:
    await start_working(ctx, world)
    await start_working(ctx, world, world.bob)
    start = clock.now()
    clock.advance(minutes=5)
    first = await record_activity(ctx, world.caller(world.alice), beat(start, client_id="shared"))
    sender = world.bob if who == "bob" else world.manager
    second = await record_activity(ctx, world.caller(sender), beat(start, client_id="shared"))
    assert (first.status, second.status) == (ActivityStatus.ACCEPTED, ActivityStatus.DUPLICATE)


async def test_a_task_of_a_project(ctx: ServiceContext, world: World) -> None:
    manager = world.caller(world.manager)
    project = await create_project(ctx, manager, name="Launch", description="Q3 launch")
    await expect_error(ErrorCode.VALIDATION_ERROR, create_project(ctx, manager, name=" launch "))
    await expect_error(
        ErrorCode.FORBIDDEN, create_project(ctx, world.caller(world.alice), name="X")
    )
    assert [p.name for p in await list_projects(ctx, world.caller(world.alice))] == ["Launch"]
    task = await task_service.create_task(ctx, manager, title="Prepare", project_id=project.id)
    assert task.project_id == project.id
    await expect_error(
        ErrorCode.NOT_FOUND, task_service.create_task(ctx, manager, title="X", project_id=uuid4())
    )
