"""Driver errors translated into domain errors, in this one place.

A repository or the unit of work hands every ``DBAPIError`` it meets to
:func:`translate`; a constraint the database guards becomes the ``DomainError`` a
use case expects, and anything unexpected is re-raised untouched.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm.exc import StaleDataError

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.text import UNSTORABLE_TEXT_MESSAGE
from jts_store.activity.tables import PROJECT_NAME_INDEX
from jts_store.tables import ONE_ACTIVE_TIMER_INDEX

UNIQUE_VIOLATION = "23505"
FOREIGN_KEY_VIOLATION = "23503"
CHECK_VIOLATION = "23514"
NOT_NULL_VIOLATION = "23502"
SERIALIZATION_FAILURE = "40001"
DEADLOCK_DETECTED = "40P01"
#: Raised by ``jts_expect`` (migration 0031) when a guarded statement's versioned update
#: found no row: a concurrent change won, and the statement wrote nothing.
LOST_UPDATE = "JT409"
#: Text the server cannot take: a NUL byte, or a ``\u0000`` / lone surrogate escape in
#: JSON that reached it without the store's guard (a document serialized by hand).
CHARACTER_NOT_IN_REPERTOIRE = "22021"
UNTRANSLATABLE_CHARACTER = "22P05"
#: ... or, for a lone surrogate escape in JSON, "invalid input syntax for type json"
#: (JSON the store writes is otherwise always well formed).
INVALID_TEXT_REPRESENTATION = "22P02"

#: Unique constraints with a meaning people understand, and what to tell them.
_UNIQUE_MEANINGS: dict[str, tuple[ErrorCode, str]] = {
    ONE_ACTIVE_TIMER_INDEX: (
        ErrorCode.TIMER_ALREADY_RUNNING,
        "the employee already has a timer that is not stopped",
    ),
    "uq_roster_entries_employee_id_business_date": (
        ErrorCode.VALIDATION_ERROR,
        "the employee is already rostered on this date",
    ),
    "uq_attendance_employee_id_business_date": (
        ErrorCode.VALIDATION_ERROR,
        "attendance for this employee and date exists",
    ),
    "ux_attendance_one_open_per_employee": (
        ErrorCode.VALIDATION_ERROR,
        "the employee is already clocked in",
    ),
    "ux_employees_lower_email": (ErrorCode.VALIDATION_ERROR, "this e-mail is already registered"),
    "ux_tasks_generated_once": (
        ErrorCode.CONFLICT,
        "the template already generated a task for this employee and date",
    ),
    PROJECT_NAME_INDEX: (ErrorCode.VALIDATION_ERROR, "a project of this name exists"),
}


def _driver_detail(error: DBAPIError) -> tuple[str | None, str | None, str | None]:
    """(SQLSTATE, constraint name, table name) of the asyncpg error under SQLAlchemy's."""
    cause: Any = getattr(error.orig, "__cause__", None) or error.orig
    return (
        getattr(cause, "sqlstate", None) or getattr(error.orig, "pgcode", None),
        getattr(cause, "constraint_name", None),
        getattr(cause, "table_name", None),
    )


def translate_postgres(error: Exception) -> DomainError | None:
    """:func:`translate` for an error of the driver met without SQLAlchemy around it."""
    detail = (
        getattr(error, "sqlstate", None),
        getattr(error, "constraint_name", None),
        getattr(error, "table_name", None),
    )
    return _translated(detail, error)


def _unique_violation(constraint: str | None) -> DomainError:
    if constraint in _UNIQUE_MEANINGS:
        code, message = _UNIQUE_MEANINGS[constraint]
        return DomainError(code, message, {"constraint": constraint})
    if constraint is not None and constraint.startswith("pk_"):
        return DomainError(ErrorCode.CONFLICT, "a record with this id exists")
    return DomainError(
        ErrorCode.CONFLICT, "the record conflicts with an existing one", {"constraint": constraint}
    )


def translate(error: DBAPIError) -> DomainError | None:
    """The domain error a driver error stands for, or None when it stands for none."""
    cause: Any = getattr(error.orig, "__cause__", None) or error.orig
    return _translated(_driver_detail(error), cause)


def _translated(
    detail: tuple[str | None, str | None, str | None], cause: object
) -> DomainError | None:
    """The domain error of (SQLSTATE, constraint, table), ``cause`` being the driver's
    error (its message)."""
    sqlstate, constraint, table = detail
    details = {"constraint": constraint, "table": table}
    if sqlstate == UNIQUE_VIOLATION:
        return _unique_violation(constraint)
    if sqlstate == FOREIGN_KEY_VIOLATION:
        return DomainError(ErrorCode.NOT_FOUND, "a referenced record does not exist", details)
    if sqlstate in (CHECK_VIOLATION, NOT_NULL_VIOLATION):
        return DomainError(
            ErrorCode.VALIDATION_ERROR, "a value is missing or out of range", details
        )
    if sqlstate in (CHARACTER_NOT_IN_REPERTOIRE, UNTRANSLATABLE_CHARACTER) or (
        sqlstate == INVALID_TEXT_REPRESENTATION and "json" in str(cause)
    ):
        return DomainError(
            ErrorCode.VALIDATION_ERROR,
            f"text {UNSTORABLE_TEXT_MESSAGE}",
            {"table": table},
        )
    return _conflict(sqlstate, cause, details)


def _conflict(sqlstate: str | None, cause: object, details: dict[str, Any]) -> DomainError | None:
    """CONFLICT for a guarded statement's lost update, a serialization failure, a deadlock."""
    if sqlstate == LOST_UPDATE:
        message = getattr(cause, "message", None)
        text = (
            str(message) if message else "the record was changed by someone else; reload and retry"
        )
        return DomainError(ErrorCode.CONFLICT, text, details)
    if sqlstate in (SERIALIZATION_FAILURE, DEADLOCK_DETECTED):
        return DomainError(ErrorCode.CONFLICT, "a concurrent change won; reload and retry", details)
    return None


def stale(entity: str, record_id: object, version: int) -> DomainError:
    """The CONFLICT of an update made from a stale version of a record."""
    return DomainError(
        ErrorCode.CONFLICT,
        f"the {entity} was changed by someone else; reload and retry",
        {"id": str(record_id), "version": version},
    )


@asynccontextmanager
async def domain_errors() -> AsyncIterator[None]:
    """Run a block, raising the domain error of any driver error it translates."""
    try:
        yield
    except DBAPIError as error:
        translated = translate(error)
        if translated is None:
            raise
        raise translated from error
    except StatementError as error:
        # a bind processor refused a value (the JSON serializer of the text guard)
        if isinstance(error.orig, DomainError):
            raise error.orig from error
        raise
    except StaleDataError as error:
        raise DomainError(ErrorCode.CONFLICT, "the record was changed by someone else") from error
