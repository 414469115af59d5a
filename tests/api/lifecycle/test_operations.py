"""Operations over HTTP: health, metrics, request ids, GraphiQL, and faults answered
without internals."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import httpx
import pydantic
import pytest

from jts_api.auth.tokens import TokenCodec
from jts_api.errors import INTERNAL_MESSAGE
from jts_domain.clock import SystemClock
from jts_domain.ids import new_id
from jts_domain.model import Employee, Role
from tests.api.harness import (
    API_START,
    LOGIN,
    TEST_SECRET_KEY,
    ApiServer,
    Gql,
    api_settings,
    jts_serve,
    make_gql,
    serve,
)

#: A server that refuses connections: nothing listens on port 1.
UNREACHABLE_DATABASE = "postgresql://jts:jts@127.0.0.1:1/jts"


def test_health_checks_the_database(api: ApiServer) -> None:
    response = httpx.get(f"{api.url}/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert httpx.get(f"{api.url}/no-such-page").status_code == 404


def test_every_response_carries_a_request_id(gql: Gql) -> None:
    first = gql("{ __typename }")
    second = gql("{ __typename }")
    ids = {first.headers["x-request-id"], second.headers["x-request-id"]}
    assert len(ids) == 2
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


def test_a_gateway_request_id_is_kept(gql: Gql) -> None:
    result = gql("{ __typename }", headers={"X-Request-ID": "gateway-1234-abcd"})
    assert result.headers["x-request-id"] == "gateway-1234-abcd"
    odd = gql("{ __typename }", headers={"X-Request-ID": "<script>"})
    assert odd.headers["x-request-id"] != "<script>"


def test_metrics_count_requests_by_route_and_status(api: ApiServer, gql: Gql) -> None:
    def served() -> float:
        text = httpx.get(f"{api.url}/metrics").text
        pattern = r'jts_http_requests_total\{method="POST",path="/graphql",status="200"\} (\S+)'
        found = re.search(pattern, text)
        return float(found.group(1)) if found else 0.0

    before = served()
    for _ in range(3):
        gql("{ __typename }")
    assert served() == before + 3
    text = httpx.get(f"{api.url}/metrics").text
    assert "jts_http_request_duration_seconds_bucket" in text


def _frozen(url: str) -> float:
    found = re.search(r"^jts_gc_frozen_objects (\S+)$", httpx.get(f"{url}/metrics").text, re.M)
    assert found is not None
    return float(found.group(1))


def test_a_served_process_freezes_what_it_holds_once_started(
    api: ApiServer, database_url: str, tmp_path: Path
) -> None:
    with jts_serve(database_url, tmp_path / "serve.log") as url:
        assert _frozen(url) > 10_000  # modules, the schema, the pools: the startup heap
    assert _frozen(api.url) == 0  # the suite's in-process apps (JTS_GC_FREEZE off)


def test_graphql_errors_are_counted_by_code(api: ApiServer, gql: Gql) -> None:
    def unauthenticated() -> float:
        text = httpx.get(f"{api.url}/metrics").text
        found = re.search(r'jts_graphql_errors_total\{code="UNAUTHENTICATED"\} (\S+)', text)
        return float(found.group(1)) if found else 0.0

    before = unauthenticated()
    assert gql("{ me { id } }").codes == ["UNAUTHENTICATED"]
    assert unauthenticated() == before + 1


def test_development_serves_graphiql_and_introspection(api: ApiServer, gql: Gql) -> None:
    page = httpx.get(api.graphql_url, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    assert gql("{ __schema { queryType { name } } }").ok() == {
        "__schema": {"queryType": {"name": "Query"}}
    }


def test_documents_that_do_not_validate_are_validation_errors(gql: Gql) -> None:
    cases = [
        "{ me { id ",  # syntax
        "{ nothingHere }",  # unknown field
        'mutation { login(email: 1, password: "x") { token } }',  # literal of the wrong type
    ]
    for document in cases:
        result = gql(document)
        assert result.codes == ["VALIDATION_ERROR"], (document, result.errors)
        assert result.errors[0]["message"]
    variables = gql(LOGIN, {"email": ["not", "a", "string"], "password": "x"})
    assert variables.codes == ["VALIDATION_ERROR"]


def test_deep_alias_heavy_and_long_documents_are_refused(gql: Gql) -> None:
    deep = "{ " + "__schema { types { fields { type { " * 4 + "name" + " } } } }" * 4 + " }"
    aliases = "{ " + " ".join(f"a{i}: __typename" for i in range(100)) + " }"
    long = "{ " + "__typename " * 6_000 + "}"
    for document in (deep, aliases, long):
        result = gql(document)
        assert result.data is None
        assert set(result.codes) == {"VALIDATION_ERROR"}, result.errors


def test_a_fault_is_answered_without_internals_and_health_says_so(database_url: str) -> None:
    del database_url  # this app's database is one nobody can reach
    with serve(UNREACHABLE_DATABASE, system_clock=True) as server, make_gql(server) as gql:
        health = httpx.get(f"{server.url}/health")
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable"
        result = gql(LOGIN, {"email": "someone@example.test", "password": "whatever-pw"})
    error = result.errors[0]
    request_id = result.headers["x-request-id"]
    assert "code" not in error["extensions"]
    assert error["extensions"]["requestId"] == request_id
    assert request_id in error["message"]
    leaked = json.dumps(result.body).lower()
    assert "traceback" not in leaked
    assert "connect" not in leaked
    assert "127.0.0.1" not in leaked


def test_production_turns_introspection_and_graphiql_off(production_api: ApiServer) -> None:
    with make_gql(production_api) as gql:
        introspection = gql("{ __schema { queryType { name } } }")
        page = httpx.get(production_api.graphql_url, headers={"Accept": "text/html"})
        login = gql('mutation { login(email: "x@example.test", password: "p") { token } }')
    assert set(introspection.codes) == {"VALIDATION_ERROR"}
    assert introspection.data is None
    assert "graphiql" not in page.text.lower()
    # the API itself still answers
    assert login.codes == ["UNAUTHENTICATED"]


def test_production_refuses_to_start_without_a_real_secret(database_url: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="JTS_SECRET_KEY"):
        api_settings(database_url, env="production", secret_key="short")


def test_a_fault_before_graphql_runs_is_a_generic_500(database_url: str) -> None:
    del database_url  # this app's database is one nobody can reach
    somebody = Employee(
        id=new_id(),
        organization_id=new_id(),
        email="somebody@example.test",
        name="Somebody",
        role=Role.ADMIN,
        created_at=API_START,
    )
    # a genuine token (this app cannot register anybody: its database is unreachable)
    token = TokenCodec(TEST_SECRET_KEY, SystemClock(), timedelta(hours=1)).issue(somebody)
    with serve(UNREACHABLE_DATABASE, system_clock=True) as server, make_gql(server) as gql:
        result = gql("{ me { id } }", token=token)
    assert result.status_code == 500
    request_id = result.headers["x-request-id"]
    assert result.errors == [
        {
            "message": INTERNAL_MESSAGE.format(request_id=request_id),
            "extensions": {"requestId": request_id},
        }
    ]
