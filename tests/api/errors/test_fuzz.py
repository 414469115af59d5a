"""A property-based pass over every query and mutation of the schema, over HTTP.

``hypothesis-graphql`` writes valid documents from the SDL (every root field, their
arguments and input objects, nested selections, random text — NUL included — numbers
and enum values; and invalid ones), and they are sent, signed in as an admin or an employee of an
organization of their own, to a server that runs the real app. Whatever the document,
the answer is never an HTTP 5xx, and every error in it carries an ``extensions.code``
(a code-less error is a fault of ours).

The example budget is bounded: ``FUZZ_EXAMPLES`` (150, or ``JTS_FUZZ_EXAMPLES``) each
for queries and mutations.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, queries

from jts_api.schema import build_schema
from jts_domain.memory import RecordingJobQueue
from tests.api.harness import ApiServer, api_settings, make_gql, serve
from tests.api.team import Team, make_team_over_http

FUZZ_EXAMPLES = int(os.environ.get("JTS_FUZZ_EXAMPLES", "150"))


def _text(value: str) -> graphql.StringValueNode:
    return graphql.StringValueNode(value=value)


#: Scalars of our own: mostly well-formed values (to get past parsing and reach the use
#: cases), some malformed ones.
_NEAR = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001 -- hypothesis bounds are naive by contract
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001 -- same
    timezones=st.just(UTC),
)
_JUNK = st.sampled_from(["", "x", "2026-02-30", "25:61", "2026-13-01T00:00:00Z", "null"])
CUSTOM_SCALARS = {
    "Date": st.one_of(
        st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)).map(
            lambda d: _text(d.isoformat())
        ),
        _JUNK.map(_text),
    ),
    "DateTime": st.one_of(_NEAR.map(lambda t: _text(t.isoformat())), _JUNK.map(_text)),
    "Time": st.one_of(
        st.times().map(lambda t: _text(t.replace(microsecond=0).isoformat())),
        _JUNK.map(_text),
    ),
    "JSON": st.just(graphql.ObjectValueNode(fields=())),
}


@pytest.fixture(scope="module")
def fuzz_api(database_url: str) -> Iterator[ApiServer]:
    """The real app with a job queue (so ``triggerJob`` has somewhere to queue)."""
    with serve(database_url, job_queue=RecordingJobQueue()) as server:
        yield server


@pytest.fixture(scope="module")
def fuzz_world(fuzz_api: ApiServer) -> Team:
    """An organization with a store, a department, a shift on now, people rostered."""
    with make_gql(fuzz_api) as gql:
        return make_team_over_http(gql, fuzz_api)


@pytest.fixture(scope="module")
def sdl(database_url: str) -> str:
    """The schema the server serves, as SDL."""
    return str(build_schema(api_settings(database_url)).as_str())


def _post(server: ApiServer, token: str, document: str) -> httpx.Response:
    body = json.dumps({"query": document})  # escapes and all, as a browser sends it
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    return httpx.post(server.graphql_url, content=body, headers=headers, timeout=60)


def _check(server: ApiServer, token: str, document: str) -> None:
    response = _post(server, token, document)
    assert response.status_code < 500, (document, response.text)
    answer: dict[str, Any] = response.json()
    for error in answer.get("errors") or []:
        assert (error.get("extensions") or {}).get("code"), (document, error)


FUZZ_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


#: Who the fuzzer sends documents as.
ROLES = ("admin", "manager", "employee")

CREATE_TASK = """
mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }"""


@pytest.fixture(scope="module")
def known_ids(fuzz_api: ApiServer, fuzz_world: Team) -> list[str]:
    """Ids that exist — the world's people, places, shift and a few tasks — and one
    organization's worth of another tenant's, for ``ID`` arguments to hit real records."""
    with make_gql(fuzz_api) as gql:
        world = fuzz_world
        tasks = [
            gql(
                CREATE_TASK,
                {"input": {"title": f"Task {n}", "assigneeId": world.id("employee")}},
                world.token("admin"),
            ).ok()["createTask"]["id"]
            for n in range(3)
        ]
        intruder = make_team_over_http(gql, fuzz_api)
    return [
        *(world.id(who) for who in ROLES),
        intruder.id("employee"),
        world.store_id,
        world.department_id,
        world.shift_id,
        intruder.store_id,
        *tasks,
    ]


def _documents(
    sdl_text: str, of: Any, ids: list[str], mode: Mode = Mode.POSITIVE
) -> st.SearchStrategy[str]:
    scalars = {
        **CUSTOM_SCALARS,
        "ID": st.one_of(st.sampled_from(ids), st.text(max_size=40)).map(_text),
    }
    return of(sdl_text, custom_scalars=scalars, mode=mode).map(str)


def test_no_query_is_answered_with_a_fault(
    fuzz_api: ApiServer, fuzz_world: Team, sdl: str, known_ids: list[str]
) -> None:
    tokens = [fuzz_world.token(who) for who in ROLES]

    @FUZZ_SETTINGS
    @given(document=_documents(sdl, queries, known_ids), token=st.sampled_from(tokens))
    def each(document: str, token: str) -> None:
        _check(fuzz_api, token, document)

    each()


def test_no_mutation_is_answered_with_a_fault(
    fuzz_api: ApiServer, fuzz_world: Team, sdl: str, known_ids: list[str]
) -> None:
    tokens = [fuzz_world.token(who) for who in ROLES]

    @FUZZ_SETTINGS
    @given(document=_documents(sdl, mutations, known_ids), token=st.sampled_from(tokens))
    def each(document: str, token: str) -> None:
        _check(fuzz_api, token, document)
        assert fuzz_api.clock is not None
        fuzz_api.clock.advance(seconds=1)  # time goes on between requests, never back

    each()


def test_an_invalid_document_is_a_validation_error(
    fuzz_api: ApiServer, fuzz_world: Team, sdl: str, known_ids: list[str]
) -> None:
    """Documents that break the schema (a wrong type, a missing argument, an unknown
    field …) are refused as VALIDATION_ERROR, nothing else."""

    @settings(FUZZ_SETTINGS, max_examples=max(FUZZ_EXAMPLES // 2, 1))
    @given(
        document=st.one_of(
            _documents(sdl, queries, known_ids, Mode.NEGATIVE),
            _documents(sdl, mutations, known_ids, Mode.NEGATIVE),
        )
    )
    def each(document: str) -> None:
        response = _post(fuzz_api, fuzz_world.token("admin"), document)
        assert response.status_code < 500, (document, response.text)
        codes = {(e.get("extensions") or {}).get("code") for e in response.json()["errors"]}
        assert codes == {"VALIDATION_ERROR"}, (document, response.text)

    each()


def test_the_budget_covers_every_root_field(sdl: str) -> None:
    """The strategies know every query and mutation of the schema."""
    schema = graphql.build_schema(sdl)
    assert schema.query_type is not None
    assert schema.mutation_type is not None
    fields = {*schema.query_type.fields, *schema.mutation_type.fields}
    assert {"tasks", "createTask", "login", "triggerJob"} <= fields
