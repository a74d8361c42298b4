"""Metrics of a projection: pure functions of a networkx graph, tested on tiny graphs.

Input: a graph (directed or not; edge ``weight`` where it matters). Output: plain dicts and
lists (deterministic for the same graph): centrality per node, communities, the nodes
that bridge them, co-citation, the co-occurrence graph weighted by PMI, counts per year.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import networkx as nx

from kg.analyze.projections import WindowTable

if TYPE_CHECKING:
    import scipy as sp

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
    (reply trees and bipartite graphs, where it says little and costs much). The values
    are networkx's (``pagerank``, ``betweenness_centrality`` with ``seed=42``), computed
    in C and numpy (:func:`pagerank_scores`, :func:`betweenness_scores`).

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
    nodes = list(graph)
    rank = pagerank_scores(graph, weight=weight)
    between = betweenness_scores(graph) if betweenness else []
    directed = graph.is_directed()
    adj = _adjacency(graph)
    pred = _adjacency(graph.reverse(copy=False)) if directed else adj
    out: dict[str, dict[str, float]] = {}
    for i, n in enumerate(nodes):
        succs = adj[n]
        if directed:
            preds = pred[n]
            degree = len(succs) + len(preds)
            # the sums of networkx's DiDegreeView, in its order (a float sum depends on it)
            strength = (sum(d.get(weight, 1) for d in succs.values()) + sum(d.get(weight, 1) for d in preds.values())
                        if weight else degree)
        else:
            degree = len(succs) + (n in succs)  # a self-loop counts twice
            strength = (sum(d.get(weight, 1) for d in succs.values()) + (n in succs and succs[n].get(weight, 1))
                        if weight else degree)
        m: dict[str, float] = {"degree": degree, "strength": round(float(strength), 6), "pagerank": round(rank[i], 6)}
        if betweenness:
            m["betweenness"] = round(between[i], 6)
        if directed:
            m["in_degree"] = len(preds)
            m["out_degree"] = len(succs)
        out[n] = m
    return out


def _adjacency(graph: nx.Graph) -> dict[str, dict[str, dict]]:
    """Each node's neighbours (successors) and edge data, as plain dicts: iterating them
    costs a fraction of iterating networkx's read-only views."""
    return dict(graph.adjacency())


def _matrix(graph: nx.Graph, weight: str | None) -> sp.sparse.csr_array:
    """The adjacency matrix (CSR, rows in ``graph.nodes`` order), as
    ``networkx.to_scipy_sparse_array`` gives it, read from the adjacency in one pass."""
    import numpy as np
    import scipy as sp

    index = {n: i for i, n in enumerate(graph)}
    counts: list[int] = []
    cols: list[int] = []
    data: list[float] = []
    for _, nbrs in graph.adjacency():  # both directions of an undirected edge, a self-loop once
        counts.append(len(nbrs))
        cols.extend(map(index.__getitem__, nbrs))
        if weight:
            data.extend([d.get(weight, 1) for d in nbrs.values()])
    n = len(index)
    rows = np.repeat(np.arange(n, dtype=np.int64), counts)
    values = np.array(data, dtype=float) if weight else np.ones(len(cols))
    return sp.sparse.coo_array((values, (rows, np.array(cols, dtype=np.int64))), shape=(n, n)).tocsr()


def pagerank_scores(graph: nx.Graph, weight: str | None = "weight", alpha: float = 0.85, max_iter: int = 100,
                    tol: float = 1.0e-6) -> list[float]:
    """PageRank of each node, in ``graph.nodes`` order: networkx's power iteration
    (``_pagerank_scipy``, step for step, so the same numbers) on a matrix built without
    networkx's edge views, which cost more than the iteration.

    >>> [round(x, 4) for x in pagerank_scores(nx.DiGraph([("a", "b"), ("c", "b")]))]
    [0.2128, 0.5745, 0.2128]
    """
    import numpy as np
    import scipy as sp

    n = graph.number_of_nodes()
    if n == 0:
        return []
    if edge_count(graph) == 0:
        return [1 / n] * n
    a = _matrix(graph, weight)
    s = a.sum(axis=1)
    s[s != 0] = 1.0 / s[s != 0]
    q = sp.sparse.dia_array((s.T, 0), shape=a.shape).tocsr()
    a = q @ a
    x = np.repeat(1.0 / n, n)
    p = np.repeat(1.0 / n, n)
    dangling = np.where(s == 0)[0]
    for _ in range(max_iter):
        last = x
        x = alpha * (x @ a + sum(x[dangling]) * p) + (1 - alpha) * p  # builtin sum, as networkx
        if np.absolute(x - last).sum() < n * tol:
            return [float(v) for v in x]
    raise nx.PowerIterationFailedConvergence(max_iter)


