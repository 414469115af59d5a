"""The per-account sign-in throttle: how many guesses an address gets, and for how long
it is locked after them.

Every sign-in attempt for an address counts *before* its password is checked (so
parallel guesses cannot all slip through while the first ones are being verified); a
successful sign-in then clears the count. Attempts are counted in a window that opens
with the first of them: when ``failures_allowed`` attempts fall within ``window``, the
address is locked for ``lockout`` from the last one; once the window (or the lockout)
is over, counting starts again. An address nobody has is counted the same way, so the
answers (and the work behind them) never tell which addresses exist.

The count lives in the database (``login_attempts``), so N API replicas share it.

>>> from datetime import UTC, datetime
>>> throttle = LoginThrottle(failures_allowed=2)
>>> now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
>>> attempts = LoginAttempts("asha@example.test")
>>> throttle.retry_after(attempts, now) is None
True
>>> attempts = throttle.counted(throttle.counted(attempts, now), now)
>>> throttle.retry_after(attempts, now)
900
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from jts_domain.errors import invalid

#: Longest address kept as a key (RFC 5321 allows 254 characters; more is not an address).
MAX_EMAIL_KEY_LENGTH = 320


def email_key(email: str) -> str:
    """The key an address's attempts are counted under: trimmed, lower-cased, bounded.

    >>> email_key("  Asha@Example.TEST ")
    'asha@example.test'
    """
    return email.strip().lower()[:MAX_EMAIL_KEY_LENGTH]


@dataclass(frozen=True, slots=True)
class LoginAttempts:
    """The sign-in attempts counted for one address in its current window."""

    email_key: str
    failures: int = 0
    window_started_at: datetime | None = None
    locked_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class LoginThrottle:
    """How many attempts an address gets in a window, and how long a lockout lasts."""

    failures_allowed: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)

    def __post_init__(self) -> None:
        if self.failures_allowed < 1:
            raise invalid("allow at least one sign-in attempt", failures_allowed=0)
        if self.window <= timedelta(0) or self.lockout <= timedelta(0):
            raise invalid("the window and the lockout must be positive")

    def retry_after(self, attempts: LoginAttempts, now: datetime) -> int | None:
        """Whole seconds until the address may try again; None when it may now."""
        if attempts.locked_until is None or now >= attempts.locked_until:
            return None
        return max(1, math.ceil((attempts.locked_until - now).total_seconds()))

    def _window_open(self, attempts: LoginAttempts, now: datetime) -> bool:
        start = attempts.window_started_at
        locked_over = attempts.locked_until is not None and now >= attempts.locked_until
        return start is not None and now < start + self.window and not locked_over

    def counted(self, attempts: LoginAttempts, now: datetime) -> LoginAttempts:
        """The attempts after one more at ``now`` (which :meth:`retry_after` allowed)."""
        if self._window_open(attempts, now):
            failures, started = attempts.failures + 1, attempts.window_started_at
        else:
            failures, started = 1, now
        locked_until = now + self.lockout if failures >= self.failures_allowed else None
        return replace(
            attempts, failures=failures, window_started_at=started, locked_until=locked_until
        )
