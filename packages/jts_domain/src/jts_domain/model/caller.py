"""Who asks for a use case: an employee of an organization, or the system itself."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.model.organization import ROLE_PERMISSIONS, Employee, Permission, Role
from jts_domain.model.task import Actor, ActorType


@dataclass(frozen=True, slots=True, kw_only=True)
class Caller:
    """Who asks for a use case: an employee of an organization, or the system itself."""

    organization_id: UUID
    actor: Actor
    role: Role | None
    permissions: frozenset[Permission]

    @property
    def employee_id(self) -> UUID | None:
        """The calling employee's id; None for the system."""
        return self.actor.id if self.actor.type is ActorType.USER else None

    @classmethod
    def of(cls, employee: Employee) -> Caller:
        """The caller for an employee, with the permissions of their role."""
        return cls(
            organization_id=employee.organization_id,
            actor=Actor(type=ActorType.USER, id=employee.id, name=employee.name),
            role=employee.role,
            permissions=ROLE_PERMISSIONS[employee.role],
        )

    @classmethod
    def system(cls, organization_id: UUID, name: str = "system") -> Caller:
        """The caller for scheduled jobs: every permission, recorded as SYSTEM."""
        return cls(
            organization_id=organization_id,
            actor=Actor(type=ActorType.SYSTEM, id=None, name=name),
            role=None,
            permissions=frozenset(Permission),
        )

    def can(self, permission: Permission) -> bool:
        """Whether the caller holds the permission."""
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        """Raise FORBIDDEN unless the caller holds the permission."""
        if permission not in self.permissions:
            raise DomainError(
                ErrorCode.FORBIDDEN,
                f"permission {permission.value} is required",
                {"permission": permission.value},
            )
