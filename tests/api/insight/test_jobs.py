"""scheduledJobs, jobExecutions, jobStatistics, triggerJob, pauseJob and resumeJob over
HTTP, with a real saq worker draining what was triggered."""

from __future__ import annotations

from datetime import datetime, timedelta

from jts_domain.clock import ManualClock
from jts_domain.schedule import JobName
from jts_jobs.worker import JobsRuntime
from tests.api.harness import ApiServer, Gql, make_gql, register
from tests.api.team import Team

JOBS = """
{ scheduledJobs { name schedule timezone nextRunAt paused pausedById
                  lastExecution { id success startedAt finishedAt durationSeconds message } } }
"""
EXECUTIONS = """
query($job: String, $first: Int!, $after: String) {
  jobExecutions(job: $job, first: $first, after: $after) {
    edges { cursor node { id job trigger success message startedAt finishedAt durationSeconds
                          attempts requestedBy { id name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""
STATISTICS = """
query($job: String) {
  jobStatistics(job: $job) { job runs succeeded failed successRate meanSeconds p95Seconds }
}"""
TRIGGER = "mutation($job: String!) { triggerJob(job: $job) { executionId job requestedAt } }"
PAUSE = "mutation($job: String!) { pauseJob(job: $job) { name paused pausedById nextRunAt } }"
RESUME = "mutation($job: String!) { resumeJob(job: $job) { name paused pausedById nextRunAt } }"
AUDIT_LOG = """
{ auditLog(first: 10) { edges { node { action entityType entityId summary actor { id } } } } }
"""


def _jobs(gql: Gql, token: str) -> dict[str, dict[str, object]]:
    return {j["name"]: j for j in gql(JOBS, token=token).ok()["scheduledJobs"]}


def _audit(gql: Gql, world: Team) -> list[dict[str, object]]:
    edges = gql(AUDIT_LOG, token=world.token("admin")).ok()["auditLog"]["edges"]
    return [e["node"] for e in edges]


async def test_the_list_shows_every_job_in_the_organizations_timezone(
    gql: Gql, world: Team
) -> None:
    """At 09:00 IST the next 00:30 IST is 19:00 UTC today; the next hourly slot 10:00 IST."""
    jobs = _jobs(gql, world.token("manager"))

    assert set(jobs) == {
        "create_daily_attendance",
        "generate_daily_planners",
        "sla_monitor",
        "auto_stop_timers",
        "refresh_pending_summaries",
        "calculate_daily_scores",
        "cleanup_job_history",
        "detect_idle",
        "check_overtime",
        "summarize_activity",
        "maintain_activity_partitions",
        "jtd_agent",
        "sync_roster",
        "apply_retention",
    }  # and not the operator's nightly backup
    attendance = jobs["create_daily_attendance"]
    assert (attendance["schedule"], attendance["timezone"]) == ("daily at 00:30", "Asia/Kolkata")
    tomorrow = world.today + timedelta(days=1)
    assert datetime.fromisoformat(str(attendance["nextRunAt"])) == world.at(0, 30, day=tomorrow)
    assert world.at(0, 30, day=tomorrow).hour == 19  # 00:30 IST is 19:00 UTC the day before
    assert datetime.fromisoformat(str(jobs["sla_monitor"]["nextRunAt"])) == world.at(10)
    assert not any(j["paused"] or j["lastExecution"] for j in jobs.values())


async def test_pause_shows_in_the_list_and_resume_clears_it_both_audited(
    gql: Gql, world: Team, insight_clock: ManualClock
) -> None:
    admin = world.token("admin")

    paused = gql(PAUSE, {"job": "sla_monitor"}, token=admin).ok()["pauseJob"]
    listed = _jobs(gql, admin)["sla_monitor"]
    insight_clock.advance(minutes=1)
    resumed = gql(RESUME, {"job": "sla_monitor"}, token=admin).ok()["resumeJob"]
    relisted = _jobs(gql, admin)["sla_monitor"]

    assert paused == {
        "name": "sla_monitor",
        "paused": True,
        "pausedById": world.id("admin"),
        "nextRunAt": None,
    }
    assert (listed["paused"], listed["nextRunAt"], listed["pausedById"]) == (
        True,
        None,
        world.id("admin"),
    )
    assert (resumed["paused"], resumed["pausedById"]) == (False, None)
    assert datetime.fromisoformat(str(resumed["nextRunAt"])) == world.at(10)
    assert (relisted["paused"], relisted["nextRunAt"]) == (False, resumed["nextRunAt"])
    assert [(n["action"], n["summary"]) for n in _audit(gql, world)] == [
        ("scheduled_job.resume", "sla_monitor resumed"),
        ("scheduled_job.pause", "sla_monitor paused"),
    ]


async def test_employees_are_forbidden_managers_only_read_and_nothing_changes(
    gql: Gql, world: Team, jobs_runtime: JobsRuntime
) -> None:
    alice, manager = world.token("alice"), world.token("manager")
    job = {"job": "refresh_pending_summaries"}

    for query, variables in (
        (JOBS, None),
        (EXECUTIONS, {"first": 5}),
        (STATISTICS, {}),
        (TRIGGER, job),
        (PAUSE, job),
        (RESUME, job),
    ):
        assert gql(query, variables, token=alice).codes == ["FORBIDDEN"], query
    for mutation in (TRIGGER, PAUSE, RESUME):
        assert gql(mutation, job, token=manager).codes == ["FORBIDDEN"], mutation
    for mutation in (TRIGGER, PAUSE, RESUME):
        unknown = gql(mutation, {"job": "make_coffee"}, token=world.token("admin"))
        assert unknown.codes == ["VALIDATION_ERROR"], mutation
    await jobs_runtime.drain()

    assert not any(j["paused"] for j in _jobs(gql, manager).values())
    assert gql(EXECUTIONS, {"first": 5}, token=manager).ok()["jobExecutions"]["edges"] == []
    assert _audit(gql, world) == []


async def test_a_trigger_runs_on_the_worker_and_shows_in_the_log_and_statistics(
    gql: Gql, world: Team, jobs_runtime: JobsRuntime
) -> None:
    admin = world.token("admin")

    triggered = gql(TRIGGER, {"job": "refresh_pending_summaries"}, token=admin).ok()["triggerJob"]
    before = gql(EXECUTIONS, {"first": 5}, token=admin).ok()["jobExecutions"]
    await jobs_runtime.drain()
    after = gql(EXECUTIONS, {"job": "refresh_pending_summaries", "first": 5}, token=admin).ok()[
        "jobExecutions"
    ]

    assert triggered["job"] == "refresh_pending_summaries"
    assert datetime.fromisoformat(triggered["requestedAt"]) == world.at(9)
    assert before["edges"] == []  # queued, not run: no worker had taken it yet
    [edge] = after["edges"]
    run = edge["node"]
    assert run["id"] == triggered["executionId"]
    assert (run["job"], run["trigger"], run["success"], run["attempts"]) == (
        "refresh_pending_summaries",
        "MANUAL",
        True,
        1,
    )
    assert run["requestedBy"] == {"id": world.id("admin"), "name": "Admin"}
    # The server's clock stands still, so the run took no time by it.
    assert (run["startedAt"], run["finishedAt"], run["durationSeconds"]) == (
        world.at(9).isoformat(),
        world.at(9).isoformat(),
        0.0,
    )
    assert after["pageInfo"] == {"hasNextPage": False, "endCursor": edge["cursor"]}
    last = _jobs(gql, world.token("manager"))["refresh_pending_summaries"]["lastExecution"]
    assert (last["id"], last["success"]) == (run["id"], True)
    [stats] = gql(STATISTICS, {"job": "refresh_pending_summaries"}, token=admin).ok()[
        "jobStatistics"
    ]
    assert stats == {
        "job": "refresh_pending_summaries",
        "runs": 1,
        "succeeded": 1,
        "failed": 0,
        "successRate": 100.0,
        "meanSeconds": 0.0,
        "p95Seconds": 0.0,
    }
    everything = gql(STATISTICS, {}, token=admin).ok()["jobStatistics"]
    assert [s["job"] for s in everything] == [job.value for job in JobName]  # every tenant job
    assert sum(s["runs"] for s in everything) == 1
    [entry] = _audit(gql, world)
    assert (entry["action"], entry["entityType"], entry["entityId"]) == (
        "scheduled_job.trigger",
        "job_execution",
        triggered["executionId"],
    )
    assert entry["actor"] == {"id": world.id("admin")}
    assert gql(EXECUTIONS, {"first": 5, "after": "nope"}, token=admin).codes == ["VALIDATION_ERROR"]


def test_an_api_without_a_queue_answers_a_trigger_as_its_own_fault(api: ApiServer) -> None:
    """The suite's main server was started without a job queue: the trigger is refused
    as a server fault (no code, a request id to quote), and nothing but the registration
    is recorded."""
    with make_gql(api) as plain:
        admin = register(plain)
        result = plain(TRIGGER, {"job": "sla_monitor"}, token=admin.token)
        audit = plain(AUDIT_LOG, token=admin.token).ok()["auditLog"]["edges"]

    assert result.codes == [None]
    assert result.errors[0]["extensions"]["requestId"] == result.headers["x-request-id"]
    assert [edge["node"]["action"] for edge in audit] == ["organization.register"]
