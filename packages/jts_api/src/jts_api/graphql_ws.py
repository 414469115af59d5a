"""The subscription websocket (graphql-transport-ws) and the session it opens.

:func:`open_live_session` registers a socket that ``connection_init`` authenticated with
the process's :class:`~jts_api.live_sessions.LiveSessions` (which close it when its token
expires or its employee's access changes); :class:`SessionEndingHandler` is Strawberry's
protocol handler (:class:`LegacySessionEndingHandler` for the older graphql-ws), forgetting
the session when the socket goes.
"""

from __future__ import annotations

import json
from typing import Any

from litestar.exceptions import WebSocketDisconnect
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler

from jts_api.context import GraphQLContext
from jts_api.live_results import encoded_data
from jts_api.live_sessions import LiveSession

NEXT_MESSAGE = '{{"id":{id},"type":"next","payload":{{"data":{data}}}}}'


def open_live_session(context: GraphQLContext) -> None:
    """Keep the authenticated socket of ``context`` as a live session."""
    claims, socket = context.claims, context.websocket
    if claims is None or socket is None:
        return
    session = LiveSession(
        organization_id=claims.organization_id,
        employee_id=claims.employee_id,
        access_epoch=claims.access_epoch,
        expires_at=claims.expires_at,
        close=socket.close,
    )
    context.live_session = session
    context.runtime.sessions.open(session)


def _forget_live_session(context: object) -> None:
    if isinstance(context, GraphQLContext) and context.live_session is not None:
        context.runtime.sessions.forget(context.live_session)


class SessionEndingHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    """graphql-transport-ws, forgetting the socket's live session when it ends, and
    sending a ``next`` whose data is shared by all subscribers of an event encoded once
    (see :func:`jts_api.live_results.encoded_data`)."""

    async def shutdown(self) -> None:
        _forget_live_session(self.context)
        await super().shutdown()

    async def send_message(self, message: Message) -> None:
        socket = getattr(self.websocket, "ws", None)  # Litestar's socket, under the adapter
        shared = _plain_next(message)
        if shared is None or socket is None:
            await super().send_message(message)
            return
        operation, data = shared
        text = NEXT_MESSAGE.format(id=json.dumps(operation), data=encoded_data(data))
        try:
            await socket.send_data(data=text)
        except WebSocketDisconnect as gone:
            raise WebSocketDisconnected from gone


def _plain_next(message: Message) -> tuple[str, object] | None:
    """(operation id, data) of a ``next`` message carrying data only; None otherwise."""
    if message["type"] != "next":
        return None
    payload: dict[str, object] = dict(message["payload"])
    if payload.keys() != {"data"}:
        return None
    return message["id"], payload["data"]


class LegacySessionEndingHandler(BaseGraphQLWSHandler[Any, Any]):
    """The older graphql-ws protocol, likewise."""

    async def cleanup(self) -> None:
        _forget_live_session(self.context)
        await super().cleanup()
