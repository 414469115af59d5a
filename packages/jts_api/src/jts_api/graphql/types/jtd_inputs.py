"""Jobs to do: the GraphQL inputs of the jobs, visits, settings and subscription fields."""

from __future__ import annotations

from datetime import date, datetime, time

import strawberry
from strawberry.scalars import JSON

from jts_api.graphql.enums import Frequency, Weekday


@strawberry.input
class CreateJobToDoInput:
    """A new job: its source type decides the defaults (event type, channels, priority)."""

    subject: str
    source_type: str = "manual"
    event_type: str | None = None
    recipient_id: strawberry.ID | None = None
    recipient_address: str | None = None
    recipient_name: str | None = None
    body: str = ""
    payload: JSON | None = None
    priority: int | None = None
    scheduled_at: datetime | None = None
    channel: str | None = None
    is_live: bool = True
    idempotency_key: str | None = None


@strawberry.input
class JobToDoFilterInput:
    """Filters of ``jobsToDo``; every one given must match (``scheduledTo`` exclusive)."""

    event_types: list[str] | None = None
    statuses: list[str] | None = None
    source_types: list[str] | None = None
    recipient_id: strawberry.ID | None = None
    scheduled_from: datetime | None = None
    scheduled_to: datetime | None = None
    is_live: bool | None = None


@strawberry.input
class RecurrenceInput:
    """An RFC 5545 style rule: bounded by ``count`` or ``until`` (a local date)."""

    frequency: Frequency
    interval: int = 1
    count: int | None = None
    until: date | None = None
    by_weekday: list[Weekday] | None = None
    by_month_day: list[int] | None = None


@strawberry.input
class ScheduleServiceVisitsInput:
    """Visits from ``startDate`` at the local ``time`` (the organization's timezone, or
    ``timezone``), one job each; ``clientKey`` makes the request idempotent."""

    client_key: str
    start_date: date
    time: time
    recurrence: RecurrenceInput
    subject: str
    body: str = ""
    payload: JSON | None = None
    recipient_id: strawberry.ID | None = None
    recipient_address: str | None = None
    recipient_name: str | None = None
    timezone: str | None = None
    priority: int | None = None
    channel: str | None = None
    is_live: bool = True
    source_type: str = "service_scheduled"


@strawberry.input
class JtdChannelSettingInput:
    channel: str
    enabled: bool


@strawberry.input
class UpdateJtdSettingsInput:
    """The settings to change; fields left out stay as they are."""

    agent_enabled: bool | None = None
    agent_event_types: list[str] | None = None
    channels_enabled: list[JtdChannelSettingInput] | None = None
    daily_limit: int | None = None
    monthly_limit: int | None = None
    quiet_hours_start: time | None = None
    quiet_hours_end: time | None = None


@strawberry.input
class UpdateJtdSourceSettingsInput:
    """A source type's overrides, as a whole: a field left out goes back to the default."""

    source_type: str
    channels: list[str] | None = None
    auto_execute: bool | None = None
    priority: int | None = None
    delay_seconds: int | None = None


@strawberry.input
class JobToDoUpdatedFilterInput:
    """What a ``jobToDoUpdated`` subscription follows; every one given must match."""

    job_id: strawberry.ID | None = None
    event_types: list[str] | None = None
    statuses: list[str] | None = None
    recipient_id: strawberry.ID | None = None
