"""The figures of ``stats.json``: an :class:`~kg.analyze.analysis.Analysis` as plain data.

Input: an analysis. Output: a JSON-ready dict, deterministic for the same graph: counts,
most cited people, organisations and works, central concepts, a summary of every
projection (size, most central nodes, communities, bridges), co-citation and figures
per year.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import networkx as nx

from kg.analyze.metrics import component_count, edge_count, iter_edges

if TYPE_CHECKING:
    from kg.analyze.analysis import Analysis

T = TypeVar("T")

TOP = 10
#: The counts of ``stats.json`` the report, the views' index and ``kg stats`` show, in order.
COUNTED = ("posts", "comments", "persons", "organisations", "concepts", "works", "citations", "affiliations")


def first(items: Iterable[T], k: int, key: Callable[[T], tuple], rank: Callable[[T], float]) -> list[T]:
    """``sorted(items, key=key)[:k]`` where ``key(x)[0] == rank(x)``: the full key (names
    looked up) is computed only for the items whose rank can place them among the first
    ``k``, not for each of thousands of nodes or edges.

    >>> first(["bb", "a", "c", "ab"], 2, key=lambda x: (len(x), x), rank=len)
    ['a', 'c']
    """
    items = list(items)
    if len(items) > k > 0:
        ranks = list(map(rank, items))
        bound = heapq.nsmallest(k, ranks)[-1]
        items = [x for x, r in zip(items, ranks) if r <= bound]
    return sorted(items, key=key)[:k]


def density(graph: nx.Graph, edges: int) -> float:
    """``networkx.density`` of a graph of ``edges`` edges (counted once, by the caller).

    >>> density(nx.path_graph(3), 2), density(nx.DiGraph([(0, 1)]), 1)
    (0.6666666666666666, 0.5)
    """
    n = graph.number_of_nodes()
    if edges == 0 or n <= 1:
        return 0
    d = edges / (n * (n - 1))
    return d * 2 if not graph.is_directed() else d


def cited_counts(analysis: Analysis) -> Counter[str]:
    """How many citations reach each node of the reference graph.

    >>> import networkx as nx
    >>> from kg.analyze.analysis import Analysis
    >>> a = Analysis(graphs={"references": nx.DiGraph([("a", "b", {"weight": 2}), ("c", "b", {"weight": 1})])})
    >>> cited_counts(a)
    Counter({'b': 3})
    """
    out: Counter[str] = Counter()
    for _, target, data in iter_edges(analysis.references):
        out[target] += data.get("weight", 1)
    return out


def projection_summary(analysis: Analysis, name: str, top: int = TOP) -> dict[str, Any]:
    """Size, most central nodes, communities and bridges of one projection."""
    graph = analysis.graphs[name]
    metrics = analysis.metrics.get(name, {})
    label = analysis.label

    def pagerank(x: tuple[str, dict[str, float]]) -> float:
        return -x[1]["pagerank"]

    def betweenness(x: tuple[str, dict[str, float]]) -> float:
        return -x[1].get("betweenness", 0)

    def node(n: str, m: dict[str, float]) -> dict[str, Any]:
        return {"name": label(n), "iri": n, "kind": analysis.kinds.get(n, "other"), **m}

    def members(part: list[str]) -> list[str]:
        def rank(n: str) -> float:
            return -metrics.get(n, {}).get("pagerank", 0)

        return [label(n) for n in first(part, 12, key=lambda n: (rank(n), label(n)), rank=rank)]

    parts = analysis.communities.get(name, [])
    edges = edge_count(graph)
    return {
        "nodes": graph.number_of_nodes(),
        "edges": edges,
        "directed": graph.is_directed(),
        "density": round(density(graph, edges), 6) if graph.number_of_nodes() else 0.0,
        "components": component_count(graph),
        "most_central": [node(n, m) for n, m in first(metrics.items(), top, key=lambda x: (pagerank(x), label(x[0]), x[0]),
                                                       rank=pagerank)],
        "most_between": [node(n, m) for n, m in first(metrics.items(), top, key=lambda x: (betweenness(x), label(x[0]), x[0]),
                                                       rank=betweenness)
                         if m.get("betweenness", 0) > 0],
        "communities": len(parts),
        "largest_communities": [{"size": len(p), "members": members(p)} for p in parts[:top]],
        "bridges": [label(n) for n in analysis.bridges.get(name, [])],
    }


def to_stats(analysis: Analysis, documents: int, skipped: list[str]) -> dict[str, Any]:
    """The figures of ``stats.json`` (the garbage collector paused meanwhile, as in
    :func:`~kg.analyze.analyze`)."""
    from kg.analyze.analysis import PROJECTIONS
    from kg.collector import collection_paused

    with collection_paused():
        return _to_stats(analysis, documents, skipped, PROJECTIONS)


def _to_stats(analysis: Analysis, documents: int, skipped: list[str], projections: tuple[str, ...]) -> dict[str, Any]:
    a = analysis
    cited = cited_counts(a)

    def ranked(kind: str) -> list[dict[str, Any]]:
        items = first(((n, c) for n, c in cited.items() if a.kinds.get(n) == kind), TOP,
                      key=lambda x: (-x[1], a.label(x[0]), x[0]), rank=lambda x: -x[1])
        return [{"name": a.label(n), "iri": n, "citations": c} for n, c in items]

    concepts = a.metrics.get("concepts", {})
    central = first(concepts.items(), TOP, key=lambda x: (-x[1]["pagerank"], a.label(x[0]), x[0]), rank=lambda x: -x[1]["pagerank"])
    pairs = first(iter_edges(a.co_citation), 20, key=lambda e: (-e[2]["weight"], *sorted((a.label(e[0]), a.label(e[1])))),
                  rank=lambda e: -e[2]["weight"])
    return {
        "documents": documents,
        "skipped": skipped,
        "counts": a.counts,
        "most_cited": {
            "people": ranked("person"),
            "organisations": ranked("organisation"),
            "works": a.cited_works,
        },
        "central_concepts": [
            {"name": a.label(n), "iri": n, **m, "documents": len(a.documents_of.get(n, []))} for n, m in central
        ],
        "projections": {name: projection_summary(a, name) for name in projections if name in a.graphs},
        "co_citation": [
            {"names": sorted([a.label(u), a.label(v)]), "iris": sorted([u, v]), "citers": d["weight"]} for u, v, d in pairs[:20]
        ],
        "years": a.years,
    }


__all__ = ["COUNTED", "cited_counts", "density", "first", "projection_summary", "to_stats"]
