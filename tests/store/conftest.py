"""Store tests run on the run's PostgreSQL database, each in an organization of its own."""

from __future__ import annotations

import pytest

from jts_domain.clock import ManualClock
from jts_domain.ports import UnitOfWorkFactory
from jts_domain.services import ServiceContext
from tests.services.builders import World, build_world
from tests.services.conftest import START


@pytest.fixture
def clock() -> ManualClock:
    """A clock at the start of the world's shift."""
    return ManualClock(START)


@pytest.fixture
def ctx(pg_uow_factory: UnitOfWorkFactory, clock: ManualClock) -> ServiceContext:
    """Services on PostgreSQL."""
    return ServiceContext(uow=pg_uow_factory, clock=clock)


@pytest.fixture
async def world(ctx: ServiceContext) -> World:
    """A fresh organization (see :func:`tests.services.builders.build_world`)."""
    return await build_world(ctx)
