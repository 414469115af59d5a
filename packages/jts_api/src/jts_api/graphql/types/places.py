"""Places and teams: departments and stores."""

from __future__ import annotations

import strawberry

from jts_api.graphql.ids import to_id, to_optional_id
from jts_domain import model


@strawberry.type(name="Department")
class DepartmentType:
    """A team; its manager manages the people in it."""

    id: strawberry.ID
    name: str
    manager_id: strawberry.ID | None

    @classmethod
    def of(cls, department: model.Department) -> DepartmentType:
        """The GraphQL shape of a domain department."""
        return cls(
            id=to_id(department.id),
            name=department.name,
            manager_id=to_optional_id(department.manager_id),
        )


@strawberry.type(name="Store")
class StoreType:
    """A place of work; clock-in must be within ``radiusMeters`` of its point."""

    id: strawberry.ID
    name: str
    latitude: float
    longitude: float
    radius_meters: float

    @classmethod
    def of(cls, store: model.Store) -> StoreType:
        """The GraphQL shape of a domain store."""
        return cls(
            id=to_id(store.id),
            name=store.name,
            latitude=store.latitude,
            longitude=store.longitude,
            radius_meters=store.radius_meters,
        )
