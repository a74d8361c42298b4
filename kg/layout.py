"""Node positions for drawing a graph: fast, deterministic, for thousands of nodes.

Input: a networkx graph. Output: ``{node: (x, y)}`` in units of about one edge length.

``networkx.spring_layout`` takes about 30 s for 5,000 nodes on this class of machine (it
repels every pair of nodes). Here each connected component starts from a pivot MDS
embedding (Brandes & Pich 2006: shortest-path distances to ~50 pivot nodes, reduced to
two dimensions by an SVD; sparse and linear in the size of the graph), then a few
force-directed steps tidy it locally, with repulsion only between nodes closer than a
few edge lengths (found with a KD-tree). Components are then packed in rows, largest
first. 5,000 nodes take about 1-2 s.
"""

from __future__ import annotations

import math
from collections.abc import Hashable

import networkx as nx
import numpy as np

PIVOTS = 50
SEED = 42
_FAR = 1.0e6  # components are laid out this far apart, then packed


def pivot_mds(graph: nx.Graph, pivots: int = PIVOTS) -> np.ndarray:
    """Two-dimensional pivot MDS of a connected graph, rows in ``graph.nodes`` order.

    >>> xy = pivot_mds(nx.path_graph(5))
    >>> xy.shape, bool(abs(xy[0, 0] - xy[4, 0]) > abs(xy[0, 0] - xy[1, 0]))
    ((5, 2), True)
    """
    from scipy.sparse.csgraph import shortest_path

    n = graph.number_of_nodes()
    matrix = nx.to_scipy_sparse_array(graph, nodelist=list(graph.nodes), weight=None, format="csr")
    if n <= pivots:  # every node is a pivot: one call for all distances
        rows = list(shortest_path(matrix, directed=False, unweighted=True))
    else:
        chosen = [0]
        rows = []
        nearest = np.full(n, np.inf)
        for _ in range(pivots):
            d = shortest_path(matrix, directed=False, unweighted=True, indices=[chosen[-1]])[0]
            rows.append(d)
            nearest = np.minimum(nearest, d)
            far = int(np.argmax(nearest))
            if nearest[far] == 0:
                break
            chosen.append(far)
    d2 = np.array(rows).T ** 2  # n x k
    c = -0.5 * (d2 - d2.mean(axis=0) - d2.mean(axis=1)[:, None] + d2.mean())
    u, s, _ = np.linalg.svd(c, full_matrices=False)
    out = np.zeros((n, 2))
    k = min(2, len(s))
    out[:, :k] = u[:, :k] * s[:k]
    return out


def _initial(component: nx.Graph, rng: np.random.Generator) -> np.ndarray:
    n = component.number_of_nodes()
    if n == 1:
        return np.zeros((1, 2))
    if n <= 6:
        angles = np.arange(n) * 2 * math.pi / n
        return np.column_stack([np.cos(angles), np.sin(angles)]) * 0.8
    xy = pivot_mds(component)
    lengths = [np.linalg.norm(xy[i] - xy[j]) for i, j in _edge_index(component)]
    scale = float(np.median(lengths)) if lengths else 1.0
    xy = xy / (scale if scale > 1e-9 else 1.0)
    # Small-world graphs embed in a small disc; spread them to about one node per unit
    # of area so that the local repulsion below has few pairs to look at.
    spread = math.sqrt(float((xy * xy).sum(axis=1).mean())) or 1.0
    xy *= max(1.0, 0.6 * math.sqrt(n) / spread)
    # Nodes with the same distances to every pivot (leaves of one hub) start together:
    # a small jitter lets the forces separate them.
    return xy + rng.normal(scale=0.3, size=xy.shape)


def _edge_index(graph: nx.Graph) -> list[tuple[int, int]]:
    index = {n: i for i, n in enumerate(graph.nodes)}
    return [(index[u], index[v]) for u, v in graph.edges if u != v]


