"""Metrics of a projection: pure functions of a networkx graph, tested on tiny graphs.

Input: a graph (directed or not; edge ``weight`` where it matters). Output: plain dicts and
lists (deterministic for the same graph): centrality per node, communities, the nodes
that bridge them, co-citation, the co-occurrence graph weighted by PMI, counts per year.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

import networkx as nx

#: Betweenness is exact up to this many nodes (it costs one search per node).
BETWEENNESS_EXACT_LIMIT = 1000
#: Above the limit, betweenness is estimated from ``k`` source nodes, with ``k`` chosen so
#: that ``k * (nodes + edges)`` stays near this budget (under a second here) and ``k >= 20``.
BETWEENNESS_BUDGET = 400_000
BETWEENNESS_MIN_SAMPLE = 20
SEED = 42


def betweenness_sample_size(graph: nx.Graph) -> int | None:
    """How many source nodes betweenness samples (``None``: exact).

    >>> betweenness_sample_size(nx.path_graph(10)) is None
    True
    >>> betweenness_sample_size(nx.empty_graph(40_000))
    20
    """
    n = graph.number_of_nodes()
    if n <= BETWEENNESS_EXACT_LIMIT:
        return None
    return min(n, max(BETWEENNESS_MIN_SAMPLE, BETWEENNESS_BUDGET // (n + graph.number_of_edges())))


def centrality(graph: nx.Graph, weight: str | None = "weight", betweenness: bool = True) -> dict[str, dict[str, float]]:
    """Degree, weighted degree (strength), PageRank and betweenness of every node; in- and
    out-degree too when the graph is directed.

    Betweenness counts hops (a weight is a strength, not a distance) and is sampled on
    large graphs (:func:`betweenness_sample_size`); ``betweenness=False`` leaves it out
    (reply trees and bipartite graphs, where it says little and costs much).

    >>> g = nx.Graph([("a", "b"), ("b", "c")])
    >>> m = centrality(g, weight=None)
    >>> m["b"]["degree"], round(m["b"]["betweenness"], 3), round(m["a"]["betweenness"], 3)
    (2, 1.0, 0.0)
    >>> d = centrality(nx.DiGraph([("a", "b"), ("c", "b")]))
    >>> d["b"]["in_degree"], d["b"]["out_degree"], d["a"]["pagerank"] < d["b"]["pagerank"]
    (2, 0, True)
    """
    if graph.number_of_nodes() == 0:
        return {}
    pagerank = nx.pagerank(graph, weight=weight) if graph.number_of_edges() else {n: 1 / len(graph) for n in graph}
    between = (nx.betweenness_centrality(graph, k=betweenness_sample_size(graph), seed=SEED, normalized=True)
               if betweenness else {})
    strength = dict(graph.degree(weight=weight)) if weight else dict(graph.degree())
    out: dict[str, dict[str, float]] = {}
    for n in graph.nodes:
        m: dict[str, float] = {
            "degree": graph.degree(n),
            "strength": round(float(strength[n]), 6),
            "pagerank": round(pagerank[n], 6),
        }
        if betweenness:
            m["betweenness"] = round(between[n], 6)
        if graph.is_directed():
            m["in_degree"] = graph.in_degree(n)
            m["out_degree"] = graph.out_degree(n)
        out[n] = m
    return out


def communities(graph: nx.Graph, weight: str | None = "weight") -> list[list[str]]:
    """Leiden communities (modularity; igraph's C implementation) or, without igraph,
    networkx's Louvain; largest first, deterministic for the same graph; a directed graph
    is taken as undirected.

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
    >>> communities(g, weight=None)
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    if graph.number_of_nodes() == 0:
        return []
    undirected = _undirected(graph, weight)
    parts = _leiden(undirected, weight)
    if parts is None:
        parts = nx.community.louvain_communities(undirected, weight=weight, seed=SEED)
    return sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p))


def _undirected(graph: nx.Graph, weight: str | None) -> nx.Graph:
    """The undirected graph, with the weights of ``a -> b`` and ``b -> a`` added."""
    if not graph.is_directed():
        return graph
    out = nx.Graph()
    out.add_nodes_from(sorted(graph.nodes))
    for u, v, data in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1])):
        w = data.get(weight, 1.0) if weight else 1.0
        if out.has_edge(u, v):
            out[u][v]["weight"] += w
        else:
            out.add_edge(u, v, weight=w)
    return out


