"""The authentication gate: every root field but the public ones needs a caller.

Checked once per operation, before anything resolves, so a resolver that forgets to ask
for the caller still cannot run for an anonymous request. :class:`RequestGuard` makes it
and the mutation rate limit in one extension hook.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.language import DocumentNode, FragmentDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from jts_api.rate_limit import refuse_if_limited
from jts_api.storable_text import refuse_if_unstorable
from jts_domain.errors import ErrorCode

#: Root fields anybody may ask for: signing up, signing in, and introspection (which
#: production switches off altogether).
PUBLIC_ROOT_FIELDS = frozenset({"register", "login", "__typename", "__schema", "__type"})


def _root_field_names(
    selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]
) -> Iterator[str]:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection.name.value
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_field_names(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                yield from _root_field_names(fragment.selection_set, fragments)


def root_field_names(document: DocumentNode, operation_name: str | None) -> set[str]:
    """The root field names the chosen operation of a document asks for."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        o
        for o in operations
        if operation_name is None or (o.name is not None and o.name.value == operation_name)
    ]
    names: set[str] = set()
    for operation in chosen[:1]:
        names.update(_root_field_names(operation.selection_set, fragments))
    return names


def refuse_if_anonymous(execution: ExecutionContext) -> None:
    """Set an UNAUTHENTICATED result, so nothing executes, when an anonymous operation
    asks for anything but the public root fields."""
    context = execution.context
    document = execution.graphql_document
    if getattr(context, "caller", None) is None and document is not None:
        asked = root_field_names(document, execution.operation_name)
        if not asked <= PUBLIC_ROOT_FIELDS:
            problem = getattr(context, "auth_problem", None)
            message = problem or "sign in first: send Authorization: Bearer <token>"
            error = GraphQLError(message, extensions={"code": ErrorCode.UNAUTHENTICATED.value})
            execution.result = ExecutionResult(data=None, errors=[error])


def guard_operation(execution: ExecutionContext) -> None:
    """The checks made before an operation executes: the authentication gate, the
    mutation rate limit, then text the store cannot hold; the first that refuses sets
    the operation's result, and nothing executes."""
    refuse_if_anonymous(execution)
    refuse_if_limited(execution)
    refuse_if_unstorable(execution)


class RequestGuard(SchemaExtension):
    """:func:`guard_operation` as a schema extension, for the operations of a websocket
    (queries and mutations over HTTP run through :mod:`jts_api.execution`)."""

    def on_execute(self) -> Iterator[None]:
        guard_operation(self.execution_context)
        yield
