"""Input an attacker would send: text PostgreSQL cannot store, bodies that are not GraphQL
requests, and documents fishing for the schema in production.

* A NUL (``\\u0000``) or a lone surrogate (``\\ud800``) in any string — a variable, an
  inline literal, a nested input field, a list item — is VALIDATION_ERROR naming where
  it was, and nothing is written.
* A JSON body that is not an object (``null``, ``[]``, ``1``, ``"x"``) is HTTP 400 with a
  clear message.
* Production answers no "Did you mean …?": suggestions would spell out the schema that
  switching introspection off hides.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest

from tests.api.harness import (
    Account,
    ApiServer,
    Gql,
    GraphQLResult,
    make_gql,
    register,
    unique_email,
)
from tests.api.team import CREATE_EMPLOYEE

NUL = "shelf\u0000 restock"
SURROGATE = "bad \ud800 text"

CREATE_TASK = """
mutation($input: CreateTaskInput!) { createTask(input: $input) { id title } }"""
HOLD_TASK = """
mutation($id: ID!, $reason: String!) { holdTask(id: $id, reason: $reason) { id status } }"""
REGISTER = """
mutation($input: RegisterInput!) { register(input: $input) { token } }"""
TASKS = """
query($f: TaskFilterInput) { tasks(filters: $f, first: 5) { edges { node { id } } } }"""


async def _fetch(database_url: str, query: str, *args: object) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        return int(await connection.fetchval(query, *args))
    finally:
        await connection.close()


def _tasks(database_url: str, organization_id: str) -> int:
    query = "SELECT count(*) FROM tasks WHERE organization_id = $1"
    return asyncio.run(_fetch(database_url, query, organization_id))


def _organizations(database_url: str) -> int:
    return asyncio.run(_fetch(database_url, "SELECT count(*) FROM organizations"))


def _send(
    gql: Gql, query: str, variables: dict[str, Any], token: str | None = None
) -> GraphQLResult:
    """Post as a browser would: JSON with ``\\u`` escapes, which is how a lone
    surrogate travels (it has no UTF-8 encoding of its own)."""
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps({"query": query, "variables": variables})  # ASCII, escapes and all
    response = gql.http.post(gql.server.graphql_url, content=body, headers=headers)
    return GraphQLResult(response.status_code, response.headers, response.json())


def _refused(result: Any, field: str) -> None:
    """The answer of a refused unstorable string: one VALIDATION_ERROR naming ``field``."""
    assert result.status_code == 200
    assert result.codes == ["VALIDATION_ERROR"], result.errors
    error = result.errors[0]
    assert error["extensions"]["details"] == {"field": field}
    assert field in error["message"]
    assert result.data is None


@pytest.mark.parametrize("text", [NUL, SURROGATE], ids=["nul", "surrogate"])
@pytest.mark.parametrize("where", ["title", "description"])
def test_unstorable_text_in_a_variable_input_is_refused(
    gql: Gql, account: Account, database_url: str, text: str, where: str
) -> None:
    fields = {"title": "Restock", where: text}
    result = _send(gql, CREATE_TASK, {"input": fields}, account.token)
    _refused(result, f"$input.{where}")
    assert _tasks(database_url, account.organization_id) == 0


def test_a_nul_in_an_inline_literal_is_refused(
    gql: Gql, account: Account, database_url: str
) -> None:
    document = 'mutation { createTask(input: {title: "shelf\\u0000 restock"}) { id } }'
    _refused(gql(document, token=account.token), "createTask.input.title")
    assert _tasks(database_url, account.organization_id) == 0


def test_a_lone_surrogate_in_an_inline_literal_is_a_syntax_error(
    gql: Gql, account: Account
) -> None:
    document = 'mutation { createTask(input: {title: "bad \\ud800 text"}) { id } }'
    result = gql(document, token=account.token)
    assert result.codes == ["VALIDATION_ERROR"]
    assert "Invalid Unicode escape sequence" in result.errors[0]["message"]


@pytest.mark.parametrize("text", [NUL, SURROGATE], ids=["nul", "surrogate"])
def test_unstorable_text_in_an_argument_is_refused(
    gql: Gql, account: Account, database_url: str, text: str
) -> None:
    task = gql(CREATE_TASK, {"input": {"title": "Restock"}}, account.token).ok()["createTask"]
    result = _send(gql, HOLD_TASK, {"id": task["id"], "reason": text}, account.token)
    _refused(result, "$reason")
    literal = 'mutation { holdTask(id: "%s", reason: "a\\u0000b") { id } }' % task["id"]  # noqa: UP031 -- braces of GraphQL
    _refused(gql(literal, token=account.token), "holdTask.reason")
    assert _tasks(database_url, account.organization_id) == 1


@pytest.mark.parametrize("text", [NUL, SURROGATE], ids=["nul", "surrogate"])
def test_unstorable_text_in_an_employee_is_refused(gql: Gql, account: Account, text: str) -> None:
    email = unique_email("pat")
    person = {"email": email, "name": f"Pat {text}", "password": "password 123"}
    _refused(_send(gql, CREATE_EMPLOYEE, {"input": person}, account.token), "$input.name")
    # the address is still free: nothing was written under it
    person["name"] = "Pat"
    assert gql(CREATE_EMPLOYEE, {"input": person}, account.token).ok()


@pytest.mark.parametrize("text", [NUL, SURROGATE], ids=["nul", "surrogate"])
@pytest.mark.parametrize("where", ["organizationName", "email", "password", "name"])
def test_unstorable_text_in_a_registration_is_refused(
    gql: Gql, database_url: str, text: str, where: str
) -> None:
    fields = {
        "organizationName": f"Org {uuid4().hex[:8]}",
        "email": unique_email(),
        "password": "correct horse battery",
        "name": "Asha",
    }
    fields[where] = text if where != "email" else f"a{text}@example.test"
    before = _organizations(database_url)
    _refused(_send(gql, REGISTER, {"input": fields}), f"$input.{where}")
    assert _organizations(database_url) == before


def test_unstorable_text_in_a_list_item_is_refused(gql: Gql, account: Account) -> None:
    result = _send(gql, TASKS, {"f": {"statuses": ["PENDING", SURROGATE]}}, account.token)
    _refused(result, "$f.statuses.1")


def test_ordinary_text_passes_untouched(gql: Gql, account: Account) -> None:
    """Tabs, newlines, emoji (a surrogate *pair* in JSON) and other scripts are text."""
    title = "Restock\tshelf 3\n\U0001f4e6 ಕನ್ನಡ"
    created = gql(CREATE_TASK, {"input": {"title": title}}, account.token).ok()["createTask"]
    assert created["title"] == title


@pytest.mark.parametrize(
    "body", ["null", "[]", "1", '"x"', "true", "[1, 2]", '[{"query": "{ __typename }"}]']
)
def test_a_body_that_is_not_an_object_is_a_400(api: ApiServer, body: str) -> None:
    response = httpx.post(
        api.graphql_url, content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert "JSON object" in response.text


@pytest.fixture
def production(production_api: ApiServer) -> Iterator[Gql]:
    """Posts GraphQL to the production server (introspection off)."""
    with make_gql(production_api) as client:
        yield client


def test_production_makes_no_suggestions(production: Gql) -> None:
    admin = register(production)
    documents = [
        ("{ tsks { id } }", None),
        ('mutation { logn(email: "a@example.test", password: "whatever1") { token } }', None),
        ("{ me { emial } }", None),
        ("{ tasks(frist: 3) { edges { node { id } } } }", None),
        ("query($f: TaskFilterInpt) { tasks(filter: $f) { edges { node { id } } } }", None),
        ('mutation { createTask(input: {titel: "x"}) { id } }', None),
        ('mutation { createTask(input: {title: "x", priority: LWO}) { id } }', None),
        (CREATE_TASK, {"input": {"title": "x", "priority": "LWO"}}),
        (CREATE_TASK, {"input": {"title": "x", "priorty": "LOW"}}),
    ]
    for document, variables in documents:
        result = production(document, variables, admin.token)
        assert result.codes, document
        assert set(result.codes) == {"VALIDATION_ERROR"}, result.errors
        for error in result.errors:
            assert "did you mean" not in error["message"].lower(), (document, error)


def test_development_still_suggests(gql: Gql, account: Account) -> None:
    result = gql("{ tsks { id } }", token=account.token)
    assert "Did you mean 'tasks'" in result.errors[0]["message"]