def betweenness_scores(graph: nx.Graph) -> list[float]:
    """Normalised betweenness of each node (hops), in ``graph.nodes`` order: the values
    of ``networkx.betweenness_centrality(graph, k, seed=42)`` with ``k`` from
    :func:`betweenness_sample_size` (the same sampled sources, the same scaling), the
    shortest paths counted by igraph.

    >>> [round(b, 3) for b in betweenness_scores(nx.path_graph(4))]
    [0.0, 0.667, 0.667, 0.0]
    """
    import random

    import igraph as ig

    nodes = list(graph)
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    directed = graph.is_directed()
    edges = [(index[u], index[v]) for u, v, _ in iter_edges(graph)]
    g = ig.Graph(n=n, edges=edges, directed=directed)
    k = betweenness_sample_size(graph)
    if k == n:
        k = None
    sources = None if k is None else random.Random(SEED).sample(nodes, k)  # networkx's sample for seed=42
    raw = g.betweenness(directed=directed, sources=None if sources is None else [index[s] for s in sources])
    if not directed:
        raw = [2 * b for b in raw]  # networkx counts the ordered pairs of an undirected graph
    pairs = n - 1  # the other nodes a path through a node can start from
    if pairs < 2:
        return [float(b) for b in raw]
    if k is None:
        scale = 1 / (pairs * (pairs - 1))
        return [b * scale for b in raw]
    # sampled: a source cannot be on its own paths (networkx's _rescale)
    chosen = set(sources or ())
    source_scale, other_scale = 1 / ((k - 1) * (pairs - 1)), 1 / (k * (pairs - 1))
    return [b * (source_scale if nodes[i] in chosen else other_scale) for i, b in enumerate(raw)]


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
    parts = _leiden(graph, weight)
    if parts is None:
        parts = nx.community.louvain_communities(_undirected(graph, weight), weight=weight, seed=SEED)
    return sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p))


def _undirected(graph: nx.Graph, weight: str | None) -> nx.Graph:
    """The undirected graph, with the weights of ``a -> b`` and ``b -> a`` added."""
    if not graph.is_directed():
        return graph
    out = nx.Graph()
    out.add_nodes_from(sorted(graph.nodes))
    out.add_weighted_edges_from(_undirected_edges(graph, weight))
    return out


def _undirected_edges(graph: nx.Graph, weight: str | None) -> list[tuple[str, str, float]]:
    """The edges ``(u, v, weight)`` of the graph taken as undirected. A directed graph's
    are sorted, ``u <= v``, with the weights of ``a -> b`` and ``b -> a`` added (in that
    order); an undirected graph's come as its edge view gives them (the earlier node in
    the graph's order first), read from the plain adjacency dicts."""
    if graph.is_directed():
        merged: dict[tuple[str, str], float] = {}
        for u, v, d in sorted(iter_edges(graph), key=lambda e: (e[0], e[1])):
            w = d.get(weight, 1.0) if weight else 1.0
            key = (u, v) if u <= v else (v, u)
            merged[key] = merged[key] + w if key in merged else w
        return [(u, v, float(w)) for (u, v), w in sorted(merged.items())]
    position = {n: i for i, n in enumerate(graph)}
    edges = []
    for u, nbrs in graph.adjacency():
        for v, d in nbrs.items():
            if position[u] <= position[v]:
                edges.append((u, v, float(d.get(weight, 1.0)) if weight else 1.0))
    return edges


def _leiden(graph: nx.Graph, weight: str | None) -> list[set[str]] | None:
    try:
        import igraph as ig
    except ImportError:
        return None
    import random

    nodes = sorted(graph.nodes)
    edges = _undirected_edges(graph, weight)
    index = {n: i for i, n in enumerate(nodes)}
    ordered = sorted(((index[u], index[v], w) for u, v, w in edges), key=lambda e: (e[0], e[1]))
    g = ig.Graph(n=len(nodes), edges=[(u, v) for u, v, _ in ordered])
    weights = [w for _, _, w in ordered] if weight else None
    ig.set_random_number_generator(random.Random(SEED))  # seeded: the same graph, the same parts
    try:
        parts = g.community_leiden(objective_function="modularity", weights=weights, n_iterations=-1)
    finally:
        ig.set_random_number_generator(random)
    return [{nodes[i] for i in part} for part in parts]


