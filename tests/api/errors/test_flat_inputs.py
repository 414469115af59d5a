"""The fast coercion of flat input lists answers exactly what graphql-core's would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from dateutil.parser import isoparse
from graphql import GraphQLList, GraphQLNonNull, Undefined, parse
from graphql.utilities import coerce_input_value
from hypothesis import given, settings
from hypothesis import strategies as st
from strawberry.exceptions import StrawberryInputCoercionError

from jts_api.flat_inputs import MIN_ITEMS, coerce_flat_list, flat_list_type, pre_coerce
from jts_api.graphql.datetime_scalar import parse_datetime
from jts_api.schema import build_schema
from jts_api.settings import ApiSettings

SCHEMA = build_schema(ApiSettings())._schema
ITEM = SCHEMA.type_map["ActivityInput"]
ITEMS = GraphQLNonNull(GraphQLList(GraphQLNonNull(ITEM)))  # type: ignore[arg-type]
UPLOAD = parse("mutation($items: [ActivityInput!]!) { uploadActivity(items: $items) { accepted } }")

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
good = {
    "clientId": st.one_of(st.none(), st.text(max_size=10)),
    "at": st.sampled_from(
        ["2026-12-02T10:00:00+00:00", "2026-12-02T10:00:00Z", "2026-12-02 10:00", "2026-12-02"]
    ),
    "kind": st.sampled_from(["ACTIVE", "IDLE"]),
    "seconds": st.integers(min_value=-5, max_value=700),
    "app": st.one_of(st.none(), st.text(max_size=5)),
    "url": st.one_of(st.none(), st.text(max_size=5)),
    "title": st.one_of(st.none(), st.text(max_size=5)),
}


@st.composite
def items(draw: st.DrawFn) -> Any:
    item: dict[str, Any] = {}
    for name, values in good.items():
        choice = draw(st.sampled_from(["good", "good", "good", "junk", "absent"]))
        if choice == "good":
            item[name] = draw(values)
        elif choice == "junk":
            item[name] = draw(junk)
    if draw(st.integers(0, 9)) == 0:
        item[draw(st.sampled_from(["extra", "client_id", "At"]))] = 1
    return item


def _plain(value: Any) -> Any:
    if value is Undefined:
        return value
    return [vars(v) if hasattr(v, "__dict__") else v for v in value]


def test_the_activity_items_are_a_flat_list() -> None:
    flat = flat_list_type(ITEMS)
    assert flat is not None
    assert flat.names == frozenset(ITEM.fields)  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(items(), max_size=6), junk))
def test_coercion_matches_graphql_core(value: Any) -> None:
    flat = flat_list_type(ITEMS)
    assert flat is not None
    ours = coerce_flat_list(value, flat)
    theirs = coerce_input_value(value, ITEMS)
    if isinstance(value, list):
        assert _plain(ours) == _plain(theirs)
    else:
        assert ours is Undefined  # the generic path decides (a lone item is a list of one)


def test_a_long_list_is_coerced_ahead_and_a_bad_one_left_to_graphql_core() -> None:
    ok = [
        {"clientId": str(n), "at": "2026-12-02T10:00:00Z", "kind": "ACTIVE", "seconds": 30}
        for n in range(MIN_ITEMS)
    ]
    rest, done = pre_coerce(SCHEMA, UPLOAD, {"items": ok})
    assert rest == {"items": []}
    assert _plain(done["items"]) == _plain(coerce_input_value(ok, ITEMS))
    bad = [*ok, {**ok[0], "seconds": "thirty"}]
    assert pre_coerce(SCHEMA, UPLOAD, {"items": bad}) == ({"items": bad}, {})
    short = ok[: MIN_ITEMS - 1]
    assert pre_coerce(SCHEMA, UPLOAD, {"items": short}) == ({"items": short}, {})


stamps = st.builds(
    lambda at, sep, zulu, spec: at.isoformat(sep=sep, timespec=spec).replace(
        "+00:00", "Z" if zulu else "+00:00"
    ),
    st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5, minutes=-30))])),
    st.sampled_from(["T", " "]),
    st.booleans(),
    st.sampled_from(["auto", "seconds", "minutes", "milliseconds", "microseconds"]),
)


@given(st.one_of(stamps, st.text(max_size=30)))
def test_the_datetime_parse_answers_what_dateutil_does(text: str) -> None:
    try:
        expected = isoparse(text)
    except (ValueError, OverflowError):
        return  # refused by Strawberry's parser either way (the fallback)
    parsed = parse_datetime(text)
    assert isinstance(parsed, datetime)
    assert (parsed, parsed.utcoffset()) == (expected, expected.utcoffset())


def test_junk_gets_strawberrys_error() -> None:
    with pytest.raises(StrawberryInputCoercionError, match="Value cannot represent a DateTime"):
        parse_datetime("yesterday")
