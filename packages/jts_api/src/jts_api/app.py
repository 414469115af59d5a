"""The Litestar application: GraphQL at ``/graphql``, plus ``/health`` and ``/metrics``."""

from __future__ import annotations

import warnings
from typing import Any

import strawberry
import structlog
from litestar import Litestar, Request, Response, post
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.exceptions import LitestarDeprecationWarning
from litestar.middleware import DefineMiddleware
from litestar.status_codes import HTTP_200_OK, HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.litestar import make_graphql_controller
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from jts_api.context import GraphQLContext, context_getter, http_post_context
from jts_api.delivery_http.receipts import receipts_endpoint
from jts_api.errors import http_answer, request_object, unexpected_exception_response
from jts_api.exports.endpoint import export_endpoint
from jts_api.graphql_post import GraphQLPost
from jts_api.graphql_ws import (
    LegacySessionEndingHandler,
    SessionEndingHandler,
    open_live_session,
)
from jts_api.ops.collector import freeze_startup_heap
from jts_api.ops.health import health_endpoint
from jts_api.ops.logging import configure_logging
from jts_api.ops.metrics import metrics_endpoint
from jts_api.ops.request_context import RequestObserver
from jts_api.runtime import ApiRuntime, build_runtime
from jts_api.schema import build_schema
from jts_api.settings import ApiSettings
from jts_domain.clock import SystemClock
from jts_domain.ports import Clock, JobQueue
from jts_store.database import Database
from jts_store.embedded import database_url
from jts_store.engine import create_engine
from jts_store.unit_of_work import SqlUnitOfWorkFactory

GRAPHQL_PATH = "/graphql"
MAX_REQUEST_BYTES = 1024 * 1024
logger = structlog.get_logger("jts.app")


def _graphql_controller(settings: ApiSettings, schema: strawberry.Schema) -> type:
    base: Any = make_graphql_controller(
        schema,
        path=GRAPHQL_PATH,
        graphql_ide=None if settings.is_production else "graphiql",
        allow_queries_via_get=False,
        context_getter=context_getter,
        allowed_origins=settings.allowed_origins,
    )

    class GraphQLController(base):  # type: ignore[misc]
        """Websockets authenticate with ``{"authorization": "Bearer <token>"}`` in
        ``connection_init``; a missing or bad token closes the socket (4403), and so
        does a later change of the employee's access (an expired token: 4401)."""

        graphql_transport_ws_handler_class = SessionEndingHandler
        graphql_ws_handler_class = LegacySessionEndingHandler

        @post(status_code=HTTP_200_OK)
        async def handle_http_post(self, request: Request[Any, Any, Any]) -> Response[Any]:
            # Strawberry's handler takes context, root value and sub-response as three
            # dependencies; made here, none is resolved by Litestar (see
            # http_post_context).
            post_context = await http_post_context(request, request.app.state)
            self.temporal_response = post_context.response
            return await self.execute_request(  # type: ignore[no-any-return]
                request=request, context=post_context, root_value=None
            )

        async def on_ws_connect(self, context: GraphQLContext) -> UnsetType | dict[str, object]:
            params = context.connection_params or {}
            authorization = params.get("authorization") or params.get("Authorization")
            await context.authenticate(str(authorization) if authorization else None)
            if context.caller is None:
                raise ConnectionRejectionError
            open_live_session(context)
            return await super().on_ws_connect(context)  # type: ignore[no-any-return]

        def parse_json(self, data: str | bytes) -> object:
            return request_object(super().parse_json(data))

        async def process_result(
            self, request: Request[Any, Any, Any], result: ExecutionResult
        ) -> GraphQLHTTPResponse:
            runtime: ApiRuntime = request.app.state.runtime
            production = runtime.settings.is_production
            return http_answer(result, production=production, metrics=runtime.metrics)

    return GraphQLController


def create_app(
    settings: ApiSettings | None = None,
    *,
    engine: AsyncEngine | None = None,
    database: Database | None = None,
    clock: Clock | None = None,
    job_queue: JobQueue | None = None,
) -> Litestar:
    """The API app.

    ``database`` is the process's engine and unit-of-work factory, opened by the
    composition root (``jts dev`` shares it with the worker): the app runs on it and
    leaves closing it to the root. Without it the app runs on ``engine``, or on one it
    makes from the settings (the embedded server when no database URL is set), and
    disposes that engine when it shuts down. ``clock`` defaults to the system clock.
    ``job_queue`` is where ``triggerJob`` queues runs (the worker's, given by the
    composition root); without one, a permitted trigger is answered as a server fault."""
    settings = settings or ApiSettings()
    configure_logging(settings.log_level)
    clock = clock or SystemClock()
    if database is not None and engine is not None:
        msg = "create_app takes an engine or a database, not both"
        raise ValueError(msg)
    if database is None:
        if engine is None:
            url = database_url(settings.database_url, settings.data_dir)
            engine = create_engine(url, pool_size=settings.pool_size, echo=settings.echo_sql)
        uow, owns_engine = SqlUnitOfWorkFactory(engine), True
    else:
        engine, uow, owns_engine = database.engine, database.uow, False
    if settings.secret_key is None:
        logger.warning("JTS_SECRET_KEY is unset: tokens are signed with a key of this process")
    runtime = build_runtime(settings, engine=engine, uow=uow, clock=clock, job_queue=job_queue)

    with warnings.catch_warnings():
        # Strawberry's controller declares its dependencies the way Litestar 2.25
        # deprecates (for 3.0); nothing to fix on our side.
        warnings.filterwarnings(
            "ignore", r".*Inferred dependency field", LitestarDeprecationWarning
        )
        return _litestar(settings, runtime, owns_engine=owns_engine)


def _litestar(settings: ApiSettings, runtime: ApiRuntime, *, owns_engine: bool) -> Litestar:
    async def start_runtime() -> None:
        await runtime.start()
        if settings.gc_freeze:
            freeze_startup_heap()

    async def dispose_engine() -> None:
        await runtime.stop()
        if owns_engine:
            logger.info("shutting down: closing database connections")
            await runtime.engine.dispose()

    schema = build_schema(settings)
    return Litestar(
        route_handlers=[
            _graphql_controller(settings, schema),
            health_endpoint,
            metrics_endpoint,
            receipts_endpoint,
            export_endpoint,
        ],
        middleware=[
            DefineMiddleware(RequestObserver, metrics=runtime.metrics),
            DefineMiddleware(
                GraphQLPost,
                path=GRAPHQL_PATH,
                schema=schema,
                runtime=runtime,
                max_bytes=MAX_REQUEST_BYTES,
            ),
        ],
        state=State({"runtime": runtime}),
        cors_config=CORSConfig(allow_origins=settings.allowed_origins)
        if settings.allowed_origins
        else None,
        request_max_body_size=MAX_REQUEST_BYTES,
        on_startup=[start_runtime],
        on_shutdown=[dispose_engine],
        exception_handlers={HTTP_500_INTERNAL_SERVER_ERROR: unexpected_exception_response},
        openapi_config=None,
        # Logs go through structlog (jts_api.ops.logging); Litestar's default config would
        # put a handler on the root logger at INFO for every library in the process.
        logging_config=None,
    )
