"""The organization and its settings: read by members, changed by ``org.manage``, every
change audited with old and new values in its own transaction."""

from __future__ import annotations

from datetime import UTC, time
from decimal import Decimal

import pytest
from hypothesis import given, settings

from jts_domain.administration.settings import (
    SettingsEdit,
    ThresholdsEdit,
    WeightsEdit,
    get_organization,
    update_organization_settings,
)
from jts_domain.errors import ErrorCode
from jts_domain.model import OrganizationSettings, ScoreWeights, WorkloadThresholds
from jts_domain.services import ServiceContext
from tests.domain.settings_strategies import organization_settings
from tests.services.audit_rows import audit_entries
from tests.services.builders import World, build_world
from tests.services.steps import expect_error

ACTION = "organization.update_settings"


async def _stored(ctx: ServiceContext, world: World) -> OrganizationSettings:
    async with ctx.uow() as uow:
        return (await uow.organizations.get(world.org.id)).settings


async def test_every_member_reads_the_organization_with_the_defaults(
    ctx: ServiceContext, world: World
) -> None:
    organization = await get_organization(ctx, world.caller(world.alice))
    settings = organization.settings
    assert (organization.id, organization.name) == (world.org.id, world.org.name)
    assert (settings.idle_minutes, settings.overtime_minutes) == (5, 540)
    assert (settings.quiet_hours_start, settings.quiet_hours_end) == (time(22), time(8))
    assert (settings.idle_auto_pause, settings.activity_retention_months) == (False, 13)


async def test_an_edit_changes_what_it_names_and_is_audited_old_to_new(
    ctx: ServiceContext, world: World
) -> None:
    edit = SettingsEdit(
        timezone="Europe/Berlin",
        score_weights=WeightsEdit(sla=Decimal("0.35")),
        workload=ThresholdsEdit(urgent=(1, 2, 3)),
        idle_minutes=10,
        idle_auto_pause=True,
        quiet_hours_start=time(23, 30),
        geofence_radius_meters=250.0,
    )
    updated = await update_organization_settings(ctx, world.caller(world.admin), edit)

    expected = OrganizationSettings(
        timezone="Europe/Berlin",
        score_weights=ScoreWeights(sla=Decimal("0.35")),
        workload=WorkloadThresholds(urgent=(1, 2, 3)),
        idle_minutes=10,
        idle_auto_pause=True,
        quiet_hours_start=time(23, 30),
        geofence_radius_meters=250.0,
    )
    assert updated.settings == expected
    assert await _stored(ctx, world) == expected
    [entry] = await audit_entries(ctx, world.org.id, ACTION)
    assert (entry.actor.id, entry.entity_type, entry.entity_id) == (
        world.admin.id,
        "organization",
        world.org.id,
    )
    assert entry.summary == (
        "timezone: 'Asia/Kolkata' → 'Europe/Berlin'; idle_minutes: 5 → 10; "
        "quiet_hours_start: 22:00 → 23:30; geofence_radius_meters: 100.0 → 250.0; "
        "idle_auto_pause: False → True; score_weights.sla: 0.20 → 0.35; "
        "workload.urgent: 2/3/5 → 1/2/3"
    )


async def test_an_edit_that_changes_nothing_writes_nothing(
    ctx: ServiceContext, world: World
) -> None:
    same = SettingsEdit(idle_minutes=5, score_weights=WeightsEdit(quality=Decimal("0.10")))
    await update_organization_settings(ctx, world.caller(world.admin), same)
    assert await audit_entries(ctx, world.org.id, ACTION) == []


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (SettingsEdit(timezone="Mars/Olympus_Mons"), "timezone"),
        (SettingsEdit(timezone="localtime"), "timezone"),
        (SettingsEdit(score_weights=WeightsEdit(sla=Decimal(-1))), "score_weights.sla"),
        (SettingsEdit(score_weights=WeightsEdit(sla=Decimal("NaN"))), "score_weights.sla"),
        (SettingsEdit(score_weights=WeightsEdit(quality=Decimal(101))), "score_weights.quality"),
        (
            SettingsEdit(
                score_weights=WeightsEdit(
                    completion=Decimal(0),
                    timeliness=Decimal(0),
                    utilization=Decimal(0),
                    sla=Decimal(0),
                    quality=Decimal(0),
                )
            ),
            "score_weights",
        ),
        (SettingsEdit(workload=ThresholdsEdit(pending=(10, 9, 20))), "workload.pending"),
        (SettingsEdit(workload=ThresholdsEdit(overdue=(-1, 2, 3))), "workload.overdue"),
        (SettingsEdit(idle_minutes=0), "idle_minutes"),
        (SettingsEdit(overtime_minutes=24 * 60 + 1), "overtime_minutes"),
        (SettingsEdit(late_grace_minutes=-1), "late_grace_minutes"),
        (SettingsEdit(sla_warning_minutes=True), "sla_warning_minutes"),  # type: ignore[arg-type]
        (SettingsEdit(activity_retention_months=0), "activity_retention_months"),
        (SettingsEdit(geofence_radius_meters=0.0), "geofence_radius_meters"),
        (SettingsEdit(geofence_radius_meters=float("inf")), "geofence_radius_meters"),
        (SettingsEdit(quiet_hours_end=time(8, tzinfo=UTC)), "quiet_hours_end"),
    ],
)
async def test_bad_settings_are_refused_naming_the_field_and_nothing_changes(
    ctx: ServiceContext, world: World, edit: SettingsEdit, field: str
) -> None:
    before = await _stored(ctx, world)
    error = await expect_error(
        ErrorCode.VALIDATION_ERROR,
        update_organization_settings(ctx, world.caller(world.admin), edit),
    )
    assert error.details["field"] == field
    assert await _stored(ctx, world) == before
    assert await audit_entries(ctx, world.org.id, ACTION) == []


async def test_only_org_managers_change_settings_each_their_own(
    ctx: ServiceContext, world: World
) -> None:
    edit = SettingsEdit(idle_minutes=9)
    for person in (world.manager, world.alice):
        await expect_error(
            ErrorCode.FORBIDDEN, update_organization_settings(ctx, world.caller(person), edit)
        )
    other = await build_world(ctx)
    await update_organization_settings(ctx, other.caller(other.admin), edit)
    assert (await _stored(ctx, world)).idle_minutes == 5
    assert (await _stored(ctx, other)).idle_minutes == 9


async def test_equal_quiet_hours_mean_none_and_are_stored_as_given(
    ctx: ServiceContext, world: World
) -> None:
    edit = SettingsEdit(quiet_hours_start=time(0), quiet_hours_end=time(0))
    await update_organization_settings(ctx, world.caller(world.admin), edit)
    stored = await _stored(ctx, world)
    assert (stored.quiet_hours_start, stored.quiet_hours_end) == (time(0), time(0))


@settings(max_examples=30)
@given(chosen=organization_settings())
async def test_any_valid_settings_are_read_back_as_saved(
    ctx: ServiceContext, world: World, chosen: OrganizationSettings
) -> None:
    """Weights keep their exact decimals, bounds their order, local times their minutes."""
    async with ctx.uow() as uow:
        await uow.setup.save_settings(world.org.id, chosen)
        await uow.commit()
    assert await _stored(ctx, world) == chosen
