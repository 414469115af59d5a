"""The shapes of JTD's master data: event types with their statuses and flows, channels,
source types and system actors, and the :class:`Catalog` that holds them.

A flow is a set of ``(from, to)`` status pairs. It is data, read by every rule that asks
whether a move is valid, which statuses may come next, or which way the agent goes; no
event type has code of its own.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar
from uuid import UUID

from jts_domain.errors import invalid
from jts_domain.model import Actor, ActorType


class StatusType(StrEnum):
    """What a status means for its job."""

    INITIAL = "initial"
    PROGRESS = "progress"
    SUCCESS = "success"
    FAILURE = "failure"
    TERMINAL = "terminal"


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusDefinition:
    """One status of an event type."""

    code: str
    name: str
    type: StatusType


@dataclass(frozen=True, slots=True, kw_only=True)
class EventTypeDefinition:
    """An event type: its channels, whether it is scheduled, its statuses and flow.

    ``agent_target`` is where the agent takes a due job (the status at which delivery or
    a person takes over); ``cancel_status`` is where ``cancelJobToDo`` moves it;
    ``reschedule_status``, when set, is taken on a reschedule the flow allows.
    """

    code: str
    name: str
    category: str
    channels: tuple[str, ...]
    scheduling: bool
    statuses: tuple[StatusDefinition, ...]
    flows: frozenset[tuple[str, str]]
    agent_target: str
    cancel_status: str
    reschedule_status: str | None = None

    @property
    def initial_status(self) -> str:
        """The status a new job of this type starts in."""
        return next(s.code for s in self.statuses if s.type is StatusType.INITIAL)

    def has_status(self, code: str) -> bool:
        """Whether the code names one of this type's statuses."""
        return any(s.code == code for s in self.statuses)

    def status(self, code: str) -> StatusDefinition:
        """The status of the code; VALIDATION_ERROR when the type has none such."""
        for status in self.statuses:
            if status.code == code:
                return status
        known = ", ".join(s.code for s in self.statuses)
        raise invalid(
            f"{self.code} has no status {code!r} (its statuses: {known})",
            event_type=self.code,
            status=code,
        )

    def is_valid(self, from_status: str, to_status: str) -> bool:
        """Whether the flow has the move."""
        return (from_status, to_status) in self.flows

    def next_statuses(self, code: str) -> tuple[str, ...]:
        """The statuses the flow allows after ``code``, in the type's status order."""
        return tuple(s.code for s in self.statuses if (code, s.code) in self.flows)

    def is_finished(self, code: str) -> bool:
        """Whether the flow allows nothing after ``code`` (a job there stays unless moved
        explicitly)."""
        return not self.next_statuses(code)

    def path(self, from_status: str, to_status: str) -> tuple[str, ...] | None:
        """The shortest way through the flow, as the statuses after ``from_status`` up to
        ``to_status`` (empty when they are the same); None when the flow has no way."""
        if from_status == to_status:
            return ()
        came_from: dict[str, str] = {from_status: from_status}
        queue = deque([from_status])
        while queue:
            current = queue.popleft()
            for following in self.next_statuses(current):
                if following in came_from:
                    continue
                came_from[following] = current
                if following == to_status:
                    return _walk_back(came_from, from_status, to_status)
                queue.append(following)
        return None


def _walk_back(came_from: Mapping[str, str], start: str, end: str) -> tuple[str, ...]:
    steps = [end]
    while came_from[steps[-1]] != start:
        steps.append(came_from[steps[-1]])
    return tuple(reversed(steps))


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelDefinition:
    """A way to reach someone; ``cost_minor`` per message in minor units of ``currency``."""

    code: str
    name: str
    provider: str
    cost_minor: int
    currency: str
    rate_limit_per_minute: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceTypeDefinition:
    """What creates jobs: its default event type, channels and priority."""

    code: str
    name: str
    event_type: str
    channels: tuple[str, ...]
    default_priority: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SystemActor:
    """An actor that is not a person, with its fixed id."""

    code: str
    id: UUID
    name: str
    type: ActorType

    @property
    def actor(self) -> Actor:
        """The actor recorded in history and audit rows."""
        return Actor(type=self.type, id=self.id, name=self.name)


_Coded = TypeVar("_Coded", EventTypeDefinition, ChannelDefinition, SourceTypeDefinition)
_Value = TypeVar("_Value")


def _by_code(items: Iterable[_Coded]) -> dict[str, _Coded]:
    return {item.code: item for item in items}


@dataclass(frozen=True, slots=True, init=False)
class Catalog:
    """All of JTD's master data, looked up by code (in the order it was given)."""

    event_types: dict[str, EventTypeDefinition]
    channels: dict[str, ChannelDefinition]
    source_types: dict[str, SourceTypeDefinition]
    system_actors: tuple[SystemActor, ...]

    def __init__(
        self,
        *,
        event_types: Iterable[EventTypeDefinition],
        channels: Iterable[ChannelDefinition],
        source_types: Iterable[SourceTypeDefinition],
        system_actors: Iterable[SystemActor],
    ) -> None:
        object.__setattr__(self, "event_types", _by_code(event_types))
        object.__setattr__(self, "channels", _by_code(channels))
        object.__setattr__(self, "source_types", _by_code(source_types))
        object.__setattr__(self, "system_actors", tuple(system_actors))

    def event_type(self, code: str) -> EventTypeDefinition:
        """The event type of the code; VALIDATION_ERROR when unknown."""
        return _known(self.event_types, code, "event type", "event_type")

    def channel(self, code: str) -> ChannelDefinition:
        """The channel of the code; VALIDATION_ERROR when unknown."""
        return _known(self.channels, code, "channel", "channel")

    def source_type(self, code: str) -> SourceTypeDefinition:
        """The source type of the code; VALIDATION_ERROR when unknown."""
        return _known(self.source_types, code, "source type", "source_type")

    def system_actor(self, code: str) -> SystemActor:
        """The system actor of the code (``agent``, ``system``, ``webhook``)."""
        return next(a for a in self.system_actors if a.code == code)


def _known(table: Mapping[str, _Value], code: str, what: str, field: str) -> _Value:
    found = table.get(code)
    if found is None:
        raise invalid(f"unknown {what} {code!r} (known: {', '.join(table)})", **{field: code})
    return found
