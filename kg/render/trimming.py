"""Trimming a graph too large for a page: the most central nodes, whole threads, the
strongest edges. Pure functions; the graph given is never changed.

The smaller graph is built from the larger one's plain adjacency dicts, its nodes and
edges in the larger one's order: a networkx subgraph view iterates a small node set in
set order (which changes from one process to the next) and costs more to copy.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

import networkx as nx

from kg.analyze.metrics import iter_edges

MAX_NODES = 5000
MAX_EDGES = 12000

Edge = tuple[Hashable, Hashable, dict[str, Any]]


def trim(graph: nx.Graph, metrics: dict[str, dict[str, float]], limit: int = MAX_NODES) -> tuple[nx.Graph, int]:
    """The ``limit`` nodes of highest PageRank (ties by name) and the edges among them,
    and how many nodes were left out. The graph given is not changed.

    >>> g = nx.Graph([("a", "b"), ("b", "c")])
    >>> m = {"a": {"pagerank": .2}, "b": {"pagerank": .6}, "c": {"pagerank": .2}}
    >>> sub, left_out = trim(g, m, 2)
    >>> sorted(sub.nodes), left_out
    (['a', 'b'], 1)
    """
    if graph.number_of_nodes() <= limit:
        return graph, 0
    return subgraph(graph, most_central(graph, metrics, limit)), graph.number_of_nodes() - limit


def most_central(graph: nx.Graph, metrics: dict[str, dict[str, float]], limit: int) -> list[Hashable]:
    """The ``limit`` nodes of highest PageRank, ties by name."""
    return sorted(graph.nodes, key=lambda n: (-metrics.get(n, {}).get("pagerank", 0.0), str(n)))[:limit]


def trim_components(graph: nx.Graph, limit: int = MAX_NODES) -> tuple[nx.Graph, int, int]:
    """Whole connected components (threads), largest first (ties by their first node),
    as many as fit in ``limit`` nodes; the number of components kept and of nodes left
    out. The graph given is not changed.

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("x", "y"), ("p", "q")])
    >>> g.add_node("z")
    >>> sub, kept, left_out = trim_components(g, 5)
    >>> sorted(sub.nodes), kept, left_out
    (['a', 'b', 'c', 'p', 'q'], 2, 3)
    """
    if graph.number_of_nodes() <= limit:
        return graph, 0, 0
    keep, kept = largest_components(graph, limit)
    return subgraph(graph, keep), kept, graph.number_of_nodes() - len(keep)


def largest_components(graph: nx.Graph, limit: int) -> tuple[list[Hashable], int]:
    """The nodes of the largest whole (weakly) connected components that fit in ``limit``
    nodes, and how many components they are."""
    found = nx.weakly_connected_components(graph) if graph.is_directed() else nx.connected_components(graph)
    parts = sorted((sorted(c, key=str) for c in found), key=lambda c: (-len(c), str(c[0])))
    keep: list[Hashable] = []
    kept = 0
    for part in parts:
        if len(keep) + len(part) <= limit:
            keep.extend(part)
            kept += 1
    return keep, kept


def trim_edges(graph: nx.Graph, limit: int = MAX_EDGES, value: str = "weight") -> tuple[nx.Graph, int]:
    """At most ``limit`` edges, the strongest by ``value`` (ties by name: the names of
    an undirected edge's ends in order, whichever way the graph holds it), with every
    node, and how many edges were left out. The graph given is not changed.

    >>> g = nx.Graph([("a", "b", {"weight": 3}), ("b", "c", {"weight": 1}), ("a", "c", {"weight": 2})])
    >>> sub, left_out = trim_edges(g, 2)
    >>> sorted(sub.edges), left_out, sub.number_of_nodes()
    ([('a', 'b'), ('a', 'c')], 1, 3)
    """
    edges = list(iter_edges(graph))
    if len(edges) <= limit:
        return graph, 0
    return subgraph(graph, graph, strongest(edges, limit, value, graph.is_directed())), len(edges) - limit


def strongest(edges: list[Edge], limit: int, value: str = "weight", directed: bool = True) -> list[Edge]:
    """The ``limit`` strongest edges by ``value``, then ``weight``, then the names of
    their ends (in order for an undirected edge)."""
    def strength(e: Edge) -> tuple:
        ends = (str(e[0]), str(e[1]))
        return (-float(e[2].get(value, 1)), -float(e[2].get("weight", 1)), *(ends if directed else sorted(ends)))

    return sorted(edges, key=strength)[:limit]


def subgraph(graph: nx.Graph, nodes: Iterable[Hashable], edges: Iterable[Edge] | None = None) -> nx.Graph:
    """A new graph of ``nodes`` (in ``graph``'s order, whatever the order given) with
    their data, and ``edges`` (by default every edge among them, in ``graph``'s order).

    >>> sorted(subgraph(nx.DiGraph([("a", "b"), ("b", "c")]), ["c", "b"]).edges)
    [('b', 'c')]
    """
    keep = set(nodes)
    out = graph.__class__()
    out.graph.update(graph.graph)
    out.add_nodes_from((n, d) for n, d in graph.nodes(data=True) if n in keep)
    out.add_edges_from(iter_edges(graph, keep) if edges is None else edges)
    return out


__all__ = ["MAX_EDGES", "MAX_NODES", "largest_components", "most_central", "strongest", "subgraph", "trim",
           "trim_components", "trim_edges"]
