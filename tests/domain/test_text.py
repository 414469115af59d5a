"""Storable text: the fast check over whole values agrees with looking at every string."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from jts_domain.text import first_unstorable, is_storable

#: Text that is now and then NUL or a lone surrogate, among plain characters.
_TEXT = st.text(alphabet=st.sampled_from(["a", "é", "📦", "\x00", "\ud800", "\udc00", " "]))
_VALUES: st.SearchStrategy[Any] = st.recursive(
    _TEXT | st.integers() | st.none() | st.uuids(),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.lists(inner, max_size=5).map(tuple)
        | st.dictionaries(_TEXT, inner, max_size=4)
    ),
    max_leaves=25,
)


def _every_string(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *_every_string(v)]]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _every_string(item)]
    return []


@given(_VALUES)
def test_the_fast_check_finds_exactly_the_unstorable_values(value: Any) -> None:
    storable = all(is_storable(text) for text in _every_string(value))
    assert (first_unstorable(value) is None) == storable


@given(st.lists(st.sampled_from(["\ud800", "\udc00", "ok"]), min_size=2))
def test_lone_surrogates_stay_lone_when_strings_are_joined(parts: list[str]) -> None:
    assert (first_unstorable(parts) is None) == all(p == "ok" for p in parts)
