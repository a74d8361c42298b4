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
#: Components of at least this many nodes get global (ForceAtlas2-style) forces.
LARGE = 100
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
    """Starting positions of a connected component, rows in ``component.nodes`` order."""
    n = component.number_of_nodes()
    if n == 1:
        return np.zeros((1, 2))
    if n <= 6:
        angles = np.arange(n) * 2 * math.pi / n
        return np.column_stack([np.cos(angles), np.sin(angles)]) * 0.8
    nodes = list(component.nodes)
    index = {v: i for i, v in enumerate(nodes)}
    # Leaves (commenters of one post, authors naming one concept) say nothing about the
    # global shape and make MDS collapse them onto one point: the core is embedded, and
    # each leaf is set beside its one neighbour.
    leaves = [v for v in nodes if component.degree(v) == 1]
    core = [v for v in nodes if component.degree(v) > 1]
    if len(core) < 3:
        core, leaves = nodes, []
    sub = _induced(component, core)
    xy_core = pivot_mds(sub)
    lengths = [np.linalg.norm(xy_core[i] - xy_core[j]) for i, j in _edge_index(sub)]
    scale = float(np.median(lengths)) if lengths else 1.0
    xy_core = xy_core / (scale if scale > 1e-9 else 1.0)
    # Small-world graphs embed in a small disc; spread them to about one node per unit
    # of area so that the local repulsion below starts from few overlaps.
    spread = math.sqrt(float((xy_core * xy_core).sum(axis=1).mean())) or 1.0
    xy_core *= max(1.0, 0.6 * math.sqrt(len(core)) / spread)
    # Nodes with the same distances to every pivot start together: a jitter lets the
    # forces separate them.
    xy_core += rng.normal(scale=0.3, size=xy_core.shape)
    xy = np.zeros((n, 2))
    for i, v in enumerate(core):
        xy[index[v]] = xy_core[i]
    around: dict[Hashable, int] = {}
    golden = math.pi * (3 - math.sqrt(5))
    for v in leaves:
        hub = next(iter(component.neighbors(v)))
        k = around.get(hub, 0)
        around[hub] = k + 1
        # a sunflower disc around the hub: evenly spread however many leaves it has
        r = 0.9 * math.sqrt(k + 1)
        xy[index[v]] = xy[index[hub]] + r * np.array([math.cos(k * golden), math.sin(k * golden)])
    return xy


def _induced(graph: nx.Graph, nodes: list[Hashable]) -> nx.Graph:
    """The subgraph on ``nodes``, its nodes in that order and its edges in ``graph``'s.

    (A networkx subgraph view iterates a small node set in set order, which changes from
    one process to the next, and does not keep the order of ``nodes`` that callers use.)
    """
    inside = set(nodes)
    sub = nx.Graph()
    sub.add_nodes_from(nodes)
    sub.add_edges_from((u, v) for u, v in graph.edges(nodes) if u in inside and v in inside)
    return sub


def _edge_index(graph: nx.Graph) -> list[tuple[int, int]]:
    index = {n: i for i, n in enumerate(graph.nodes)}
    return [(index[u], index[v]) for u, v in graph.edges if u != v]


def _refine(xy: np.ndarray, edges: np.ndarray, iterations: int, radius: float = 2.5, neighbours: int = 12) -> np.ndarray:
    """Fruchterman-Reingold steps with local repulsion: each node is pushed away only by
    its ``neighbours`` nearest nodes closer than ``radius`` (a KD-tree query), so a step
    costs O(n log n) even where many nodes start in one place."""
    from scipy.spatial import cKDTree

    xy = xy.copy()
    n = len(xy)
    k = min(neighbours + 1, n)
    # The first steps may cross a tenth of the widest component; the last ones tidy.
    widest = max((float(np.ptp(xy[:, 1])), 2.0))
    step = max(2.0, widest / 10)
    cooling = (0.1 / step) ** (1 / max(iterations - 1, 1))

    def add(target: np.ndarray, index: np.ndarray, force: np.ndarray) -> None:
        # np.add.at is slow; bincount sums the forces per node in one pass
        target[:, 0] += np.bincount(index, weights=force[:, 0], minlength=n)
        target[:, 1] += np.bincount(index, weights=force[:, 1], minlength=n)

    for _ in range(iterations):
        move = np.zeros_like(xy)
        if k > 1:
            _, near = cKDTree(xy).query(xy, k=k, distance_upper_bound=radius, workers=-1 if n > 4000 else 1)
            rows = np.repeat(np.arange(n), k - 1)
            cols = near[:, 1:].ravel()
            ok = cols < n
            rows, cols = rows[ok], cols[ok]
            d = xy[rows] - xy[cols]
            add(move, rows, d / ((d * d).sum(axis=1) + 1e-3)[:, None])
        if len(edges):
            d = xy[edges[:, 0]] - xy[edges[:, 1]]
            force = d * np.sqrt((d * d).sum(axis=1))[:, None]
            add(move, edges[:, 0], -force)
            add(move, edges[:, 1], force)
        length = np.sqrt((move * move).sum(axis=1)) + 1e-9
        xy += move / length[:, None] * np.minimum(length, step)[:, None]
        step *= cooling
    return xy


