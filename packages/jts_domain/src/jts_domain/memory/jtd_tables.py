"""The in-memory tables of jobs to do and of the outbox consumers' positions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self
from uuid import UUID

from jts_domain.jtd.model import JobStatusChange, JobToDo, JtdSettings, SourceSettings


@dataclass(slots=True)
class JtdTables:
    """Jobs, their moves, tenant settings and consumer positions.

    A copy (what a unit of work's snapshot takes) copies every table, so a rollback puts
    back exactly what the transaction saw.
    """

    jobs: dict[UUID, JobToDo] = field(default_factory=dict)
    history: dict[UUID, list[JobStatusChange]] = field(default_factory=dict)
    settings: dict[UUID, JtdSettings] = field(default_factory=dict)
    source_settings: dict[tuple[UUID, str], SourceSettings] = field(default_factory=dict)
    consumer_positions: dict[str, int] = field(default_factory=dict)

    def __copy__(self) -> Self:
        return type(self)(
            jobs=dict(self.jobs),
            history={key: list(rows) for key, rows in self.history.items()},
            settings=dict(self.settings),
            source_settings=dict(self.source_settings),
            consumer_positions=dict(self.consumer_positions),
        )
