"""Tenants, people and places: organizations, employees, departments, stores."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column

from jts_domain.model import JobCategory, Role
from jts_store.tables.base import Base, one_of, organization_reference, reference


class OrganizationRow(Base):
    """A tenant; its settings are one JSONB document."""

    __tablename__ = "organizations"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    name: Mapped[str]
    settings: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class EmployeeRow(Base):
    """A person; e-mails are unique across organizations, compared lower-case."""

    __tablename__ = "employees"
    __table_args__ = (
        one_of("role", Role, "role"),
        one_of("job_category", JobCategory, "job_category", nullable=True),
        Index("ix_employees_organization_id_department_id", "organization_id", "department_id"),
        UniqueConstraint("organization_id", "external_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference(), index=True)
    email: Mapped[str]
    name: Mapped[str]
    role: Mapped[str]
    department_id: Mapped[UUID | None] = mapped_column(reference("departments.id"))
    job_category: Mapped[str | None]
    store_id: Mapped[UUID | None] = mapped_column(reference("stores.id"))
    active: Mapped[bool]
    created_at: Mapped[datetime]
    password_hash: Mapped[str | None]
    #: Moves on at every access change; tokens of an older epoch are refused.
    access_epoch: Mapped[int] = mapped_column(server_default=text("0"))
    #: The id in the organization's HR system (roster sync); unique per organization.
    external_id: Mapped[str | None]


Index("ux_employees_lower_email", func.lower(EmployeeRow.email), unique=True)


class DepartmentRow(Base):
    """A team, optionally with the employee who manages it."""

    __tablename__ = "departments"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference(), index=True)
    name: Mapped[str]
    manager_id: Mapped[UUID | None] = mapped_column(
        reference("employees.id", use_alter=True), index=True
    )


class StoreRow(Base):
    """A place of work with its geofence."""

    __tablename__ = "stores"
    __table_args__ = (
        CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude_range"),
        CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude_range"),
        CheckConstraint("radius_meters > 0", name="radius_positive"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID] = mapped_column(organization_reference(), index=True)
    name: Mapped[str]
    latitude: Mapped[float]
    longitude: Mapped[float]
    radius_meters: Mapped[float]
