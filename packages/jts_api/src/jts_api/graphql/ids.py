"""``ID`` values are UUIDs in text; anything else is a VALIDATION_ERROR naming the field."""

from __future__ import annotations

from uuid import UUID

import strawberry

from jts_domain.errors import invalid


def parse_id(value: strawberry.ID | str, field: str) -> UUID:
    """The UUID an ``ID`` argument holds."""
    try:
        return UUID(str(value))
    except ValueError:
        raise invalid(f"{field} is not a valid id", field=field) from None


def parse_optional_id(value: strawberry.ID | str | None, field: str) -> UUID | None:
    """The UUID an optional ``ID`` argument holds, or None."""
    return None if value is None else parse_id(value, field)


def to_id(value: UUID) -> strawberry.ID:
    """A UUID as a GraphQL ``ID``."""
    return strawberry.ID(str(value))


def to_optional_id(value: UUID | None) -> strawberry.ID | None:
    """An optional UUID as a GraphQL ``ID``."""
    return None if value is None else to_id(value)


def employee_or_self(value: strawberry.ID | str | None, caller_employee_id: UUID | None) -> UUID:
    """The employee an optional ``employeeId`` argument names; the caller when omitted."""
    if value is not None:
        return parse_id(value, "employeeId")
    if caller_employee_id is None:
        raise invalid("employeeId is required", field="employeeId")
    return caller_employee_id
