"""Saving a task-and-timer aggregate inside a unit of work."""

from __future__ import annotations

from jts_domain.ports import UnitOfWork
from jts_domain.work.aggregate import TaskWork


async def save_work(uow: UnitOfWork, work: TaskWork) -> None:
    """Write what the aggregate's methods changed: the task, its timer and history rows
    (the work repository), their audit entries and events (the unit of work's appends,
    written with the commit)."""
    if not work.changes and not work.created:
        return
    await uow.work.save(work)
    for change in work.changes:
        await uow.audit.add(change.audit)
        for event in change.events:
            uow.emit(event)
    work.changes.clear()
    work.created = False
