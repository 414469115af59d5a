"""Checking one source row: the fields a row may carry, and why a row is refused.

Employee rows: ``externalId``, ``email``, ``name`` (required), ``role`` (EMPLOYEE or
MANAGER; applied when the employee is created), ``department``, ``jobCategory`` and
``store`` (the home store). Roster rows: ``externalId``, ``employeeExternalId``, ``date``
(``YYYY-MM-DD``), ``shift`` and ``store`` (all required). Departments, stores and shifts
are named by their JTS name (compared without case) or their JTS id. An external id is
text of 1–100 characters (a whole number is taken as its digits). Other fields are
ignored. Text holding NUL or a character that is not Unicode is refused.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

from jts_domain.errors import DomainError
from jts_domain.model import JobCategory, Role
from jts_domain.roster_sync.model import EmployeeRecord, RosterRecord
from jts_domain.services.organization import clean_email, clean_name

MAX_EXTERNAL_ID = 100
MAX_REFERENCE = 200
#: Roles a sync may give a new employee (admins are made in JTS only).
SYNC_ROLES = frozenset({Role.EMPLOYEE, Role.MANAGER})
#: Control characters (NUL included) and lone surrogates: PostgreSQL text holds neither.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs"})


#: The field a source client puts in place of a row that is not a JSON object.
NOT_AN_OBJECT = "_notAnObject"


class RowRejectedError(Exception):
    """A row that cannot be applied, and why (in words for the person reading results)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _text(fields: dict[str, Any], name: str, *, required: bool, limit: int) -> str | None:
    value = fields.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise RowRejectedError(f"{name} is required")
        return None
    if not isinstance(value, str):
        raise RowRejectedError(f"{name} must be text")
    text = value.strip()
    if any(unicodedata.category(c) in _REFUSED_CATEGORIES for c in text):
        raise RowRejectedError(f"{name} holds control characters or non-Unicode text")
    if len(text) > limit:
        raise RowRejectedError(f"{name} is longer than {limit} characters")
    return text


def _required(fields: dict[str, Any], name: str, limit: int = MAX_REFERENCE) -> str:
    text = _text(fields, name, required=True, limit=limit)
    assert text is not None  # required
    return text


def _optional(fields: dict[str, Any], name: str) -> str | None:
    return _text(fields, name, required=False, limit=MAX_REFERENCE)


def _cleaned(clean: Callable[[str], str], value: str) -> str:
    try:
        return clean(value)
    except DomainError as error:
        raise RowRejectedError(error.message) from None


def _role(value: str | None) -> Role | None:
    if value is None:
        return None
    try:
        role = Role(value.upper())
    except ValueError:
        raise RowRejectedError(f"role {value!r} is not EMPLOYEE or MANAGER") from None
    if role not in SYNC_ROLES:
        raise RowRejectedError("the roster sync makes no admins: role is EMPLOYEE or MANAGER")
    return role


def _job_category(value: str | None) -> JobCategory | None:
    if value is None:
        return None
    try:
        return JobCategory(value.upper())
    except ValueError:
        known = ", ".join(c.value for c in JobCategory)
        raise RowRejectedError(f"jobCategory {value!r} is not one of {known}") from None


def _require_object(fields: dict[str, Any]) -> None:
    if NOT_AN_OBJECT in fields:
        raise RowRejectedError("the row is not a JSON object")


def employee_record(fields: dict[str, Any]) -> EmployeeRecord:
    """A checked employee row, or :class:`RowRejectedError`.

    >>> employee_record({"externalId": 1001, "email": "Ravi@Example.test", "name": " Ravi "})
    EmployeeRecord(external_id='1001', email='ravi@example.test', name='Ravi', role=None, \
department=None, job_category=None, store=None)
    """
    _require_object(fields)
    return EmployeeRecord(
        external_id=_required(fields, "externalId", MAX_EXTERNAL_ID),
        email=_cleaned(clean_email, _required(fields, "email", 254)),
        name=_cleaned(clean_name, _required(fields, "name")),
        role=_role(_optional(fields, "role")),
        department=_optional(fields, "department"),
        job_category=_job_category(_optional(fields, "jobCategory")),
        store=_optional(fields, "store"),
    )


def roster_record(fields: dict[str, Any]) -> RosterRecord:
    """A checked roster row, or :class:`RowRejectedError`."""
    _require_object(fields)
    day = _required(fields, "date", 10)
    try:
        business_date = date.fromisoformat(day)
    except ValueError:
        raise RowRejectedError(f"date {day!r} is not a date (YYYY-MM-DD)") from None
    return RosterRecord(
        external_id=_required(fields, "externalId", MAX_EXTERNAL_ID),
        employee_external_id=_required(fields, "employeeExternalId", MAX_EXTERNAL_ID),
        business_date=business_date,
        shift=_required(fields, "shift"),
        store=_required(fields, "store"),
    )
