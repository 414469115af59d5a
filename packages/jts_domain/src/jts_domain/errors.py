"""One error type for every expected failure, carrying a code from PRODUCT.md's set."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """The documented error codes; the API exposes them as ``extensions.code``."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    VALIDATION_ERROR = "VALIDATION_ERROR"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    ATTENDANCE_REQUIRED = "ATTENDANCE_REQUIRED"
    NO_ACTIVE_SHIFT = "NO_ACTIVE_SHIFT"
    NOT_ASSIGNEE = "NOT_ASSIGNEE"
    TIMER_ALREADY_RUNNING = "TIMER_ALREADY_RUNNING"
    GEOFENCE_VIOLATION = "GEOFENCE_VIOLATION"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"


class DomainError(Exception):
    """An expected failure: a code, a message for people, and details for programs.

    >>> err = DomainError(ErrorCode.NOT_FOUND, "task not found", {"id": "42"})
    >>> (err.code, err.message, dict(err.details))
    (<ErrorCode.NOT_FOUND: 'NOT_FOUND'>, 'task not found', {'id': '42'})
    """

    def __init__(
        self, code: ErrorCode, message: str, details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details: Mapping[str, Any] = dict(details or {})


def not_found(entity: str, entity_id: object) -> DomainError:
    """The error for an id that does not exist in the caller's organization."""
    return DomainError(ErrorCode.NOT_FOUND, f"{entity} not found", {"id": str(entity_id)})


def invalid(message: str, **details: Any) -> DomainError:
    """A VALIDATION_ERROR with the offending fields in its details."""
    return DomainError(ErrorCode.VALIDATION_ERROR, message, details)
