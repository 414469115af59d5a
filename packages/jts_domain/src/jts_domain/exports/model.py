"""What an export holds: its kinds, their columns, the scope of one export, and the text
form of its cells.

Every cell is text (or None for an empty cell), already in the form a file shows:

* an instant is ISO 8601 in the organization's timezone, to the second, with its offset
  (``2026-03-02T09:00:00+05:30``);
* a date is ``YYYY-MM-DD``;
* a number is plain decimal text without trailing zeros (``3600``, ``1800.5``); a
  duration is exact seconds;
* a flag is ``true`` or ``false``.

The store produces these strings in SQL, so a writer only copies them; the in-memory
adapter produces the same strings with :func:`local_iso`, :func:`plain_number` and
:func:`flag`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING
from uuid import UUID

from jts_domain.shifts import zone

if TYPE_CHECKING:  # the ports import this module's scope
    from jts_domain.ports import TaskReach

#: One exported row: a text cell per column (None is an empty cell).
ExportRow = Sequence[str | None]


class ExportKind(StrEnum):
    """What is exported (the file name's stem in ``/exports/<kind>.<format>``)."""

    TIMESHEETS = "timesheets"
    ATTENDANCE = "attendance"
    SCORES = "scores"
    TASKS = "tasks"


class CellKind(StrEnum):
    """How a column's text is to be read (a spreadsheet writes each kind natively)."""

    TEXT = "TEXT"
    #: text people typed (names, titles, reasons): it may start with anything
    FREE_TEXT = "FREE_TEXT"
    DATE = "DATE"
    INSTANT = "INSTANT"
    NUMBER = "NUMBER"
    FLAG = "FLAG"


@dataclass(frozen=True, slots=True)
class ExportColumn:
    """A column: its header and how its cells read."""

    name: str
    kind: CellKind = CellKind.TEXT


def _columns(*spec: str) -> tuple[ExportColumn, ...]:
    """Columns from ``name`` or ``name:KIND`` strings."""
    columns = []
    for item in spec:
        name, _, kind = item.partition(":")
        columns.append(ExportColumn(name, CellKind(kind) if kind else CellKind.TEXT))
    return tuple(columns)


_PERSON = (
    "employee_id",
    "employee_name:FREE_TEXT",
    "employee_email:FREE_TEXT",
    "department:FREE_TEXT",
)

#: The columns of each kind, in file order. Rows are ordered as documented per kind.
EXPORT_COLUMNS: dict[ExportKind, tuple[ExportColumn, ...]] = {
    # one row per timer whose business date is in the range; by date, start, id
    ExportKind.TIMESHEETS: _columns(
        "timer_id",
        "business_date:DATE",
        *_PERSON,
        "task_id",
        "task_title:FREE_TEXT",
        "state",
        "started_at:INSTANT",
        "stopped_at:INSTANT",
        "active_seconds:NUMBER",
        "pause_seconds:NUMBER",
        "break_seconds:NUMBER",
        "stop_reason",
        "auto_stopped:FLAG",
    ),
    # one row per attendance row of the range; by date, employee id
    ExportKind.ATTENDANCE: _columns(
        "business_date:DATE",
        *_PERSON,
        "status",
        "store:FREE_TEXT",
        "clock_in_at:INSTANT",
        "clock_out_at:INSTANT",
        "override_by",
        "override_reason:FREE_TEXT",
    ),
    # one row per daily score of the range; by date, employee id
    ExportKind.SCORES: _columns(
        "business_date:DATE",
        *_PERSON,
        "score:NUMBER",
        "reliability:NUMBER",
        "completion:NUMBER",
        "timeliness:NUMBER",
        "utilization:NUMBER",
        "sla:NUMBER",
        "quality:NUMBER",
        "calculated_at:INSTANT",
    ),
    # one row per task whose plan date (planner.plan_date) is in the range; by plan date,
    # creation, id
    ExportKind.TASKS: _columns(
        "task_id",
        "plan_date:DATE",
        "title:FREE_TEXT",
        "status",
        "priority",
        "assignee_id",
        "assignee_name:FREE_TEXT",
        "department:FREE_TEXT",
        "store:FREE_TEXT",
        "job_category",
        "due_at:INSTANT",
        "sla_deadline:INSTANT",
        "sla_status",
        "estimated_minutes:NUMBER",
        "actual_seconds:NUMBER",
        "requires_review:FLAG",
        "quality_rating:NUMBER",
        "source",
        "created_at:INSTANT",
        "completed_at:INSTANT",
    ),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class EmployeeReach:
    """The employees whose rows a caller may export: those whose department is one of
    ``department_ids``, and ``employee_id`` (themselves)."""

    department_ids: frozenset[UUID] = frozenset()
    employee_id: UUID | None = None

    def covers(self, employee_id: UUID, department_id: UUID | None) -> bool:
        """Whether an employee (of that current department) is within reach."""
        return employee_id == self.employee_id or (
            department_id is not None and department_id in self.department_ids
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportScope:
    """One checked export: what, for which dates, department and reach, read when.

    ``employee_reach`` applies to the kinds about employees, ``task_reach`` to tasks;
    None is the whole organization. ``at`` is the instant an open timer interval counts
    up to (the export's own now).
    """

    organization_id: UUID
    kind: ExportKind
    date_from: date
    date_to: date
    timezone: str
    at: datetime
    department_id: UUID | None = None
    employee_reach: EmployeeReach | None = None
    task_reach: TaskReach | None = None

    @property
    def columns(self) -> tuple[ExportColumn, ...]:
        """The columns of the export's kind."""
        return EXPORT_COLUMNS[self.kind]

    def file_stem(self) -> str:
        """``timesheets-2026-03-01-2026-03-31``: the kind and the range."""
        return f"{self.kind.value}-{self.date_from.isoformat()}-{self.date_to.isoformat()}"


def local_iso(instant: datetime | None, timezone: str) -> str | None:
    """An instant as export text: ISO 8601 in the timezone, to the second (truncated).

    >>> from datetime import UTC
    >>> local_iso(datetime(2026, 3, 2, 3, 30, 15, 999_999, tzinfo=UTC), "Asia/Kolkata")
    '2026-03-02T09:00:15+05:30'
    """
    if instant is None:
        return None
    return instant.astimezone(zone(timezone)).replace(microsecond=0).isoformat()


def plain_number(value: Decimal | int | None) -> str | None:
    """A number as export text: plain decimal, no trailing zeros.

    >>> [plain_number(Decimal(v)) for v in ("3600.000000", "1800.50", "0.000", "87.25")]
    ['3600', '1800.5', '0', '87.25']
    """
    if value is None:
        return None
    text = f"{Decimal(value):f}"  # exact: no rounding to a context's precision
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def seconds_text(duration: timedelta) -> str:
    """A duration as exact seconds (microsecond precision), as export text.

    >>> seconds_text(timedelta(minutes=30, microseconds=500_000))
    '1800.5'
    """
    micros = duration // timedelta(microseconds=1)
    text = plain_number(Decimal(micros) / Decimal(1_000_000))
    return text or "0"


def flag(value: bool) -> str:
    """A flag as export text."""
    return "true" if value else "false"
