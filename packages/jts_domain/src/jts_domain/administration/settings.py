"""The organization and its settings: read by its members, changed by ``org.manage``.

Decisions where PRODUCT.md is silent:

* Every member may read their organization (its timezone, thresholds and quiet hours are
  what a frontend shows them); changing a setting needs ``org.manage``.
* An edit names only the settings it changes; weights and workload bounds may be given
  one metric or one dimension at a time. The result is validated as a whole — weights
  each from 0 to 100 with a positive sum, each dimension's bounds not decreasing, a real
  IANA timezone, minutes and months within the ranges below — and a VALIDATION_ERROR
  names the first offending field and changes nothing.
* One audit entry per edit lists each changed setting as ``field: old → new``; an edit
  that changes nothing writes nothing. The organization row is locked while it is
  changed, so two concurrent edits of different settings both stay.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from datetime import time
from decimal import Decimal
from functools import cache
from zoneinfo import available_timezones

from jts_domain.administration.changes import KEEP, FieldChange, Keep, changed_fields, describe
from jts_domain.errors import invalid
from jts_domain.model import (
    Organization,
    OrganizationSettings,
    Permission,
    ScoreWeights,
    WorkloadThresholds,
)
from jts_domain.retention.rules import MAX_RETENTION_DAYS, MIN_RETENTION_DAYS
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext

Bounds = tuple[int, int, int]

#: Whole-number settings and their allowed ranges (inclusive).
MINUTE_RANGES: dict[str, tuple[int, int]] = {
    "idle_minutes": (1, 8 * 60),
    "overtime_minutes": (1, 24 * 60),
    "sla_warning_minutes": (0, 7 * 24 * 60),
    "late_grace_minutes": (0, 4 * 60),
    "shift_lead_minutes": (0, 4 * 60),
    "auto_stop_grace_minutes": (0, 4 * 60),
    "activity_retention_months": (1, 120),
    "activity_late_days": (1, 90),
    # operations: retention of finished tasks and of their timers
    "task_retention_days": (MIN_RETENTION_DAYS, MAX_RETENTION_DAYS),
    "timer_retention_days": (MIN_RETENTION_DAYS, MAX_RETENTION_DAYS),
}
MAX_WEIGHT = Decimal(100)
MAX_BOUND = 100_000
MAX_RADIUS_METERS = 100_000.0


@dataclass(frozen=True, slots=True, kw_only=True)
class WeightsEdit:
    """New weights of some of the daily score's metrics."""

    completion: Decimal | Keep = KEEP
    timeliness: Decimal | Keep = KEEP
    utilization: Decimal | Keep = KEEP
    sla: Decimal | Keep = KEEP
    quality: Decimal | Keep = KEEP


@dataclass(frozen=True, slots=True, kw_only=True)
class ThresholdsEdit:
    """New upper bounds (LOW, MODERATE, HIGH) of some workload dimensions."""

    pending: Bounds | Keep = KEEP
    urgent: Bounds | Keep = KEEP
    overdue: Bounds | Keep = KEEP


@dataclass(frozen=True, slots=True, kw_only=True)
class SettingsEdit:
    """The settings an edit changes; every other one is kept."""

    timezone: str | Keep = KEEP
    score_weights: WeightsEdit = WeightsEdit()
    workload: ThresholdsEdit = ThresholdsEdit()
    idle_minutes: int | Keep = KEEP
    overtime_minutes: int | Keep = KEEP
    sla_warning_minutes: int | Keep = KEEP
    late_grace_minutes: int | Keep = KEEP
    shift_lead_minutes: int | Keep = KEEP
    auto_stop_grace_minutes: int | Keep = KEEP
    geofence_radius_meters: float | Keep = KEEP
    idle_auto_pause: bool | Keep = KEEP
    activity_retention_months: int | Keep = KEEP
    activity_late_days: int | Keep = KEEP
    quiet_hours_start: time | Keep = KEEP
    quiet_hours_end: time | Keep = KEEP
    task_retention_days: int | Keep = KEEP
    timer_retention_days: int | Keep = KEEP


def _given(edit: object) -> dict[str, object]:
    return {
        f.name: value
        for f in fields(edit)  # type: ignore[arg-type]
        if (value := getattr(edit, f.name)) is not KEEP
        and not isinstance(value, WeightsEdit | ThresholdsEdit)
    }


def edited_settings(current: OrganizationSettings, edit: SettingsEdit) -> OrganizationSettings:
    """The settings after the edit, validated (VALIDATION_ERROR naming the field)."""
    weights = replace(current.score_weights, **_given(edit.score_weights))  # type: ignore[arg-type]
    workload = replace(current.workload, **_given(edit.workload))  # type: ignore[arg-type]
    settings = replace(
        current,
        score_weights=weights,
        workload=workload,
        **_given(edit),  # type: ignore[arg-type]
    )
    check_settings(settings)
    return settings


