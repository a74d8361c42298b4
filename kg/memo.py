"""Memo tables for the pure functions of a word that extraction asks again and again.

Input: a function of one string. Output: the same function, remembering its answers in a
plain ``dict`` (forgotten all at once when it holds ``size`` of them).

Not ``functools.lru_cache``: its entries form a linked list that every full garbage
collection walks, one cache miss per entry, and with a few caches of 10^5 words each a
collection took 0.15 s and an extraction worker spent a tenth of its time in them. A
``dict`` that holds only strings, numbers and ``None`` is not tracked by the collector at
all; one holding tuples is tracked, but scanned as one array.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

V = TypeVar("V")

#: Answers kept per function before its table starts over.
SIZE = 1 << 17


class Memoised(Protocol[V]):
    """What :func:`memoised` returns: the function, with its ``table`` of answers."""

    table: dict[str, V]

    def __call__(self, key: str) -> V: ...


def memoised(function: Callable[[str], V], size: int = SIZE) -> Memoised[V]:
    """``function`` with its answers remembered (an answer ``None`` is not: it is asked again).

    >>> calls = []
    >>> double = memoised(lambda s: calls.append(s) or s * 2)
    >>> double("ab"), double("ab"), calls
    ('abab', 'abab', ['ab'])
    """
    table: dict[str, V] = {}

    @functools.wraps(function)
    def lookup(key: str) -> V:
        value = table.get(key)
        if value is None:
            if len(table) >= size:
                table.clear()
            value = table[key] = function(key)
        return value

    lookup.table = table  # type: ignore[attr-defined]
    return lookup  # type: ignore[return-value]


def memo_map(function: Memoised[V], keys: Iterable[str]) -> list[V]:
    """``[function(k) for k in keys]``, reading the remembered answers without a Python call
    per key (``function`` must never answer ``None``).

    >>> memo_map(memoised(str.upper), ["a", "b", "a"])
    ['A', 'B', 'A']
    """
    keys = keys if isinstance(keys, list) else list(keys)
    values = list(map(function.table.get, keys))
    if None in values:
        values = [function(k) if v is None else v for k, v in zip(keys, values)]
    return values
