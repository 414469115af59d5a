"""Shift templates, roster entries and attendance in PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Row, and_, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from jts_domain.errors import not_found
from jts_domain.model import Attendance, AttendanceStatus, RosterEntry, ShiftTemplate
from jts_store.repositories.transaction import TransactionConnection, in_batches
from jts_store.tables import AttendanceRow, RosterEntryRow, ShiftTemplateRow
from jts_store.tables.base import table_of

_shifts = table_of(ShiftTemplateRow)
_roster = table_of(RosterEntryRow)
_attendance = table_of(AttendanceRow)


def _shift(row: Row[Any]) -> ShiftTemplate:
    return ShiftTemplate(
        id=row.id,
        organization_id=row.organization_id,
        name=row.name,
        start_time=row.start_time,
        end_time=row.end_time,
        break_minutes=row.break_minutes,
    )


class SqlShiftTemplates:
    """Shift templates."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def add(self, template: ShiftTemplate) -> None:
        values = {
            "id": template.id,
            "organization_id": template.organization_id,
            "name": template.name,
            "start_time": template.start_time,
            "end_time": template.end_time,
            "break_minutes": template.break_minutes,
        }
        await self._db.execute(insert(_shifts).values(**values))

    async def get(self, organization_id: UUID, template_id: UUID) -> ShiftTemplate:
        statement = select(_shifts).where(
            _shifts.c.id == template_id, _shifts.c.organization_id == organization_id
        )
        row = (await self._db.execute(statement)).one_or_none()
        if row is None:
            raise not_found("shift template", template_id)
        return _shift(row)

    async def list_all(self, organization_id: UUID) -> list[ShiftTemplate]:
        statement = (
            select(_shifts)
            .where(_shifts.c.organization_id == organization_id)
            .order_by(_shifts.c.id)
        )
        return [_shift(row) for row in await self._db.execute(statement)]


def _entry(row: Row[Any]) -> RosterEntry:
    return RosterEntry(
        id=row.id,
        organization_id=row.organization_id,
        employee_id=row.employee_id,
        business_date=row.business_date,
        shift_template_id=row.shift_template_id,
        store_id=row.store_id,
        external_id=row.external_id,
    )


