"""Who a token names, remembered per process: no database round trip per request.

:class:`CallerCache` keeps the :class:`~jts_domain.services.Caller` of each
(organization, employee) it identified, with the access epoch it was identified at, in a
bounded least-recently-used map. A token whose epoch is the entry's is answered from
memory; an older one is refused without a query (its session ended); a newer one, or
a miss, is identified in the database.

Entries are dropped when the employee's access changes: the API calls :meth:`forget`
after its own change, and every replica's live feed calls it when the committed
``employee.access_changed`` event arrives (the outbox bus reads each committed event
once and catches up after a lost connection, so no replica misses one). The time to
live, read from the clock port, is a safety net only. An identification that was under
way while an entry was dropped is not stored (it may have read the old row).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from jts_api.auth.tokens import TokenClaims
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.ports import Clock
from jts_domain.services import Caller
from jts_domain.services.accounts import SESSION_ENDED

#: Identifies an (organization, employee) whose tokens carry an access epoch.
Identify = Callable[[UUID, UUID, int], Awaitable[Caller]]
_Key = tuple[UUID, UUID]


@dataclass(frozen=True, slots=True)
class _Entry:
    caller: Caller
    access_epoch: int
    expires_at: datetime


class CallerCache:
    """A bounded LRU of identified callers, dropped on access changes."""

    def __init__(
        self, identify: Identify, clock: Clock, *, max_entries: int, time_to_live: timedelta
    ) -> None:
        self._identify = identify
        self._clock = clock
        self._max_entries = max_entries
        self._time_to_live = time_to_live
        self._entries: OrderedDict[_Key, _Entry] = OrderedDict()
        #: Moves on at every drop, so an identification that straddles one is not kept.
        self._generation = 0
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    async def caller_for(self, claims: TokenClaims) -> Caller:
        """The caller a verified token names; UNAUTHENTICATED when the account is gone,
        inactive, or its access changed since the token was issued."""
        key = (claims.organization_id, claims.employee_id)
        now = self._clock.now()
        entry = self._entries.get(key)
        if entry is not None and entry.expires_at > now:
            if claims.access_epoch == entry.access_epoch:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry.caller
            if claims.access_epoch < entry.access_epoch:
                raise DomainError(ErrorCode.UNAUTHENTICATED, SESSION_ENDED)
        self.misses += 1
        generation = self._generation
        caller = await self._identify(*key, claims.access_epoch)
        if generation == self._generation:
            self._entries[key] = _Entry(caller, claims.access_epoch, now + self._time_to_live)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return caller

    def forget(self, organization_id: UUID, employee_id: UUID) -> None:
        """Drop the employee's entry (their access changed)."""
        self._generation += 1
        self._entries.pop((organization_id, employee_id), None)

    def forget_all(self) -> None:
        """Drop every entry (when the feed of access changes (re)starts from now)."""
        self._generation += 1
        self._entries.clear()
