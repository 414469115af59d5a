"""Naming a department, store or shift in a source row: by JTS id, or by name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from jts_domain.model import Department, ShiftTemplate, Store
from jts_domain.ports import UnitOfWork
from jts_domain.roster_sync.records import RowRejectedError


class _Named(Protocol):
    @property
    def id(self) -> UUID: ...
    @property
    def name(self) -> str: ...


def resolve(records: Sequence[_Named], value: str, what: str) -> UUID:
    """The id of the record ``value`` names: its id, else its name (compared without
    case); :class:`RowRejectedError` when none or several match."""
    try:
        wanted = UUID(value)
    except ValueError:
        wanted = None
    if wanted is not None and any(r.id == wanted for r in records):
        return wanted
    matches = [r.id for r in records if r.name.casefold() == value.casefold()]
    if not matches:
        raise RowRejectedError(f"no {what} is named {value!r}")
    if len(matches) > 1:
        raise RowRejectedError(f"several {what}s are named {value!r}: name it by its id")
    return matches[0]


@dataclass(frozen=True, slots=True)
class References:
    """The organization's departments, stores and shift templates, read once per batch."""

    departments: list[Department]
    stores: list[Store]
    shifts: list[ShiftTemplate]

    @classmethod
    async def read(cls, uow: UnitOfWork, organization_id: UUID) -> References:
        """Read them in the batch's unit of work."""
        return cls(
            departments=await uow.departments.list_all(organization_id),
            stores=await uow.stores.list_all(organization_id),
            shifts=await uow.shift_templates.list_all(organization_id),
        )

    def department(self, value: str | None) -> UUID | None:
        """The department named, or None when none is."""
        return None if value is None else resolve(self.departments, value, "department")

    def store(self, value: str | None) -> UUID | None:
        """The store named, or None when none is."""
        return None if value is None else resolve(self.stores, value, "store")

    def shift(self, value: str) -> UUID:
        """The shift template named."""
        return resolve(self.shifts, value, "shift")
