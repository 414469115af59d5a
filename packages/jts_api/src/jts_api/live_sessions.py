"""Websocket sessions that end with their rights.

A websocket authenticates once, at ``connection_init``; :class:`LiveSessions` keeps each
authenticated one (its employee, the token's access epoch and expiry) and closes it

* with **4401** when its token expires: checked against the clock port before every
  delivery and by a periodic sweep (so a quiet subscription ends too);
* with **4403** when its employee's access changes (deactivated, reactivated, role
  changed — which also ends whatever reach the old role gave): the live feed calls
  :meth:`LiveSessions.access_changed` when the committed ``employee.access_changed``
  event arrives, on every replica.

Closing the socket ends its subscriptions (Strawberry cancels them when the connection
goes). The newest epoch seen per employee is remembered, so a socket whose
authentication was still under way when the change arrived is closed as it registers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

import structlog
from litestar.exceptions import WebSocketDisconnect

from jts_domain.model import DomainEvent
from jts_domain.ports import Clock

CLOSE_EXPIRED = 4401
CLOSE_ACCESS_CHANGED = 4403
EXPIRED_REASON = "Unauthorized: the token has expired; sign in again"
ACCESS_CHANGED_REASON = "Forbidden: the account's access changed; sign in again"
#: Employees whose newest access epoch is remembered, at most.
MAX_KNOWN_EPOCHS = 100_000

logger = structlog.get_logger("jts.live_sessions")

Close = Callable[[int, str], Awaitable[None]]


@dataclass(eq=False, slots=True, kw_only=True)
class LiveSession:
    """One authenticated websocket."""

    organization_id: UUID
    employee_id: UUID
    access_epoch: int
    expires_at: datetime
    close: Close
    closed: bool = field(default=False)


class LiveSessions:
    """The open websocket sessions of one process, closed when their rights end."""

    def __init__(self, clock: Clock, *, check_seconds: float) -> None:
        self._clock = clock
        self._check_seconds = check_seconds
        self._sessions: defaultdict[tuple[UUID, UUID], set[LiveSession]] = defaultdict(set)
        self._known_epochs: dict[tuple[UUID, UUID], int] = {}
        self._closing: set[asyncio.Task[None]] = set()
        self._sweeper: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return sum(len(sessions) for sessions in self._sessions.values())

    def open(self, session: LiveSession) -> None:
        """Keep a newly authenticated session (closed at once if it is already stale)."""
        key = (session.organization_id, session.employee_id)
        self._sessions[key].add(session)
        if self._known_epochs.get(key, session.access_epoch) > session.access_epoch:
            self.end(session, CLOSE_ACCESS_CHANGED, ACCESS_CHANGED_REASON)

    def forget(self, session: LiveSession) -> None:
        """Drop a session whose socket has gone."""
        key = (session.organization_id, session.employee_id)
        self._sessions[key].discard(session)
        if not self._sessions[key]:
            del self._sessions[key]

    def admit(self, session: LiveSession) -> bool:
        """Whether the session may still receive; an expired one is closed (4401)."""
        if session.closed:
            return False
        if self._clock.now() >= session.expires_at:
            self.end(session, CLOSE_EXPIRED, EXPIRED_REASON)
            return False
        return True

    def access_changed(self, event: DomainEvent) -> None:
        """Close the sessions of the event's employee issued before its new epoch."""
        key = (event.organization_id, UUID(str(event.payload["employee_id"])))
        epoch = int(event.payload["access_epoch"])
        if epoch > self._known_epochs.get(key, -1):
            self._known_epochs.pop(key, None)
            self._known_epochs[key] = epoch
            while len(self._known_epochs) > MAX_KNOWN_EPOCHS:
                del self._known_epochs[next(iter(self._known_epochs))]
        for session in list(self._sessions.get(key, ())):
            if session.access_epoch < epoch:
                self.end(session, CLOSE_ACCESS_CHANGED, ACCESS_CHANGED_REASON)

    def end(self, session: LiveSession, code: int, reason: str) -> None:
        """Close the session's socket (in the background; once)."""
        if session.closed:
            return
        session.closed = True
        self.forget(session)
        task = asyncio.get_running_loop().create_task(self._close(session, code, reason))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _close(self, session: LiveSession, code: int, reason: str) -> None:
        try:
            await session.close(code, reason)
        except (RuntimeError, OSError, WebSocketDisconnect) as error:  # the socket went first
            logger.info("websocket already gone", error=repr(error))

    def sweep(self) -> None:
        """Close every session whose token has expired by now."""
        for sessions in list(self._sessions.values()):
            for session in list(sessions):
                self.admit(session)

    async def start(self) -> None:
        """Sweep for expired tokens every ``check_seconds`` in the background."""
        self._sweeper = asyncio.create_task(self._sweep_forever(), name="jts-live-sessions")

    async def stop(self) -> None:
        """Stop sweeping."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self._check_seconds)
            self.sweep()
