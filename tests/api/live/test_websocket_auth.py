"""The subscription websocket (graphql-transport-ws) authenticates in connection_init."""

from __future__ import annotations

import json

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.api.harness import Account, ApiServer

PROTOCOL = "graphql-transport-ws"


def _init(api: ApiServer, payload: dict[str, str]) -> dict[str, object]:
    with connect(api.ws_url, subprotocols=[PROTOCOL], open_timeout=10) as socket:
        socket.send(json.dumps({"type": "connection_init", "payload": payload}))
        answer: dict[str, object] = json.loads(socket.recv(timeout=10))
        return answer


def test_a_valid_token_is_acknowledged(api: ApiServer, account: Account) -> None:
    assert _init(api, {"authorization": f"Bearer {account.token}"}) == {"type": "connection_ack"}


@pytest.mark.parametrize("payload", [{}, {"authorization": "Bearer nonsense"}])
def test_a_missing_or_bad_token_closes_the_socket(api: ApiServer, payload: dict[str, str]) -> None:
    with pytest.raises(ConnectionClosed) as closed:
        _init(api, payload)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
