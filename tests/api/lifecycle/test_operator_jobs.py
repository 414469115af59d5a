"""The nightly backup over the API: no tenant's admin sees, triggers or pauses it."""

from __future__ import annotations

from tests.api.harness import Account, Gql

JOBS = "{ scheduledJobs { name } }"
TRIGGER = "mutation($job: String!) { triggerJob(job: $job) { executionId } }"
PAUSE = "mutation($job: String!) { pauseJob(job: $job) { name paused } }"
EXECUTIONS = "query($job: String) { jobExecutions(job: $job) { edges { node { id } } } }"


def test_the_backup_is_invisible_and_untriggerable_for_a_tenants_admin(
    gql: Gql, account: Account
) -> None:
    names = {job["name"] for job in gql(JOBS, token=account.token).ok()["scheduledJobs"]}
    assert "nightly_backup" not in names
    assert "cleanup_job_history" in names
    for document in (TRIGGER, PAUSE, EXECUTIONS):
        refused = gql(document, {"job": "nightly_backup"}, account.token)
        assert refused.codes == ["VALIDATION_ERROR"], document
        assert "unknown job" in refused.errors[0]["message"]
    assert gql(EXECUTIONS, {"job": None}, account.token).ok()["jobExecutions"]["edges"] == []
