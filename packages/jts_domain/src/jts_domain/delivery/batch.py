"""What one dispatcher batch carries between its transactions, and what it did."""

from __future__ import annotations

from dataclasses import dataclass

from jts_domain.delivery.model import ClaimedJob, DeliveryAttempt, OutgoingMessage


@dataclass(slots=True, kw_only=True)
class DispatchRun:
    """What dispatching did: jobs claimed, and how each ended up."""

    claimed: int = 0
    sent: int = 0
    test_mode: int = 0
    retrying: int = 0
    failed: int = 0
    waiting: int = 0
    held: int = 0
    critical_overrides: int = 0
    warnings: int = 0

    def add(self, other: DispatchRun) -> None:
        """Add another run's counts to this one."""
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(slots=True, kw_only=True)
class Send:
    """One attempt between its claim and its record: the message, or why none renders."""

    claimed: ClaimedJob
    attempt: DeliveryAttempt
    message: OutgoingMessage | None
    render_error: str | None = None
    critical_override: bool = False
