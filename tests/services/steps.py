"""Steps the service tests share: clocking in at the world's store, starting work the way
the API does, expecting an error."""

from __future__ import annotations

from collections.abc import Awaitable
from uuid import UUID

import pytest

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.model import Attendance, Employee, Timer
from jts_domain.services import Caller, ServiceContext
from jts_domain.services import attendance as attendance_service
from jts_domain.services import tasks as task_service
from jts_domain.services import timers as timer_service
from tests.services.builders import STORE_LATITUDE, STORE_LONGITUDE, World


async def clock_in(
    ctx: ServiceContext,
    world: World,
    employee: Employee,
    *,
    latitude: float = STORE_LATITUDE,
    **kw: object,
) -> Attendance:
    """Clock ``employee`` in at the world's store (or at ``latitude``, north or south of it)."""
    return await attendance_service.clock_in(
        ctx,
        world.caller(employee),
        latitude=latitude,
        longitude=STORE_LONGITUDE,
        **kw,  # type: ignore[arg-type]
    )


async def expect_error(code: ErrorCode, call: Awaitable[object]) -> DomainError:
    """Await ``call``, which must fail with ``code``; the error, for further checks."""
    with pytest.raises(DomainError) as caught:
        await call
    assert caught.value.code is code, caught.value
    return caught.value


async def start_work(
    ctx: ServiceContext, caller: Caller, task_id: UUID, *, override_reason: str | None = None
) -> Timer:
    """``startTask`` (the path the API takes), then the timer it started."""
    await task_service.start_task(ctx, caller, task_id, override_reason=override_reason)
    return await latest_timer(ctx, caller)


async def resume_work(ctx: ServiceContext, caller: Caller, task_id: UUID) -> Timer:
    """``resumeTask``, then the caller's timer it ran again or started."""
    await task_service.resume_task(ctx, caller, task_id)
    return await latest_timer(ctx, caller)


async def latest_timer(ctx: ServiceContext, caller: Caller) -> Timer:
    """The caller's newest timer, as stored."""
    (timer,) = await timer_service.timer_history(ctx, caller, limit=1)
    return timer
