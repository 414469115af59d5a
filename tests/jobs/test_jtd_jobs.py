"""Jobs to do on a real worker: the agent's scheduled run and the outbox consumer loop."""

from __future__ import annotations

import asyncio
import time

from jts_domain.clock import ManualClock
from jts_domain.jtd import jobs as jtd
from jts_domain.jtd import settings as jtd_settings
from jts_domain.jtd.ports import JobToDoFilter
from jts_domain.model import ActorType
from jts_domain.schedule import JobName
from jts_domain.services import ServiceContext
from jts_domain.services import tasks as task_service
from jts_jobs.worker import JobsRuntime
from tests.jobs.conftest import executions, tick_and_drain
from tests.services.builders import World

PATIENCE_SECONDS = 10.0


async def test_the_agent_runs_every_five_minutes_for_a_tenant_that_wants_it(
    runtime: JobsRuntime, ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    admin = world.caller(world.admin)
    await jtd_settings.update_jtd_settings(
        ctx, admin, agent_enabled=True, agent_event_types=frozenset({"notification"})
    )
    note = await jtd.create_job_to_do(
        ctx, admin, subject="Hi", source_type="system", recipient_id=world.alice.id
    )
    todo = await jtd.create_job_to_do(ctx, admin, subject="Count", recipient_id=world.bob.id)
    clock.advance(minutes=5)

    await tick_and_drain(runtime, world.org.id)

    moved = await jtd.get_job_to_do(ctx, admin, note.id)
    assert (moved.status, moved.performed_by.type) == ("queued", ActorType.AGENT)
    assert (await jtd.get_job_to_do(ctx, admin, todo.id)).status == "created"
    [run] = await executions(ctx, world.org.id, JobName.JTD_AGENT)
    assert run.success
    assert run.result == {"enabled": True, "jobs_moved": 1, "moves": 2, "left_to_others": 0}


async def test_a_tenant_without_agent_mode_gets_a_run_that_moves_nothing(
    runtime: JobsRuntime, ctx: ServiceContext, world: World, clock: ManualClock
) -> None:
    admin = world.caller(world.admin)
    note = await jtd.create_job_to_do(
        ctx, admin, subject="Hi", source_type="system", recipient_id=world.alice.id
    )
    clock.advance(minutes=5)

    await tick_and_drain(runtime, world.org.id)

    assert (await jtd.get_job_to_do(ctx, admin, note.id)).status == "created"
    [run] = await executions(ctx, world.org.id, JobName.JTD_AGENT)
    assert (run.success, run.result) == (True, {"enabled": False})


async def test_the_worker_turns_an_assignment_into_a_job_for_the_assignee(
    runtime: JobsRuntime, ctx: ServiceContext, world: World
) -> None:
    stop = asyncio.Event()
    consuming = asyncio.create_task(runtime.consumers.loop(stop))
    try:
        await task_service.create_task(
            ctx, world.caller(world.manager), title="Restock", assignee_id=world.alice.id
        )
        deadline = time.monotonic() + PATIENCE_SECONDS
        while not (jobs := await _assigned_jobs(ctx, world)):
            assert time.monotonic() < deadline, "the consumer never made the job"
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await consuming
    [job] = jobs
    assert (job.recipient.employee_id, job.subject) == (world.alice.id, "Task assigned: Restock")
    assert (await runtime.consumers.run_once())["jtd.jobs_from_events"].events == 0


async def _assigned_jobs(ctx: ServiceContext, world: World) -> list[jtd.JobToDo]:
    page = await jtd.list_jobs_to_do(
        ctx, world.caller(world.admin), JobToDoFilter(source_types=frozenset({"task_assigned"}))
    )
    return list(page.items)
