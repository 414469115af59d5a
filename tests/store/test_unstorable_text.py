"""The store's own guard: text PostgreSQL cannot hold never reaches the driver.

The API refuses such input first, naming the field; this guard is for every other way
in (a job, an embedding program, a bug), so a NUL or a lone surrogate is a
VALIDATION_ERROR with nothing written, never a driver crash.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.ids import new_id
from jts_domain.model import Department, DomainEvent, EventName, JobExecution, JobTrigger
from jts_domain.ports import UnitOfWork
from jts_domain.schedule import JobName
from jts_domain.services import ServiceContext
from tests.services.builders import World

UNSTORABLE = ["aisle\x00 7", "bad \ud800 text", "\udfff"]


async def _refusal(
    ctx: ServiceContext, write: Callable[[UnitOfWork], Awaitable[None]]
) -> DomainError:
    async def attempt() -> None:
        async with ctx.uow() as uow:
            await write(uow)
            await uow.commit()

    with pytest.raises(DomainError) as caught:
        await attempt()
    return caught.value


async def _departments(ctx: ServiceContext, world: World) -> list[str]:
    async with ctx.uow() as uow:
        return [d.name for d in await uow.departments.list_all(world.org.id)]


@pytest.mark.parametrize("text", UNSTORABLE)
async def test_an_unstorable_column_value_is_a_validation_error(
    ctx: ServiceContext, world: World, text: str
) -> None:
    before = await _departments(ctx, world)
    department = Department(id=new_id(), organization_id=world.org.id, name=text)
    refused = await _refusal(ctx, lambda uow: uow.departments.add(department))
    assert refused.code is ErrorCode.VALIDATION_ERROR
    assert await _departments(ctx, world) == before


@pytest.mark.parametrize("text", UNSTORABLE)
async def test_an_unstorable_string_in_a_json_document_is_a_validation_error(
    ctx: ServiceContext, world: World, text: str
) -> None:
    execution = JobExecution(
        id=new_id(),
        organization_id=world.org.id,
        job=JobName.SLA_MONITOR,
        slot=None,
        trigger=JobTrigger.MANUAL,
        started_at=ctx.clock.now(),
    )
    async with ctx.uow() as uow:
        assert await uow.job_executions.start(execution) is not None
        await uow.commit()
    finished = replace(
        execution, finished_at=ctx.clock.now(), success=True, result={"note": [text]}
    )
    refused = await _refusal(ctx, lambda uow: uow.job_executions.finish(finished))
    assert refused.code is ErrorCode.VALIDATION_ERROR
    async with ctx.uow() as uow:
        stored = await uow.job_executions.get(world.org.id, execution.id)
    assert (stored.finished_at, stored.result) == (None, {})


async def test_storable_text_and_json_are_kept_as_they_are(
    ctx: ServiceContext, world: World
) -> None:
    """Emoji (a surrogate pair in JSON's escapes), tabs, a backslash-u written out."""
    name = "Aisle\t7 \U0001f4e6 \\u0000 ಕನ್ನಡ"
    department = Department(id=new_id(), organization_id=world.org.id, name=name)
    async with ctx.uow() as uow:
        await uow.departments.add(department)
        await uow.commit()
    assert name in await _departments(ctx, world)


@pytest.mark.parametrize("text", UNSTORABLE)
async def test_a_document_serialized_by_hand_is_refused_by_the_server_as_bad_input(
    ctx: ServiceContext, world: World, text: str
) -> None:
    """The outbox writes its JSON itself: a NUL or lone surrogate arrives escaped
    (``\\u0000``, ``\\ud800``), the server refuses it, and that is VALIDATION_ERROR too."""
    event = DomainEvent(
        name=EventName.TASK_COMPLETED,
        organization_id=world.org.id,
        occurred_at=ctx.clock.now(),
        payload={"title": text},
    )

    async def emit(uow: UnitOfWork) -> None:
        uow.emit(event)

    refused = await _refusal(ctx, emit)
    assert refused.code is ErrorCode.VALIDATION_ERROR
