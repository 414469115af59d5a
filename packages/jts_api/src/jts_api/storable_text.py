"""The one check of every string an operation brings: none may hold text JTS cannot store.

Checked once per operation, before anything resolves: every string of the request's
variables (nested input objects and lists included) and every string literal of the
document (arguments, input fields, list items, variable defaults). The first one with a
NUL or a lone surrogate answers VALIDATION_ERROR naming where it is — ``$input.title``
for a variable, ``createTask.input.title`` for a literal — and nothing runs.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    DirectiveNode,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
)
from strawberry.types import ExecutionContext

from jts_domain.errors import ErrorCode
from jts_domain.text import UNSTORABLE_TEXT_MESSAGE, first_unstorable, is_storable

Path = tuple[str, ...]


def _value_strings(node: ValueNode, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(node, StringValueNode):
        yield path, node.value
    elif isinstance(node, ObjectValueNode):
        for field in node.fields:
            yield from _value_strings(field.value, (*path, field.name.value))
    elif isinstance(node, ListValueNode):
        for index, item in enumerate(node.values):
            yield from _value_strings(item, (*path, str(index)))


def _directive_strings(
    directives: tuple[DirectiveNode, ...] | None, owner: Path
) -> Iterator[tuple[Path, str]]:
    for directive in directives or ():
        for argument in directive.arguments or ():
            path = (*owner, f"@{directive.name.value}", argument.name.value)
            yield from _value_strings(argument.value, path)


def _selection_strings(selection_set: SelectionSetNode | None) -> Iterator[tuple[Path, str]]:
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            name = (selection.name.value,)
            for argument in selection.arguments or ():
                yield from _value_strings(argument.value, (*name, argument.name.value))
            yield from _directive_strings(selection.directives, name)
        else:
            yield from _directive_strings(selection.directives, ())
        if isinstance(selection, FieldNode | InlineFragmentNode):
            yield from _selection_strings(selection.selection_set)


def literal_strings(document: DocumentNode) -> Iterator[tuple[Path, str]]:
    """Every string literal of a document, with where it is."""
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            for variable in definition.variable_definitions or ():
                if variable.default_value is not None:
                    path = (f"${variable.variable.name.value}",)
                    yield from _value_strings(variable.default_value, path)
            yield from _directive_strings(definition.directives, ())
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
            yield from _selection_strings(definition.selection_set)


def unstorable_input(
    document: DocumentNode | None, variables: dict[str, object] | None
) -> str | None:
    """Where the first unstorable string of an operation's input is; None if none is."""
    found = first_unstorable({f"${name}": value for name, value in (variables or {}).items()})
    if found is not None:
        return ".".join(found)
    for path, text in literal_strings(document) if document is not None else ():
        if not is_storable(text):
            return ".".join(path)
    return None


def refuse_if_unstorable(execution: ExecutionContext) -> None:
    """Answer VALIDATION_ERROR, without executing, when the operation's input holds a
    string that cannot be stored (see the module docstring)."""
    if execution.result is not None:
        return
    where = unstorable_input(execution.graphql_document, execution.variables)
    if where is not None:
        error = GraphQLError(
            f"{where} {UNSTORABLE_TEXT_MESSAGE}",
            extensions={"code": ErrorCode.VALIDATION_ERROR.value, "details": {"field": where}},
        )
        execution.result = ExecutionResult(data=None, errors=[error])
