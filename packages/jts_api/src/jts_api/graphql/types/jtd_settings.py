"""Jobs to do: the master data (event types with statuses and flows, channels, source
types, system actors) and the tenant's settings, as GraphQL types."""

from __future__ import annotations

from datetime import time

import strawberry

from jts_api.graphql.enums import ActorType
from jts_domain.jtd import master
from jts_domain.jtd import model as jtd
from jts_domain.jtd.catalog import CATALOG
from jts_domain.jtd.settings import JtdConfiguration


@strawberry.type(name="JtdStatus")
class JtdStatusType:
    """A status of an event type and its status type (initial, progress, success,
    failure, terminal)."""

    code: str
    name: str
    type: str


@strawberry.type(name="JtdFlowMove")
class JtdFlowMoveType:
    """A move an event type's flow has."""

    from_status: str
    to_status: str


@strawberry.type(name="JtdEventType")
class JtdEventTypeType:
    """An event type: category, allowed channels, scheduling flag, statuses and flow."""

    code: str
    name: str
    category: str
    channels: list[str]
    scheduling: bool
    statuses: list[JtdStatusType]
    flows: list[JtdFlowMoveType]
    agent_target: str
    cancel_status: str
    reschedule_status: str | None

    @classmethod
    def of(cls, definition: master.EventTypeDefinition) -> JtdEventTypeType:
        """The GraphQL shape of an event type."""
        order = {s.code: i for i, s in enumerate(definition.statuses)}
        moves = sorted(definition.flows, key=lambda m: (order[m[0]], order[m[1]]))
        return cls(
            code=definition.code,
            name=definition.name,
            category=definition.category,
            channels=list(definition.channels),
            scheduling=definition.scheduling,
            statuses=[
                JtdStatusType(code=s.code, name=s.name, type=s.type.value)
                for s in definition.statuses
            ],
            flows=[JtdFlowMoveType(from_status=a, to_status=b) for a, b in moves],
            agent_target=definition.agent_target,
            cancel_status=definition.cancel_status,
            reschedule_status=definition.reschedule_status,
        )


@strawberry.type(name="JtdChannel")
class JtdChannelType:
    """A channel: provider, cost per message (minor units) and rate limit per minute."""

    code: str
    name: str
    provider: str
    cost_minor: int
    currency: str
    rate_limit_per_minute: int


@strawberry.type(name="JtdSourceType")
class JtdSourceTypeType:
    """What creates jobs, with its default event type, channels and priority."""

    code: str
    name: str
    event_type: str
    channels: list[str]
    default_priority: int


@strawberry.type(name="JtdSystemActor")
class JtdSystemActorType:
    """An actor that is not a person, with its fixed id."""

    code: str
    id: strawberry.ID
    name: str
    type: ActorType


@strawberry.type(name="JtdChannelSetting")
class JtdChannelSettingType:
    """Whether the tenant has a channel on."""

    channel: str
    enabled: bool


@strawberry.type(name="JtdSourceSettings")
class JtdSourceSettingsType:
    """A tenant's overrides for one source type (null: the default)."""

    source_type: str
    channels: list[str] | None
    auto_execute: bool | None
    priority: int | None
    delay_seconds: int | None

    @classmethod
    def of(cls, settings: jtd.SourceSettings) -> JtdSourceSettingsType:
        """The GraphQL shape of source overrides."""
        return cls(
            source_type=settings.source_type,
            channels=None if settings.channels is None else list(settings.channels),
            auto_execute=settings.auto_execute,
            priority=settings.priority,
            delay_seconds=settings.delay_seconds,
        )


@strawberry.type(name="JtdSettings")
class JtdSettingsType:
    """A tenant's JTD settings (quiet hours in the organization's timezone)."""

    agent_enabled: bool
    agent_event_types: list[str]
    channels_enabled: list[JtdChannelSettingType]
    daily_limit: int
    monthly_limit: int
    quiet_hours_start: time
    quiet_hours_end: time
    version: int
    sources: list[JtdSourceSettingsType]

    @classmethod
    def of(cls, configuration: JtdConfiguration) -> JtdSettingsType:
        """The GraphQL shape of a tenant's configuration."""
        s = configuration.settings
        return cls(
            agent_enabled=s.agent_enabled,
            agent_event_types=sorted(s.agent_event_types),
            channels_enabled=[
                JtdChannelSettingType(channel=code, enabled=s.channel_enabled(code))
                for code in CATALOG.channels
            ],
            daily_limit=s.daily_limit,
            monthly_limit=s.monthly_limit,
            quiet_hours_start=s.quiet_hours_start,
            quiet_hours_end=s.quiet_hours_end,
            version=s.version,
            sources=[JtdSourceSettingsType.of(o) for o in configuration.sources.values()],
        )
