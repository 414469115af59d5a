"""The records of roster sync: the configured source, the rows it brings, what became of
each row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from jts_domain.model import JobCategory, Role

#: How many characters of a secret its hint shows (the last ones), when it is long enough.
_HINT_CHARACTERS = 4
_HINT_MIN_LENGTH = 12


class Secret:
    """A value that must never be shown or logged: ``repr`` and ``str`` hide it.

    >>> token = Secret("s3cr3t-token-value")
    >>> token, str(token), token.hint()
    (Secret('****'), '****', '…alue')
    >>> token.reveal()
    's3cr3t-token-value'
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The value itself: only for sending it where it belongs."""
        return self._value

    def hint(self) -> str:
        """What a person may see: its last four characters, when it has twelve or more."""
        if len(self._value) < _HINT_MIN_LENGTH:
            return "****"
        return "…" + self._value[-_HINT_CHARACTERS:]

    def __repr__(self) -> str:
        return "Secret('****')"

    def __str__(self) -> str:
        return "****"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class RowKind(StrEnum):
    """What a row describes."""

    EMPLOYEE = "EMPLOYEE"
    ROSTER = "ROSTER"


class RowStatus(StrEnum):
    """What became of a row."""

    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"
    DUPLICATE = "DUPLICATE"
    FAILED = "FAILED"


@dataclass(frozen=True, slots=True, kw_only=True)
class RowResult:
    """One row's outcome. ``line`` is the CSV line, or the row's 1-based position in its
    list (``employees`` or ``roster``) across the source's pages. ``kind`` is None for a
    CSV row whose kind cell names no kind."""

    line: int
    kind: RowKind | None
    external_id: str | None
    status: RowStatus
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncCounts:
    """How many rows ended in each status."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    failed: int = 0

    @classmethod
    def of(cls, results: list[RowResult]) -> SyncCounts:
        """The counts of a list of results."""
        by_status = dict.fromkeys(RowStatus, 0)
        for result in results:
            by_status[result.status] += 1
        return cls(
            created=by_status[RowStatus.CREATED],
            updated=by_status[RowStatus.UPDATED],
            unchanged=by_status[RowStatus.UNCHANGED],
            duplicates=by_status[RowStatus.DUPLICATE],
            failed=by_status[RowStatus.FAILED],
        )

    def as_dict(self) -> dict[str, int]:
        """The counts as JSON."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "failed": self.failed,
        }

    def describe(self) -> str:
        """``3 created, 1 updated, 40 unchanged, 0 duplicates, 1 failed``."""
        return ", ".join(f"{n} {name}" for name, n in self.as_dict().items())


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncReport:
    """What a sync or an import did: every row's result, in the order rows were read."""

    results: tuple[RowResult, ...] = ()
    configured: bool = True

    @property
    def counts(self) -> SyncCounts:
        """How many rows ended in each status."""
        return SyncCounts.of(list(self.results))

    @property
    def failures(self) -> tuple[RowResult, ...]:
        """The rows that failed, with their reasons."""
        return tuple(r for r in self.results if r.status is RowStatus.FAILED)


@dataclass(slots=True, kw_only=True)
class RosterSource:
    """An organization's HR system: where ``sync_roster`` pulls from, and how it went."""

    organization_id: UUID
    url: str
    token: Secret
    updated_at: datetime
    updated_by: UUID | None = None
    last_synced_at: datetime | None = None
    last_counts: SyncCounts | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EmployeeRecord:
    """A checked employee row. References (department, store) are names or ids."""

    external_id: str
    email: str
    name: str
    role: Role | None = None
    department: str | None = None
    job_category: JobCategory | None = None
    store: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RosterRecord:
    """A checked roster row: the employee by external id, shift and store by name or id."""

    external_id: str
    employee_external_id: str
    business_date: date
    shift: str
    store: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceRow:
    """A row as read, before it is checked: its position, kind and fields."""

    line: int
    kind: RowKind
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class RosterPage:
    """One answer of a roster source: its rows and the cursor of the next page."""

    employees: tuple[dict[str, Any], ...] = ()
    roster: tuple[dict[str, Any], ...] = ()
    next_cursor: str | None = None
