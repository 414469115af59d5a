"""What retention needs from the store: the expired records, and their removal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol
from uuid import UUID

from jts_domain.retention.rules import Removed


class RetentionRepository(Protocol):
    """Finds expired records a batch at a time and removes them with what they own."""

    async def expired_tasks(
        self, organization_id: UUID, before: date, timezone: str, *, limit: int
    ) -> list[UUID]:
        """Up to ``limit`` COMPLETED or CANCELLED tasks whose status changed (to that final
        status) on a business date, read in ``timezone``, before ``before``; by id."""
        ...

    async def expired_timers(
        self, organization_id: UUID, before: date, *, limit: int
    ) -> list[UUID]:
        """Up to ``limit`` STOPPED timers with a business date before ``before`` whose task
        is COMPLETED or CANCELLED; by id."""
        ...

    async def remove_tasks(self, organization_id: UUID, task_ids: Sequence[UUID]) -> Removed:
        """Delete the tasks with their timers, timer intervals, status history and alerts
        (those naming a task or one of its timers)."""
        ...

    async def remove_timers(self, organization_id: UUID, timer_ids: Sequence[UUID]) -> Removed:
        """Delete the timers with their intervals and the alerts naming them (IDLE)."""
        ...
