"""Attendance use cases: clock in and out, the daily rows, and stopping timers past shift end.

Clock-in is tied to a business date and a store: the roster shift of the moment (today's,
yesterday's overnight shift still running, or tomorrow's within its start lead) gives
both; without a roster entry the employee's home store is used for the geofence and the
date is today's; with neither the clock-in is a VALIDATION_ERROR. There is one attendance
row per employee and date, so a second clock-in on a date already clocked out is a
VALIDATION_ERROR too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode, invalid
from jts_domain.geo import validate_point, within_geofence
from jts_domain.ids import new_id
from jts_domain.model import (
    Attendance,
    AttendanceStatus,
    DomainEvent,
    Employee,
    EventName,
    OrganizationSettings,
    Permission,
    StopReason,
    Store,
    Timer,
)
from jts_domain.ports import UnitOfWork
from jts_domain.services.access import require_employee_reach
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.shift_lookup import RosteredShift, shift_of_instant
from jts_domain.services.working import load_timer_work
from jts_domain.shifts import business_date, is_late
from jts_domain.work.recording import save_work
from jts_domain.work.text_input import optional_text

MAX_SELFIE_REF_LENGTH = 500


async def clock_in(
    ctx: ServiceContext,
    caller: Caller,
    *,
    latitude: float,
    longitude: float,
    selfie_ref: str | None = None,
    override_reason: str | None = None,
) -> Attendance:
    """Clock the caller in at a point: inside the store's geofence, or overridden.

    Outside the geofence is GEOFENCE_VIOLATION unless the caller holds
    ``attendance.override`` and gives a reason (recorded on the row). The status is LATE
    after the shift start plus ``late_grace_minutes``, else PRESENT; the nightly
    ABSENT/OFF row of the date, if any, becomes this attendance.
    """
    validate_point(latitude, longitude)
    selfie = optional_text(selfie_ref, "selfie_ref", MAX_SELFIE_REF_LENGTH)
    reason = optional_text(override_reason, "override_reason")
    employee_id = _employee_id(caller)
    async with ctx.uow() as uow:
        org_id = caller.organization_id
        settings = (await uow.organizations.get(org_id)).settings
        employee = await uow.employees.get(org_id, employee_id)
        now = ctx.clock.now()
        if await uow.attendance.find_open(org_id, employee_id) is not None:
            raise invalid("already clocked in", employee_id=str(employee_id))
        lead = timedelta(minutes=settings.shift_lead_minutes)
        shift = await shift_of_instant(uow, org_id, employee_id, now, settings.timezone, lead=lead)
        store = await _clock_in_store(uow, employee, shift)
        overridden = _check_geofence(caller, store, latitude, longitude, reason)
        day = shift.entry.business_date if shift else business_date(now, settings.timezone)
        row, new = await _day_row(uow, employee, day)
        row.status = _arrival_status(now, shift, settings)
        row.store_id = store.id
        row.clock_in_at = now
        row.latitude, row.longitude, row.selfie_ref = latitude, longitude, selfie
        if overridden:
            row.override_by, row.override_reason = employee_id, reason
        await (uow.attendance.add(row) if new else uow.attendance.update(row))
        summary = f"{row.status.value} at store {store.id}"
        if overridden:
            summary += f"; geofence override: {reason}"
        await record_change(
            uow,
            org_id,
            caller.actor,
            now,
            action="attendance.clock_in",
            entity_type="attendance",
            entity_id=row.id,
            summary=summary,
        )
        uow.emit(attendance_event(row, now))
        await uow.commit()
    return row


def attendance_event(row: Attendance, at: datetime) -> DomainEvent:
    """The event announcing a clock-in or clock-out (presence follows it live)."""
    return DomainEvent(
        name=EventName.ATTENDANCE_CHANGED,
        organization_id=row.organization_id,
        occurred_at=at,
        payload={"employee_id": str(row.employee_id), "open": row.is_open, "at": at.isoformat()},
    )


def _employee_id(caller: Caller) -> UUID:
    if caller.employee_id is None:
        raise invalid("only an employee can clock in or out")
    return caller.employee_id


async def _clock_in_store(
    uow: UnitOfWork, employee: Employee, shift: RosteredShift | None
) -> Store:
    store_id = shift.entry.store_id if shift is not None else employee.store_id
    if store_id is None:
        raise invalid(
            "no roster entry for today and no home store to clock in at",
            employee_id=str(employee.id),
        )
    return await uow.stores.get(employee.organization_id, store_id)


def _check_geofence(
    caller: Caller, store: Store, latitude: float, longitude: float, reason: str | None
) -> bool:
    """True when an override lets a point outside the geofence through."""
    inside = within_geofence(
        store_latitude=store.latitude,
        store_longitude=store.longitude,
        radius_meters=store.radius_meters,
        latitude=latitude,
        longitude=longitude,
    )
    if inside:
        return False
    if reason is None or not caller.can(Permission.ATTENDANCE_OVERRIDE):
        raise DomainError(
            ErrorCode.GEOFENCE_VIOLATION,
            f"outside the geofence of {store.name}",
            {"store_id": str(store.id), "radius_meters": store.radius_meters},
        )
    return True


async def _day_row(uow: UnitOfWork, employee: Employee, day: date) -> tuple[Attendance, bool]:
    """The date's row to clock in on: the nightly ABSENT/OFF one, or a new one (True)."""
    row = await uow.attendance.find(employee.organization_id, employee.id, day)
    if row is None:
        return Attendance(
            id=new_id(),
            organization_id=employee.organization_id,
            employee_id=employee.id,
            business_date=day,
            status=AttendanceStatus.PRESENT,
        ), True
    if row.clock_in_at is not None:
        raise invalid("already clocked in and out on this date", business_date=day.isoformat())
    return row, False


