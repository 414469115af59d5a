"""Text JTS can store: no NUL character and no lone surrogate.

PostgreSQL ``text`` cannot hold NUL (``U+0000``), and a lone surrogate (``U+D800`` to
``U+DFFF`` outside a pair, which JSON's ``\\ud800`` escapes can produce in a Python
string) has no UTF-8 encoding. Input carrying either is refused before it reaches a
store; this module says what to refuse, for the API and the store alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
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


def _sort(values: Iterable[Any], texts: list[str], pending: list[Any]) -> None:
    """Strings to ``texts``, containers and the unknown to ``pending``, scalars dropped:
    one step per value of a long list instead of a trip through ``pending``."""
    for value in values:
        kind = type(value)
        if kind is str:
            texts.append(value)
        elif kind not in _SCALARS:
            pending.append(value)


def _all_storable(value: Any) -> bool:
    """Whether every string in a JSON-like value can be stored: the fast check, one regex
    search over all its strings (keys included) joined — lone surrogates stay lone when
    joined: a Python string never pairs them."""
    texts: list[str] = []
    pending = [value]
    while pending:
        item = pending.pop()
        kind = type(item)
        if kind is str:
            texts.append(item)
        elif kind is dict:
            try:  # JSON's keys: all strings, joined in one step
                texts.append("".join(item))
            except TypeError:
                texts.extend(str(key) for key in item)
            _sort(item.values(), texts, pending)
        elif kind is list or kind is tuple:
            _sort(item, texts, pending)
        elif kind in _SCALARS:
            continue
        elif isinstance(item, str):  # a subclass (an enum's value)
            texts.append(str(item))
        elif isinstance(item, Mapping):
            texts.extend(str(key) for key in item)
            pending.extend(item.values())
        elif isinstance(item, list | tuple):  # a named tuple
            pending.extend(item)
    return _UNSTORABLE.search("".join(texts)) is None