def _leiden(graph: nx.Graph, weight: str | None) -> list[set[str]] | None:
    try:
        import igraph as ig
    except ImportError:
        return None
    import random

    nodes = sorted(graph.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    edges = sorted(((index[u], index[v], d) for u, v, d in graph.edges(data=True)), key=lambda e: (e[0], e[1]))
    g = ig.Graph(n=len(nodes), edges=[(u, v) for u, v, _ in edges])
    weights = [float(d.get(weight, 1.0)) for _, _, d in edges] if weight else None
    ig.set_random_number_generator(random.Random(SEED))  # seeded: the same graph, the same parts
    try:
        parts = g.community_leiden(objective_function="modularity", weights=weights, n_iterations=-1)
    finally:
        ig.set_random_number_generator(random)
    return [{nodes[i] for i in part} for part in parts]


def components(graph: nx.Graph) -> list[list[str]]:
    """Connected components as communities (a reply tree is its thread), largest first.

    >>> components(nx.Graph([("a", "b"), ("c", "d"), ("d", "e")]))
    [['c', 'd', 'e'], ['a', 'b']]
    """
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    return sorted((sorted(c) for c in nx.connected_components(undirected)), key=lambda p: (-len(p), p))


def community_of(parts: list[list[str]]) -> dict[str, int]:
    """The index of each node's community.

    >>> community_of([["a", "b"], ["c"]])
    {'a': 0, 'b': 0, 'c': 1}
    """
    return {n: i for i, part in enumerate(parts) for n in part}


def bridges(graph: nx.Graph, parts: list[list[str]], top: int = 10) -> list[str]:
    """Nodes that connect communities: neighbours in the most other communities, then
    the highest degree (ties by name).

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("c", "x"), ("x", "y")])
    >>> bridges(g, [["a", "b", "c"], ["x", "y"]])
    ['c', 'x']
    """
    index = community_of(parts)
    neighbours = (lambda n: set(graph.predecessors(n)) | set(graph.successors(n))) if graph.is_directed() else graph.neighbors
    scores = []
    for n in graph.nodes:
        outside = {index.get(m) for m in neighbours(n)} - {index.get(n)}
        if outside:
            scores.append((-len(outside), -graph.degree(n), n))
    return [n for _, _, n in sorted(scores)[:top]]


def co_citation(graph: nx.DiGraph) -> nx.Graph:
    """Who is cited together: two nodes are joined when one citer cites both; ``weight``
    is the number of citers that do.

    >>> g = nx.DiGraph([("p1", "a"), ("p1", "b"), ("p2", "a"), ("p2", "b"), ("p2", "c")])
    >>> cc = co_citation(g)
    >>> sorted((u, v, d["weight"]) for u, v, d in cc.edges(data=True))
    [('a', 'b', 2), ('a', 'c', 1), ('b', 'c', 1)]
    """
    out = nx.Graph()
    for citer in sorted(graph.nodes):
        cited = sorted(set(graph.successors(citer)) - {citer})
        for i, a in enumerate(cited):
            for b in cited[i + 1:]:
                if out.has_edge(a, b):
                    out[a][b]["weight"] += 1
                else:
                    out.add_edge(a, b, weight=1)
    return out


def pmi_graph(windows: list[set[str]], min_count: int = 1) -> nx.Graph:
    """Co-occurrence graph weighted by normalised PMI over text windows.

    Each window is the set of concepts named in it. An edge joins two concepts that share
    a window; ``count`` is how many, ``npmi`` their normalised pointwise mutual
    information (1: always together, 0: independent), and ``weight`` the positive part of
    NPMI so that frequent concepts do not dominate.

    >>> g = pmi_graph([{"a", "b"}, {"a", "b"}, {"c"}, {"a", "c"}])
    >>> g["a"]["b"]["count"], round(g["a"]["b"]["npmi"], 3)
    (2, 0.415)
    """
    n = len(windows)
    single: Counter[str] = Counter()
    pair: Counter[tuple[str, str]] = Counter()
    for w in windows:
        items = sorted(w)
        single.update(items)
        for i, a in enumerate(items):
            for b in items[i + 1:]:
                pair[(a, b)] += 1
    graph = nx.Graph()
    for concept, count in sorted(single.items()):
        graph.add_node(concept, count=count)
    for (a, b), count in sorted(pair.items()):
        if count < min_count:
            continue
        p_ab = count / n
        pmi = math.log(p_ab / ((single[a] / n) * (single[b] / n)))
        npmi = pmi / -math.log(p_ab) if p_ab < 1 else 1.0
        graph.add_edge(a, b, count=count, npmi=round(npmi, 6), weight=round(max(npmi, 0.0) + 1e-6, 6))
    return graph


def per_year(events: Iterable[tuple[str | None, str]]) -> dict[str, Counter[str]]:
    """Count keys per year: ``(date, key)`` pairs, dates as ``YYYY...``; undated ones are
    left out.

    >>> dict(per_year([("2009-08-01", "a"), ("2009-12-31", "a"), ("2013", "b"), (None, "c")]))
    {'2009': Counter({'a': 2}), '2013': Counter({'b': 1})}
    """
    out: dict[str, Counter[str]] = {}
    for date, key in events:
        if not date or len(date) < 4 or not date[:4].isdigit():
            continue
        out.setdefault(date[:4], Counter())[key] += 1
    return dict(sorted(out.items()))


__all__ = [
    "BETWEENNESS_BUDGET", "BETWEENNESS_EXACT_LIMIT", "betweenness_sample_size", "bridges", "centrality", "co_citation",
    "communities", "community_of", "per_year", "pmi_graph",
]
