"""What a work use case loads in one read: the aggregate and what is around it."""

from __future__ import annotations

from dataclasses import dataclass

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.model import OrganizationSettings, Role, Timer
from jts_domain.model.caller import Caller
from jts_domain.work.aggregate import TaskWork
from jts_domain.work.start_checks import StartConditions


@dataclass(frozen=True, slots=True)
class Standing:
    """The acting employee as stored now: whether they are active, and their role."""

    active: bool
    role: Role


@dataclass(slots=True)
class LoadedWork:
    """A :class:`TaskWork` with the organization's settings, the acting employee's
    standing and their start conditions at the instant, read together.

    ``asked`` is the timer a use case named by id (it may be stopped, and then it is not
    ``work.timer``); None when the work was found by task or by employee.
    """

    work: TaskWork
    settings: OrganizationSettings
    standing: Standing | None
    conditions: StartConditions | None
    asked: Timer | None = None

    def check_standing(self, caller: Caller) -> None:
        """UNAUTHENTICATED when the calling employee was deactivated or changed role since
        their caller was made (the read is in the change's own transaction, so a stale
        cache of callers can never let a change through)."""
        if caller.employee_id is None:
            return
        standing = self.standing
        if standing is None or not standing.active or standing.role is not caller.role:
            raise DomainError(
                ErrorCode.UNAUTHENTICATED, "this account's access changed; sign in again"
            )

    def start_conditions(self) -> StartConditions:
        """The conditions read for the acting employee (a start needs them)."""
        if self.conditions is None:  # pragma: no cover - loaded for an employee when starting
            msg = "the work was loaded without an acting employee"
            raise AssertionError(msg)
        return self.conditions
