"""The one place errors become GraphQL errors with ``extensions.code``.

* A :class:`~jts_domain.errors.DomainError` (the expected failures) answers its message
  and its code from PRODUCT.md's set; its details, when any, go to
  ``extensions.details`` (for instance the triggers an INVALID_TRANSITION allows).
* An error raised before execution — a syntax error, a document that fails validation
  (unknown field, wrong argument type, depth/alias/token limits), or a variable that
  does not coerce to its type — answers VALIDATION_ERROR with GraphQL's own message.
* An error that already carries a code (the authentication gate, the rate limiter) is
  left as it is.
* Anything else is a fault of ours — in a resolver, or before GraphQL runs (then the
  HTTP status is 500) — it is logged with its stack trace and the request id, and
  answered with a generic message naming the request id, in
  ``extensions.requestId``, and *no* code — PRODUCT.md's set has no code for a fault, so
  a client tells "something went wrong on the server" from an expected error by the
  missing code. No stack trace or exception text ever reaches the client.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import structlog
from cross_web import HTTPException
from graphql import GraphQLError
from litestar import Request, Response
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from strawberry.extensions import SchemaExtension
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.types import ExecutionResult

from jts_api.ops.metrics import Metrics
from jts_api.ops.request_context import current_request_id
from jts_domain.errors import DomainError, ErrorCode

logger = structlog.get_logger("jts.graphql")

NOT_AN_OBJECT = (
    "the request body must be a JSON object: "
    '{"query": "...", "variables": {...}, "operationName": "..."}'
)
#: graphql-core's suggestions: " Did you mean 'a', 'b', or 'c'?" at the end of a message.
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
INTERNAL_MESSAGE = "something went wrong on our side; quote request id {request_id} to support"


def _with(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


def domain_error_extensions(error: DomainError) -> dict[str, Any]:
    """``extensions`` of a domain error: its code, and its details when it has any."""
    extensions: dict[str, Any] = {"code": error.code.value}
    if error.details:
        extensions["details"] = {key: _plain(value) for key, value in error.details.items()}
    return extensions


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def without_suggestions(message: str) -> str:
    """A message without GraphQL's "Did you mean …?" (it names fields, arguments, types
    and enum values close to what was asked: the schema that production's switched-off
    introspection hides).

    >>> without_suggestions("Cannot query field 'tsks' on type 'Query'. Did you mean 'tasks'?")
    "Cannot query field 'tsks' on type 'Query'."
    """
    return _SUGGESTION.sub("", message)


def shape_error(
    error: GraphQLError, request_id: str, *, hide_suggestions: bool = False
) -> GraphQLError:
    """The error as the client sees it (see the module docstring)."""
    original = error.original_error
    if isinstance(original, DomainError):
        return _with(error, original.message, domain_error_extensions(original))
    if error.extensions and ("code" in error.extensions or "requestId" in error.extensions):
        return error  # already shaped
    if error.path is None and (
        original is None or isinstance(original, GraphQLError) or error.nodes
    ):
        # about the document itself: syntax and validation errors have no original
        # error; a variable that fails to coerce points at its definition (nodes)
        message = without_suggestions(error.message) if hide_suggestions else error.message
        return _with(error, message, {"code": ErrorCode.VALIDATION_ERROR.value})
    logger.error(
        "unexpected error",
        path=None if error.path is None else list(error.path),
        error=repr(original or error),
        exc_info=original or error,
    )
    message = INTERNAL_MESSAGE.format(request_id=request_id)
    return _with(error, message, {"requestId": request_id})


def shape_result(
    result: object, request_id: str, *, hide_suggestions: bool = False
) -> list[GraphQLError]:
    """Shape the errors of a result in place; the shaped errors.

    Safe to call twice: shaped errors are left alone.
    """
    errors: list[GraphQLError] | None = getattr(result, "errors", None)
    if not errors:
        return []
    shaped = [shape_error(e, request_id, hide_suggestions=hide_suggestions) for e in errors]
    result.errors = shaped  # type: ignore[attr-defined]
    return shaped


def count_errors(errors: list[GraphQLError], metrics: Metrics) -> None:
    """Count answered errors by code (NONE for the unexpected ones)."""
    for error in errors:
        code = (error.extensions or {}).get("code", "NONE")
        metrics.graphql_errors.labels(str(code)).inc()


class ErrorShaping(SchemaExtension):
    """Shapes every error of an operation's result once it is complete.

    Errors raised by the parsing extensions themselves (a syntax error found by the
    parser cache, too many tokens) end the operation before this hook sees them; the
    HTTP controller shapes those with :func:`shape_result` as its results go out.
    """

    def on_operation(self) -> Iterator[None]:
        yield
        self._shape(self.execution_context.result)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        """Shapes each result of a subscription before it is sent (the socket path
        never reaches :meth:`on_operation`'s end while the subscription lives)."""
        self._shape(result)
        yield

    def _shape(self, result: object) -> None:
        shape_operation_result(result, self.execution_context.context)


def http_answer(
    result: ExecutionResult, *, production: bool, metrics: Metrics
) -> GraphQLHTTPResponse:
    """What an operation over HTTP answers — by Strawberry's view and the one-step POST
    alike: its errors shaped for the request (suggestions hidden in production) and
    counted by code, and the result in GraphQL's JSON shape."""
    count_errors(shape_result(result, current_request_id(), hide_suggestions=production), metrics)
    return process_result(result)


def shape_operation_result(result: object, context: object) -> None:
    """Shape the errors of an operation's result in place, for the request of
    ``context`` (its request id; suggestions hidden in production)."""
    request_id = getattr(context, "request_id", None) or current_request_id()
    runtime = getattr(context, "runtime", None)
    production = runtime is not None and runtime.settings.is_production
    shape_result(result, str(request_id), hide_suggestions=production)


def request_object(decoded: object) -> object:
    """A decoded JSON request body, which must be an object; anything else (``null``,
    a list — batches are off —, a number, a string) is HTTP 400 with why."""
    if not isinstance(decoded, dict):
        raise HTTPException(400, NOT_AN_OBJECT)
    return decoded


def unexpected_exception_response(
    request: Request[Any, Any, Any], error: Exception
) -> Response[Any]:
    """Litestar's handler of a fault outside GraphQL execution (for instance the caller's
    account could not be read while the context was made): logged, and answered 500 with
    the same generic error and request id, in GraphQL's shape."""
    return Response(
        unexpected_fault(request.url.path, error), status_code=HTTP_500_INTERNAL_SERVER_ERROR
    )


def unexpected_fault(path: str, error: Exception) -> dict[str, Any]:
    """Log a fault outside GraphQL execution; the body of its HTTP 500 (a generic error
    with the request id, in GraphQL's shape)."""
    request_id = current_request_id()
    logger.error("unexpected error", path=path, error=repr(error), exc_info=error)
    message = INTERNAL_MESSAGE.format(request_id=request_id)
    return {"data": None, "errors": [{"message": message, "extensions": {"requestId": request_id}}]}
