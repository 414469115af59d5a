"""The per-request GraphQL context: services, the authenticated caller, the request id.

Resolvers take ``info: Info`` and use ``info.context``:

* ``services`` — the :class:`~jts_domain.services.ServiceContext` to call use cases with;
* ``require_caller()`` — the authenticated :class:`~jts_domain.services.Caller`, or
  UNAUTHENTICATED (``caller`` is the same, or None, for the public fields);
* ``runtime`` — settings, password hasher, token codec, job queue;
* ``loaders`` — this request's DataLoaders;
* ``request_id`` — logged with every line and returned in ``X-Request-ID``.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import strawberry
from litestar import Request, Response
from litestar.background_tasks import BackgroundTasks
from litestar.datastructures import State
from litestar.enums import ScopeType
from litestar.types import Scope
from strawberry.litestar.controller import BaseContext

from jts_api.auth.tokens import InvalidTokenError, TokenClaims, bearer_token
from jts_api.dataloaders import DataLoaders
from jts_api.live_sessions import LiveSession
from jts_api.ops.request_context import current_request_id
from jts_api.runtime import ApiRuntime
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.services import Caller, ServiceContext

_SIGN_IN_FIRST = "sign in first: send Authorization: Bearer <token>"


class GraphQLContext(BaseContext, kw_only=True):
    """What every resolver of one request (or one websocket connection) can reach."""

    runtime: ApiRuntime
    request_id: str
    client_address: str | None = None
    caller: Caller | None = None
    #: The verified token the caller was identified by.
    claims: TokenClaims | None = None
    #: Why a presented token was refused (None when none was presented or it was fine).
    auth_problem: str | None = None
    #: The websocket's session, once ``connection_init`` authenticated it.
    live_session: LiveSession | None = None
    #: The websocket ``connection_init`` payload, set by Strawberry.
    connection_params: dict[str, Any] | None = None
    loader_cache: DataLoaders | None = None

    @property
    def loaders(self) -> DataLoaders:
        """This request's DataLoaders (made on first use)."""
        if self.loader_cache is None:
            self.loader_cache = DataLoaders(self)
        return self.loader_cache

    @property
    def services(self) -> ServiceContext:
        """The service context use cases are called with."""
        return self.runtime.services

    def require_caller(self) -> Caller:
        """The authenticated caller; UNAUTHENTICATED when there is none."""
        if self.caller is None:
            raise DomainError(ErrorCode.UNAUTHENTICATED, self.auth_problem or _SIGN_IN_FIRST)
        return self.caller

    async def authenticate(self, authorization: str | None) -> None:
        """Set the caller from an ``Authorization`` value (header or websocket payload)."""
        self.caller, self.claims, self.auth_problem = None, None, None
        if not authorization:
            return
        token = bearer_token(authorization)
        if token is None:
            self.auth_problem = "the Authorization value must be 'Bearer <token>'"
            return
        try:
            claims = self.runtime.tokens.verify(token)
            self.caller = await self.runtime.callers.caller_for(claims)
            self.claims = claims
        except InvalidTokenError:
            self.auth_problem = "the token is invalid or has expired; sign in again"
        except DomainError as error:
            if error.code is not ErrorCode.UNAUTHENTICATED:
                raise
            self.auth_problem = error.message


Info: TypeAlias = strawberry.Info[GraphQLContext, None]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


async def context_getter(scope: Scope, state: State) -> GraphQLContext:
    """Litestar dependency making each request's context (websockets authenticate later,
    from their ``connection_init`` payload)."""
    return await request_context(scope, state.runtime)


async def request_context(scope: Scope, runtime: ApiRuntime) -> GraphQLContext:
    """The context of a request (an HTTP one authenticated by its ``Authorization``)."""
    client = scope.get("client")
    context = GraphQLContext(
        runtime=runtime,
        request_id=current_request_id(),
        client_address=client[0] if client else None,
    )
    if scope["type"] == ScopeType.HTTP:
        await context.authenticate(_header(scope, b"authorization"))
    return context


async def http_post_context(request: Request[Any, Any, Any], state: State) -> GraphQLContext:
    """The context of a ``POST /graphql`` as one dependency: made, authenticated and given
    its request and sub-response without Litestar resolving three dependencies in a
    task group and making the sub-response in a worker thread for every request."""
    context = await context_getter(request.scope, state)
    context.request = request
    context.response = Response({}, background=BackgroundTasks([]))
    return context
