"""Applying a batch of source rows in one unit of work: upsert by external id.

Employees:

* matched by external id; else by e-mail within the organization when that employee has
  no external id yet (it is linked: UPDATED); an e-mail of another employee (here or in
  another organization) fails the row;
* created with the row's role (EMPLOYEE when none); an existing employee keeps their
  role (roles change in JTS, audited as role changes) and their active flag;
* department, job category and home store are the row's: absent means none.

Roster entries (one per employee and date):

* matched by external id (its employee and date may change, unless the new employee
  and date already have another entry); else the employee's entry of that date when it
  has no external id yet (linked: UPDATED); an entry of that date with another external
  id fails the row;
* the employee must exist (by external id), be active and, for a manager's import, be
  in a department they manage.

A row identical to one already applied in the same run is a DUPLICATE; a row repeating
an external id with other values fails. Nothing is written for a row that did not change
(UNCHANGED), so the same sync twice writes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from uuid import UUID

from jts_domain.ids import new_id
from jts_domain.model import Employee, Role, RosterEntry
from jts_domain.ports import UnitOfWork
from jts_domain.roster_sync.model import (
    EmployeeRecord,
    RosterRecord,
    RowKind,
    RowResult,
    RowStatus,
    SourceRow,
)
from jts_domain.roster_sync.records import RowRejectedError, employee_record, roster_record
from jts_domain.roster_sync.references import References
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller

Record = EmployeeRecord | RosterRecord


@dataclass(slots=True)
class SyncRun:
    """What one sync or import has seen so far (across its batches), and who runs it.

    ``reach`` is None for a caller reaching the whole organization, else the departments
    whose employees the caller may roster.
    """

    caller: Caller
    reach: frozenset[UUID] | None = None
    seen: dict[tuple[RowKind, str], Record] = field(default_factory=dict)


def _result(
    row: SourceRow, external_id: str | None, status: RowStatus, reason: str | None = None
) -> RowResult:
    return RowResult(
        line=row.line, kind=row.kind, external_id=external_id, status=status, reason=reason
    )


def _checked(row: SourceRow, run: SyncRun) -> Record | RowResult:
    """The row's record, or its result when it is refused or a duplicate."""
    raw_id = row.fields.get("externalId")
    try:
        record: Record = (
            employee_record(row.fields)
            if row.kind is RowKind.EMPLOYEE
            else roster_record(row.fields)
        )
    except RowRejectedError as error:
        shown = str(raw_id)[:100] if raw_id is not None else None
        return _result(row, shown, RowStatus.FAILED, error.reason)
    key = (row.kind, record.external_id)
    earlier = run.seen.get(key)
    if earlier == record:
        return _result(row, record.external_id, RowStatus.DUPLICATE, "the same row came earlier")
    if earlier is not None:
        reason = "this externalId came earlier with other values"
        return _result(row, record.external_id, RowStatus.FAILED, reason)
    run.seen[key] = record
    return record


def _entry_match(
    current: RosterEntry | None, occupant: RosterEntry | None
) -> tuple[RosterEntry | None, str | None]:
    """The entry a roster row is about — ``current`` (by external id), else the
    ``occupant`` of its employee and date when that has no external id — and a note when
    linked; :class:`RowRejectedError` when the date holds another entry."""
    if current is None and occupant is not None:
        if occupant.external_id is not None:
            other = occupant.external_id
            raise RowRejectedError(f"the employee has another entry that date ({other!r})")
        return occupant, "linked to the employee's entry of that date"
    if current is not None and occupant is not None and occupant.id != current.id:
        raise RowRejectedError("the employee has another entry that date")
    return current, None


