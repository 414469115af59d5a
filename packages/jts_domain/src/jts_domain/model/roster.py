"""Shifts, rosters and attendance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from uuid import UUID


@dataclass(slots=True, kw_only=True)
class ShiftTemplate:
    """A named shift; ``end_time`` earlier than or equal to ``start_time`` crosses midnight."""

    id: UUID
    organization_id: UUID
    name: str
    start_time: time
    end_time: time
    break_minutes: int = 0


@dataclass(slots=True, kw_only=True)
class RosterEntry:
    """An employee's shift on a business date, at a store (one per employee and date)."""

    id: UUID
    organization_id: UUID
    employee_id: UUID
    business_date: date
    shift_template_id: UUID
    store_id: UUID
    #: The entry's id in the organization's HR system (roster sync), unique per tenant.
    external_id: str | None = None


class AttendanceStatus(StrEnum):
    """ABSENT/OFF are created by the nightly job; clock-in makes PRESENT or LATE."""

    ABSENT = "ABSENT"
    OFF = "OFF"
    PRESENT = "PRESENT"
    LATE = "LATE"


@dataclass(slots=True, kw_only=True)
class Attendance:
    """An employee's attendance on a business date (one row per employee and date)."""

    id: UUID
    organization_id: UUID
    employee_id: UUID
    business_date: date
    status: AttendanceStatus
    store_id: UUID | None = None
    clock_in_at: datetime | None = None
    clock_out_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    selfie_ref: str | None = None
    override_by: UUID | None = None
    override_reason: str | None = None
    version: int = 1

    @property
    def is_open(self) -> bool:
        """Clocked in and not yet clocked out."""
        return self.clock_in_at is not None and self.clock_out_at is None
