"""The Strawberry schema: the feature modules' root types merged into one.

How a feature is added:

1. write ``jts_api/graphql/<feature>.py`` with any of ``Query``, ``Mutation`` and
   ``Subscription`` (plain ``@strawberry.type`` classes; types shared with other
   features go to ``jts_api/graphql/types/``);
2. add the module to ``FEATURES`` below — that one line is all the wiring.

Field names must not repeat across features (merging refuses duplicates).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from types import ModuleType
from typing import Any

import strawberry
from graphql import (
    ASTValidationRule,
    GraphQLError,
    NoSchemaIntrospectionCustomRule,
    specified_rules,
)
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from jts_api.auth.gate import RequestGuard
from jts_api.errors import ErrorShaping
from jts_api.execution import Documents, PreparedDocuments, run_operation
from jts_api.executor import Executor
from jts_api.graphql import (
    accounts,
    activity,
    activity_live,
    administration,
    attendance,
    delivery,
    jobs,
    jtd,
    jtd_settings,
    live,
    monitoring,
    organization,
    people,
    planner,
    roster_sync,
    scores,
    tasks,
    timers,
    webhooks,
)
from jts_api.graphql.datetime_scalar import DATETIME
from jts_api.settings import ApiSettings

FEATURES: tuple[ModuleType, ...] = (
    accounts,
    organization,
    attendance,
    tasks,
    timers,
    live,
    planner,
    scores,
    monitoring,
    jobs,
    activity,
    activity_live,
    jtd,
    jtd_settings,
    delivery,
    webhooks,
    people,
    administration,
    roster_sync,
)

DOCUMENT_CACHE_SIZE = 1_000


def _merged(root: str) -> type | None:
    parts = tuple(getattr(feature, root) for feature in FEATURES if hasattr(feature, root))
    return merge_types(root, parts) if parts else None


class JtsSchema(strawberry.Schema):
    """The schema: queries and mutations run by :func:`jts_api.execution.run_operation`
    (the same steps as the extensions, which serve the websocket), and errors logged by
    :mod:`jts_api.errors` alone.

    Strawberry's default logs every error, expected ones included, with a stack trace;
    ours logs only the unexpected ones, with the request id.
    """

    documents: Documents

    async def execute(  # noqa: PLR0917 -- Strawberry's signature
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        return await run_operation(
            self,
            self.documents,
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            DEFAULT_ALLOWED_OPERATION_TYPES
            if allowed_operation_types is None
            else allowed_operation_types,
            operation_extensions,
        )

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


def build_schema(settings: ApiSettings) -> strawberry.Schema:
    """The schema with its guards: caches, document limits, authentication, rate limit,
    error shaping, and no introspection in production."""
    # The limiters' validation rules are classes made per limiter instance; made once
    # here, they stay the same objects for every request.
    rules: list[type[ASTValidationRule]] = [
        *specified_rules,
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    if settings.is_production:
        rules.append(NoSchemaIntrospectionCustomRule)
    extensions: list[type[SchemaExtension]] = [ErrorShaping, PreparedDocuments, RequestGuard]
    roots: dict[str, Any] = {
        "query": _merged("Query"),
        "mutation": _merged("Mutation"),
        "subscription": _merged("Subscription"),
    }
    schema = JtsSchema(
        **roots,
        extensions=extensions,
        execution_context_class=Executor,
        scalar_overrides={datetime: DATETIME},
    )
    schema.documents = Documents(
        schema, rules, max_tokens=settings.max_tokens, maxsize=DOCUMENT_CACHE_SIZE
    )
    return schema
