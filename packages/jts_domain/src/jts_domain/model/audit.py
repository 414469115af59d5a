"""The audit log: who changed what, when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from jts_domain.model.task import Actor


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEntry:
    """One change made through JTS.

    ``action`` names the use case (``task.assign``, ``timer.start``, ``employee.create``…),
    ``entity_type`` and ``entity_id`` what it changed, and ``summary`` says in a line what
    changed, overrides and their reasons included.
    """

    id: UUID
    organization_id: UUID
    at: datetime
    actor: Actor
    action: str
    entity_type: str
    entity_id: UUID | None
    summary: str
