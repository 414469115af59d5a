"""Steps the service tests share: clocking in at the world's store, expecting an error."""

from __future__ import annotations

from collections.abc import Awaitable

import pytest

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.model import Attendance, Employee
from jts_domain.services import ServiceContext
from jts_domain.services import attendance as attendance_service
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
