"""Operations under concurrency on real connections: imports of the same roster racing
never make a person or an entry twice, and a retry of the loser finds it all done."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from jts_domain.ids import new_id
from jts_domain.roster_sync.model import RowStatus
from jts_domain.roster_sync.use_cases import import_roster
from jts_domain.services import ServiceContext
from tests.services.builders import World

RACERS = 8
PEOPLE = 30


def _csv(world: World) -> str:
    run = new_id().hex[:10]
    day = (world.today + timedelta(days=1)).isoformat()
    lines = ["kind,externalId,email,name,department,employeeExternalId,date,shift,store"]
    for n in range(PEOPLE):
        lines.append(f"employee,P-{n},p{n}-{run}@race.example.test,Person {n},Sales,,,,")
        lines.append(f"roster,PR-{n},,,,P-{n},{day},Day,MG Road")
    return "\n".join(lines) + "\n"


async def test_racing_imports_make_each_record_once(ctx: ServiceContext, world: World) -> None:
    text = _csv(world)
    admin = world.caller(world.admin)
    results = await asyncio.gather(
        *(import_roster(ctx, admin, text, batch_size=10) for _ in range(RACERS)),
        return_exceptions=True,
    )
    lost = [r for r in results if isinstance(r, BaseException)]
    assert lost == []  # a batch that lost a race is read again and applied
    created = sum(r.counts.created for r in results if not isinstance(r, BaseException))
    async with ctx.uow() as uow:
        people = await uow.roster_sync.employees_by_external_id(
            world.org.id, [f"P-{n}" for n in range(PEOPLE)]
        )
        entries = await uow.roster_sync.roster_by_external_id(
            world.org.id, [f"PR-{n}" for n in range(PEOPLE)]
        )
    assert (len(people), len(entries)) == (PEOPLE, PEOPLE)
    assert created == 2 * PEOPLE  # each person and entry created once, by one import
    again = await import_roster(ctx, admin, text)
    assert {r.status for r in again.results} == {RowStatus.UNCHANGED}
