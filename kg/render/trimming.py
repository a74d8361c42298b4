"""Trimming a graph too large for a page: the most central nodes, whole threads, the
strongest edges. Pure functions; the graph given is never changed.
"""

from __future__ import annotations

import networkx as nx

MAX_NODES = 5000
MAX_EDGES = 12000


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
    ranked = sorted(graph.nodes, key=lambda n: (-metrics.get(n, {}).get("pagerank", 0.0), str(n)))
    return graph.subgraph(ranked[:limit]).copy(), graph.number_of_nodes() - limit


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
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    parts = sorted((sorted(c, key=str) for c in nx.connected_components(undirected)), key=lambda c: (-len(c), str(c[0])))
    keep: list = []
    kept = 0
    for part in parts:
        if len(keep) + len(part) <= limit:
            keep.extend(part)
            kept += 1
    return graph.subgraph(keep).copy(), kept, graph.number_of_nodes() - len(keep)


def trim_edges(graph: nx.Graph, limit: int = MAX_EDGES, value: str = "weight") -> tuple[nx.Graph, int]:
    """At most ``limit`` edges, the strongest by ``value`` (ties by name), with every node,
    and how many edges were left out. The graph given is not changed.

    >>> g = nx.Graph([("a", "b", {"weight": 3}), ("b", "c", {"weight": 1}), ("a", "c", {"weight": 2})])
    >>> sub, left_out = trim_edges(g, 2)
    >>> sorted(sub.edges), left_out, sub.number_of_nodes()
    ([('a', 'b'), ('a', 'c')], 1, 3)
    """
    if graph.number_of_edges() <= limit:
        return graph, 0
    ranked = sorted(graph.edges(data=True), key=lambda e: (-float(e[2].get(value, 1)), -float(e[2].get("weight", 1)),
                                                           str(e[0]), str(e[1])))
    out = graph.__class__()
    out.add_nodes_from(graph.nodes(data=True))
    out.add_edges_from(ranked[:limit])
    return out, graph.number_of_edges() - limit


__all__ = ["MAX_EDGES", "MAX_NODES", "trim", "trim_components", "trim_edges"]
