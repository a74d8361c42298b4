"""Where the analysis reads its rows: a store, or rows computed graph by graph.

Input: a pyoxigraph store (any graph: ``kg stats`` on a file), or the rows each named
graph gave when it was built (kept in the build cache beside the graph). Output: the
rows of the analysis queries of :mod:`kg.analyze.sparql`, as plain Python values.

Every query of :data:`GRAPH_QUERIES` is evaluated within one named graph at a time, so its
rows over the whole corpus are the concatenation of its rows over each graph; the
corpus-wide entity descriptions are read from their own graph (:data:`CORPUS_QUERIES`). A
build therefore computes a document's rows once, when its graph changes, and an
incremental build reads the cached rows of every other document instead of loading the
whole graph; on a store, the same queries give the same rows (:class:`StoreSource`).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import pyoxigraph as ox

from kg.analyze import ntriples, sparql
from kg.store import plain, query

log = logging.getLogger(__name__)

#: Queries whose rows over a union of graphs are the concatenation of their rows per graph.
GRAPH_QUERIES = ("POSTS", "COMMENTS", "SENTENCES", "MENTIONS", "CITATIONS", "MAKERS", "MEMBERSHIPS")
#: Queries of the corpus-wide entity descriptions.
CORPUS_QUERIES = ("ENTITIES", "ALIASES")

Row = tuple[Any, ...]


class Source(Protocol):
    """Rows of the analysis queries, by query name."""

    def rows(self, name: str) -> tuple[list[str], list[Row]]:
        """The query's variables and its rows (values in variable order)."""
        ...


class StoreSource:
    """Rows read by running each query on a store. A query of :data:`GRAPH_QUERIES` runs
    within each named graph (:func:`~kg.analyze.sparql.in_each_graph`), so that the rows
    are those the build computed graph by graph, even where a join across graphs would
    find more (a post's date for a pingback to it, in the linking document's graph); the
    other queries run on the union. A store without named graphs (a Turtle file) is one
    graph. Each query runs once: the reader asks for some rows twice."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.per_graph = next(iter(store.named_graphs()), None) is not None
        self.tables: dict[str, tuple[list[str], list[Row]]] = {}

    def rows(self, name: str) -> tuple[list[str], list[Row]]:
        if name not in self.tables:
            self.tables[name] = self._run(name)
        return self.tables[name]

    def _run(self, name: str) -> tuple[list[str], list[Row]]:
        t = time.perf_counter()
        text = getattr(sparql, name)
        per_graph = self.per_graph and name in GRAPH_QUERIES
        result = query(self.store, sparql.in_each_graph(text) if per_graph else text)
        names = [v.value for v in result.variables]
        first = 1 if per_graph else 0  # the graph, projected only to keep the graphs' rows apart
        out = [tuple(plain(solution[i]) for i in range(first, len(names))) for solution in result]
        log.debug("analyze: %s: %d rows in %.2f s", name, len(out), time.perf_counter() - t)
        return names[first:], out


class RowsSource:
    """Rows computed graph by graph (:func:`graph_rows`), concatenated."""

    def __init__(self, parts: Iterable[Mapping[str, Any]]):
        self.tables: dict[str, tuple[list[str], list[Row]]] = {}
        for part in parts:
            for name, table in part.items():
                names, rows = self.tables.setdefault(name, (table["vars"], []))
                rows.extend(tuple(r) for r in table["rows"])

    def rows(self, name: str) -> tuple[list[str], list[Row]]:
        return self.tables.get(name, ([], []))


def graph_rows(triples: Iterable[str], names: Iterable[str] = GRAPH_QUERIES) -> dict[str, dict[str, Any]]:
    """The rows one named graph, given as N-Triples lines without the final dot, gives
    for each query, JSON-ready (computed without a store: :mod:`kg.analyze.ntriples`)."""
    return ntriples.graph_rows(triples, names)


def dumps(rows: Mapping[str, Any]) -> bytes:
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


__all__ = ["CORPUS_QUERIES", "GRAPH_QUERIES", "RowsSource", "Source", "StoreSource", "dumps", "graph_rows"]