def _refine(xy: np.ndarray, edges: np.ndarray, iterations: int, radius: float = 2.5) -> np.ndarray:
    """Fruchterman-Reingold steps with local repulsion (pairs closer than ``radius``)."""
    from scipy.spatial import cKDTree

    xy = xy.copy()
    step = 2.0
    for _ in range(iterations):
        move = np.zeros_like(xy)
        pairs = cKDTree(xy).query_pairs(radius, output_type="ndarray")
        if len(pairs):
            d = xy[pairs[:, 0]] - xy[pairs[:, 1]]
            force = d / ((d * d).sum(axis=1) + 1e-3)[:, None]
            np.add.at(move, pairs[:, 0], force)
            np.add.at(move, pairs[:, 1], -force)
        if len(edges):
            d = xy[edges[:, 0]] - xy[edges[:, 1]]
            force = d * np.sqrt((d * d).sum(axis=1))[:, None]
            np.add.at(move, edges[:, 0], -force)
            np.add.at(move, edges[:, 1], force)
        length = np.sqrt((move * move).sum(axis=1)) + 1e-9
        xy += move / length[:, None] * np.minimum(length, step)[:, None]
        step *= 0.9
    return xy


def _pack(boxes: list[tuple[float, float]], margin: float = 1.5) -> list[tuple[float, float]]:
    """Offsets placing boxes ``(width, height)`` in rows (largest first, as given)."""
    area = sum((w + margin) * (h + margin) for w, h in boxes)
    row_width = max(math.sqrt(area) * 1.3, max((w for w, _ in boxes), default=0.0))
    out = []
    x = y = row_height = 0.0
    for w, h in boxes:
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height + margin, 0.0
        out.append((x, y))
        x += w + margin
        row_height = max(row_height, h)
    return out


def layout(graph: nx.Graph, iterations: int = 40, seed: int = SEED) -> dict[Hashable, tuple[float, float]]:
    """Positions of every node, about one unit per edge, deterministic for the same graph.

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("x", "y")])
    >>> pos = layout(g)
    >>> sorted(pos) == ["a", "b", "c", "x", "y"], pos == layout(g)
    (True, True)
    >>> round(math.dist(pos["a"], pos["b"]), 0) <= 2
    True
    """
    if graph.number_of_nodes() == 0:
        return {}
    undirected = nx.Graph(graph.to_undirected(as_view=True) if graph.is_directed() else graph)
    undirected.remove_edges_from(list(nx.selfloop_edges(undirected)))
    rng = np.random.default_rng(seed)
    components = sorted((sorted(c, key=str) for c in nx.connected_components(undirected)), key=lambda c: (-len(c), str(c[0])))
    nodes: list[Hashable] = []
    parts: list[np.ndarray] = []
    for k, members in enumerate(components):
        sub = nx.Graph()
        sub.add_nodes_from(members)
        sub.add_edges_from(undirected.subgraph(members).edges)
        xy = _initial(sub, rng)
        xy[:, 0] += k * _FAR  # far apart: the local forces never mix two components
        parts.append(xy)
        nodes.extend(sub.nodes)
    xy = np.vstack(parts)
    index = {n: i for i, n in enumerate(nodes)}
    edges = np.array([(index[u], index[v]) for u, v in undirected.edges], dtype=np.int64).reshape(-1, 2)
    xy = _refine(xy, edges, iterations)
    # Pack the components in rows.
    boxes, start = [], 0
    spans = []
    for members in components:
        block = xy[start:start + len(members)]
        low = block.min(axis=0)
        spans.append((start, len(members), low))
        boxes.append(tuple(block.max(axis=0) - low))
        start += len(members)
    for (begin, size, low), (ox, oy) in zip(spans, _pack(boxes)):
        xy[begin:begin + size] += np.array([ox, oy]) - low
    xy -= xy.mean(axis=0)
    return {n: (round(float(xy[i, 0]), 3), round(float(xy[i, 1]), 3)) for i, n in enumerate(nodes)}


__all__ = ["layout", "pivot_mds"]
