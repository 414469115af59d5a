"""What roster sync needs: the stored source, set-based lookups and writes by external id,
and a client of the HR system's HTTP source."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from jts_domain.model import Employee, RosterEntry
from jts_domain.roster_sync.model import RosterPage, RosterSource, Secret, SyncCounts


class RosterSourceRepository(Protocol):
    """Each organization's roster source (at most one), with its last sync."""

    async def find(self, organization_id: UUID) -> RosterSource | None: ...
    async def save(self, source: RosterSource) -> None:
        """Insert or replace the organization's URL and token (its last sync is kept)."""
        ...

    async def remove(self, organization_id: UUID) -> bool:
        """Forget the organization's source; whether there was one."""
        ...

    async def record_sync(self, organization_id: UUID, at: datetime, counts: SyncCounts) -> None:
        """Keep when the last sync finished and what it counted."""
        ...


class RosterSyncRepository(Protocol):
    """Lookups of a whole batch at once, and the updates a sync makes."""

    async def employees_by_external_id(
        self, organization_id: UUID, external_ids: Sequence[str]
    ) -> dict[str, Employee]: ...

    async def employees_by_email(self, emails: Sequence[str]) -> dict[str, Employee]:
        """Employees of any organization by lower-case e-mail (e-mails are unique across
        tenants)."""
        ...

    async def update_employee(self, employee: Employee) -> None:
        """Store the employee's e-mail, name, department, job category, home store and
        external id."""
        ...

    async def roster_by_external_id(
        self, organization_id: UUID, external_ids: Sequence[str]
    ) -> dict[str, RosterEntry]: ...

    async def roster_by_employee_date(
        self, organization_id: UUID, keys: Sequence[tuple[UUID, date]]
    ) -> dict[tuple[UUID, date], RosterEntry]: ...

    async def update_roster_entry(self, entry: RosterEntry) -> None:
        """Store the entry's employee, date, shift, store and external id (by its id)."""
        ...


class RosterSourceClient(Protocol):
    """The HR system's roster source (see the README for its JSON).

    ``fetch`` raises ``TimeoutError`` when the source does not answer in time and
    ``ConnectionError`` when it cannot be reached or answers 5xx/429 (the job framework
    retries both), and ``DomainError(VALIDATION_ERROR)`` when it refuses the token or
    answers something that is not a roster page.
    """

    async def fetch(self, cursor: str | None, limit: int) -> RosterPage: ...


#: Makes the client of a configured source (URL and token).
RosterClientFactory = Callable[[str, Secret], RosterSourceClient]