def _arrival_status(
    now: datetime, shift: RosteredShift | None, settings: OrganizationSettings
) -> AttendanceStatus:
    if shift is not None and is_late(now, shift.window, settings.late_grace_minutes):
        return AttendanceStatus.LATE
    return AttendanceStatus.PRESENT


async def clock_out(ctx: ServiceContext, caller: Caller) -> Attendance:
    """Close the caller's open attendance; their running timer stops (reason CLOCK_OUT)
    and its task goes ON_HOLD."""
    employee_id = _employee_id(caller)
    async with ctx.uow() as uow:
        org_id = caller.organization_id
        row = await uow.attendance.find_open(org_id, employee_id)
        if row is None:
            raise invalid("not clocked in", employee_id=str(employee_id))
        now = ctx.clock.now()
        work = await uow.work.for_employee(org_id, employee_id, acting=employee_id, at=now)
        timer = None
        if work is not None:
            work.check_standing(caller)
            timer = work.work.stop(StopReason.CLOCK_OUT, actor=caller.actor, at=now).timer
            await save_work(uow, work.work)
        row.clock_out_at = now
        await uow.attendance.update(row)
        await record_change(
            uow,
            org_id,
            caller.actor,
            now,
            action="attendance.clock_out",
            entity_type="attendance",
            entity_id=row.id,
            summary="clocked out" + ("" if timer is None else f"; timer {timer.id} stopped"),
        )
        uow.emit(attendance_event(row, now))
        await uow.commit()
    return row


async def get_attendance(
    ctx: ServiceContext, caller: Caller, day: date, employee_id: UUID | None = None
) -> Attendance | None:
    """An employee's attendance row of a date (the caller's own by default)."""
    target = employee_id or _employee_id(caller)
    async with ctx.uow() as uow:
        await require_employee_reach(
            uow,
            caller,
            target,
            Permission.ROSTER_MANAGE,
            Permission.SCORE_READ_TEAM,
            allow_self=True,
        )
        return await uow.attendance.find(caller.organization_id, target, day)


async def create_daily_attendance(ctx: ServiceContext, caller: Caller, day: date) -> int:
    """Create the date's row for every active employee: ABSENT if rostered, OFF if not.

    Idempotent: employees who already have a row keep it. Returns how many rows were new.
    """
    caller.require(Permission.ROSTER_MANAGE)
    async with ctx.uow() as uow:
        org_id = caller.organization_id
        roster = {e.employee_id: e for e in await uow.roster.list_for_date(org_id, day)}
        rows = [
            Attendance(
                id=new_id(),
                organization_id=org_id,
                employee_id=employee.id,
                business_date=day,
                status=AttendanceStatus.ABSENT if employee.id in roster else AttendanceStatus.OFF,
                store_id=roster[employee.id].store_id if employee.id in roster else None,
            )
            for employee in await uow.employees.list_active(org_id)
        ]
        added = await uow.attendance.add_missing(rows)
        await uow.commit()
    return added


@dataclass(frozen=True, slots=True)
class AutoStopResult:
    """What :func:`auto_stop_timers` did: timers stopped, and failures per timer."""

    stopped: list[Timer] = field(default_factory=list)
    failed: dict[UUID, str] = field(default_factory=dict)


async def auto_stop_timers(ctx: ServiceContext, caller: Caller) -> AutoStopResult:
    """Stop every timer whose shift ended more than ``auto_stop_grace_minutes`` ago.

    Each is stopped *at* its shift's end (reason SHIFT_END, automatic), its task goes
    ON_HOLD. Timers are handled one unit of work each, so one failure (recorded in the
    result) never stops the others. Timers of employees with no roster entry for the
    date they started, and timers started (with an override) after their shift ended,
    are left alone: stopping those at the shift's end would erase the work done.
    """
    caller.require(Permission.TIMER_OVERRIDE)
    async with ctx.uow() as uow:
        settings = (await uow.organizations.get(caller.organization_id)).settings
        active = await uow.timers.list_active(caller.organization_id)
    result = AutoStopResult()
    for timer in active:
        try:
            stopped = await _auto_stop(ctx, caller, timer.id, settings)
        except DomainError as error:
            result.failed[timer.id] = f"{error.code}: {error.message}"
            continue
        if stopped is not None:
            result.stopped.append(stopped)
    return result


async def _auto_stop(
    ctx: ServiceContext, caller: Caller, timer_id: UUID, settings: OrganizationSettings
) -> Timer | None:
    async with ctx.uow() as uow:
        now = ctx.clock.now()
        loaded = await load_timer_work(uow, caller, timer_id, now)
        timer = loaded.asked
        if timer is None or not timer.is_active:
            return None
        shift = await shift_of_instant(
            uow,
            timer.organization_id,
            timer.employee_id,
            timer.started_at,
            settings.timezone,
            lead=timedelta(minutes=settings.shift_lead_minutes),
        )
        if shift is None:
            return None
        end, grace = shift.window.end, timedelta(minutes=settings.auto_stop_grace_minutes)
        if timer.started_at > end or now <= end + grace:
            return None
        at = max(end, timer.intervals[-1].started_at)
        stopped = loaded.work.stop(StopReason.SHIFT_END, actor=caller.actor, at=at).timer
        await save_work(uow, loaded.work)
        await uow.commit()
    return stopped
