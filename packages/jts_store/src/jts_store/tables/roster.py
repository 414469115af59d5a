"""Shifts, rosters and attendance."""

from __future__ import annotations

from datetime import date, datetime, time
from uuid import UUID

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from jts_domain.model import AttendanceStatus
from jts_store.tables.base import Base, one_of, organization_reference, reference


class ShiftTemplateRow(Base):
    """A named shift; an end not after the start crosses midnight."""

    __tablename__ = "shift_templates"
    __table_args__ = (CheckConstraint("break_minutes >= 0", name="break_minutes_not_negative"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference(), index=True)
    name: Mapped[str]
    start_time: Mapped[time]
    end_time: Mapped[time]
    break_minutes: Mapped[int]


class RosterEntryRow(Base):
    """An employee's shift on a business date: one per employee and date."""

    __tablename__ = "roster_entries"
    __table_args__ = (
        UniqueConstraint("employee_id", "business_date"),
        Index(
            "ix_roster_entries_organization_id_business_date", "organization_id", "business_date"
        ),
        UniqueConstraint("organization_id", "external_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    employee_id: Mapped[UUID] = mapped_column(reference("employees.id"))
    business_date: Mapped[date]
    shift_template_id: Mapped[UUID] = mapped_column(reference("shift_templates.id"), index=True)
    store_id: Mapped[UUID] = mapped_column(reference("stores.id"), index=True)
    #: The id in the organization's HR system (roster sync); unique per organization.
    external_id: Mapped[str | None]


class AttendanceRow(Base):
    """An employee's attendance on a date; at most one open (clocked in, not out)."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("employee_id", "business_date"),
        Index(
            "ux_attendance_one_open_per_employee",
            "employee_id",
            unique=True,
            postgresql_where=text("clock_in_at IS NOT NULL AND clock_out_at IS NULL"),
        ),
        Index("ix_attendance_organization_id_business_date", "organization_id", "business_date"),
        one_of("status", AttendanceStatus, "status"),
        CheckConstraint("latitude IS NULL OR latitude BETWEEN -90 AND 90", name="latitude_range"),
        CheckConstraint(
            "longitude IS NULL OR longitude BETWEEN -180 AND 180", name="longitude_range"
        ),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    employee_id: Mapped[UUID] = mapped_column(reference("employees.id"))
    business_date: Mapped[date]
    status: Mapped[str]
    store_id: Mapped[UUID | None] = mapped_column(reference("stores.id"), index=True)
    clock_in_at: Mapped[datetime | None]
    clock_out_at: Mapped[datetime | None]
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    selfie_ref: Mapped[str | None]
    override_by: Mapped[UUID | None] = mapped_column(reference("employees.id"), index=True)
    override_reason: Mapped[str | None]
    version: Mapped[int]
