"""The tenant's JTD settings and per-source overrides: read (``jtd.read``), changed
(``jtd.configure``), validated against the master data, audited with old and new values.

``updateJtdSettings`` changes the fields it is given (channels one by one); a concurrent
change of the same settings is CONFLICT, never lost. ``updateJtdSourceSettings`` sets a
source type's overrides as given: a field left out goes back to the default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import time
from typing import Any

from jts_domain.jtd.catalog import CATALOG
from jts_domain.jtd.model import JtdSettings, SourceSettings
from jts_domain.jtd.rules import check_settings, check_source_settings
from jts_domain.model import Permission
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext


@dataclass(frozen=True, slots=True, kw_only=True)
class JtdConfiguration:
    """A tenant's settings and its overrides by source type."""

    settings: JtdSettings
    sources: dict[str, SourceSettings]


async def jtd_configuration(ctx: ServiceContext, caller: Caller) -> JtdConfiguration:
    """The tenant's settings (the defaults until changed) and source overrides."""
    caller.require(Permission.JTD_READ)
    async with ctx.uow() as uow:
        settings = await uow.jtd.settings(caller.organization_id)
        sources = await uow.jtd.source_settings(caller.organization_id)
    return JtdConfiguration(settings=settings, sources=sources)


def _shown(value: Any) -> str:
    if isinstance(value, frozenset | set):
        return "[" + ", ".join(sorted(value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def changes_summary(before: object, after: object, skip: frozenset[str]) -> str:
    """``field: old → new`` for every field that changed (``no change`` when none did)."""
    parts = [
        f"{f.name}: {_shown(getattr(before, f.name))} → {_shown(getattr(after, f.name))}"
        for f in fields(before)  # type: ignore[arg-type]
        if f.name not in skip and getattr(before, f.name) != getattr(after, f.name)
    ]
    return "; ".join(parts) or "no change"


async def update_jtd_settings(
    ctx: ServiceContext,
    caller: Caller,
    *,
    agent_enabled: bool | None = None,
    agent_event_types: frozenset[str] | None = None,
    channels_enabled: Mapping[str, bool] | None = None,
    daily_limit: int | None = None,
    monthly_limit: int | None = None,
    quiet_hours_start: time | None = None,
    quiet_hours_end: time | None = None,
) -> JtdSettings:
    """Change the fields given of the tenant's settings (``jtd.configure``)."""
    caller.require(Permission.JTD_CONFIGURE)
    given: dict[str, Any] = {
        "agent_enabled": agent_enabled,
        "agent_event_types": agent_event_types,
        "daily_limit": daily_limit,
        "monthly_limit": monthly_limit,
        "quiet_hours_start": quiet_hours_start,
        "quiet_hours_end": quiet_hours_end,
    }
    async with ctx.uow() as uow:
        before = await uow.jtd.settings(caller.organization_id)
        changes = {name: value for name, value in given.items() if value is not None}
        if channels_enabled is not None:
            changes["channels_enabled"] = {**before.channels_enabled, **channels_enabled}
        after = check_settings(CATALOG, replace(before, **changes))
        stored = await uow.jtd.save_settings(after)
        await record_change(
            uow,
            caller.organization_id,
            caller.actor,
            ctx.clock.now(),
            action="jtd_settings.update",
            entity_type="jtd_settings",
            entity_id=caller.organization_id,
            summary=changes_summary(before, after, frozenset({"version", "organization_id"})),
        )
        await uow.commit()
    return stored


async def update_jtd_source_settings(
    ctx: ServiceContext,
    caller: Caller,
    source_type: str,
    *,
    channels: tuple[str, ...] | None = None,
    auto_execute: bool | None = None,
    priority: int | None = None,
    delay_seconds: int | None = None,
) -> SourceSettings:
    """Set the tenant's overrides of one source type (``jtd.configure``)."""
    caller.require(Permission.JTD_CONFIGURE)
    org = caller.organization_id
    after = check_source_settings(
        CATALOG,
        SourceSettings(
            organization_id=org,
            source_type=source_type,
            channels=channels,
            auto_execute=auto_execute,
            priority=priority,
            delay_seconds=delay_seconds,
        ),
    )
    async with ctx.uow() as uow:
        stored = await uow.jtd.source_settings(org)
        before = stored.get(
            source_type, SourceSettings(organization_id=org, source_type=source_type)
        )
        await uow.jtd.save_source_settings(after)
        await record_change(
            uow,
            org,
            caller.actor,
            ctx.clock.now(),
            action="jtd_source_settings.update",
            entity_type="jtd_source_settings",
            entity_id=None,
            summary=f"{source_type}: "
            + changes_summary(before, after, frozenset({"organization_id", "source_type"})),
        )
        await uow.commit()
    return after
