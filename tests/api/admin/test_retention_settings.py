"""The retention periods as organization settings over GraphQL: shown, changed within
their bounds (audited), refused outside them."""

from __future__ import annotations

from tests.api.harness import Account, Gql

UPDATE = """
mutation($input: UpdateOrganizationSettingsInput!) {
  updateOrganizationSettings(input: $input) {
    settings { taskRetentionDays timerRetentionDays }
  }
}"""
SHOWN = "{ organization { settings { taskRetentionDays timerRetentionDays } } }"
AUDIT = "{ auditLog(first: 5) { edges { node { action summary } } } }"


def test_retention_periods_are_settings(gql: Gql, account: Account) -> None:
    assert gql(SHOWN, token=account.token).ok()["organization"]["settings"] == {
        "taskRetentionDays": 365,
        "timerRetentionDays": 183,
    }
    changed = gql(UPDATE, {"input": {"taskRetentionDays": 730}}, token=account.token).ok()
    assert changed["updateOrganizationSettings"]["settings"] == {
        "taskRetentionDays": 730,
        "timerRetentionDays": 183,
    }
    audited = [e["node"] for e in gql(AUDIT, token=account.token).ok()["auditLog"]["edges"]]
    [entry] = [e for e in audited if e["action"] == "organization.update_settings"]
    assert "task_retention_days" in entry["summary"]
    for bad in ({"timerRetentionDays": 0}, {"taskRetentionDays": 3651}):
        assert gql(UPDATE, {"input": bad}, token=account.token).codes == ["VALIDATION_ERROR"]
    assert (
        gql(SHOWN, token=account.token).ok()["organization"]["settings"]["taskRetentionDays"] == 730
    )
