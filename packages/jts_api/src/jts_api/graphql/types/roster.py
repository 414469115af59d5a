"""Shifts, the roster and attendance."""

from __future__ import annotations

from datetime import date, datetime, time

import strawberry

from jts_api.graphql.enums import AttendanceStatus
from jts_api.graphql.ids import to_id, to_optional_id
from jts_domain import model


@strawberry.type(name="ShiftTemplate")
class ShiftTemplateType:
    """A named shift; an end at or before the start crosses midnight."""

    id: strawberry.ID
    name: str
    start_time: time
    end_time: time
    break_minutes: int

    @classmethod
    def of(cls, template: model.ShiftTemplate) -> ShiftTemplateType:
        """The GraphQL shape of a domain shift template."""
        return cls(
            id=to_id(template.id),
            name=template.name,
            start_time=template.start_time,
            end_time=template.end_time,
            break_minutes=template.break_minutes,
        )


@strawberry.type(name="RosterEntry")
class RosterEntryType:
    """An employee's shift at a store on a business date."""

    id: strawberry.ID
    employee_id: strawberry.ID
    date: date
    shift_template_id: strawberry.ID
    store_id: strawberry.ID

    @classmethod
    def of(cls, entry: model.RosterEntry) -> RosterEntryType:
        """The GraphQL shape of a domain roster entry."""
        return cls(
            id=to_id(entry.id),
            employee_id=to_id(entry.employee_id),
            date=entry.business_date,
            shift_template_id=to_id(entry.shift_template_id),
            store_id=to_id(entry.store_id),
        )


@strawberry.type(name="Attendance")
class AttendanceType:
    """An employee's attendance on a business date."""

    id: strawberry.ID
    employee_id: strawberry.ID
    date: date
    status: AttendanceStatus
    store_id: strawberry.ID | None
    clock_in_at: datetime | None
    clock_out_at: datetime | None
    latitude: float | None
    longitude: float | None
    selfie_ref: str | None
    override_by: strawberry.ID | None
    override_reason: str | None

    @classmethod
    def of(cls, row: model.Attendance) -> AttendanceType:
        """The GraphQL shape of a domain attendance row."""
        return cls(
            id=to_id(row.id),
            employee_id=to_id(row.employee_id),
            date=row.business_date,
            status=row.status,
            store_id=to_optional_id(row.store_id),
            clock_in_at=row.clock_in_at,
            clock_out_at=row.clock_out_at,
            latitude=row.latitude,
            longitude=row.longitude,
            selfie_ref=row.selfie_ref,
            override_by=to_optional_id(row.override_by),
            override_reason=row.override_reason,
        )