def iter_edges(graph: nx.Graph, among: set[Hashable] | None = None) -> Iterator[tuple[Hashable, Hashable, dict]]:
    """The edges ``(u, v, data)`` of ``graph.edges(data=True)``, in the same order and
    direction, read from the plain adjacency dicts (networkx's edge view costs several
    times more on a large graph); with ``among``, only the edges between those nodes.

    >>> list(iter_edges(nx.Graph([("a", "b"), ("b", "c")]), among={"b", "c"}))
    [('b', 'c', {})]
    """
    directed = graph.is_directed()
    done: set[Hashable] = set()
    for u, nbrs in graph.adjacency():
        if among is not None and u not in among:
            continue
        for v, d in nbrs.items():
            if (among is None or v in among) and v not in done:
                yield u, v, d
        if not directed:
            done.add(u)


def edge_count(graph: nx.Graph) -> int:
    """``graph.number_of_edges()``, counted from the adjacency dicts (networkx sums the
    degree view, several times slower on a large graph).

    >>> edge_count(nx.Graph([("a", "b"), ("b", "b")])), edge_count(nx.DiGraph([("a", "b"), ("b", "a")]))
    (2, 2)
    """
    if graph.is_directed():
        return sum(len(nbrs) for _, nbrs in graph.adjacency())
    return sum(len(nbrs) + (n in nbrs) for n, nbrs in graph.adjacency()) // 2


def component_count(graph: nx.Graph) -> int:
    """How many (weakly) connected components the graph has, counted by scipy.

    >>> component_count(nx.DiGraph([("a", "b"), ("c", "b"), ("x", "y")])), component_count(nx.Graph())
    (2, 0)
    """
    from scipy.sparse.csgraph import connected_components

    if graph.number_of_nodes() == 0:
        return 0
    return int(connected_components(_matrix(graph, None), directed=graph.is_directed(), connection="weak")[0])


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
    pairs: Counter[tuple[str, str]] = Counter()
    for citer in sorted(graph.nodes):
        cited = sorted(set(graph.successors(citer)) - {citer})
        for i, a in enumerate(cited):
            for b in cited[i + 1:]:
                pairs[(a, b)] += 1
    out = nx.Graph()
    out.add_edges_from((a, b, {"weight": w}) for (a, b), w in pairs.items())  # in the order first seen
    return out


def pmi_graph(windows: Sequence[set[str]] | WindowTable, min_count: int = 1) -> nx.Graph:
    """Co-occurrence graph weighted by normalised PMI over text windows.

    Each window is the set of concepts named in it (or a row of a
    :class:`~kg.analyze.projections.WindowTable`). An edge joins two concepts that share
    a window; ``count`` is how many, ``npmi`` their normalised pointwise mutual
    information (1: always together, 0: independent), and ``weight`` the positive part of
    NPMI so that frequent concepts do not dominate.

    >>> g = pmi_graph([{"a", "b"}, {"a", "b"}, {"c"}, {"a", "c"}])
    >>> g["a"]["b"]["count"], round(g["a"]["b"]["npmi"], 3)
    (2, 0.415)
    """
    import numpy as np

    table = windows if isinstance(windows, WindowTable) else WindowTable.of_windows(windows)
    n = len(table.keys)
    concepts = table.concepts
    single = np.bincount(table.concept, minlength=len(concepts)).tolist()
    a, b, _ = table.pairs()
    key = a * max(len(concepts), 1) + b
    _, starts, counts = np.unique(key, return_index=True, return_counts=True)
    graph = nx.Graph()
    graph.add_nodes_from((concept, {"count": count}) for concept, count in zip(concepts, single) if count)
    edges = []
    for i, j, count in zip(a[starts].tolist(), b[starts].tolist(), counts.tolist()):
        if count < min_count:
            continue
        p_ab = count / n
        pmi = math.log(p_ab / ((single[i] / n) * (single[j] / n)))
        npmi = pmi / -math.log(p_ab) if p_ab < 1 else 1.0
        edges.append((concepts[i], concepts[j],
                      {"count": count, "npmi": round(npmi, 6), "weight": round(max(npmi, 0.0) + 1e-6, 6)}))
    graph.add_edges_from(edges)  # one call: networkx clears its caches after each add_edge
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
    "BETWEENNESS_BUDGET", "BETWEENNESS_EXACT_LIMIT", "betweenness_sample_size", "betweenness_scores", "bridges", "centrality",
    "co_citation", "communities", "community_of", "component_count", "edge_count", "iter_edges", "pagerank_scores", "per_year",
    "pmi_graph",
]
