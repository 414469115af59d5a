"""Serving an app under uvicorn in a background thread, and talking GraphQL to it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import httpx
import uvicorn
from litestar import Litestar

from jts_domain.clock import ManualClock

STARTUP_TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True)
class ApiServer:
    """A running server."""

    url: str
    clock: ManualClock | None

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/graphql"

    @property
    def ws_url(self) -> str:
        return self.graphql_url.replace("http://", "ws://", 1)


@contextmanager
def serve_app(app: Litestar, *, clock: ManualClock | None = None) -> Iterator[ApiServer]:
    """Serve ``app`` on a free local port (websockets included) until the block ends;
    then shut it down gracefully (the app's shutdown hooks run)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, lifespan="on", log_level="warning", ws="websockets-sansio", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn-{port}", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            msg = "the API server did not start"
            raise RuntimeError(msg)
        time.sleep(0.02)
    try:
        yield ApiServer(url=f"http://127.0.0.1:{port}", clock=clock)
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_SECONDS)
        sock.close()


@dataclass(frozen=True)
class GraphQLResult:
    """One GraphQL answer over HTTP."""

    status_code: int
    headers: httpx.Headers
    body: dict[str, Any]

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.body.get("errors") or [])

    @property
    def codes(self) -> list[str | None]:
        """``extensions.code`` of each error, in order."""
        return [(e.get("extensions") or {}).get("code") for e in self.errors]

    def ok(self) -> Any:
        """The data, after checking there was no error."""
        assert not self.errors, self.errors
        return self.data


@dataclass
class Gql:
    """``gql(query, variables=None, token=None)``; ``gql.http`` is the raw httpx client."""

    http: httpx.Client
    server: ApiServer
    headers: dict[str, str] = field(default_factory=dict)

    def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> GraphQLResult:
        sent = dict(self.headers)
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        sent.update(headers or {})
        payload: dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        response = self.http.post(self.server.graphql_url, json=payload, headers=sent)
        return GraphQLResult(response.status_code, response.headers, response.json())


@contextmanager
def make_gql(server: ApiServer) -> Iterator[Gql]:
    """A GraphQL client of ``server``."""
    with httpx.Client(timeout=30.0) as http:
        yield Gql(http=http, server=server)


@dataclass(frozen=True)
class Account:
    """A signed-in employee."""

    token: str
    employee_id: str
    organization_id: str
    email: str
    password: str


REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) { token user { id organizationId role email } }
}
"""

LOGIN = """
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { token user { id organizationId role email } }
}
"""


def unique_email(name: str = "admin") -> str:
    """An e-mail address nobody else in the run has."""
    return f"{name}-{uuid4().hex[:12]}@example.test"


def _account(payload: dict[str, Any], password: str) -> Account:
    user = payload["user"]
    return Account(
        token=payload["token"],
        employee_id=user["id"],
        organization_id=user["organizationId"],
        email=user["email"],
        password=password,
    )


def register(gql: Gql, *, timezone: str = "Asia/Kolkata", name: str = "Asha") -> Account:
    """Register a new organization; its admin, signed in."""
    password = "correct horse battery"
    variables = {
        "input": {
            "organizationName": f"Org {uuid4().hex[:8]}",
            "timezone": timezone,
            "email": unique_email(),
            "password": password,
            "name": name,
        }
    }
    return _account(gql(REGISTER, variables).ok()["register"], password)


def login(gql: Gql, email: str, password: str) -> Account:
    """Sign in; the account."""
    return _account(gql(LOGIN, {"email": email, "password": password}).ok()["login"], password)
