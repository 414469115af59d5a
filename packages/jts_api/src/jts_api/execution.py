"""How a query or mutation runs: Strawberry's steps, in one function, without its
per-request extension machinery.

Strawberry runs an operation through its schema extensions: each request makes an
instance of every extension and enters a context for each of its hooks (operation,
parsing, validation, execution) — about a tenth of the API's CPU for a small mutation
with JTS's six. :func:`run_operation` takes the same steps in the same order, with the
same answers, for ``Schema.execute`` (HTTP); subscriptions (and everything over the
websocket) still go through the extensions of :func:`jts_api.schema.build_schema`,
which call the same functions (:class:`PreparedDocuments` reads the same
:class:`Documents`):

1. the document, parsed with the token limit and validated with the schema's rules
   (the depth and alias limits, no introspection in production), both remembered per
   query text (:class:`Documents`, bounded);
2. the operation type must be one the transport allows (Strawberry's errors, which its
   view answers as HTTP 400);
3. the guard (:func:`jts_api.auth.gate.guard_operation`): authentication, the mutation
   rate limit, unstorable text — any of them answers instead of executing;
4. graphql-core's execution with the schema's executor;
5. the errors shaped as the client sees them (:func:`jts_api.errors.shape_operation_result`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from inspect import isawaitable
from typing import TYPE_CHECKING, Any

from graphql import ASTValidationRule, DocumentNode, GraphQLError, execute, parse
from strawberry.exceptions import MissingQueryError
from strawberry.execution import optimized_is_awaitable
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from jts_api.auth.gate import guard_operation
from jts_api.errors import shape_operation_result

if TYPE_CHECKING:
    from strawberry import Schema


@dataclass(frozen=True, slots=True)
class Document:
    """A query text as parsed and validated: its document, or the errors that stop it."""

    document: DocumentNode | None
    errors: list[GraphQLError] | None


class Documents:
    """Query texts parsed (at most ``max_tokens`` tokens) and validated with ``rules``,
    the last ``maxsize`` of them remembered."""

    def __init__(
        self,
        schema: Schema,
        rules: Iterable[type[ASTValidationRule]],
        *,
        max_tokens: int,
        maxsize: int,
    ) -> None:
        self._schema = schema
        self.rules = tuple(rules)
        self.max_tokens = max_tokens
        self.get: Callable[[str], Document] = lru_cache(maxsize=maxsize)(self._prepare)

    def _prepare(self, query: str) -> Document:
        try:
            document = parse(query, max_tokens=self.max_tokens)
        except GraphQLError as error:
            return Document(None, [error])
        errors = validate_document(self._schema._schema, document, self.rules)
        return Document(document, errors or None)


class PreparedDocuments(SchemaExtension):
    """The schema's :class:`Documents` for the operations of a websocket: the parsed and
    validated document of the query text, or its error."""

    def _prepared(self) -> Document:
        execution = self.execution_context
        documents: Documents = execution.schema.documents  # type: ignore[attr-defined]
        return documents.get(execution.query or "")

    def on_parse(self) -> Iterator[None]:
        prepared = self._prepared()
        if prepared.document is None:
            assert prepared.errors is not None  # a text that does not parse has its error
            raise prepared.errors[0]
        self.execution_context.graphql_document = prepared.document
        yield

    def on_validate(self) -> Iterator[None]:
        self.execution_context.pre_execution_errors = list(self._prepared().errors or ())
        yield


async def run_operation(  # noqa: PLR0917 -- Schema.execute's signature
    schema: Schema,
    documents: Documents,
    query: str | None,
    variable_values: dict[str, Any] | None,
    context_value: Any,
    root_value: Any,
    operation_name: str | None,
    allowed_operation_types: Iterable[OperationType],
    operation_extensions: dict[str, Any] | None,
) -> ExecutionResult:
    """One query or mutation, start to end (see the module docstring)."""
    if not query:
        raise MissingQueryError
    execution = ExecutionContext(
        query=query,
        schema=schema,
        allowed_operations=allowed_operation_types,
        context=context_value,
        root_value=root_value,
        variables=variable_values,
        provided_operation_name=operation_name,
        operation_extensions=operation_extensions,
    )
    try:
        result = await _run(schema, documents.get(query), execution)
    except (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError):
        raise
    except Exception as error:  # noqa: BLE001 -- answered as a fault, as Strawberry does
        failure = error if isinstance(error, GraphQLError) else _fault(error)
        result = ExecutionResult(data=None, errors=[failure])
    execution.result = result
    shape_operation_result(result, context_value)
    return result


def _fault(error: Exception) -> GraphQLError:
    return GraphQLError(str(error), original_error=error)


async def _run(schema: Schema, prepared: Document, execution: ExecutionContext) -> ExecutionResult:
    if prepared.document is None:
        assert prepared.errors is not None  # a text that does not parse has its error
        return ExecutionResult(data=None, errors=prepared.errors)
    execution.graphql_document = prepared.document
    try:
        operation_type = execution.operation_type
    except RuntimeError as error:
        raise CannotGetOperationTypeError(execution.operation_name) from error
    if operation_type not in execution.allowed_operations:
        raise InvalidOperationTypeError(operation_type)
    if prepared.errors:
        return ExecutionResult(data=None, errors=prepared.errors)
    guard_operation(execution)
    if execution.result is not None:
        refused = execution.result
        return ExecutionResult(data=refused.data, errors=refused.errors)
    outcome = execute(
        schema._schema,
        prepared.document,
        root_value=execution.root_value,
        variable_values=execution.variables,
        operation_name=execution.operation_name,
        context_value=execution.context,
        is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
        executor_class=schema.execution_context_class,
        operation_extensions=execution.operation_extensions,
    )
    if isawaitable(outcome):
        outcome = await outcome
    return ExecutionResult(data=outcome.data, errors=outcome.errors)
