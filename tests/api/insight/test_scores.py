"""dailyScore, calculateDailyScores, performance and slaCompliance over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jts_domain.clock import ManualClock
from jts_domain.services import ServiceContext
from jts_domain.services import tasks as task_service
from jts_domain.services.scores import get_daily_score
from tests.api.harness import Gql
from tests.api.team import Team as InsightWorld
from tests.services.steps import clock_in

SCORE_FIELDS = """
  date score reliability calculatedAt employee { id name }
  metrics { name numerator denominator value weight contribution }
"""
DAILY_SCORE = f"""
query($date: Date!, $employeeId: ID) {{
  dailyScore(date: $date, employeeId: $employeeId) {{ {SCORE_FIELDS} }}
}}"""
CALCULATE = """
mutation($date: Date!) {
  calculateDailyScores(date: $date) { date employees scored unscored scores { employeeId score } }
}"""
PERFORMANCE = """
query($from: Date!, $to: Date!, $employeeId: ID, $departmentId: ID) {
  performance(from: $from, to: $to, employeeId: $employeeId, departmentId: $departmentId) {
    from to employeeIds average trend days { date average scores { employee { name } score } }
  }
}"""
SLA = """
query($from: Date!, $to: Date!, $departmentId: ID) {
  slaCompliance(from: $from, to: $to, departmentId: $departmentId) {
    from to departmentId met total rate days { date met total rate }
  }
}"""


async def _alices_morning(ctx: ServiceContext, world: InsightWorld, clock: ManualClock) -> None:
    """Alice clocks in at 09:00 (on time) and works two of her three tasks, one hour each:
    the till (due 12:00, SLA 10:30) done at 10:00, the shelves (due 10:30, SLA 10:45)
    done at 11:00; the third stays open."""
    manager = world.base.caller(world.base.manager)
    alice = world.base.caller(world.base.alice)
    made = []
    for title, due, sla in (("Till", (12, 0), (10, 30)), ("Shelves", (10, 30), (10, 45))):
        made.append(
            await task_service.create_task(
                ctx,
                manager,
                title=title,
                assignee_id=world.base.alice.id,
                planned_date=world.today,
                estimated_minutes=60,
                due_at=world.at(*due),
                sla_deadline=world.at(*sla),
            )
        )
    await task_service.create_task(
        ctx, manager, title="Later", assignee_id=world.base.alice.id, planned_date=world.today
    )
    await clock_in(ctx, world.base, world.base.alice)
    for task in made:
        await task_service.start_task(ctx, alice, task.id)
        clock.advance(hours=1)
        await task_service.complete_task(ctx, alice, task.id)


async def test_a_days_score_and_its_breakdown(
    gql: Gql, ctx: ServiceContext, world: InsightWorld, insight_clock: ManualClock
) -> None:
    """Alice: 3 relevant tasks, 2 completed, 1 of them by its due time; 120 active
    minutes of a 450 min shift; 1 of 2 SLA deadlines met; nothing approved (quality is
    undefined and weighs nothing). Weights 0.3, 0.2, 0.2, 0.2 → Σ = 0.9.

    completion 2/3 → 0.6667, contribution 100 × 0.3 × 0.6667 / 0.9 = 22.2233
    timeliness 1/2 → 0.5,    contribution 100 × 0.2 × 0.5 / 0.9    = 11.1111
    utilization 120/450 → 0.2667, contribution 100 × 0.2 × 0.2667 / 0.9 = 5.9267
    sla 1/2 → 0.5,           contribution 11.1111
    score = 100 × (0.20001 + 0.1 + 0.05334 + 0.1) / 0.9 = 50.3722… → 50.37.
    Reliability: rostered one day in the last 30 and present on it → 100.

    Bob was rostered but did nothing: utilization 0 is defined, so his score is 0, not
    null, and his reliability 0. The admin and the manager have no defined metric: null.
    """
    await _alices_morning(ctx, world, insight_clock)
    date = world.vars(date=world.today)

    refused = gql(CALCULATE, date, token=world.token("manager")).codes
    before = gql(DAILY_SCORE, date, token=world.token("alice")).ok()["dailyScore"]
    run = gql(CALCULATE, date, token=world.token("admin")).ok()["calculateDailyScores"]
    score = gql(DAILY_SCORE, date, token=world.token("alice")).ok()["dailyScore"]

    assert refused == ["FORBIDDEN"]
    assert before is None
    assert (run["employees"], run["scored"], run["unscored"]) == (4, 2, 2)
    assert {s["employeeId"]: s["score"] for s in run["scores"]} == {
        world.id("admin"): None,
        world.id("manager"): None,
        world.id("alice"): 50.37,
        world.id("bob"): 0.0,
    }
    assert (score["score"], score["reliability"]) == (50.37, 100.0)
    assert score["employee"] == {"id": world.id("alice"), "name": "Alice"}
    assert score["date"] == world.today.isoformat()
    metrics = [
        (m["name"], m["numerator"], m["denominator"], m["value"], m["weight"], m["contribution"])
        for m in score["metrics"]
    ]
    assert metrics == [
        ("COMPLETION", 2.0, 3.0, 0.6667, 0.3, 22.2233),
        ("TIMELINESS", 1.0, 2.0, 0.5, 0.2, 11.1111),
        ("UTILIZATION", 120.0, 450.0, 0.2667, 0.2, 5.9267),
        ("SLA", 1.0, 2.0, 0.5, 0.2, 11.1111),
        ("QUALITY", 0.0, 0.0, None, 0.1, 0.0),
    ]
    bob = gql(
        DAILY_SCORE,
        world.vars(date=world.today, employeeId=world.id("bob")),
        token=world.token("manager"),
    ).ok()["dailyScore"]
    assert (bob["score"], bob["reliability"]) == (0.0, 0.0)


async def test_scores_of_others_need_reach_and_a_refused_calculation_stores_nothing(
    gql: Gql, ctx: ServiceContext, world: InsightWorld, other: InsightWorld
) -> None:
    bob = world.vars(date=world.today, employeeId=world.id("bob"))
    stranger = world.vars(date=world.today, employeeId=other.id("alice"))

    assert gql(DAILY_SCORE, bob, token=world.token("alice")).codes == ["FORBIDDEN"]
    assert gql(DAILY_SCORE, stranger, token=world.token("admin")).codes == ["NOT_FOUND"]
    assert gql(CALCULATE, world.vars(date=world.today), token=world.token("bob")).codes == [
        "FORBIDDEN"
    ]
    assert gql(CALCULATE, {"date": "2026-02-30"}, token=world.token("admin")).codes == [
        "VALIDATION_ERROR"
    ]

    admin = world.base.caller(world.base.admin)
    for person in (world.base.alice, world.base.bob):
        stored = await get_daily_score(ctx, admin, employee_id=person.id, business_date=world.today)
        assert stored is None


async def test_performance_of_a_person_and_a_department(
    gql: Gql, ctx: ServiceContext, world: InsightWorld, insight_clock: ManualClock
) -> None:
    """Scores on the day only (50.37 for Alice, 0 for Bob; the manager unscored): the
    department's day averages 25.19 (the manager's null is left out), and a one-day range
    has no halves to compare, so no trend. The day after has no score."""
    await _alices_morning(ctx, world, insight_clock)
    gql(CALCULATE, world.vars(date=world.today), token=world.token("admin")).ok()
    tomorrow = world.today + timedelta(days=1)
    span = {"from": world.today.isoformat(), "to": tomorrow.isoformat()}

    own = gql(PERFORMANCE, span, token=world.token("alice")).ok()["performance"]
    team = gql(
        PERFORMANCE,
        {**span, "departmentId": str(world.base.department.id)},
        token=world.token("manager"),
    ).ok()["performance"]

    assert own["employeeIds"] == [world.id("alice")]
    assert (own["average"], own["trend"]) == (50.37, None)
    assert [(d["date"], d["average"]) for d in own["days"]] == [
        (world.today.isoformat(), 50.37),
        (tomorrow.isoformat(), None),
    ]
    assert team["average"] == pytest.approx(25.19)
    [today, next_day] = team["days"]
    assert {s["employee"]["name"]: s["score"] for s in today["scores"]} == {
        "Manager": None,
        "Alice": 50.37,
        "Bob": 0.0,
    }
    assert (today["average"], next_day["scores"]) == (25.19, [])


async def test_performance_refuses_bad_ranges_foreign_ids_and_teams_out_of_reach(
    gql: Gql, world: InsightWorld, other: InsightWorld
) -> None:
    day = world.today.isoformat()
    backwards = {"from": day, "to": (world.today - timedelta(days=1)).isoformat()}
    too_long = {"from": day, "to": (world.today + timedelta(days=366)).isoformat()}
    one_day = {"from": day, "to": day}
    admin, alice = world.token("admin"), world.token("alice")

    assert gql(PERFORMANCE, backwards, token=admin).codes == ["VALIDATION_ERROR"]
    assert gql(PERFORMANCE, too_long, token=admin).codes == ["VALIDATION_ERROR"]
    both = {**one_day, "employeeId": world.id("bob"), "departmentId": str(world.base.department.id)}
    assert gql(PERFORMANCE, both, token=admin).codes == ["VALIDATION_ERROR"]
    department = {**one_day, "departmentId": str(world.base.department.id)}
    assert gql(PERFORMANCE, department, token=alice).codes == ["FORBIDDEN"]
    assert gql(PERFORMANCE, {**one_day, "employeeId": world.id("bob")}, token=alice).codes == [
        "FORBIDDEN"
    ]
    foreign_person = {**one_day, "employeeId": other.id("alice")}
    foreign_department = {**one_day, "departmentId": str(other.base.department.id)}
    assert gql(PERFORMANCE, foreign_person, token=admin).codes == ["NOT_FOUND"]
    assert gql(PERFORMANCE, foreign_department, token=admin).codes == ["NOT_FOUND"]


async def test_sla_compliance_of_a_department(
    gql: Gql,
    ctx: ServiceContext,
    world: InsightWorld,
    insight_clock: ManualClock,
    other: InsightWorld,
) -> None:
    """Alice met the till's SLA (done 10:00, deadline 10:30) and missed the shelves'
    (done 11:00, deadline 10:45): 1 of 2, 50 %. Bob had no SLA task."""
    await _alices_morning(ctx, world, insight_clock)
    gql(CALCULATE, world.vars(date=world.today), token=world.token("admin")).ok()
    day = world.today.isoformat()
    department = {"from": day, "to": day, "departmentId": str(world.base.department.id)}

    team = gql(SLA, department, token=world.token("manager")).ok()["slaCompliance"]
    whole = gql(SLA, {"from": day, "to": day}, token=world.token("admin")).ok()["slaCompliance"]

    assert (team["met"], team["total"], team["rate"]) == (1, 2, 50.0)
    assert team["days"] == [{"date": day, "met": 1, "total": 2, "rate": 50.0}]
    assert team["departmentId"] == str(world.base.department.id)
    assert (whole["met"], whole["total"], whole["departmentId"]) == (1, 2, None)
    backwards = {**department, "to": (world.today - timedelta(days=1)).isoformat()}
    assert gql(SLA, backwards, token=world.token("admin")).codes == ["VALIDATION_ERROR"]
    assert gql(SLA, department, token=world.token("alice")).codes == ["FORBIDDEN"]
    assert gql(SLA, {"from": day, "to": day}, token=world.token("manager")).codes == ["FORBIDDEN"]
    foreign = {**department, "departmentId": str(other.base.department.id)}
    assert gql(SLA, foreign, token=world.token("admin")).codes == ["NOT_FOUND"]
