"""Text JTS can store: no NUL character and no lone surrogate.

PostgreSQL ``text`` cannot hold NUL (``U+0000``), and a lone surrogate (``U+D800`` to
``U+DFFF`` outside a pair, which JSON's ``\\ud800`` escapes can produce in a Python
string) has no UTF-8 encoding. Input carrying either is refused before it reaches a
store; this module says what to refuse, for the API and the store alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

UNSTORABLE_TEXT_MESSAGE = "must not contain NUL characters or unpaired surrogates"


def is_storable(text: str) -> bool:
    """Whether a string can be stored.

    >>> [is_storable(t) for t in ("shelf 3\\trestock \\U0001f4e6", "shelf\\x00", "\\ud800")]
    [True, False, False]
    """
    return _UNSTORABLE.search(text) is None


def _strings(value: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield path, str(key)
            yield from _strings(item, (*path, str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, str(index)))


def first_unstorable(value: Any, path: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """Where in a JSON-like value (strings, mappings, lists) the first unstorable string
    is, as the path of keys and list indexes leading to it; None when all can be stored.

    >>> first_unstorable({"input": {"title": "ok", "tags": ["a", "b\\x00"]}})
    ('input', 'tags', '1')
    >>> first_unstorable({"title": "fine"}) is None
    True
    """
    if _all_storable(value):
        return None
    for where, text in _strings(value, path):
        if not is_storable(text):
            return where
    return None  # pragma: no cover - _all_storable found an unstorable string


#: Types that hold no text: skipped without an (abstract-class) isinstance check.
_SCALARS = frozenset({str, int, float, bool, type(None), UUID, datetime, date, time, Decimal})


def _nested(item: object) -> bool:
    return isinstance(item, list | tuple | Mapping | str)


def _all_storable(value: Any) -> bool:
    """Whether every string in a JSON-like value can be stored: the fast check, one regex
    search over each list's strings joined (lone surrogates stay lone when joined: a
    Python string never pairs them), recursing only into nested lists and mappings."""
    kind = type(value)
    if kind is str:
        return _UNSTORABLE.search(value) is None
    if kind is list or kind is tuple:
        strings = [item for item in value if type(item) is str]
        if strings and _UNSTORABLE.search("".join(strings)) is not None:
            return False
        return all(
            _all_storable(item) for item in value if type(item) not in _SCALARS and _nested(item)
        )
    if isinstance(value, Mapping):
        keys = "".join(str(key) for key in value)
        return _UNSTORABLE.search(keys) is None and _all_storable(list(value.values()))
    if isinstance(value, str | list | tuple):  # subclasses (an enum's value, a named tuple)
        return _all_storable(str(value) if isinstance(value, str) else list(value))
    return True
