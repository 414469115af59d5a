"""People: employees and the result of signing in."""

from __future__ import annotations

from datetime import datetime

import strawberry

from jts_api.graphql.enums import JobCategory, Role
from jts_api.graphql.ids import to_id, to_optional_id
from jts_domain import model


@strawberry.type(name="Employee")
class EmployeeType:
    """A person of the organization."""

    id: strawberry.ID
    organization_id: strawberry.ID
    email: str
    name: str
    role: Role
    department_id: strawberry.ID | None
    job_category: JobCategory | None
    store_id: strawberry.ID | None
    active: bool
    created_at: datetime

    @classmethod
    def of(cls, employee: model.Employee) -> EmployeeType:
        """The GraphQL shape of a domain employee."""
        return cls(
            id=to_id(employee.id),
            organization_id=to_id(employee.organization_id),
            email=employee.email,
            name=employee.name,
            role=employee.role,
            department_id=to_optional_id(employee.department_id),
            job_category=employee.job_category,
            store_id=to_optional_id(employee.store_id),
            active=employee.active,
            created_at=employee.created_at,
        )


@strawberry.type
class AuthPayload:
    """A signed access token, and whom it names."""

    token: str
    user: EmployeeType
