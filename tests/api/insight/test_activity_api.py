"""Activity tracking through the real API over HTTP, on a server of its own whose manual
clock only these tests move (a few hours in all, inside the world's 09:00–17:00 shift).

The seed's load test comes first: 100 parallel ``recordActivity`` calls, a bulk upload
with duplicates inside it and against earlier data, the same batch again, and ten
overlapping uploads in parallel — every total exact, no request failing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_domain.activity.watch import check_overtime, detect_idle
from tests.api.activity_world import (
    ALERTS,
    PRESENCE,
    RECORD,
    REJECTIONS,
    RESOLVE,
    SUMMARY,
    UPLOAD,
    every,
    heartbeat,
    set_settings,
    start_working,
)
from tests.api.harness import ApiServer, make_gql, serve
from tests.api.team import Team, make_team
from tests.api.work import CURRENT_TIMER, timer_move


@pytest.fixture(scope="module")
def activity_api(database_url: str) -> Iterator[ApiServer]:
    with serve(database_url) as server:
        yield server


@pytest.fixture
async def crew(engine: AsyncEngine, activity_api: ApiServer) -> Any:
    with make_gql(activity_api) as gql:
        yield await make_team(engine, activity_api, gql)


def _summary(team: Team, who: str = "alice") -> dict[str, Any]:
    day = team.world.today.isoformat()
    return team.as_(who, SUMMARY, {"d": day, "e": str(team.world.alice.id)}).ok()["activitySummary"]


async def _post_all(team: Team, who: str, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {team.tokens[who]}"}
    limits = httpx.Limits(max_connections=20)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        answers = await asyncio.gather(
            *(client.post(team.server.graphql_url, json=b, headers=headers) for b in bodies)
        )
    return [a.json() for a in answers]


async def test_the_seed_load_test_counts_exactly(crew: Team) -> None:
    started = await start_working(crew)
    start = crew.clock.now()
    crew.clock.advance(minutes=80)
    singles = every(start, 100)  # 09:00–09:50, 30 s each
    answers = await _post_all(
        crew, "alice", [{"query": RECORD, "variables": {"i": b}} for b in singles]
    )
    assert [a.get("errors") for a in answers] == [None] * 100
    assert {a["data"]["recordActivity"]["status"] for a in answers} == {"ACCEPTED"}
    assert {a["data"]["recordActivity"]["timerId"] for a in answers} == {started["timer"]["id"]}
    summary = _summary(crew)
    assert (summary["activeSeconds"], summary["heartbeats"]) == (3000.0, 100)

    fresh = every(start + timedelta(seconds=3000), 200, step=5, seconds=5)  # 09:50–10:06:40
    earlier = [{**b, "seconds": 600, "kind": "IDLE"} for b in singles[:30]]  # same ids, other data
    batch = [*fresh, *fresh[:20], *earlier]
    upload = crew.as_("alice", UPLOAD, {"items": batch}).ok()["uploadActivity"]
    assert (upload["accepted"], upload["duplicates"], upload["rejected"]) == (200, 50, 0)
    assert [r["clientId"] for r in upload["results"]] == [b["clientId"] for b in batch]
    after_upload = _summary(crew)
    assert (after_upload["activeSeconds"], after_upload["heartbeats"]) == (4000.0, 300)

    replay = crew.as_("alice", UPLOAD, {"items": batch}).ok()["uploadActivity"]
    assert (replay["accepted"], replay["duplicates"], replay["rejected"]) == (0, 250, 0)
    assert {r["status"] for r in replay["results"]} == {"DUPLICATE"}
    assert _summary(crew) == after_upload

    pool = every(start + timedelta(seconds=4000), 300, step=2, seconds=2)  # to 10:16:40
    overlapping = [pool[i * 25 : i * 25 + 75] for i in range(10)]
    answers = await _post_all(
        crew, "alice", [{"query": UPLOAD, "variables": {"items": b}} for b in overlapping]
    )
    assert [a.get("errors") for a in answers] == [None] * 10  # no deadlock, no conflict
    assert sum(a["data"]["uploadActivity"]["accepted"] for a in answers) == 300
    final = _summary(crew)
    assert (final["activeSeconds"], final["heartbeats"]) == (4600.0, 600)
    assert final["byTask"] == [{"task": {"id": started["id"]}, "activeSeconds": 4600.0}]


async def test_each_rejection_reason_with_the_rest_accepted(crew: Team) -> None:
    await start_working(crew)
    start = crew.clock.now()
    crew.clock.advance(minutes=5)
    now = crew.clock.now()
    good = every(start, 3)
    bad = [
        heartbeat(now - timedelta(days=8)),
        heartbeat(now + timedelta(minutes=3)),
        heartbeat(start - timedelta(minutes=1)),
        heartbeat(start, 0),
        heartbeat(start, clientId=""),
        {**heartbeat(start), "at": start.replace(tzinfo=None).isoformat()},
        heartbeat(start, title="x" * 1001),
    ]
    items = [good[0], *bad[:3], good[1], *bad[3:], good[2]]
    upload = crew.as_("alice", UPLOAD, {"items": items}).ok()["uploadActivity"]
    assert (upload["accepted"], upload["duplicates"], upload["rejected"]) == (3, 0, 7)
    reasons = [(r["status"], r["reason"]) for r in upload["results"]]
    assert reasons == [
        ("ACCEPTED", None),
        ("REJECTED", "TOO_OLD"),
        ("REJECTED", "IN_FUTURE"),
        ("REJECTED", "NO_TIMER"),
        ("ACCEPTED", None),
        *[("REJECTED", "INVALID")] * 4,
        ("ACCEPTED", None),
    ]
    invalid = [r["message"] for r in upload["results"] if r["reason"] == "INVALID"]
    assert invalid == [
        "seconds must be between 1 and 600",
        "clientId must be 1 to 255 characters",
        "at must carry a timezone",
        "title is longer than 1000 characters",
    ]
    kept = crew.as_("admin", REJECTIONS, {"first": 20}).ok()["activityRejections"]
    assert sorted(e["node"]["reason"] for e in kept["edges"]) == sorted(
        reason for status, reason in reasons if status == "REJECTED"
    )
    assert crew.as_("alice", REJECTIONS, {"first": 20}).codes == ["FORBIDDEN"]
    assert _summary(crew)["heartbeats"] == 3

    too_many = every(start, 1001)
    assert crew.as_("alice", UPLOAD, {"items": too_many}).codes == ["VALIDATION_ERROR"]
    assert _summary(crew)["heartbeats"] == 3  # nothing written
    mistyped = every(start, 40)
    mistyped[17] = {**mistyped[17], "seconds": "thirty"}
    wrong = crew.as_("alice", UPLOAD, {"items": mistyped})
    assert wrong.codes == ["VALIDATION_ERROR"]  # graphql-core's own error, naming the item
    assert wrong.errors[0]["message"].startswith("Variable '$items' has invalid value at [17].")
    assert _summary(crew)["heartbeats"] == 3  # nothing written
    made = crew.as_("alice", RECORD, {"i": {**heartbeat(start), "clientId": None}}).ok()
    assert (made["recordActivity"]["status"], len(made["recordActivity"]["clientId"])) == (
        "ACCEPTED",
        32,
    )
    assert crew.gql(RECORD, {"i": heartbeat(start)}).codes == ["UNAUTHENTICATED"]
    # unstorable text is refused for the whole request before anything runs (the API's
    # rule for every operation); the use case refuses it per item (tests/services)
    nul = crew.as_("alice", UPLOAD, {"items": [heartbeat(start, title="a\u0000b")]})
    assert nul.codes == ["VALIDATION_ERROR"]


def _alerts(team: Team, who: str = "manager") -> list[dict[str, Any]]:
    return [e["node"] for e in team.as_(who, ALERTS).ok()["alerts"]["edges"]]


async def test_idle_and_overtime_alerts_once_and_resolved(crew: Team, engine: AsyncEngine) -> None:
    await set_settings(engine, crew, overtime_minutes=5)
    started = await start_working(crew)
    start = crew.clock.now()
    crew.as_("alice", UPLOAD, {"items": [heartbeat(start, 60)]}).ok()
    crew.clock.advance(minutes=7)
    org = crew.world.org.id
    for _ in range(2):  # a second run raises nothing new
        await detect_idle(crew.ctx, org)
        await check_overtime(crew.ctx, org)
    found = {a["kind"]: a for a in _alerts(crew)}
    assert set(found) == {"IDLE", "OVERTIME"}
    idle, overtime = found["IDLE"], found["OVERTIME"]
    assert (idle["timerId"], idle["task"], idle["employee"]) == (
        started["timer"]["id"],
        {"id": started["id"]},
        {"id": str(crew.world.alice.id)},
    )
    assert (overtime["task"], overtime["businessDate"]) == (None, crew.world.today.isoformat())
    assert crew.as_("alice", RESOLVE, {"id": idle["id"]}).codes == ["FORBIDDEN"]
    resolved = crew.as_("manager", RESOLVE, {"id": idle["id"]}).ok()["resolveAlert"]
    assert resolved["resolvedBy"] == {"type": "USER", "id": str(crew.world.manager.id)}
    await detect_idle(crew.ctx, org)
    assert len(_alerts(crew)) == 2
    assert {a["kind"] for a in _alerts(crew, "alice")} == {"IDLE", "OVERTIME"}  # her own


async def test_auto_pause_leaves_durations_that_add_up(crew: Team, engine: AsyncEngine) -> None:
    await set_settings(engine, crew, idle_auto_pause=True)
    await start_working(crew)
    start = crew.clock.now()
    crew.as_("alice", UPLOAD, {"items": [heartbeat(start, 90)]}).ok()
    crew.clock.advance(minutes=8)
    run = await detect_idle(crew.ctx, crew.world.org.id)
    assert len(run.paused) == 1
    paused = crew.as_("alice", CURRENT_TIMER).ok()["currentTimer"]
    assert (paused["state"], paused["task"]["status"], paused["activeSeconds"]) == (
        "PAUSED",
        "PAUSED",
        90.0,
    )
    crew.clock.advance(minutes=1)
    crew.move("alice", "resumeTask", paused["task"]["id"]).ok()
    crew.clock.advance(seconds=45)
    stopped = crew.as_("alice", timer_move("stopTimer")).ok()["stopTimer"]
    assert (stopped["activeSeconds"], stopped["pauseSeconds"]) == (135.0, 7 * 60 + 30.0)
    parts = stopped["activeSeconds"] + stopped["pauseSeconds"] + stopped["breakSeconds"]
    assert parts == (crew.clock.now() - start).total_seconds()


async def test_presence_projects_and_a_report_by_project(crew: Team) -> None:
    project = crew.as_(
        "manager", 'mutation { createProject(input: {name: "Launch"}) { id name } }'
    ).ok()["createProject"]
    assert crew.as_("alice", "{ projects { id name } }").ok()["projects"] == [project]
    task = crew.create(assigneeId=str(crew.world.alice.id), projectId=project["id"])
    await crew.clock_in(crew.world.alice)
    crew.move("alice", "startTask", task["id"]).ok()
    start = crew.clock.now()
    crew.clock.advance(minutes=2)
    crew.as_("alice", UPLOAD, {"items": [heartbeat(start, 60)]}).ok()
    presence = crew.as_("manager", PRESENCE, {"d": str(crew.world.department.id)}).ok()["presence"]
    states = {p["employee"]["id"]: p["state"] for p in presence}
    assert (states[str(crew.world.alice.id)], states[str(crew.world.bob.id)]) == (
        "WORKING",
        "OFFLINE",
    )
    assert crew.as_("alice", PRESENCE, {"d": str(crew.world.department.id)}).codes == ["FORBIDDEN"]
    day = crew.world.today.isoformat()
    report = crew.as_(
        "manager",
        "query($f: Date!, $p: ID) { activityReport(from: $f, to: $f, projectId: $p) {"
        " date activeSeconds timerSeconds productivity employee { id } } }",
        {"f": day, "p": project["id"]},
    ).ok()["activityReport"]
    assert report == [
        {
            "date": day,
            "activeSeconds": 60.0,
            "timerSeconds": 120.0,
            "productivity": 50.0,
            "employee": {"id": str(crew.world.alice.id)},
        }
    ]
