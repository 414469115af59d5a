"""The domain's catalog as rows of the master tables, and back.

The migration seeds the tables with :func:`catalog_rows` of the domain's
:data:`~jts_domain.jtd.catalog.CATALOG` (the one definition); the repository reads them
back with :func:`catalog_from_rows`, and a test checks the round trip is exact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from jts_domain.jtd.master import (
    Catalog,
    ChannelDefinition,
    EventTypeDefinition,
    SourceTypeDefinition,
    StatusDefinition,
    StatusType,
    SystemActor,
)
from jts_domain.model import ActorType

Rows = dict[str, list[dict[str, Any]]]

#: The master tables, in the order they are filled (and emptied in reverse).
MASTER_TABLES = (
    "system_actors",
    "jtd_channels",
    "jtd_event_types",
    "jtd_statuses",
    "jtd_status_flows",
    "jtd_source_types",
)


def catalog_rows(catalog: Catalog) -> Rows:
    """Every master row of the catalog, by table."""
    rows: Rows = {name: [] for name in MASTER_TABLES}
    for actor in catalog.system_actors:
        rows["system_actors"].append(
            {"id": actor.id, "code": actor.code, "name": actor.name, "actor_type": actor.type.value}
        )
    for position, channel in enumerate(catalog.channels.values()):
        rows["jtd_channels"].append(
            {
                "code": channel.code,
                "name": channel.name,
                "provider": channel.provider,
                "cost_minor": channel.cost_minor,
                "currency": channel.currency,
                "rate_limit_per_minute": channel.rate_limit_per_minute,
                "position": position,
            }
        )
    for position, event_type in enumerate(catalog.event_types.values()):
        rows["jtd_event_types"].append(_event_type_row(event_type, position))
        rows["jtd_statuses"].extend(
            {
                "event_type": event_type.code,
                "code": status.code,
                "name": status.name,
                "status_type": status.type.value,
                "position": index,
            }
            for index, status in enumerate(event_type.statuses)
        )
        rows["jtd_status_flows"].extend(
            {"event_type": event_type.code, "from_status": a, "to_status": b}
            for a, b in sorted(event_type.flows)
        )
    for position, source in enumerate(catalog.source_types.values()):
        rows["jtd_source_types"].append(
            {
                "code": source.code,
                "name": source.name,
                "event_type": source.event_type,
                "channels": list(source.channels),
                "default_priority": source.default_priority,
                "position": position,
            }
        )
    return rows


def _event_type_row(event_type: EventTypeDefinition, position: int) -> dict[str, Any]:
    return {
        "code": event_type.code,
        "name": event_type.name,
        "category": event_type.category,
        "channels": list(event_type.channels),
        "scheduling": event_type.scheduling,
        "agent_target": event_type.agent_target,
        "cancel_status": event_type.cancel_status,
        "reschedule_status": event_type.reschedule_status,
        "position": position,
    }


def _ordered(rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(rows, key=lambda row: row["position"])


def catalog_from_rows(rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> Catalog:
    """The catalog the master rows hold."""
    statuses: dict[str, list[StatusDefinition]] = defaultdict(list)
    for row in _ordered(rows["jtd_statuses"]):
        statuses[row["event_type"]].append(
            StatusDefinition(
                code=row["code"], name=row["name"], type=StatusType(row["status_type"])
            )
        )
    flows: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in rows["jtd_status_flows"]:
        flows[row["event_type"]].add((row["from_status"], row["to_status"]))
    return Catalog(
        event_types=(
            EventTypeDefinition(
                code=row["code"],
                name=row["name"],
                category=row["category"],
                channels=tuple(row["channels"]),
                scheduling=row["scheduling"],
                statuses=tuple(statuses[row["code"]]),
                flows=frozenset(flows[row["code"]]),
                agent_target=row["agent_target"],
                cancel_status=row["cancel_status"],
                reschedule_status=row["reschedule_status"],
            )
            for row in _ordered(rows["jtd_event_types"])
        ),
        channels=(
            ChannelDefinition(
                code=row["code"],
                name=row["name"],
                provider=row["provider"],
                cost_minor=row["cost_minor"],
                currency=row["currency"],
                rate_limit_per_minute=row["rate_limit_per_minute"],
            )
            for row in _ordered(rows["jtd_channels"])
        ),
        source_types=(
            SourceTypeDefinition(
                code=row["code"],
                name=row["name"],
                event_type=row["event_type"],
                channels=tuple(row["channels"]),
                default_priority=row["default_priority"],
            )
            for row in _ordered(rows["jtd_source_types"])
        ),
        system_actors=(
            SystemActor(
                code=row["code"], id=row["id"], name=row["name"], type=ActorType(row["actor_type"])
            )
            for row in sorted(rows["system_actors"], key=lambda r: r["id"])
        ),
    )