class BatchApplier:
    """Applies one batch's rows in one unit of work (see the module docstring)."""

    def __init__(
        self, uow: UnitOfWork, run: SyncRun, now: datetime, references: References
    ) -> None:
        self.uow = uow
        self.run = run
        self.now = now
        self.refs = references
        self.org = run.caller.organization_id

    async def apply(self, rows: list[SourceRow]) -> list[RowResult]:
        """Every row's result, in the rows' order (employees are applied first)."""
        checked = [(row, _checked(row, self.run)) for row in rows]
        results: dict[int, RowResult] = {}
        employees = [(i, r, c) for i, (r, c) in enumerate(checked) if isinstance(c, EmployeeRecord)]
        entries = [(i, r, c) for i, (r, c) in enumerate(checked) if isinstance(c, RosterRecord)]
        results.update({i: c for i, (_, c) in enumerate(checked) if isinstance(c, RowResult)})
        results.update(await self._employees(employees))
        results.update(await self._entries(entries))
        return [results[i] for i in range(len(rows))]

    async def _audit(self, action: str, entity_id: UUID, summary: str) -> None:
        await record_change(
            self.uow,
            self.org,
            self.run.caller.actor,
            self.now,
            action=action,
            entity_type=action.partition(".")[0],
            entity_id=entity_id,
            summary=summary,
        )

    async def _employees(
        self, items: list[tuple[int, SourceRow, EmployeeRecord]]
    ) -> dict[int, RowResult]:
        if not items:
            return {}
        repo = self.uow.roster_sync
        by_external = await repo.employees_by_external_id(
            self.org, [c.external_id for _, _, c in items]
        )
        by_email = await repo.employees_by_email([c.email for _, _, c in items])
        results: dict[int, RowResult] = {}
        for index, row, record in items:
            try:
                status, reason = await self._employee(record, by_external, by_email)
            except RowRejectedError as error:
                status, reason = RowStatus.FAILED, error.reason
            results[index] = _result(row, record.external_id, status, reason)
        return results

    def _employee_match(
        self,
        record: EmployeeRecord,
        by_external: dict[str, Employee],
        by_email: dict[str, Employee],
    ) -> tuple[Employee | None, str | None]:
        """The employee the row is about (or None: a new one), and a note when linked."""
        current = by_external.get(record.external_id)
        holder = by_email.get(record.email)
        if current is not None:
            if holder is not None and holder.id != current.id:
                raise RowRejectedError("this email is already registered to another employee")
            return current, None
        if holder is None:
            return None, None
        if holder.organization_id != self.org or holder.external_id is not None:
            raise RowRejectedError("this email is already registered to another employee")
        return holder, "linked to the employee with this email"

    async def _employee(
        self,
        record: EmployeeRecord,
        by_external: dict[str, Employee],
        by_email: dict[str, Employee],
    ) -> tuple[RowStatus, str | None]:
        current, note = self._employee_match(record, by_external, by_email)
        wanted = {
            "email": record.email,
            "name": record.name,
            "department_id": self.refs.department(record.department),
            "job_category": record.job_category,
            "store_id": self.refs.store(record.store),
            "external_id": record.external_id,
        }
        if current is None:
            employee = Employee(
                id=new_id(),
                organization_id=self.org,
                role=record.role or Role.EMPLOYEE,
                created_at=self.now,
                **wanted,  # type: ignore[arg-type]
            )
            await self.uow.employees.add(employee)
            summary = f"{employee.email} as {employee.role.value}, external id {record.external_id}"
            await self._audit("employee.create", employee.id, summary)
            status = RowStatus.CREATED
        else:
            changed = sorted(k for k, v in wanted.items() if getattr(current, k) != v)
            if not changed:
                return RowStatus.UNCHANGED, None
            employee = replace(current, **wanted)  # type: ignore[arg-type]
            await self.uow.roster_sync.update_employee(employee)
            summary = f"{employee.email}: {', '.join(changed)} from the roster sync"
            await self._audit("employee.update", employee.id, summary)
            status = RowStatus.UPDATED
        if current is not None and current.email != employee.email:
            by_email.pop(current.email, None)
        by_external[record.external_id] = by_email[employee.email] = employee
        return status, note

    async def _entries(
        self, items: list[tuple[int, SourceRow, RosterRecord]]
    ) -> dict[int, RowResult]:
        if not items:
            return {}
        repo = self.uow.roster_sync
        people = await repo.employees_by_external_id(
            self.org, [c.employee_external_id for _, _, c in items]
        )
        by_external = await repo.roster_by_external_id(
            self.org, [c.external_id for _, _, c in items]
        )
        keys = [
            (people[c.employee_external_id].id, c.business_date)
            for _, _, c in items
            if c.employee_external_id in people
        ]
        by_key = await repo.roster_by_employee_date(self.org, keys)
        results: dict[int, RowResult] = {}
        for index, row, record in items:
            try:
                status, reason = await self._entry(record, people, by_external, by_key)
            except RowRejectedError as error:
                status, reason = RowStatus.FAILED, error.reason
            results[index] = _result(row, record.external_id, status, reason)
        return results

    def _rostered(self, record: RosterRecord, people: dict[str, Employee]) -> Employee:
        employee = people.get(record.employee_external_id)
        if employee is None:
            raise RowRejectedError(f"no employee has externalId {record.employee_external_id!r}")
        if not employee.active:
            raise RowRejectedError("an inactive employee cannot be rostered")
        reach = self.run.reach
        if reach is not None and employee.department_id not in reach:
            raise RowRejectedError("this employee is outside the caller's departments")
        return employee

    async def _entry(
        self,
        record: RosterRecord,
        people: dict[str, Employee],
        by_external: dict[str, RosterEntry],
        by_key: dict[tuple[UUID, date], RosterEntry],
    ) -> tuple[RowStatus, str | None]:
        employee = self._rostered(record, people)
        key = (employee.id, record.business_date)
        wanted = {
            "employee_id": employee.id,
            "business_date": record.business_date,
            "shift_template_id": self.refs.shift(record.shift),
            "store_id": self.refs.store(record.store),
            "external_id": record.external_id,
        }
        current, note = _entry_match(by_external.get(record.external_id), by_key.get(key))
        if current is None:
            entry = RosterEntry(id=new_id(), organization_id=self.org, **wanted)  # type: ignore[arg-type]
            await self.uow.roster.add(entry)
            status = RowStatus.CREATED
        else:
            if all(getattr(current, k) == v for k, v in wanted.items()):
                return RowStatus.UNCHANGED, None
            entry = replace(current, **wanted)  # type: ignore[arg-type]
            await self.uow.roster_sync.update_roster_entry(entry)
            by_key.pop((current.employee_id, current.business_date), None)
            status = RowStatus.UPDATED
        summary = (
            f"employee {employee.id} on {entry.business_date}: "
            f"shift {entry.shift_template_id}, external id {record.external_id}"
        )
        await self._audit("roster.assign", entry.id, summary)
        by_external[record.external_id] = by_key[key] = entry
        return status, note
