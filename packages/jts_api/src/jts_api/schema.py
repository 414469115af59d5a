"""The Strawberry schema: the feature modules' root types merged into one.

How a feature is added:

1. write ``jts_api/graphql/<feature>.py`` with any of ``Query``, ``Mutation`` and
   ``Subscription`` (plain ``@strawberry.type`` classes; types shared with other
   features go to ``jts_api/graphql/types/``);
2. add the module to ``FEATURES`` below — that one line is all the wiring.

Field names must not repeat across features (merging refuses duplicates).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import ModuleType
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from jts_api.auth.gate import RequestGuard
from jts_api.errors import ErrorShaping
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

PARSER_CACHE_SIZE = 1_000
VALIDATION_CACHE_SIZE = 1_000


def _merged(root: str) -> type | None:
    parts = tuple(getattr(feature, root) for feature in FEATURES if hasattr(feature, root))
    return merge_types(root, parts) if parts else None


class JtsSchema(strawberry.Schema):
    """A schema that leaves logging errors to :class:`jts_api.errors.ErrorShaping`.

    Strawberry's default logs every error, expected ones included, with a stack trace;
    ours logs only the unexpected ones, with the request id.
    """

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


def build_schema(settings: ApiSettings) -> strawberry.Schema:
    """The schema with its guards: caches, document limits, authentication, rate limit,
    error shaping, and no introspection in production."""
    # The limiters' validation rules are classes made per limiter instance; made once
    # here, they stay the same objects, so the validation cache (keyed by the rules)
    # hits instead of validating every request again.
    limits = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        ErrorShaping,
        lambda: ParserCache(maxsize=PARSER_CACHE_SIZE),
        lambda: ValidationCache(maxsize=VALIDATION_CACHE_SIZE),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: AddValidationRules(limits),
        RequestGuard,
    ]
    if settings.is_production:
        extensions.append(DisableIntrospection)
    roots: dict[str, Any] = {
        "query": _merged("Query"),
        "mutation": _merged("Mutation"),
        "subscription": _merged("Subscription"),
    }
    return JtsSchema(
        **roots,
        extensions=extensions,
        execution_context_class=Executor,
        scalar_overrides={datetime: DATETIME},
    )
