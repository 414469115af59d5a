"""Variable coercion for long lists of flat input objects (``uploadActivity``'s items).

graphql-core coerces a variable generically: a recursive call per value, type checks at
each level, and a walk over the whole value first to refuse input nested too deeply. For
1,000 heartbeats of seven fields that is most of an upload's time. A list of input
objects whose fields are all scalars or enums needs none of it: :func:`coerce_flat_list`
checks each item against the fields (unknown, missing, null) and coerces each value with
its field type's own coercion, exactly as graphql-core does.

It only ever answers the value graphql-core would, or ``Undefined`` when anything is off:
the generic coercion then runs as if this did not exist, so an invalid upload gets
graphql-core's own errors (naming the item's index and field).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLBoolean,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    GraphQLString,
    OperationDefinitionNode,
    Undefined,
    is_leaf_type,
)
from graphql.utilities import type_from_ast
from graphql.utilities.coerce_input_value import coerce_default_value

#: Built-in scalars whose coercion returns a value of this exact type unchanged.
_PLAIN: dict[GraphQLLeafType, type] = {GraphQLString: str, GraphQLBoolean: bool}

#: Shorter lists go the generic way (nothing to gain).
MIN_ITEMS = 16
#: Documents whose flat variables are remembered.
KNOWN_DOCUMENTS = 256

_KNOWN: OrderedDict[tuple[int, int], tuple[DocumentNode, dict[str, FlatList]]] = OrderedDict()


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    out_name: str
    leaf: GraphQLLeafType
    non_null: bool
    required: bool
    default: Any  # Undefined when the field has none
    plain: type | None  # values of this exact type coerce to themselves (str, bool)


@dataclass(frozen=True, slots=True)
class FlatList:
    """A variable type ``[T!]`` or ``[T!]!`` where T's fields are all leaves."""

    item_type: GraphQLInputObjectType
    fields: tuple[_Field, ...]
    names: frozenset[str]


def flat_list_type(type_: GraphQLInputType | None) -> FlatList | None:
    """The flat list ``type_`` is, or None."""
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if not isinstance(type_, GraphQLList) or not isinstance(type_.of_type, GraphQLNonNull):
        return None
    item = type_.of_type.of_type
    if not isinstance(item, GraphQLInputObjectType) or item.is_one_of:
        return None
    fields = []
    for name, field in item.fields.items():
        field_type = field.type
        non_null = isinstance(field_type, GraphQLNonNull)
        leaf = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
        if not is_leaf_type(leaf):
            return None
        default = coerce_default_value(field)
        fields.append(
            _Field(
                name=name,
                out_name=field.out_name or name,
                leaf=leaf,
                non_null=non_null,
                required=non_null and default is Undefined,
                default=default,
                plain=_PLAIN.get(leaf),
            )
        )
    return FlatList(item, tuple(fields), frozenset(item.fields))


def coerce_flat_list(value: Any, flat: FlatList) -> Any:
    """``value`` coerced to the flat list type, or ``Undefined`` (let graphql-core say why)."""
    if not isinstance(value, list):
        return Undefined
    out_type = flat.item_type.out_type
    names = flat.names
    coerced_items = []
    for item in value:
        if not isinstance(item, dict) or not names.issuperset(item):
            return Undefined
        coerced: dict[str, Any] = {}
        for field in flat.fields:
            given = item.get(field.name, Undefined)
            if given is Undefined:
                if field.required:
                    return Undefined
                if field.default is not Undefined:
                    coerced[field.out_name] = field.default
            elif given is None:
                if field.non_null:
                    return Undefined
                coerced[field.out_name] = None
            elif type(given) is field.plain:
                coerced[field.out_name] = given
            else:
                try:
                    coerced[field.out_name] = field.leaf.coerce_input_value(given)
                except Exception:  # noqa: BLE001 -- graphql-core's own rule: any failure is invalid
                    return Undefined
        coerced_items.append(out_type(coerced))
    return coerced_items


def _flat_variables(schema: GraphQLSchema, document: DocumentNode) -> Mapping[str, FlatList]:
    """The variables of the document's only operation whose type is a flat list (kept per
    document object: the parser cache hands the same text the same node)."""
    key = (id(schema), id(document))
    known = _KNOWN.get(key)
    if known is not None and known[0] is document:
        return known[1]
    found = _find_flat_variables(schema, document)
    _KNOWN[key] = (document, found)
    while len(_KNOWN) > KNOWN_DOCUMENTS:
        _KNOWN.popitem(last=False)
    return found


def _find_flat_variables(schema: GraphQLSchema, document: DocumentNode) -> dict[str, FlatList]:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        return {}
    found = {}
    for definition in operations[0].variable_definitions or ():
        flat = flat_list_type(type_from_ast(schema, definition.type))  # type: ignore[arg-type]
        if flat is not None:
            found[definition.variable.name.value] = flat
    return found


def pre_coerce(
    schema: GraphQLSchema, document: DocumentNode, raw: Mapping[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The raw variables with each long flat list replaced by ``[]`` (cheap for the
    generic coercion), and those lists coerced; nothing replaced if any is invalid."""
    if not raw:
        return dict(raw or {}), {}
    flats = _flat_variables(schema, document)
    if not flats:
        return dict(raw), {}
    rest = dict(raw)
    done: dict[str, Any] = {}
    for name, flat in flats.items():
        value = raw.get(name)
        if not isinstance(value, list) or len(value) < MIN_ITEMS:
            continue
        coerced = coerce_flat_list(value, flat)
        if coerced is Undefined:
            return dict(raw), {}
        done[name] = coerced
        rest[name] = []
    return rest, done