#: Files of a zoneinfo folder that are not zones a tenant lives in: the host's own zone
#: (whatever the server's is) and tzdata's placeholder for "not set".
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@cache
def tenant_timezones() -> frozenset[str]:
    """The IANA timezone names an organization may live in."""
    return frozenset(available_timezones()) - _NOT_ZONES


def check_settings(settings: OrganizationSettings) -> None:
    """VALIDATION_ERROR naming the first setting out of its range."""
    if settings.timezone not in tenant_timezones():
        raise invalid(f"unknown timezone {settings.timezone!r}", field="timezone")
    _check_weights(settings.score_weights)
    _check_thresholds(settings.workload)
    for name, (low, high) in MINUTE_RANGES.items():
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise invalid(f"{name} must be a whole number from {low} to {high}", field=name)
    radius = settings.geofence_radius_meters
    if isinstance(radius, bool) or not (
        isinstance(radius, int | float)
        and math.isfinite(radius)
        and 0 < radius <= MAX_RADIUS_METERS
    ):
        raise invalid(
            "geofence_radius_meters must be above 0 and at most 100 km",
            field="geofence_radius_meters",
        )
    if not isinstance(settings.idle_auto_pause, bool):
        raise invalid("idle_auto_pause must be true or false", field="idle_auto_pause")
    for name in ("quiet_hours_start", "quiet_hours_end"):
        value = getattr(settings, name)
        if not isinstance(value, time) or value.tzinfo is not None:
            raise invalid(f"{name} must be a local time of day without a timezone", field=name)


def _check_weights(weights: ScoreWeights) -> None:
    total = Decimal(0)
    for f in fields(weights):
        value = getattr(weights, f.name)
        field = f"score_weights.{f.name}"
        if not isinstance(value, Decimal) or not value.is_finite():
            raise invalid(f"{field} must be a number", field=field)
        if not 0 <= value <= MAX_WEIGHT:
            raise invalid(f"{field} must be from 0 to {MAX_WEIGHT}", field=field)
        total += value
    if total <= 0:
        raise invalid("the score weights must not all be 0", field="score_weights")


def _check_thresholds(thresholds: WorkloadThresholds) -> None:
    for f in fields(thresholds):
        bounds = getattr(thresholds, f.name)
        field = f"workload.{f.name}"
        whole = all(isinstance(b, int) and not isinstance(b, bool) for b in bounds)
        if len(bounds) != 3 or not whole or not all(0 <= b <= MAX_BOUND for b in bounds):
            raise invalid(f"{field} must be three whole numbers from 0 to {MAX_BOUND}", field=field)
        if list(bounds) != sorted(bounds):
            raise invalid(
                f"{field} must be ordered: LOW's bound ≤ MODERATE's ≤ HIGH's", field=field
            )


def settings_changes(
    before: OrganizationSettings, after: OrganizationSettings
) -> list[FieldChange]:
    """Each setting the edit changed, weights and bounds one by one."""
    scalar = [f.name for f in fields(before) if f.name not in {"score_weights", "workload"}]
    weights = [f.name for f in fields(before.score_weights)]
    bounds = [f.name for f in fields(before.workload)]
    return [
        *changed_fields(before, after, scalar),
        *changed_fields(before.score_weights, after.score_weights, weights, "score_weights."),
        *changed_fields(before.workload, after.workload, bounds, "workload."),
    ]


async def get_organization(ctx: ServiceContext, caller: Caller) -> Organization:
    """The caller's organization with all its settings."""
    async with ctx.uow() as uow:
        return await uow.organizations.get(caller.organization_id)


async def update_organization_settings(
    ctx: ServiceContext, caller: Caller, edit: SettingsEdit
) -> Organization:
    """Change some of the organization's settings (``org.manage``), audited with the old
    and new value of each."""
    caller.require(Permission.ORG_MANAGE)
    async with ctx.uow() as uow:
        organization = await uow.setup.lock_organization(caller.organization_id)
        settings = edited_settings(organization.settings, edit)
        changes = settings_changes(organization.settings, settings)
        if not changes:
            return organization
        await uow.setup.save_settings(organization.id, settings)
        await record_change(
            uow,
            organization.id,
            caller.actor,
            ctx.clock.now(),
            action="organization.update_settings",
            entity_type="organization",
            entity_id=organization.id,
            summary=describe(changes),
        )
        await uow.commit()
    organization.settings = settings
    return organization
