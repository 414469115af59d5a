"""Who sees and moves which jobs to do.

``jtd.read`` reads every job of the organization (admins and managers: jobs to do are
the organization's communications, not a department's), ``jtd.manage`` creates,
moves, reschedules and cancels any of them, ``jtd.configure`` changes the tenant's
settings (admins). Everybody sees the jobs addressed to them and may move those (mark a
message read, start a to-do). An id of another organization is NOT_FOUND; a job of the
caller's organization outside their reach is FORBIDDEN.
"""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.jtd.model import JobToDo
from jts_domain.jtd.ports import JobToDoFilter
from jts_domain.model import Permission
from jts_domain.ports import UnitOfWork
from jts_domain.services.context import Caller


def _forbidden(message: str, permission: Permission) -> DomainError:
    return DomainError(ErrorCode.FORBIDDEN, message, {"permission": permission.value})


def is_recipient(caller: Caller, job: JobToDo) -> bool:
    """Whether the job is addressed to the calling employee."""
    return caller.employee_id is not None and job.recipient.employee_id == caller.employee_id


async def visible_job(uow: UnitOfWork, caller: Caller, job_id: UUID) -> JobToDo:
    """A job of the caller's organization they may see (its recipient, or ``jtd.read``)."""
    job = await uow.jtd.get(caller.organization_id, job_id)
    if not caller.can(Permission.JTD_READ) and not is_recipient(caller, job):
        raise _forbidden("this job to do is not addressed to the caller", Permission.JTD_READ)
    return job


async def movable_job(uow: UnitOfWork, caller: Caller, job_id: UUID) -> JobToDo:
    """A job the caller may move: its recipient, or a holder of ``jtd.manage``."""
    job = await visible_job(uow, caller, job_id)
    if not caller.can(Permission.JTD_MANAGE) and not is_recipient(caller, job):
        raise _forbidden("only its recipient or jtd.manage may move it", Permission.JTD_MANAGE)
    return job


def reach_filter(caller: Caller, job_filter: JobToDoFilter) -> JobToDoFilter:
    """The filter limited to what the caller may see: all with ``jtd.read``, else only
    the jobs addressed to them (FORBIDDEN when they asked for someone else's)."""
    if caller.can(Permission.JTD_READ):
        return job_filter
    own = caller.employee_id
    if own is None or job_filter.recipient_id not in (None, own):
        raise _forbidden("only jobs addressed to the caller", Permission.JTD_READ)
    return replace(job_filter, recipient_id=own)
