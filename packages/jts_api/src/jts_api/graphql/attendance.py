"""Attendance: ``clockIn``, ``clockOut`` and ``attendance(date, employeeId)``."""

from __future__ import annotations

from datetime import date

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.ids import parse_optional_id
from jts_api.graphql.types.roster import AttendanceType
from jts_domain.services import attendance


@strawberry.input
class ClockInInput:
    latitude: float
    longitude: float
    selfie_ref: str | None = None
    override_reason: str | None = strawberry.field(
        default=None,
        description="Lets a holder of attendance.override clock in outside the geofence.",
    )


@strawberry.type
class Query:
    @typed.field(description="An employee's attendance of a date (the caller's own by default).")
    async def attendance(
        self, info: Info, date: date, employee_id: strawberry.ID | None = None
    ) -> AttendanceType | None:
        ctx = info.context
        row = await attendance.get_attendance(
            ctx.services,
            ctx.require_caller(),
            date,
            parse_optional_id(employee_id, "employeeId"),
        )
        return None if row is None else AttendanceType.of(row)


@strawberry.type
class Mutation:
    @typed.mutation(description="Clock in at a point inside the rostered store's geofence.")
    async def clock_in(self, info: Info, input: ClockInInput) -> AttendanceType:
        ctx = info.context
        row = await attendance.clock_in(
            ctx.services,
            ctx.require_caller(),
            latitude=input.latitude,
            longitude=input.longitude,
            selfie_ref=input.selfie_ref,
            override_reason=input.override_reason,
        )
        return AttendanceType.of(row)

    @typed.mutation(description="Clock out; a running timer stops (reason CLOCK_OUT).")
    async def clock_out(self, info: Info) -> AttendanceType:
        ctx = info.context
        return AttendanceType.of(await attendance.clock_out(ctx.services, ctx.require_caller()))
