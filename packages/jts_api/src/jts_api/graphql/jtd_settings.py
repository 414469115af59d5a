"""Jobs to do: the master data (``jtdEventTypes``, ``jtdChannels``, ``jtdSourceTypes``,
``jtdSystemActors``, read from the seeded tables) and the tenant's settings
(``jtdSettings``, ``updateJtdSettings``, ``updateJtdSourceSettings``)."""

from __future__ import annotations

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.ids import to_id
from jts_api.graphql.types.jtd_inputs import UpdateJtdSettingsInput, UpdateJtdSourceSettingsInput
from jts_api.graphql.types.jtd_settings import (
    JtdChannelType,
    JtdEventTypeType,
    JtdSettingsType,
    JtdSourceSettingsType,
    JtdSourceTypeType,
    JtdSystemActorType,
)
from jts_domain.jtd import jobs as jtd
from jts_domain.jtd import settings as jtd_settings


def _codes(values: list[str] | None) -> frozenset[str] | None:
    return None if values is None else frozenset(values)


@strawberry.type
class Query:
    @typed.field(description="The seven event types, with statuses and flows.")
    async def jtd_event_types(self, info: Info) -> list[JtdEventTypeType]:
        ctx = info.context
        catalog = await jtd.stored_catalog(ctx.services, ctx.require_caller())
        return [JtdEventTypeType.of(t) for t in catalog.event_types.values()]

    @typed.field(description="The channels, with provider, cost and rate limit.")
    async def jtd_channels(self, info: Info) -> list[JtdChannelType]:
        ctx = info.context
        catalog = await jtd.stored_catalog(ctx.services, ctx.require_caller())
        return [
            JtdChannelType(
                code=c.code,
                name=c.name,
                provider=c.provider,
                cost_minor=c.cost_minor,
                currency=c.currency,
                rate_limit_per_minute=c.rate_limit_per_minute,
            )
            for c in catalog.channels.values()
        ]

    @typed.field(description="What creates jobs, with its defaults.")
    async def jtd_source_types(self, info: Info) -> list[JtdSourceTypeType]:
        ctx = info.context
        catalog = await jtd.stored_catalog(ctx.services, ctx.require_caller())
        return [
            JtdSourceTypeType(
                code=s.code,
                name=s.name,
                event_type=s.event_type,
                channels=list(s.channels),
                default_priority=s.default_priority,
            )
            for s in catalog.source_types.values()
        ]

    @typed.field(description="The agent, system and webhook actors, with their fixed ids.")
    async def jtd_system_actors(self, info: Info) -> list[JtdSystemActorType]:
        ctx = info.context
        catalog = await jtd.stored_catalog(ctx.services, ctx.require_caller())
        return [
            JtdSystemActorType(code=a.code, id=to_id(a.id), name=a.name, type=a.type)
            for a in catalog.system_actors
        ]

    @typed.field(description="The tenant's JTD settings and source overrides (jtd.read).")
    async def jtd_settings(self, info: Info) -> JtdSettingsType:
        ctx = info.context
        configuration = await jtd_settings.jtd_configuration(ctx.services, ctx.require_caller())
        return JtdSettingsType.of(configuration)


@strawberry.type
class Mutation:
    @typed.mutation(description="Change the tenant's JTD settings (jtd.configure).")
    async def update_jtd_settings(
        self, info: Info, input: UpdateJtdSettingsInput
    ) -> JtdSettingsType:
        ctx = info.context
        caller = ctx.require_caller()
        channels = input.channels_enabled
        await jtd_settings.update_jtd_settings(
            ctx.services,
            caller,
            agent_enabled=input.agent_enabled,
            agent_event_types=_codes(input.agent_event_types),
            channels_enabled=None if channels is None else {c.channel: c.enabled for c in channels},
            daily_limit=input.daily_limit,
            monthly_limit=input.monthly_limit,
            quiet_hours_start=input.quiet_hours_start,
            quiet_hours_end=input.quiet_hours_end,
        )
        return JtdSettingsType.of(await jtd_settings.jtd_configuration(ctx.services, caller))

    @typed.mutation(description="Set a source type's overrides (jtd.configure).")
    async def update_jtd_source_settings(
        self, info: Info, input: UpdateJtdSourceSettingsInput
    ) -> JtdSourceSettingsType:
        ctx = info.context
        saved = await jtd_settings.update_jtd_source_settings(
            ctx.services,
            ctx.require_caller(),
            input.source_type,
            channels=None if input.channels is None else tuple(input.channels),
            auto_execute=input.auto_execute,
            priority=input.priority,
            delay_seconds=input.delay_seconds,
        )
        return JtdSourceSettingsType.of(saved)