def _force_atlas(xy: np.ndarray, edges: np.ndarray, iterations: int = 50, cells: int = 20, chunk: int = 2048) -> np.ndarray:
    """ForceAtlas2-style steps for one large connected component: linear attraction
    along edges, repulsion between all nodes in proportion to (degree + 1) of both
    (through the centres of mass of a grid of ``cells`` x ``cells``, plus the 12 nearest
    nodes exactly), and a weak gravity to the centre, so that hubs do not pull
    everything into one clump. Returns positions scaled to a median edge length of 1."""
    from scipy.spatial import cKDTree

    xy = xy.copy()
    n = len(xy)
    mass = np.bincount(edges.ravel(), minlength=n).astype(float) + 1.0
    k = min(13, n)
    step = max(2.0, float(np.ptp(xy, axis=0).max()) / 10)
    cooling = (0.05 / step) ** (1 / max(iterations - 1, 1))
    for _ in range(iterations):
        move = np.zeros_like(xy)
        low = xy.min(axis=0)
        size = float(np.ptp(xy, axis=0).max()) / cells + 1e-9
        cell = np.minimum(((xy - low) / size).astype(np.int64), cells - 1)
        cid = cell[:, 0] * cells + cell[:, 1]
        cm = np.bincount(cid, weights=mass, minlength=cells * cells)
        used = np.nonzero(cm)[0]
        cx = np.bincount(cid, weights=mass * xy[:, 0], minlength=cells * cells)[used] / cm[used]
        cy = np.bincount(cid, weights=mass * xy[:, 1], minlength=cells * cells)[used] / cm[used]
        where = np.searchsorted(used, cid)  # each node's own cell among the used ones
        for a in range(0, n, chunk):
            b = min(a + chunk, n)
            dx = xy[a:b, 0, None] - cx[None, :]
            dy = xy[a:b, 1, None] - cy[None, :]
            f = mass[a:b, None] * cm[None, used] / (dx * dx + dy * dy + 1e-2)
            own = np.arange(b - a), where[a:b]
            # the own cell pushes from its centre with the mass of the others in it
            f[own] *= (cm[used][where[a:b]] - mass[a:b]) / cm[used][where[a:b]]
            move[a:b, 0] += (dx * f).sum(axis=1)
            move[a:b, 1] += (dy * f).sum(axis=1)
        _, near = cKDTree(xy).query(xy, k=k, workers=-1 if n > 4000 else 1)
        rows = np.repeat(np.arange(n), k - 1)
        cols = near[:, 1:].ravel()
        d = xy[rows] - xy[cols]
        f = (mass[rows] * mass[cols] / ((d * d).sum(axis=1) + 1e-2))[:, None] * d
        move[:, 0] += np.bincount(rows, weights=f[:, 0], minlength=n)
        move[:, 1] += np.bincount(rows, weights=f[:, 1], minlength=n)
        d = xy[edges[:, 0]] - xy[edges[:, 1]]
        for column in (0, 1):
            move[:, column] -= np.bincount(edges[:, 0], weights=d[:, column], minlength=n)
            move[:, column] += np.bincount(edges[:, 1], weights=d[:, column], minlength=n)
        centre = xy - xy.mean(axis=0)
        distance = np.sqrt((centre * centre).sum(axis=1)) + 1e-9
        move -= (mass / distance)[:, None] * centre
        length = np.sqrt((move * move).sum(axis=1)) + 1e-9
        xy += move / length[:, None] * np.minimum(length, step)[:, None]
        step *= cooling
    lengths = np.sqrt(((xy[edges[:, 0]] - xy[edges[:, 1]]) ** 2).sum(axis=1)) if len(edges) else np.ones(1)
    scale = float(np.median(lengths)) or 1.0
    return (xy - xy.mean(axis=0)) / scale


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


def layout(graph: nx.Graph, iterations: int = 60, seed: int = SEED) -> dict[Hashable, tuple[float, float]]:
    """Positions of every node, about one unit per edge, deterministic for the same graph
    whatever the order its nodes and edges were added in.

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("x", "y")])
    >>> pos = layout(g)
    >>> sorted(pos) == ["a", "b", "c", "x", "y"], pos == layout(g)
    (True, True)
    >>> round(math.dist(pos["a"], pos["b"]), 0) <= 2
    True
    """
    if graph.number_of_nodes() == 0:
        return {}
    # Nodes and edges in an order of their own: the force sums (and so the positions) must
    # not depend on the order the graph was built in, which follows set iteration (string
    # hashing differs from one process to the next).
    def key(node: Hashable) -> str:
        return str(node)

    undirected = nx.Graph()
    undirected.add_nodes_from(sorted(graph.nodes, key=key))
    undirected.add_edges_from(sorted((tuple(sorted((u, v), key=key)) for u, v in graph.edges if u != v),
                                     key=lambda e: (key(e[0]), key(e[1]))))
    rng = np.random.default_rng(seed)
    components = sorted((sorted(c, key=str) for c in nx.connected_components(undirected)), key=lambda c: (-len(c), str(c[0])))
    nodes: list[Hashable] = []
    parts: list[np.ndarray] = []
    for k, members in enumerate(components):
        sub = _induced(undirected, members)
        xy = _initial(sub, rng)
        if sub.number_of_nodes() >= LARGE:
            xy = _force_atlas(xy, np.array(_edge_index(sub), dtype=np.int64).reshape(-1, 2))
        xy[:, 0] += k * _FAR  # far apart: the local forces never mix two components
        parts.append(xy)
        nodes.extend(sub.nodes)
    xy = np.vstack(parts)
    index = {n: i for i, n in enumerate(nodes)}
    # The small components are tidied together: local forces are enough for them.
    small = sum(len(c) for c in components if len(c) >= LARGE)
    if small < len(nodes):
        rest = {n for c in components if len(c) < LARGE for n in c}
        edges = np.array([(index[u] - small, index[v] - small) for u, v in undirected.edges if u in rest],
                         dtype=np.int64).reshape(-1, 2)
        xy[small:] = _refine(xy[small:], edges, iterations)
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
