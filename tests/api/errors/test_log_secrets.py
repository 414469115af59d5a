"""No log line ever holds a password, a token, a secret or a stack frame's locals.

``jts serve`` runs as a subprocess (its own process logging, as in production) and is
driven over HTTP through the error paths — bad logins, unstorable input, bodies that
are not requests — with a known password and token; a second one, whose database
nobody can reach, turns a sign-in and a signed-in request into faults, which are logged
with their stack traces. Then both logs are scanned for the secrets: zero hits.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import structlog

from jts_api.ops.logging import redact_secrets
from tests.api.harness import TEST_SECRET_KEY, jts_serve
from tests.logs import json_records

#: Nothing listens on port 1: every request that needs the database is a fault.
UNREACHABLE_DATABASE = "postgresql://jts:jts@127.0.0.1:1/jts"
REGISTER = """
mutation($input: RegisterInput!) { register(input: $input) { token user { id } } }"""
LOGIN = """
mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) { token }
}"""
CREATE_TASK = """
mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }"""


def _post(url: str, query: str, variables: dict[str, Any], token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps({"query": query, "variables": variables})
    return httpx.post(f"{url}/graphql", content=body, headers=headers, timeout=30)


def _records(log: Path) -> list[dict[str, Any]]:
    return json_records(log.read_text())


def test_error_paths_leave_no_secret_in_the_log(database_url: str, tmp_path: Path) -> None:
    password = f"hunter-{uuid4().hex}"
    wrong = f"guess-{uuid4().hex}"
    email = f"asha-{uuid4().hex[:12]}@example.test"
    good_log, faulty_log = tmp_path / "serve.log", tmp_path / "faulty.log"
    with jts_serve(database_url, good_log) as url:
        registration = {
            "organizationName": f"Org {uuid4().hex[:8]}",
            "email": email,
            "password": password,
            "name": "Asha",
        }
        token = _post(url, REGISTER, {"input": registration}).json()["data"]["register"]["token"]
        for attempt in (wrong, password + "\x00", wrong + "\ud800"):
            assert _post(url, LOGIN, {"email": email, "password": attempt}).json()["errors"]
        for title in ("shelf\x00 restock", "bad \ud800 text"):
            assert _post(url, CREATE_TASK, {"input": {"title": title}}, token).json()["errors"]
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        for body in ("null", "[]", "1"):
            assert httpx.post(f"{url}/graphql", content=body, headers=headers).status_code == 400
    with jts_serve(UNREACHABLE_DATABASE, faulty_log) as url:
        faults = [
            _post(url, LOGIN, {"email": email, "password": password}),
            _post(url, "{ me { id } }", {}, token),
        ]
        assert [f.status_code for f in faults] == [200, 500]

    logged = [*_records(good_log), *_records(faulty_log)]
    unexpected = [r for r in logged if r.get("event") == "unexpected error"]
    assert len(unexpected) >= 2, faulty_log.read_text()  # the faults were logged...
    assert all("exception" in r for r in unexpected)  # ...with their stack traces
    text = good_log.read_text() + faulty_log.read_text()
    signature = token.rsplit(".", 1)[1]
    for secret in (password, wrong, token, signature, TEST_SECRET_KEY):
        assert secret not in text
    assert '"locals"' not in text


def _rendered(event: dict[str, Any]) -> dict[str, Any]:
    return dict(redact_secrets(structlog.get_logger(), "info", event))


def test_secret_keys_are_redacted_in_any_case_and_at_any_depth() -> None:
    event = {
        "event": "request",
        "Authorization": "Bearer abc.def.ghi",
        "user": {"email": "a@example.test", "Password": "p4ss", "access_token": "t0k"},
        "headers": [{"X-Api-Secret": "s3cret"}, ("authorization", "Bearer x")],
        "token_count": 3,
    }
    assert _rendered(event) == {
        "event": "request",
        "Authorization": "[redacted]",
        "user": {"email": "a@example.test", "Password": "[redacted]", "access_token": "[redacted]"},
        "headers": [{"X-Api-Secret": "[redacted]"}, ("authorization", "[redacted]")],
        "token_count": "[redacted]",
    }