class SqlRoster:
    """Roster entries, one per employee and date (a unique constraint)."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def add(self, entry: RosterEntry) -> None:
        values = {
            "id": entry.id,
            "organization_id": entry.organization_id,
            "employee_id": entry.employee_id,
            "business_date": entry.business_date,
            "shift_template_id": entry.shift_template_id,
            "store_id": entry.store_id,
            "external_id": entry.external_id,
        }
        await self._db.execute(insert(_roster).values(**values))

    async def update(self, entry: RosterEntry) -> None:
        statement = (
            update(_roster)
            .where(
                _roster.c.id == entry.id,
                _roster.c.organization_id == entry.organization_id,
                _roster.c.employee_id == entry.employee_id,
                _roster.c.business_date == entry.business_date,
            )
            .values(shift_template_id=entry.shift_template_id, store_id=entry.store_id)
        )
        if (await self._db.execute(statement)).rowcount == 0:
            raise not_found("roster entry", entry.id)

    async def find(
        self, organization_id: UUID, employee_id: UUID, business_date: date
    ) -> RosterEntry | None:
        statement = select(_roster).where(
            _roster.c.organization_id == organization_id,
            _roster.c.employee_id == employee_id,
            _roster.c.business_date == business_date,
        )
        row = (await self._db.execute(statement)).one_or_none()
        return None if row is None else _entry(row)

    async def list_for_date(self, organization_id: UUID, business_date: date) -> list[RosterEntry]:
        statement = (
            select(_roster)
            .where(
                _roster.c.organization_id == organization_id,
                _roster.c.business_date == business_date,
            )
            .order_by(_roster.c.employee_id)
        )
        return [_entry(row) for row in await self._db.execute(statement)]


def _attendance_values(row: Attendance) -> dict[str, Any]:
    return {
        "id": row.id,
        "organization_id": row.organization_id,
        "employee_id": row.employee_id,
        "business_date": row.business_date,
        "status": row.status.value,
        "store_id": row.store_id,
        "clock_in_at": row.clock_in_at,
        "clock_out_at": row.clock_out_at,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "selfie_ref": row.selfie_ref,
        "override_by": row.override_by,
        "override_reason": row.override_reason,
        "version": row.version,
    }


def _attendance_of(row: Row[Any]) -> Attendance:
    values = dict(row._mapping)
    values["status"] = AttendanceStatus(values["status"])
    return Attendance(**values)


class SqlAttendance:
    """Attendance rows, one per employee and date; one open per employee."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db

    async def add(self, attendance: Attendance) -> None:
        await self._db.execute(insert(_attendance).values(**_attendance_values(attendance)))

    async def update(self, attendance: Attendance) -> None:
        values = _attendance_values(attendance)
        for key in ("organization_id", "employee_id", "business_date", "version"):
            del values[key]
        await self._db.update_versioned(
            _attendance,
            [
                _attendance.c.organization_id == attendance.organization_id,
                _attendance.c.employee_id == attendance.employee_id,
                _attendance.c.business_date == attendance.business_date,
            ],
            entity="attendance",
            record_id=attendance.id,
            version=attendance.version,
            values=values,
        )
        attendance.version += 1

    async def find(
        self, organization_id: UUID, employee_id: UUID, business_date: date
    ) -> Attendance | None:
        statement = select(_attendance).where(
            _attendance.c.organization_id == organization_id,
            _attendance.c.employee_id == employee_id,
            _attendance.c.business_date == business_date,
        )
        row = (await self._db.execute(statement)).one_or_none()
        return None if row is None else _attendance_of(row)

    async def find_open(self, organization_id: UUID, employee_id: UUID) -> Attendance | None:
        statement = select(_attendance).where(
            _attendance.c.organization_id == organization_id,
            _attendance.c.employee_id == employee_id,
            _attendance.c.clock_in_at.is_not(None),
            _attendance.c.clock_out_at.is_(None),
        )
        row = (await self._db.execute(statement)).first()
        return None if row is None else _attendance_of(row)

    async def add_missing(self, rows: Sequence[Attendance]) -> int:
        added = 0
        for batch in in_batches(rows, len(_attendance.c)):
            statement = (
                pg_insert(_attendance)
                .values([_attendance_values(row) for row in batch])
                .on_conflict_do_nothing(index_elements=["employee_id", "business_date"])
            )
            added += (await self._db.execute(statement)).rowcount
        return added

    async def list_for_date(self, organization_id: UUID, business_date: date) -> list[Attendance]:
        statement = (
            select(_attendance)
            .where(
                _attendance.c.organization_id == organization_id,
                _attendance.c.business_date == business_date,
            )
            .order_by(_attendance.c.employee_id)
        )
        return [_attendance_of(row) for row in await self._db.execute(statement)]

    async def punctuality(
        self, organization_id: UUID, date_from: date, date_to: date
    ) -> dict[UUID, tuple[int, int]]:
        punctual = func.count().filter(_attendance.c.status == AttendanceStatus.PRESENT.value)
        statement = (
            select(_roster.c.employee_id, punctual, func.count())
            .select_from(
                _roster.outerjoin(
                    _attendance,
                    and_(
                        _attendance.c.employee_id == _roster.c.employee_id,
                        _attendance.c.business_date == _roster.c.business_date,
                    ),
                )
            )
            .where(
                _roster.c.organization_id == organization_id,
                _roster.c.business_date.between(date_from, date_to),
            )
            .group_by(_roster.c.employee_id)
        )
        rows = await self._db.execute(statement)
        return {employee_id: (done, total) for employee_id, done, total in rows}
