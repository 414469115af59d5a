"""An organization's working day in a database of its own, written through the use cases.

Backup tests fill a fresh database with it: attendance, tasks through their lifecycle
with timers paused and resumed, a review, an SLA alert, a task template, daily scores,
outbox events, and a password hash.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import asyncpg

from jts_domain.clock import ManualClock
from jts_domain.ids import new_id
from jts_domain.model import JobCategory, TaskTemplate
from jts_domain.services import ServiceContext
from jts_domain.services import attendance as attendance_service
from jts_domain.services import tasks as task_service
from jts_domain.services.monitoring import sla_monitor
from jts_domain.services.scores import calculate_daily_scores
from jts_store.engine import create_engine
from jts_store.unit_of_work import SqlUnitOfWorkFactory
from tests.services.builders import STORE_LATITUDE, STORE_LONGITUDE, World, build_world
from tests.services.conftest import START
from tests.services.steps import start_work

PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"


def plain_url(url: str) -> str:
    """asyncpg takes ``postgresql://`` URLs, Unix-socket ones included."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def connect(url: str) -> asyncpg.Connection:
    """An asyncpg connection that reads JSONB as JSON."""
    conn = await asyncpg.connect(plain_url(url))
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
    return conn


async def fill_working_day(url: str) -> World:
    """A working day: attendance, tasks through their lifecycle with timers (paused and
    resumed), a review, an SLA alert, a task template, daily scores, outbox events, and a
    password hash on Alice."""
    engine = create_engine(url, pool_size=2)
    clock = ManualClock(START)
    ctx = ServiceContext(uow=SqlUnitOfWorkFactory(engine), clock=clock)
    try:
        world = await build_world(ctx)
        alice, manager = world.caller(world.alice), world.caller(world.manager)
        async with ctx.uow() as uow:
            await uow.task_templates.add(
                TaskTemplate(
                    id=new_id(),
                    organization_id=world.org.id,
                    department_id=world.department.id,
                    shift_template_id=world.shift.id,
                    job_category=JobCategory.SALES,
                    title="Open the till",
                    estimated_minutes=15,
                )
            )
            await uow.commit()
        await attendance_service.clock_in(
            ctx, alice, latitude=STORE_LATITUDE, longitude=STORE_LONGITUDE
        )
        counted = await task_service.create_task(
            ctx,
            manager,
            title="Count the stock — aisle 4 ✓",
            description='Line one\nLine "two"',
            assignee_id=world.alice.id,
            estimated_minutes=60,
            requires_review=True,
        )
        await task_service.create_task(
            ctx,
            manager,
            title="Fix the shelf",
            assignee_id=world.bob.id,
            estimated_minutes=120,
            sla_deadline=clock.now() + timedelta(minutes=30),
        )
        await start_work(ctx, alice, counted.id)
        clock.advance(minutes=25)
        await task_service.pause_task(ctx, alice, counted.id)
        clock.advance(minutes=5)
        await task_service.resume_task(ctx, alice, counted.id)
        clock.advance(minutes=40)
        await task_service.submit_task(ctx, alice, counted.id)
        await task_service.approve_task(ctx, manager, counted.id, 4)
        await sla_monitor(ctx, world.org.id)
        clock.set(datetime(2026, 3, 2, 17, 30, tzinfo=UTC))
        await calculate_daily_scores(ctx, world.system, business_date=world.today)
    finally:
        await engine.dispose()
    conn = await connect(url)
    try:
        await conn.execute(
            "UPDATE employees SET password_hash = $1 WHERE id = $2", PASSWORD_HASH, world.alice.id
        )
    finally:
        await conn.close()
    return world
