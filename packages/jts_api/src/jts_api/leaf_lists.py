"""Completion of long lists of leaf-only objects (``uploadActivity``'s results).

graphql-core completes a list of objects field by field: for each of an upload's 1,000
``ActivityResult`` objects and each of its four selected fields it builds a path and a
resolve info, calls Strawberry's resolver and completes the value — half of an
upload's time. When every selected field of the items is a plain attribute of a leaf
type (Strawberry's basic field: no resolver, no extension, no arguments, no middleware)
the answer is only each attribute coerced by its type; :class:`LeafList` gives it in
one loop.

It only ever answers what graphql-core would, or ``None`` when anything is off — a
null in a non-null field, a value its type cannot coerce, an attribute that fails, an
awaitable: the generic completion then runs as if this did not exist (reading the
attributes again), so such a list gets graphql-core's own errors at their paths.
Lists with ``@stream``, deferred fragments, abstract or ``is_type_of`` item types and
short lists (below :data:`MIN_ITEMS`) always go the generic way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLString,
    Undefined,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetails
from graphql.execution.middleware import MiddlewareManager
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

#: Shorter lists go the generic way (nothing to gain).
MIN_ITEMS = 16

#: Values that are never awaitable: no check needed.
_PLAIN = frozenset({str, int, float, bool})

_Reader = Callable[[Any, str], Any]


@dataclass(frozen=True, slots=True)
class _Leaf:
    key: str  # the response name
    attribute: str  # what ``read`` is given with the item
    read: _Reader
    type_: GraphQLLeafType
    non_null: bool


@dataclass(frozen=True, slots=True)
class LeafList:
    """How to complete a list whose items' selected fields are all plain leaves."""

    items_non_null: bool
    leaves: tuple[_Leaf, ...]

    def complete(self, items: Sequence[Any], is_awaitable: Callable[[Any], bool]) -> Any:
        """The completed list, or ``None`` (let graphql-core complete it and say why)."""
        leaves = self.leaves
        completed: list[dict[str, Any] | None] = []
        append = completed.append
        try:
            for item in items:
                if item is None:
                    if self.items_non_null:
                        return None
                    append(None)
                    continue
                row: dict[str, Any] = {}
                for leaf in leaves:
                    value = leaf.read(item, leaf.attribute)
                    if value is None:
                        if leaf.non_null:
                            return None
                        row[leaf.key] = None
                        continue
                    if type(value) not in _PLAIN and is_awaitable(value):
                        return None
                    coerced = leaf.type_.coerce_output_value(value)
                    if coerced is None or coerced is Undefined:
                        return None
                    row[leaf.key] = coerced
                append(row)
        except Exception:  # noqa: BLE001 -- the generic completion reports it at its path
            return None
        return completed


def leaf_list(
    object_type: GraphQLObjectType,
    items_non_null: bool,
    grouped_fields: dict[str, list[FieldDetails]],
    middleware: MiddlewareManager | None,
    get_field: Callable[[GraphQLObjectType, str], Any],
) -> LeafList | None:
    """The plan for a list of ``object_type`` with the items' collected fields, or None
    when some field is not a plain leaf attribute (or the type checks its values)."""
    if object_type.is_type_of is not None:
        return None
    leaves = []
    for key, details in grouped_fields.items():
        if any(d.defer_usage is not None for d in details):
            return None
        node = details[0].node
        name = node.name.value
        if name == "__typename":
            leaves.append(_Leaf(key, object_type.name, _the_name, GraphQLString, non_null=True))
            continue
        leaf = _plain_leaf(key, get_field(object_type, name), node.arguments, middleware)
        if leaf is None:
            return None
        leaves.append(leaf)
    return LeafList(items_non_null, tuple(leaves))


def _the_name(_item: object, name: str) -> str:
    """``__typename``'s reader: the object type's name, whatever the item."""
    return name


def _plain_leaf(
    key: str, field: Any, arguments: Any, middleware: MiddlewareManager | None
) -> _Leaf | None:
    if field is None or field.args or arguments:
        return None
    type_ = field.type
    non_null = isinstance(type_, GraphQLNonNull)
    if non_null:
        type_ = type_.of_type
    if not is_leaf_type(type_):
        return None
    resolve = field.resolve
    if middleware is not None:
        resolve = middleware.get_field_resolver(resolve)
    # Strawberry marks the resolver of a basic field (an attribute read, nothing else).
    if not getattr(resolve, "_is_default", False):
        return None
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    return _Leaf(key, definition.python_name, definition.default_resolver, type_, non_null)
