"""JTD's rules as pure functions: checked input, the channel of a job, soft-enforced moves,
and what the agent may move.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from jts_domain.errors import invalid
from jts_domain.ids import new_id
from jts_domain.jtd.master import Catalog, StatusType
from jts_domain.jtd.model import JobStatusChange, JobToDo, JtdSettings, SourceSettings
from jts_domain.jtd.ports import AgentScope
from jts_domain.model import Actor

MIN_PRIORITY, MAX_PRIORITY = 1, 10
MAX_SUBJECT_LENGTH = 500
MAX_BODY_LENGTH = 20_000
MAX_ADDRESS_LENGTH = 320
MAX_NAME_LENGTH = 200
MAX_NOTE_LENGTH = 2_000
MAX_KEY_LENGTH = 200
MAX_PAYLOAD_BYTES = 64 * 1024
MAX_DELAY_SECONDS = 30 * 24 * 3600
MAX_LIMIT = 10_000_000
#: The least time between two changes of a job (PostgreSQL keeps microseconds).
MOVE_STEP = timedelta(microseconds=1)
_AGENT_MOVES_FROM = frozenset({StatusType.INITIAL, StatusType.PROGRESS})


def _refuse_unstorable(value: str, field: str) -> None:
    """PostgreSQL text holds no NUL, and UTF-8 has no lone surrogates: refuse both here."""
    if "\x00" in value:
        raise invalid(f"{field} must not contain NUL characters", field=field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid(f"{field} is not valid text", field=field) from None


def clean_text(value: str, field: str, max_length: int) -> str:
    """The stripped text; VALIDATION_ERROR when blank, too long or not storable."""
    text = value.strip()
    if not text:
        raise invalid(f"{field} must not be blank", field=field)
    if len(text) > max_length:
        raise invalid(f"{field} is longer than {max_length} characters", field=field)
    _refuse_unstorable(text, field)
    return text


def optional_text(value: str | None, field: str, max_length: int) -> str | None:
    """None or blank stays None; anything else as :func:`clean_text` checks it."""
    if value is None or not value.strip():
        return None
    return clean_text(value, field, max_length)


def free_text(value: str, field: str, max_length: int) -> str:
    """Text that may be empty (a body), checked for length and storability."""
    if len(value) > max_length:
        raise invalid(f"{field} is longer than {max_length} characters", field=field)
    _refuse_unstorable(value, field)
    return value


def _check_json_strings(value: Any, field: str) -> None:
    if isinstance(value, str):
        _refuse_unstorable(value, field)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _refuse_unstorable(str(key), field)
            _check_json_strings(item, field)
    elif isinstance(value, list):
        for item in value:
            _check_json_strings(item, field)


def check_payload(payload: object) -> dict[str, Any]:
    """A JSON object of at most :data:`MAX_PAYLOAD_BYTES`, every string storable (None is
    the empty object; any other value, as a client may send, is a VALIDATION_ERROR)."""
    if payload is None:
        return {}
    if not isinstance(payload, Mapping):
        raise invalid("payload must be a JSON object", field="payload")
    try:
        size = len(json.dumps(payload).encode("utf-8"))
    except (TypeError, ValueError, UnicodeEncodeError):
        raise invalid("payload must be plain JSON", field="payload") from None
    if size > MAX_PAYLOAD_BYTES:
        raise invalid(f"payload is larger than {MAX_PAYLOAD_BYTES} bytes", field="payload")
    _check_json_strings(payload, "payload")
    return dict(payload)


def check_priority(priority: int) -> int:
    """A priority from 1 to 10."""
    if isinstance(priority, bool) or not MIN_PRIORITY <= priority <= MAX_PRIORITY:
        raise invalid(
            f"priority must be between {MIN_PRIORITY} and {MAX_PRIORITY}", field="priority"
        )
    return priority


def channel_candidates(
    catalog: Catalog, source_type: str, settings: JtdSettings, override: SourceSettings | None
) -> tuple[str, ...]:
    """The channels to try, in order: the tenant's list for the source, else the source
    type's defaults, else every channel the tenant has on (in the catalog's order)."""
    if override is not None and override.channels is not None:
        return override.channels
    defaults = catalog.source_type(source_type).channels
    if defaults:
        return defaults
    return tuple(code for code in catalog.channels if settings.channel_enabled(code))


def choose_channel(
    catalog: Catalog,
    *,
    event_type: str,
    source_type: str,
    settings: JtdSettings,
    override: SourceSettings | None,
    requested: str | None = None,
) -> str | None:
    """The one channel of a new job: the first candidate the tenant has on and the event
    type allows (None when none fits). A requested channel must itself be on and allowed."""
    allowed = catalog.event_type(event_type).channels
    if requested is not None:
        catalog.channel(requested)
        if requested not in allowed or not settings.channel_enabled(requested):
            raise invalid(
                f"channel {requested!r} is not enabled for {event_type} jobs",
                channel=requested,
            )
        return requested
    for code in channel_candidates(catalog, source_type, settings, override):
        if code in allowed and settings.channel_enabled(code):
            return code
    return None


def apply_move(
    catalog: Catalog,
    job: JobToDo,
    to_status: str,
    *,
    actor: Actor,
    at: datetime,
    note: str | None = None,
) -> JobStatusChange:
    """Move the job to a status of its type, in the flow or not (soft enforcement): the
    change says whether the flow has it. ``at`` is at least :data:`MOVE_STEP` after the
    job's last change, so its history has one order (moves made at one instant, as the
    agent's, follow each other by a microsecond). VALIDATION_ERROR for a status the type
    does not have."""
    definition = catalog.event_type(job.event_type)
    definition.status(to_status)
    at = max(at, job.status_changed_at + MOVE_STEP)
    change = JobStatusChange(
        id=new_id(),
        organization_id=job.organization_id,
        job_id=job.id,
        from_status=job.status,
        to_status=to_status,
        started_at=job.status_changed_at,
        ended_at=at,
        seconds_in_previous=(at - job.status_changed_at).total_seconds(),
        actor=actor,
        valid=definition.is_valid(job.status, to_status),
        note=note,
    )
    job.status = to_status
    job.status_changed_at = at
    job.performed_by = actor
    job.valid_transition = change.valid
    return change


def _check_channels(catalog: Catalog, codes: object, field: str) -> None:
    for code in codes:  # type: ignore[attr-defined]
        if code not in catalog.channels:
            raise invalid(f"unknown channel {code!r}", field=field, channel=str(code))


def check_settings(catalog: Catalog, settings: JtdSettings) -> JtdSettings:
    """VALIDATION_ERROR for an unknown channel or event type, or limits out of range."""
    _check_channels(catalog, settings.channels_enabled, "channelsEnabled")
    for code in settings.agent_event_types:
        catalog.event_type(code)
    for field, value in (
        ("dailyLimit", settings.daily_limit),
        ("monthlyLimit", settings.monthly_limit),
    ):
        if isinstance(value, bool) or not 0 <= value <= MAX_LIMIT:
            raise invalid(f"{field} must be between 0 and {MAX_LIMIT}", field=field)
    if settings.daily_limit > settings.monthly_limit:
        raise invalid("the daily limit must not exceed the monthly limit", field="dailyLimit")
    for field, at in (
        ("quietHoursStart", settings.quiet_hours_start),
        ("quietHoursEnd", settings.quiet_hours_end),
    ):
        if at.tzinfo is not None:
            raise invalid(f"{field} is a local time: it must not carry an offset", field=field)
    return settings


def check_source_settings(catalog: Catalog, settings: SourceSettings) -> SourceSettings:
    """VALIDATION_ERROR for an unknown source type or channel, a priority out of 1–10, or
    a delay out of range."""
    catalog.source_type(settings.source_type)
    if settings.channels is not None:
        _check_channels(catalog, settings.channels, "channels")
        if len(set(settings.channels)) != len(settings.channels):
            raise invalid("channels must not repeat", field="channels")
    if settings.priority is not None:
        check_priority(settings.priority)
    delay = settings.delay_seconds
    if delay is not None and (isinstance(delay, bool) or not 0 <= delay <= MAX_DELAY_SECONDS):
        raise invalid(f"delaySeconds must be between 0 and {MAX_DELAY_SECONDS}", field="delay")
    return settings


def agent_scope(
    catalog: Catalog, settings: JtdSettings, overrides: Mapping[str, SourceSettings]
) -> AgentScope | None:
    """What the agent moves for the tenant; None when agent mode is off.

    It moves jobs from a status that leads to their type's agent target and has not
    failed: a failed job is delivery's to retry, or a person's, never the agent's.
    """
    if not settings.agent_enabled:
        return None
    movable = frozenset(
        (definition.code, status.code)
        for definition in catalog.event_types.values()
        for status in definition.statuses
        if status.type in _AGENT_MOVES_FROM
        and status.code != definition.agent_target
        and definition.path(status.code, definition.agent_target)
    )
    return AgentScope(
        event_types=settings.agent_event_types,
        include_sources=frozenset(s for s, o in overrides.items() if o.auto_execute is True),
        exclude_sources=frozenset(s for s, o in overrides.items() if o.auto_execute is False),
        movable=movable,
    )


def agent_steps(catalog: Catalog, job: JobToDo) -> tuple[str, ...]:
    """The statuses the agent takes the job through, up to its type's agent target (the
    shortest way through the flow; empty when there is none)."""
    definition = catalog.event_type(job.event_type)
    return definition.path(job.status, definition.agent_target) or ()
