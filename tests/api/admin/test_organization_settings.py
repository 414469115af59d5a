"""``organization`` and ``updateOrganizationSettings`` over HTTP."""

from __future__ import annotations

import pytest

from tests.api.admin.documents import (
    ORGANIZATION,
    UPDATE_SETTINGS,
    audit,
    codes_and_fields,
)
from tests.api.harness import Gql, register
from tests.api.team import Team

ACTION = "organization.update_settings"


def test_every_member_reads_their_organization_and_its_settings(gql: Gql, world: Team) -> None:
    organization = gql(ORGANIZATION, token=world.token("employee")).ok()["organization"]
    assert organization["id"] == world.organization_id
    assert organization["settings"] == {
        "timezone": "Asia/Kolkata",
        "lateGraceMinutes": 10,
        "geofenceRadiusMeters": 100.0,
        "slaWarningMinutes": 60,
        "shiftLeadMinutes": 15,
        "autoStopGraceMinutes": 10,
        "idleMinutes": 5,
        "idleAutoPause": False,
        "overtimeMinutes": 540,
        "activityRetentionMonths": 13,
        "activityLateDays": 7,
        "quietHoursStart": "22:00:00",
        "quietHoursEnd": "08:00:00",
        "scoreWeights": {
            "completion": 0.3,
            "timeliness": 0.2,
            "utilization": 0.2,
            "sla": 0.2,
            "quality": 0.1,
        },
        "workloadThresholds": {"pending": [10, 15, 20], "urgent": [2, 3, 5], "overdue": [1, 2, 3]},
    }
    assert gql(ORGANIZATION).codes == ["UNAUTHENTICATED"]


def test_an_admin_changes_some_settings_and_the_audit_has_old_and_new(
    gql: Gql, world: Team
) -> None:
    changes = {
        "timezone": "Europe/Berlin",
        "scoreWeights": {"sla": 0.35, "quality": 0},
        "workloadThresholds": {"urgent": [1, 2, 3]},
        "idleMinutes": 10,
        "idleAutoPause": True,
        "overtimeMinutes": 600,
        "quietHoursStart": "23:30",
    }
    updated = gql(UPDATE_SETTINGS, {"input": changes}, world.token("admin")).ok()
    settings = updated["updateOrganizationSettings"]["settings"]
    assert (settings["timezone"], settings["idleMinutes"], settings["overtimeMinutes"]) == (
        "Europe/Berlin",
        10,
        600,
    )
    assert settings["scoreWeights"] == {
        "completion": 0.3,
        "timeliness": 0.2,
        "utilization": 0.2,
        "sla": 0.35,
        "quality": 0.0,
    }
    assert settings["workloadThresholds"]["urgent"] == [1, 2, 3]
    assert (settings["quietHoursStart"], settings["quietHoursEnd"]) == ("23:30:00", "08:00:00")
    read = gql(ORGANIZATION, token=world.token("manager")).ok()["organization"]["settings"]
    assert read == settings
    [entry] = audit(gql, world.token("admin"), ACTION)
    assert (entry["entityType"], entry["entityId"], entry["actor"]["id"]) == (
        "organization",
        world.organization_id,
        world.id("admin"),
    )
    assert entry["summary"] == (
        "timezone: 'Asia/Kolkata' → 'Europe/Berlin'; idle_minutes: 5 → 10; "
        "overtime_minutes: 540 → 600; quiet_hours_start: 22:00 → 23:30; "
        "idle_auto_pause: False → True; score_weights.sla: 0.20 → 0.35; "
        "score_weights.quality: 0.10 → 0.0; workload.urgent: 2/3/5 → 1/2/3"
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": None}, "timezone"),
        ({"scoreWeights": {"sla": -0.1}}, "score_weights.sla"),
        (
            {
                "scoreWeights": {
                    "completion": 0,
                    "timeliness": 0,
                    "utilization": 0,
                    "sla": 0,
                    "quality": 0,
                }
            },
            "score_weights",
        ),
        ({"workloadThresholds": {"pending": [20, 15, 10]}}, "workload.pending"),
        ({"workloadThresholds": {"overdue": [1, 2]}}, "workloadThresholds.overdue"),
        ({"idleMinutes": 0}, "idle_minutes"),
        ({"idleMinutes": 30, "overtimeMinutes": 100_000}, "overtime_minutes"),
        ({"lateGraceMinutes": -5}, "late_grace_minutes"),
        ({"activityRetentionMonths": 0}, "activity_retention_months"),
        ({"geofenceRadiusMeters": 0}, "geofence_radius_meters"),
        ({"quietHoursEnd": "08:00+05:30"}, "quiet_hours_end"),
        ({"idleAutoPause": None}, "idleAutoPause"),
    ],
)
def test_bad_settings_are_a_validation_error_naming_the_field_and_change_nothing(
    gql: Gql, account: object, changes: dict[str, object], field: str
) -> None:
    token = account.token  # type: ignore[attr-defined]
    before = gql(ORGANIZATION, token=token).ok()["organization"]

    result = gql(UPDATE_SETTINGS, {"input": changes}, token)

    assert codes_and_fields(result) == [("VALIDATION_ERROR", field)]
    assert result.data is None
    assert gql(ORGANIZATION, token=token).ok()["organization"] == before
    assert audit(gql, token, ACTION) == []


def test_only_an_admin_changes_settings_and_only_their_own(gql: Gql, world: Team) -> None:
    change = {"input": {"idleMinutes": 15}}
    for who in ("manager", "employee"):
        assert gql(UPDATE_SETTINGS, change, world.token(who)).codes == ["FORBIDDEN"]
    other = register(gql)
    gql(UPDATE_SETTINGS, change, other.token).ok()
    mine = gql(ORGANIZATION, token=world.token("admin")).ok()["organization"]["settings"]
    theirs = gql(ORGANIZATION, token=other.token).ok()["organization"]["settings"]
    assert (mine["idleMinutes"], theirs["idleMinutes"]) == (5, 15)
    assert audit(gql, world.token("admin"), ACTION) == []
