"""Evidence read when first asked for: the sentences behind the edges and nodes a page draws.

Input: what :mod:`kg.analyze.reader` gathered (sentences, mentions, text windows). Output:
read-only mappings (:class:`Deferred`) whose values are made on first reading. A page
draws a few thousand of the tens of thousands of edges, in its own worker process; the
analysis itself, the figures and the report need none of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from kg.analyze.analysis import Evidence
from kg.analyze.projections import WindowTable, shared_windows

K = TypeVar("K")
V = TypeVar("V")


class Deferred(Mapping[K, V]):
    """A read-only mapping whose values are made when first read, each from the inputs of
    its key (``inputs``: a mapping, or a function making it when first needed).

    >>> d = Deferred(lambda: {"a": 2}, lambda key, n: key * n)
    >>> d["a"], list(d), d.get("b")
    ('aa', ['a'], None)
    """

    def __init__(self, inputs: Mapping[K, Any] | Callable[[], Mapping[K, Any]], make: Callable[[K, Any], V]):
        self._inputs = inputs
        self._make = make
        self._made: dict[K, V] = {}

    @property
    def inputs(self) -> Mapping[K, Any]:
        if callable(self._inputs):
            self._inputs = self._inputs()
        return self._inputs

    def __getitem__(self, key: K) -> V:
        if key not in self._made:
            self._made[key] = self._make(key, self.inputs[key])
        return self._made[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self.inputs)

    def __len__(self) -> int:
        return len(self.inputs)


class ConceptPassages:
    """The passages behind each edge of the concept graph: for each pair of concepts, the
    sentences of the first windows they share that name either, one passage per window."""

    def __init__(self, windows: WindowTable, mentions: list[tuple[str, str, int]], window: int, begins: dict[str, list[int]],
                 text_at: dict[tuple[str, int], str], document_of: dict[str, str]):
        self.windows = windows
        self.mentions = mentions  # (concept, context, position)
        self.window = window
        self.begins = begins  # the sentences of each context, in order
        self.text_at = text_at  # (context, begin) -> text
        self.document_of = document_of  # context -> document
        self.named: dict[tuple[str, int], set[str]] = {}
        self.passages: dict[tuple[str, int], list[tuple[set[str], str]]] = {}  # window -> (concepts, text) of its sentences

    def shared(self) -> dict[tuple[str, str], list[tuple[str, int]]]:
        """The windows each pair shares (and the concepts named in each sentence)."""
        for concept, context, i in self.mentions:
            self.named.setdefault((context, i), set()).add(concept)
        return shared_windows(self.windows)

    def evidence(self, pair: tuple[str, str], keys: list[tuple[str, int]]) -> list[Evidence]:
        u, v = pair
        found: list[Evidence] = []
        seen: set[tuple[str, str]] = set()
        for key in keys:
            parts = [text for names, text in self._passage(key) if u in names or v in names]
            if parts:
                sentence, document = " … ".join(parts), self.document_of.get(key[0], "")
                if (sentence, document) not in seen:
                    seen.add((sentence, document))
                    found.append({"sentence": sentence, "document": document})
        return found

    def _passage(self, key: tuple[str, int]) -> list[tuple[set[str], str]]:
        if key not in self.passages:
            context, j = key
            begins = self.begins.get(context, [])
            self.passages[key] = [(self.named.get((context, i), set()), self.text_at[(context, begins[i])])
                                  for i in range(max(j, 0), min(j + self.window + 1, len(begins)))]
        return self.passages[key]


__all__ = ["ConceptPassages", "Deferred"]
