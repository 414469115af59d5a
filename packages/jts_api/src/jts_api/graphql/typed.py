"""Strawberry's field decorators with a description, typed for ``mypy --strict``.

``@strawberry.field(description=...)`` (and ``mutation``, ``subscription``) is declared as
returning ``Any`` (strawberry-graphql/strawberry#1929), which strict mypy rejects as an
untyped decorator. These make the same fields and say what they are: the
``StrawberryField`` that the bare ``@strawberry.field`` is already typed to return.

    @typed.field(description="The caller's current timer.")
    async def current_timer(self, info: Info) -> TimerType | None: ...
"""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from strawberry.types.field import StrawberryField

#: Takes the resolver (any typed function) and returns the field made of it.
FieldDecorator = Callable[[Callable[..., object]], StrawberryField]


def field(*, description: str, name: str | None = None) -> FieldDecorator:
    """``@strawberry.field(description=...)``, or ``name=`` too where the GraphQL name is
    not the resolver's, camel-cased."""
    made: StrawberryField = strawberry.field(name=name, description=description)
    return made


def mutation(*, description: str) -> FieldDecorator:
    """``@strawberry.mutation(description=...)``."""
    made: StrawberryField = strawberry.mutation(description=description)
    return made


def subscription(*, description: str) -> FieldDecorator:
    """``@strawberry.subscription(description=...)``."""
    made: StrawberryField = strawberry.subscription(description=description)
    return made
