"""Retention in PostgreSQL: expired ids a batch at a time, removed with what they own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import Date, Text, Uuid, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY

from jts_domain.retention.rules import Removed
from jts_store.repositories.transaction import TransactionConnection

_EXPIRED_TASKS = text(
    """
    SELECT id FROM tasks
    WHERE organization_id = :organization_id
      AND status IN ('COMPLETED', 'CANCELLED')
      AND CAST(timezone(CAST(:timezone AS text), status_changed_at) AS date) < :before
    ORDER BY id LIMIT :limit
    """
).bindparams(
    bindparam("organization_id", type_=Uuid()),
    bindparam("timezone", type_=Text()),
    bindparam("before", type_=Date()),
)

_EXPIRED_TIMERS = text(
    """
    SELECT t.id FROM timers t JOIN tasks k ON k.id = t.task_id
    WHERE t.organization_id = :organization_id
      AND t.state = 'STOPPED'
      AND t.business_date < :before
      AND k.status IN ('COMPLETED', 'CANCELLED')
    ORDER BY t.id LIMIT :limit
    """
).bindparams(bindparam("organization_id", type_=Uuid()), bindparam("before", type_=Date()))

# Owned rows first (the foreign keys are checked at commit either way): a task's or a
# timer's alerts (SLA alerts name the task, IDLE ones the timer), intervals, history.
_REMOVE_TASKS = (
    (
        "alerts",
        """DELETE FROM alerts a
           WHERE a.organization_id = :organization_id
             AND (a.task_id = ANY(:ids)
                  OR a.timer_id IN (SELECT t.id FROM timers t
                                    WHERE t.organization_id = :organization_id
                                      AND t.task_id = ANY(:ids)))""",
    ),
    (
        "intervals",
        """DELETE FROM timer_intervals i USING timers t
           WHERE i.timer_id = t.id AND t.organization_id = :organization_id
             AND t.task_id = ANY(:ids)""",
    ),
    (
        "timers",
        "DELETE FROM timers WHERE organization_id = :organization_id AND task_id = ANY(:ids)",
    ),
    (
        "history",
        """DELETE FROM task_status_history
           WHERE organization_id = :organization_id AND task_id = ANY(:ids)""",
    ),
    ("tasks", "DELETE FROM tasks WHERE organization_id = :organization_id AND id = ANY(:ids)"),
)

_REMOVE_TIMERS = (
    (
        "alerts",
        "DELETE FROM alerts WHERE organization_id = :organization_id AND timer_id = ANY(:ids)",
    ),
    (
        "intervals",
        """DELETE FROM timer_intervals i USING timers t
           WHERE i.timer_id = t.id AND t.organization_id = :organization_id
             AND t.id = ANY(:ids)""",
    ),
    ("timers", "DELETE FROM timers WHERE organization_id = :organization_id AND id = ANY(:ids)"),
)


class SqlRetention:
    """Expired tasks and timers of one organization, and their removal."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def expired_tasks(
        self, organization_id: UUID, before: date, timezone: str, *, limit: int
    ) -> list[UUID]:
        parameters = {
            "organization_id": organization_id,
            "timezone": timezone,
            "before": before,
            "limit": limit,
        }
        return list((await self._db.execute(_EXPIRED_TASKS, parameters)).scalars())

    async def expired_timers(
        self, organization_id: UUID, before: date, *, limit: int
    ) -> list[UUID]:
        parameters = {"organization_id": organization_id, "before": before, "limit": limit}
        return list((await self._db.execute(_EXPIRED_TIMERS, parameters)).scalars())

    async def _remove(
        self, statements: tuple[tuple[str, str], ...], organization_id: UUID, ids: Sequence[UUID]
    ) -> Removed:
        counts: dict[str, int] = {}
        for name, sql in statements:
            statement = text(sql).bindparams(
                bindparam("organization_id", type_=Uuid()), bindparam("ids", type_=ARRAY(Uuid()))
            )
            result = await self._db.execute(
                statement, {"organization_id": organization_id, "ids": list(ids)}
            )
            counts[name] = result.rowcount
        return Removed(**counts)

    async def remove_tasks(self, organization_id: UUID, task_ids: Sequence[UUID]) -> Removed:
        return await self._remove(_REMOVE_TASKS, organization_id, task_ids)

    async def remove_timers(self, organization_id: UUID, timer_ids: Sequence[UUID]) -> Removed:
        return await self._remove(_REMOVE_TIMERS, organization_id, timer_ids)
