"""The one-loop completion of leaf-only object lists answers exactly what graphql-core's
would — the same data and the same errors at the same paths — and is taken where it
applies (an upload's results), not where it does not."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
import strawberry
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from strawberry.extensions import FieldExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from jts_api.executor import Executor
from jts_api.graphql.types.activity import ActivityUploadType
from jts_api.leaf_lists import MIN_ITEMS
from jts_domain.activity import model


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Upper(FieldExtension):
    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        return str(next_(source, info, **kwargs)).upper()


@strawberry.type
class Row:
    name: str
    note: str | None
    colour: Colour
    id: strawberry.ID | None
    count: int
    loud: str = strawberry.field(extensions=[Upper()])

    @strawberry.field
    def twice(self) -> int:
        return self.count * 2


ROWS: list[Any] = []


@strawberry.type
class Query:
    @strawberry.field
    def rows(self) -> list[Row]:
        return ROWS

    @strawberry.field
    def maybe_rows(self) -> list[Row | None]:
        return ROWS


OURS = strawberry.Schema(query=Query, execution_context_class=Executor)
GENERIC = strawberry.Schema(
    query=Query, execution_context_class=StrawberryGraphQLCoreExecutionContext
)

SELECTIONS = [
    "rows { name note colour id count }",
    "rows { __typename n: name name count }",
    "rows { name ... on Row { note colour } }",
    "rows { name note @include(if: false) count @skip(if: true) colour }",
    "maybe_rows: maybeRows { name id }",
    "rows { name twice }",  # a resolver: generic
    "rows { name loud }",  # a field extension: generic
]

names = st.one_of(st.none(), st.text(max_size=4), st.none(), st.integers(-3, 3), st.just(object()))
ids = st.one_of(st.none(), st.text(max_size=4), st.integers(0, 9), st.booleans())
colours = st.one_of(st.sampled_from(list(Colour)), st.none(), st.just("red"), st.just(1))
counts = st.one_of(
    st.integers(-(2**40), 2**40), st.none(), st.floats(allow_nan=True), st.text(max_size=2)
)


def _row(name: Any, note: Any, colour: Any, id_: Any, count: Any) -> Any:
    # Not a Row: its fields may hold what a Row may not (the generic path reports it).
    return SimpleNamespace(name=name, note=note, colour=colour, id=id_, count=count, loud=name)


good_rows = st.builds(
    Row,
    name=st.text(max_size=4),
    note=st.one_of(st.none(), st.text(max_size=4)),
    colour=st.sampled_from(list(Colour)),
    id=st.one_of(st.none(), st.text(max_size=4).map(strawberry.ID)),
    count=st.integers(-(2**31), 2**31 - 1),
    loud=st.text(max_size=4),
)
junk = {"name": names, "note": names, "colour": colours, "id": ids, "count": counts}


@st.composite
def odd_rows(draw: st.DrawFn) -> Any:
    """A good row with one field holding what a Row may not (the generic path reports it)."""
    row = vars(draw(good_rows)).copy()
    field = draw(st.sampled_from(sorted(junk)))
    row[field] = draw(junk[field])
    return SimpleNamespace(**row)


@st.composite
def rows(draw: st.DrawFn) -> list[Any]:
    """Good rows, and at some places an odd row or a null item (each a reason to fail)."""
    values: list[Any] = draw(st.lists(good_rows, min_size=MIN_ITEMS, max_size=MIN_ITEMS + 4))
    for _ in range(draw(st.integers(0, 3))):
        place = draw(st.integers(0, len(values) - 1))
        values[place] = draw(st.one_of(odd_rows(), odd_rows(), st.none()))
    return values


def _answer(schema: strawberry.Schema, selection: str) -> tuple[Any, list[Any]]:
    result = schema.execute_sync(f"{{ {selection} }}")
    errors = sorted((e.message, tuple(e.path or ())) for e in result.errors or [])
    return result.data, errors


@settings(max_examples=200, deadline=None, phases=[Phase.explicit, Phase.generate, Phase.shrink])
@given(rows(), st.sampled_from(SELECTIONS))
def test_the_completion_matches_graphql_core(values: list[Any], selection: str) -> None:
    ROWS[:] = values
    assert _answer(OURS, selection) == _answer(GENERIC, selection)


@contextmanager
def _fields_executed() -> Iterator[list[str]]:
    seen: list[str] = []
    real = Executor.execute_field

    def counted(self: Executor, parent_type: Any, *args: Any) -> Any:
        seen.append(parent_type.name)
        return real(self, parent_type, *args)

    with mock.patch.object(Executor, "execute_field", counted):
        yield seen


def _good(count: int) -> list[Row]:
    return [
        Row(name=f"r{n}", note=None, colour=Colour.RED, id=strawberry.ID(str(n)), count=n, loud="")
        for n in range(count)
    ]


@pytest.mark.parametrize(
    ("selection", "row_fields"),
    [
        ("rows { name note colour id count }", 0),
        ("rows { name twice }", 2 * MIN_ITEMS),
        ("rows { name loud }", 2 * MIN_ITEMS),
    ],
)
def test_plain_leaves_are_completed_in_one_loop(selection: str, row_fields: int) -> None:
    ROWS[:] = _good(MIN_ITEMS)
    with _fields_executed() as seen:
        result = OURS.execute_sync(f"{{ {selection} }}")
    assert result.errors is None
    assert result.data == GENERIC.execute_sync(f"{{ {selection} }}").data
    assert seen.count("Row") == row_fields
    assert seen.count("Query") == 1


def test_a_short_list_goes_the_generic_way() -> None:
    ROWS[:] = _good(MIN_ITEMS - 1)
    with _fields_executed() as seen:
        OURS.execute_sync("{ rows { name } }")
    assert seen.count("Row") == MIN_ITEMS - 1


def test_a_null_in_a_non_null_field_gets_graphql_cores_error_at_its_path() -> None:
    ROWS[:] = [*_good(MIN_ITEMS), _row(None, None, Colour.RED, None, 1)]
    result = OURS.execute_sync("{ rows { name count } }")
    assert result.data is None
    assert [(e.message, e.path) for e in result.errors or []] == [
        ("Cannot return null for non-nullable field Row.name.", ["rows", MIN_ITEMS, "name"])
    ]


def test_an_uploads_results_are_completed_in_one_loop() -> None:
    results = tuple(
        model.ActivityResult(client_id=str(n), status=model.ActivityStatus.DUPLICATE)
        for n in range(MIN_ITEMS)
    )
    upload = ActivityUploadType.of(
        model.ActivityUpload(accepted=0, duplicates=MIN_ITEMS, rejected=0, results=results)
    )
    # The upload type as the root of a schema of its own: its results field as served.
    schema = strawberry.Schema(query=ActivityUploadType, execution_context_class=Executor)
    document = "{ results { clientId status reason message timerId __typename } }"
    with _fields_executed() as seen:
        result = schema.execute_sync(document, root_value=upload)
    assert result.errors is None
    assert result.data is not None
    assert result.data["results"][MIN_ITEMS - 1] == {
        "clientId": str(MIN_ITEMS - 1),
        "status": "DUPLICATE",
        "reason": None,
        "message": None,
        "timerId": None,
        "__typename": "ActivityResult",
    }
    assert seen == ["ActivityUpload"]
